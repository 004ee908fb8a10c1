// The protocol on the engine's one loaded task (the tabular spec's 'protocol' view): what a sweep job runs, one
// dataset per job, so the grid the papers use (datasets × teachers) spreads over the job queue's workers and
// protocolMerge.ts joins the jobs' results into the cross-dataset analyses. Same settings, same baseline and the
// same per-dataset records as bench/tabular-protocol.ts over the same dataset.
import { DEFAULT_TUNE_GBDT, tunedGbdtTeacher } from '../baselines/tunedGbdt';
import type { TabularTask } from '../data/task';
import type { StrategyName } from '../strategies';
import type { Teacher } from '../teachers/teacher';
import { DEFAULT_PROTOCOL, plainGbdtBaseline, runProtocol, type ProtocolBaseline, type ProtocolHooks, type ProtocolResult } from './protocol';
import { shippedSensitive, type ProtocolDataset } from './protocolSources';

export type ProtocolBaselineKind = 'tuned-gbdt' | 'plain';

export interface ProtocolViewOptions {
  /** outer stratified folds, how many of them run (the first m), and K of the out-of-fold labelling */
  folds: number;
  foldsRun: number;
  labelFolds: number;
  seed: number;
  /** the context-strategy study inside the protocol; false skips it */
  study: { strategies: StrategyName[]; sizes: number[]; folds: number } | false;
  baseline: ProtocolBaselineKind;
}

/** The baseline the teachers and their students are compared with (Wilcoxon, dimensionality gains). */
export function protocolBaseline(kind: ProtocolBaselineKind, seed: number): ProtocolBaseline {
  if (kind === 'plain') return plainGbdtBaseline();
  const g = DEFAULT_TUNE_GBDT.grid;
  return {
    teacher: tunedGbdtTeacher({ seed }),
    note: `tuned GBDT (src/core/tabular/baselines/tunedGbdt.ts): ${g.learningRate.length * g.maxDepth.length * g.minChildWeight.length}-point grid ` +
      `(η ${g.learningRate.join('/')}, depth ${g.maxDepth.join('/')}, min child weight ${g.minChildWeight.join('/')}), ` +
      `inner stratified ${DEFAULT_TUNE_GBDT.innerFolds}-fold CV on the training fold, rounds by early stopping`,
  };
}

/**
 * One dataset through the protocol. `shared`: the id of a bundled dataset (its audited attribute applies when the
 * task names none, as in the bench: pima's age band), or null for a user's file.
 */
export function runProtocolOnTask(task: TabularTask, shared: string | null, teachers: Teacher[], o: ProtocolViewOptions, hooks: ProtocolHooks = {}): Promise<ProtocolResult> {
  const sensitive = task.sensitive ?? (shared ? shippedSensitive(shared, task) : undefined);
  const dataset: ProtocolDataset = { id: shared ?? task.name, task, source: shared ? 'shipped' : 'file', ...(sensitive ? { sensitive } : {}) };
  return runProtocol([dataset], teachers, protocolBaseline(o.baseline, o.seed), {
    ...DEFAULT_PROTOCOL,
    folds: o.folds, foldsRun: Math.min(o.foldsRun, o.folds), labelFolds: o.labelFolds, seed: o.seed, study: o.study,
    // the bench's latency settings: a teacher call reads the whole training fold, so few rows are timed
    latencyRows: 256, teacherLatencyRows: 4, latencyRepeats: 2,
  }, hooks);
}
