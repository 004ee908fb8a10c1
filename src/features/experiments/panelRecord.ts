// A run record written from what a module panel has when its run finishes (spec, results, input files), without
// running the module a second time: the panel ran the same plan its runner runs (ensemblesPlan), so the record
// is the one recordRun would write, and "Reproduce" on the Experiments page checks exactly that by re-running it
// through the runner. The backend report comes from the backend factory for the spec's preference on this
// host (a pure-TypeScript run creates no ONNX session, so `used` is 'js', as in a runner's record).
import { canonicalJson, digestOf } from '../../core/experiments/canonical';
import { createBackend, type BackendHost } from '../../core/experiments/backends/factory';
import { makeExperiment } from '../../core/experiments/envelope';
import { runEnvironment } from '../../core/experiments/environment';
import { parseRunRecord, RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type InputRecord, type RunRecord } from '../../core/experiments/record';
import { SPEC_CATALOGUE } from '../../state/experiments';

export interface PanelRun {
  module: string;
  spec: Record<string, unknown>;
  /** the module's deterministic results, as its runner returns them */
  results: unknown;
  moduleDigest?: string;
  inputs?: InputRecord[];
  durationMs: number;
  title?: string;
}

/** The record of a run a panel made on `host` (browserBackendHost() in the app); checked with the record reader. */
export function recordFromPanelRun(run: PanelRun, host: BackendHost): RunRecord {
  const experiment = makeExperiment(run.module, run.spec, SPEC_CATALOGUE, run.title);
  const backend = createBackend(experiment.backend, host).report();
  const results: unknown = JSON.parse(canonicalJson(run.results ?? null));
  const inputs = [...(run.inputs ?? [])].sort((a, b) => (a.role + a.id < b.role + b.id ? -1 : a.role + a.id > b.role + b.id ? 1 : 0));
  return parseRunRecord({
    format: RUN_RECORD_FORMAT, version: RUN_RECORD_VERSION, createdAt: new Date().toISOString(),
    experiment, seed: experiment.seed, environment: runEnvironment(host, backend.requested, backend.used), backend,
    inputs, results, digest: digestOf(results),
    ...(run.moduleDigest ? { moduleDigest: run.moduleDigest } : {}),
    durationMs: Math.max(0, run.durationMs),
  });
}
