// The experiment spec: one versioned envelope of which every module's spec is a part,
//   { format, version, module, specVersion, spec, seed, backend, title? }
// `spec` is the module's own versioned spec (src/state/specs); the envelope names the module and its spec version
// and lifts out what every run needs whatever the module: seed and backend preference. The envelope's seed and
// backend are authoritative: decoding writes them into the module spec where its schema has those fields.
// Module specs live above core (src/state), so decoding takes a `SpecCatalogue` (src/state/experiments.ts binds the
// workbench's) rather than importing them.
// Versions (migrated on read; a newer version is refused, never guessed at):
//   v0  a share link's / spec file's envelope {v, m, sv, s, d?} (format 'workbench-spec' or none)
//   v1  this envelope
import { z } from 'zod';
import type { BackendPreference } from '../runtime/session';
import { ExperimentError } from './errors';

export const EXPERIMENT_FORMAT = 'workbench-experiment';
export const EXPERIMENT_VERSION = 1;
/** The module specs' own default seed (src/state/specs/common.ts), for modules whose spec has no seed field. */
export const DEFAULT_SEED = 1234;
export const BACKEND_PREFERENCES = ['auto', 'webgpu', 'wasm'] as const satisfies readonly BackendPreference[];

export const experimentSchema = z.object({
  format: z.literal(EXPERIMENT_FORMAT),
  version: z.literal(EXPERIMENT_VERSION),
  module: z.string().min(1).max(40),
  /** version of the module spec in `spec` */
  specVersion: z.number().int().min(0),
  spec: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  backend: z.enum(BACKEND_PREFERENCES).default('auto'),
  title: z.string().max(300).optional(),
}).strict();

export type ExperimentSpec = z.infer<typeof experimentSchema>;

/** What the experiments layer needs to know of module specs (the workbench's: src/state/experiments.ts). */
export interface SpecCatalogue {
  /** the current spec version of `module`; undefined when the module has no experiment spec */
  version(module: string): number | undefined;
  /** parse → migrate from `fromVersion` → defaults → clamp; throws an ExperimentError when the spec is invalid */
  restore(module: string, spec: unknown, fromVersion: number): Record<string, unknown>;
  /** modules that have a spec (named in the unknown-module error) */
  modules(): string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** v0 (a link envelope) → v1 fields; seed and backend only where the spec itself carried them. */
function fromLinkEnvelope(raw: Record<string, unknown>): { module: unknown; specVersion: unknown; spec: unknown; seed?: unknown; backend?: unknown } {
  const spec = raw.s;
  return {
    module: raw.m, specVersion: typeof raw.sv === 'number' ? raw.sv : 0, spec,
    ...(isObject(spec) && 'seed' in spec ? { seed: spec.seed } : {}),
    ...(isObject(spec) && 'backend' in spec ? { backend: spec.backend } : {}),
  };
}

/** The envelope version of `raw`: 0 for a link/spec-file envelope; refuses what no workbench wrote or a newer one. */
function versionOf(raw: Record<string, unknown>): number {
  if (!('version' in raw) && 'm' in raw && 's' in raw) {
    // link envelopes have their own version (src/state/linkCodec.ts): 1 is the only one with this shape
    if (typeof raw.v === 'number' && raw.v > 1) throw new ExperimentError('future-version', `link envelope version ${raw.v} is newer than this workbench's 1`);
    if (raw.v !== undefined && raw.v !== 1) throw new ExperimentError('unknown-version', `link envelope version ${JSON.stringify(raw.v)} does not exist`);
    return 0;
  }
  const v = raw.version;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new ExperimentError('unknown-version', `it has no experiment version (expected "version": ${EXPERIMENT_VERSION}, or a link envelope {v, m, sv, s})`);
  }
  if (v > EXPERIMENT_VERSION) throw new ExperimentError('future-version', `experiment version ${v} is newer than this workbench's ${EXPERIMENT_VERSION}`);
  if (v < 1) throw new ExperimentError('unknown-version', `experiment version ${v} does not exist (versions start at 1; older experiments are link envelopes)`);
  return v;
}

