// What an alignbeam spec asks the alignbeam engine (src/core/alignbeam/engine.ts) for, in one place: the model pair
// to load, and the tab's job — the playground's prompt and settings, the bridge inspector's kind and prompts, or the
// sweep's methods, suites, limit, grid and base settings. The experiment runner (alignbeam.ts) executes this plan and
// the alignbeam panel (features/alignbeam/useAlignbeamEngine.ts: pairSpecOf, settingsOf, suitesOf and its sweep)
// derives what it sends the worker from it, so the page cannot drift from the runner. src/state/experimentFields.ts
// declares where each spec field lands; experimentFields.test.ts perturbs every one of them.
import type { AlignbeamSettings, BridgeKind, BuiltinSuite, CandidateSelection, JudgeKind, Method, MixRule, PairSpec, SweepGrid } from '../../alignbeam/types';
import type { BackendPreference } from '../../runtime/session';

/** The fields of the alignbeam spec the plan reads (src/state/experiments.ts checks AlignbeamSpec satisfies it). */
export interface AlignbeamRunSpec {
  seed: number;
  backend: BackendPreference;
  tab: 'playground' | 'bridge' | 'sweep';
  pair: 'cross' | 'same';
  models: { target: string; anchor: string; anchorSame: string; judge: string };
  prompt: string;
  settings: {
    alpha: number; K: number; m: number; topK: number; rule: MixRule; confidenceGate: number | null; maxNewTokens: number;
    bridge: BridgeKind; judge: JudgeKind; tokenHealing?: boolean; selection: CandidateSelection; extraTargetCandidate: boolean;
  };
  grid: SweepGrid;
  suites: BuiltinSuite[];
  csv?: { name: string; sha256: string };
  limit: number;
  baselines: Exclude<Method, 'target-only' | 'alignbeam'>[];
}

export type AlignbeamTabPlan =
  /** target-only and ALIGNBEAM on one prompt (engine.alignbeamPlayground) */
  | { tab: 'playground'; prompt: string; settings: AlignbeamSettings }
  /** the bridge report (engine.alignbeamBridgeReport); null prompts = the engine's held-out prompts */
  | { tab: 'bridge'; kind: BridgeKind; prompts: string[] | null }
  /** the baselines (target-only first) over the suites, then the α × K × m grid on the base settings */
  | { tab: 'sweep'; methods: Method[]; suites: BuiltinSuite[]; csv: { name: string; sha256: string } | null; limit: number; settings: AlignbeamSettings; grid: SweepGrid };

export interface AlignbeamPlan {
  /** the spec's backend setting: every ONNX session of the pair is created under it */
  backend: BackendPreference;
  pair: PairSpec;
  run: AlignbeamTabPlan;
}

/** The pair the engine loads: the cross-vocabulary anchor, or the same-vocabulary one when the spec asks for it. */
export function alignbeamPairOf(spec: Pick<AlignbeamRunSpec, 'pair' | 'models'>): PairSpec {
  const m = spec.models;
  return { target: m.target, anchor: spec.pair === 'same' ? m.anchorSame : m.anchor, judge: m.judge, anchorSame: m.anchorSame };
}

/** The core's settings from the spec's (null gate = always mix; m 0 = every token). */
export function alignbeamSettingsOf(spec: Pick<AlignbeamRunSpec, 'settings'>): AlignbeamSettings {
  const { confidenceGate, tokenHealing, ...rest } = spec.settings;
  return { ...rest, ...(confidenceGate === null ? {} : { confidenceGate }), ...(tokenHealing === undefined ? {} : { tokenHealing }) };
}

export function alignbeamPlan(spec: AlignbeamRunSpec): AlignbeamPlan {
  const settings = alignbeamSettingsOf(spec);
  const run: AlignbeamTabPlan = spec.tab === 'playground' ? { tab: 'playground', prompt: spec.prompt, settings }
    // without a prompt the engine measures along the anchor's answers to a few held-out prompts
    : spec.tab === 'bridge' ? { tab: 'bridge', kind: spec.settings.bridge, prompts: spec.prompt.trim() ? [spec.prompt] : null }
      : {
        tab: 'sweep', methods: ['target-only', ...spec.baselines], suites: [...spec.suites], csv: spec.csv ? { name: spec.csv.name, sha256: spec.csv.sha256 } : null,
        limit: spec.limit, settings, grid: { alpha: [...spec.grid.alpha], K: [...spec.grid.K], m: [...spec.grid.m] },
      };
  return { backend: spec.backend, pair: alignbeamPairOf(spec), run };
}
