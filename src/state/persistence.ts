// The one table that says where each piece of state may live (excalidraw's APP_STATE_STORAGE_CONF idea):
//   link    — may travel in a share link (and therefore also in local history)
//   history — may be kept in this browser's IndexedDB history, never in a link
//   none    — kept in memory only (secrets, file contents, transient UI)
// Spec keys must all be listed here; `linkSafeSpec` drops anything not marked `link` before encoding.
import type { AlignbeamSpec } from './specs/alignbeam';
import type { CircuitsSpec } from './specs/circuits';
import type { CurationSpec } from './specs/curation';
import type { EditsSpec } from './specs/edits';
import type { EnsemblesSpec } from './specs/ensembles';
import type { TabularSpec } from './specs/tabular';
import type { ModuleId } from './modules';

export type Persistence = 'link' | 'history' | 'none';

type Table<S> = { [K in keyof Required<S>]: Persistence };

const ensembles: Table<EnsemblesSpec> = {
  seed: 'link', backend: 'link', pool: 'link', strategies: 'link', metric: 'link', selectionMetric: 'link', alpha: 'link', cliqueTest: 'link',
  caruanaIterations: 'link', statistics: 'link',
};
const tabular: Table<TabularSpec> = {
  seed: 'link', backend: 'link', view: 'link', dataset: 'link', header: 'link', userTeacher: 'link', target: 'link', sensitive: 'link', sensitiveThreshold: 'link',
  teachers: 'link', strategies: 'link',
  contextSizes: 'link', folds: 'link', cutoff: 'link', tfmFeed: 'link', distill: 'link', protocol: 'link',
};
const edits: Table<EditsSpec> = {
  seed: 'link', job: 'link', base: 'link', aligned: 'link', target: 'link', circuit: 'link', output: 'link', strength: 'link', quant: 'link',
  blockSize: 'link', mode: 'link', unlearn: 'link', browserRun: 'link', cdelta: 'link',
};

// A user CSV suite is referenced by name + sha256 (its rows stay in memory); the prompt is user text the link
// must carry to reproduce a playground run.
const alignbeam: Table<AlignbeamSpec> = {
  seed: 'link', backend: 'link', tab: 'link', pair: 'link', models: 'link', prompt: 'link', settings: 'link', grid: 'link', suites: 'link',
  csv: 'link', limit: 'link', baselines: 'link',
};

// Custom prompt pairs are short user text a link needs to reproduce an attribution; imported graph files never
// enter a spec.
const circuits: Table<CircuitsSpec> = {
  seed: 'link', model: 'link', tab: 'link', pairs: 'link', metric: 'link', method: 'link', steps: 'link', tau: 'link', extraction: 'link', ablation: 'link',
  prompt: 'link', topEdges: 'link', view: 'link',
};

// An uploaded corpus is named by file name + sha256 (its bytes stay in the page); everything else is settings.
const curation: Table<CurationSpec> = {
  seed: 'link', corpus: 'link', chunking: 'link', generators: 'link', decoding: 'link', injection: 'link', gates: 'link', recovery: 'link',
};

export const SPEC_PERSISTENCE: Partial<Record<ModuleId, Record<string, Persistence>>> = { ensembles, tabular, edits, alignbeam, circuits, curation };

/** State outside module specs. */
export const APP_STATE_PERSISTENCE = {
  sidecarToken: 'none', // a bearer token printed by the sidecar: a secret
  sidecarUrl: 'history',
  hubUrl: 'history', // the hub (or mirror, or loopback hub) hub ids resolve on: a per-browser setting, like the sidecar URL
  uploadedFileContents: 'none', // user data: never in a URL; pools/datasets are referenced by sha256
  uploadedFileMeta: 'history',
  resultSummary: 'history',
  resultDigest: 'link', // lets a link check that re-running reproduced the same result
  activeBackend: 'none',
} as const satisfies Record<string, Persistence>;

export function persistenceOf(module: ModuleId, key: string): Persistence {
  return SPEC_PERSISTENCE[module]?.[key] ?? 'none';
}

/** The subset of a spec that may go into a link. Unknown keys are dropped (default: nowhere). */
export function linkSafeSpec(module: ModuleId, spec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec).filter(([k]) => persistenceOf(module, k) === 'link'));
}

/** The subset that may be stored in local history. */
export function historySafeSpec(module: ModuleId, spec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec).filter(([k]) => persistenceOf(module, k) !== 'none'));
}