function checkModule(module: unknown, catalogue: SpecCatalogue): { module: string; version: number } {
  const version = typeof module === 'string' ? catalogue.version(module) : undefined;
  if (typeof module !== 'string' || version === undefined) {
    throw new ExperimentError('unknown-module', `"${String(module)}" has no experiment spec here (modules with one: ${catalogue.modules().join(', ')})`);
  }
  return { module, version };
}

/**
 * Decodes an experiment of any known version: checks the envelope, migrates it, then runs the module spec through
 * its own migrations, defaults and clamping with the envelope's seed and backend written in.
 */
export function decodeExperiment(raw: unknown, catalogue: SpecCatalogue): ExperimentSpec {
  if (!isObject(raw)) throw new ExperimentError('invalid-spec', 'the experiment is not a JSON object');
  const version = versionOf(raw);
  const fields = version === 0 ? fromLinkEnvelope(raw) : raw;
  const { module, version: current } = checkModule(fields.module, catalogue);
  const specVersion = fields.specVersion;
  if (typeof specVersion !== 'number' || !Number.isInteger(specVersion) || specVersion < 0) {
    throw new ExperimentError('invalid-spec', `specVersion: expected a whole number ≥ 0, got ${JSON.stringify(specVersion)}`);
  }
  if (specVersion > current) throw new ExperimentError('future-version', `the ${module} spec is version ${specVersion}, newer than this workbench's ${current}`);
  if (!isObject(fields.spec)) throw new ExperimentError('invalid-spec', 'spec: the module spec is not an object');
  if (version === 1) {
    // every envelope field checked (unknown keys refused) before the module spec is looked at
    const checked = experimentSchema.safeParse({ ...raw, spec: fields.spec });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new ExperimentError('invalid-spec', `${issue.path.join('.') || '(envelope)'}: ${issue.message}`);
    }
  }
  const overlay = {
    ...('seed' in fields && fields.seed !== undefined ? { seed: fields.seed } : {}),
    ...('backend' in fields && fields.backend !== undefined ? { backend: fields.backend } : {}),
  };
  // zod objects drop keys their schema lacks, so a module without a seed or backend field ignores the overlay
  const spec = catalogue.restore(module, { ...fields.spec, ...overlay }, specVersion);
  const seed = typeof spec.seed === 'number' ? spec.seed : typeof overlay.seed === 'number' ? overlay.seed : DEFAULT_SEED;
  const backend = typeof spec.backend === 'string' ? spec.backend : overlay.backend ?? 'auto';
  const title = typeof raw.title === 'string' ? raw.title : undefined;
  const out = experimentSchema.safeParse({ format: EXPERIMENT_FORMAT, version: EXPERIMENT_VERSION, module, specVersion: current, spec, seed, backend, ...(title ? { title } : {}) });
  if (!out.success) throw new ExperimentError('invalid-spec', `${out.error.issues[0].path.join('.')}: ${out.error.issues[0].message}`);
  return out.data;
}

/** An experiment from a module spec as the module page holds it (current spec version). */
export function makeExperiment(module: string, spec: Record<string, unknown>, catalogue: SpecCatalogue, title?: string): ExperimentSpec {
  const { version } = checkModule(module, catalogue);
  return decodeExperiment({ format: EXPERIMENT_FORMAT, version: EXPERIMENT_VERSION, module, specVersion: version, spec, seed: typeof spec.seed === 'number' ? spec.seed : DEFAULT_SEED, ...(typeof spec.backend === 'string' ? { backend: spec.backend } : {}), ...(title ? { title } : {}) }, catalogue);
}

/** The same experiment with another seed (seed sweeps, reproducibility checks). */
export function withSeed(experiment: ExperimentSpec, seed: number, catalogue: SpecCatalogue): ExperimentSpec {
  return decodeExperiment({ ...experiment, seed }, catalogue);
}

export function serialiseExperiment(experiment: ExperimentSpec): string {
  return `${JSON.stringify(experiment, null, 2)}\n`;
}

export function parseExperimentText(text: string, catalogue: SpecCatalogue): ExperimentSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ExperimentError('invalid-spec', `it is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return decodeExperiment(raw, catalogue);
}
