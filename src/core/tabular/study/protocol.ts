// The seed studies at their protocol, one run over many datasets: (1) the context-strategy study (strategies ×
// sizes × teachers, variance split into strategy vs teacher family), then per dataset and outer stratified fold
// (2) the tuned baseline fitted on the training fold, and for each teacher: out-of-fold labels of the training
// fold, the teacher on the test fold with the whole training fold as context, a GBDT student on the soft targets;
// AUC, ECE and fairness gaps of both, batch-1 latency of both on the first fold. protocolReport.ts turns the
// records into each paper's analysis (retention, rank transfer, Wilcoxon vs the baseline, calibration, fairness,
// gains by dimensionality, the pool's Yule's Q). The baseline is injected as a Teacher (fit on the context with
// hard labels), so the tuned GBDT or any stand-in plugs in without this file naming it.

import { aucFromProbs, calibration, type ProbMatrix } from '../../metrics/classification';
import { PlannedProgress } from '../../runtime/progress';
import { preprocessSplit } from '../data/preprocess';
import { stratifiedKFold } from '../data/split';
import { minorityClass } from '../data/task';
import { fairnessGaps, measureLatency, rowView, type FairnessGaps } from '../distill/evaluate';
import { labelWithTeachers } from '../distill/label';
import { trainGbdt, type GbdtConfig } from '../students/gbdt/gbdt';
import { oneHot } from '../students/types';
import type { StrategyName } from '../strategies';
import type { Teacher } from '../teachers/teacher';
import type { ProtocolDataset } from './protocolSources';
import { summariseProtocol, type ProtocolAnalyses } from './protocolReport';
import { runStudy, type StudyResult } from './runner';

export const PROTOCOL_VERSION = 1;

export interface ProtocolConfig {
  /** outer stratified folds each dataset is split into */
  folds: number; // 5
  /** how many of them run (the first m): fewer keeps a bench short, every row still trains on (folds−1)/folds */
  foldsRun: number; // 5
  /** K of out-of-fold teacher labelling inside each training fold */
  labelFolds: number; // 5
  seed: number; // 0
  /** the context-strategy study; false skips it */
  study: { strategies: StrategyName[]; sizes: number[]; folds: number } | false;
  /** the GBDT student (trained on the soft targets) */
  student: Partial<GbdtConfig>;
  /** test rows timed one call each on the first fold, for the student / for the teacher (a call reads the whole context) */
  latencyRows: number; // 256
  teacherLatencyRows: number; // 8
  latencyRepeats: number; // 3
  /** gains are split at this raw feature count (< threshold vs ≥) */
  dimensionalityThreshold: number; // 21
}

export const DEFAULT_PROTOCOL: ProtocolConfig = {
  folds: 5, foldsRun: 5, labelFolds: 5, seed: 0,
  study: { strategies: ['uniform', 'stratified', 'balanced', 'oversample_minority', 'smote', 'diversity_kmeans', 'hybrid_balanced_diverse'], sizes: [64, 256, 1024], folds: 5 },
  student: {}, latencyRows: 256, teacherLatencyRows: 8, latencyRepeats: 3, dimensionalityThreshold: 21,
};

export interface ProtocolBaseline {
  teacher: Teacher;
  /** what the baseline is (e.g. "tuned GBDT, 12-point grid, inner 3-fold CV"), copied into the result */
  note: string;
}

/**
 * The stand-in baseline when no tuned one is given: the student's GBDT trained on the true labels of the context
 * (default settings, early stopping on a 10 % split). Distillation only pays when it beats this.
 */
export function plainGbdtBaseline(config: Partial<GbdtConfig> = {}): ProtocolBaseline {
  return {
    teacher: { id: 'gbdt-hard-labels', predict: async (xc, yc, k, xq, signal) => trainGbdt(xc, oneHot(yc, k), config, { signal }).predict(xq) },
    note: 'GBDT (the student learner, untuned) trained on the true labels of the training fold',
  };
}

export interface BaselineRecord { dataset: string; fold: number; auc: number; ece: number; fitPredictMs: number; fairness?: FairnessGaps }

export interface DistillRecord {
  dataset: string;
  fold: number;
  teacher: string;
  teacherAuc: number;
  studentAuc: number;
  /** student AUC ÷ teacher AUC */
  retention: number;
  teacherEce: number;
  studentEce: number;
  teacherFairness?: FairnessGaps;
  studentFairness?: FairnessGaps;
  labelMs: number;
  teacherMs: number;
  studentTrainMs: number;
}

export interface LatencyRecord {
  dataset: string;
  teacher: string;
  rowsTimedTeacher: number;
  rowsTimedStudent: number;
  teacherBatch1UsPerRow: number;
  studentBatch1UsPerRow: number;
  /** teacher µs/row ÷ student µs/row at batch 1 */
  speedupBatch1: number;
}

export interface ProtocolDatasetInfo {
  id: string;
  source: 'shipped' | 'openml' | 'file';
  openmlId?: number;
  rows: number;
  /** raw feature columns (the dimensionality split reads this) and columns after one-hot encoding */
  features: number;
  encodedFeatures: number;
  classes: string[];
  minorityClass: string;
  minorityShare: number;
  sensitive?: { name: string; levels: string[] };
}

export interface ProtocolResult {
  version: number;
  config: ProtocolConfig;
  baseline: { id: string; note: string };
  teachers: string[];
  datasets: ProtocolDatasetInfo[];
  study: StudyResult | null;
  baselineRecords: BaselineRecord[];
  distillRecords: DistillRecord[];
  latency: LatencyRecord[];
  analyses: ProtocolAnalyses;
}

export type ProtocolEvent = { kind: 'progress'; done: number; total: number; label: string };

export interface ProtocolHooks {
  onProgress?: (e: ProtocolEvent) => void;
  signal?: AbortSignal;
}

/** Teachers and students are synchronous CPU work: yield to the event loop this often so an abort message gets in. */
const YIELD_MS = 20;

/** Per teacher per fold: its label calls, the test call, the student; plus one for latency on the first fold. */
const teacherUnits = (c: ProtocolConfig, fold: number): number => c.labelFolds + 2 + (fold === 0 ? 1 : 0);

export async function runProtocol(datasets: ProtocolDataset[], teachers: Teacher[], baseline: ProtocolBaseline,
  options: Partial<ProtocolConfig> = {}, hooks: ProtocolHooks = {}): Promise<ProtocolResult> {
  const config: ProtocolConfig = { ...DEFAULT_PROTOCOL, ...options };
  if (!datasets.length || !teachers.length) throw new RangeError('The protocol needs at least one dataset and one teacher.');
  if (!(config.foldsRun >= 1 && config.foldsRun <= config.folds)) throw new RangeError(`foldsRun must be in 1..folds (${config.folds}), got ${config.foldsRun}.`);
  const { signal } = hooks;
  const ids = teachers.map((t) => t.id);
  if (new Set([...ids, baseline.teacher.id]).size !== ids.length + 1) throw new RangeError(`Teacher and baseline ids must differ: ${[...ids, baseline.teacher.id].join(', ')}.`);

  const study = config.study;
  const studyCalls = study ? datasets.length * study.folds * study.sizes.length * study.strategies.length * teachers.length : 0;
  const stages = [
    ...(study ? [{ name: 'study', units: studyCalls }] : []),
    ...datasets.flatMap((d) => Array.from({ length: config.foldsRun }, (_, f) => [
      { name: `${d.id}/${f}/baseline`, units: 1 },
      ...teachers.map((t) => ({ name: `${d.id}/${f}/${t.id}`, units: teacherUnits(config, f) })),
    ]).flat()),
  ];
  const progress = new PlannedProgress(stages, (e) => hooks.onProgress?.({ kind: 'progress', done: e.done, total: e.total, label: e.label }));
  progress.report(stages[0].name, 0, 'starting');
  let lastYield = performance.now();
  const breathe = async (): Promise<void> => {
    if (performance.now() - lastYield >= YIELD_MS) { await new Promise((r) => setTimeout(r, 0)); lastYield = performance.now(); }
    signal?.throwIfAborted();
  };

  const studyResult = study
    ? await runStudy(datasets.map((d) => ({ id: d.id, task: d.task })), teachers,
      { strategies: study.strategies, sizes: study.sizes, folds: study.folds, seed: config.seed },
      { signal, onProgress: (e) => progress.step('study', e.done, e.total, `study · ${e.label}`) })
    : null;

  const baselineRecords: BaselineRecord[] = [];
  const distillRecords: DistillRecord[] = [];
  const latency: LatencyRecord[] = [];
  const infos: ProtocolDatasetInfo[] = [];
  /** per dataset: every model's test-fold probabilities, concatenated over the folds run (for the pool's Yule's Q) */
  const pools: { dataset: string; k: number; labels: number[]; probs: Map<string, number[]> }[] = [];

  for (const ds of datasets) {
    const { task } = ds;
    const k = task.classNames.length;
    const minority = minorityClass(task.y, k);
    const sensitive = ds.sensitive ?? task.sensitive;
    const folds = stratifiedKFold(task.y, k, config.folds, config.seed).slice(0, config.foldsRun);
    const pool = { dataset: ds.id, k, labels: [] as number[], probs: new Map<string, number[]>() };
    const keep = (model: string, p: ProbMatrix): void => { const a = pool.probs.get(model) ?? []; for (const v of p.probs) a.push(v); pool.probs.set(model, a); };
    let encodedFeatures = 0;
    for (let f = 0; f < folds.length; f++) {
      await breathe();
      const { train, test } = preprocessSplit(task, folds[f].train, folds[f].test, { encoding: 'onehot' });
      encodedFeatures = train.d;
      for (const y of test.y) pool.labels.push(y);
      const groups = sensitive && folds[f].test.map((r) => sensitive.levels[sensitive.groups[r]] ?? 'missing');
      const fair = (p: ProbMatrix) => (groups ? fairnessGaps(p, test.y, groups, minority) : undefined);
      const where = `${ds.id} fold ${f + 1}/${folds.length}`;

      const bStage = `${ds.id}/${f}/baseline`;
      progress.report(bStage, 0, `${where} · baseline ${baseline.teacher.id}`);
      let t0 = performance.now();
      const bp = await baseline.teacher.predict(train, train.y, k, test, signal);
      baselineRecords.push({ dataset: ds.id, fold: f, auc: aucFromProbs(bp, test.y), ece: calibration(bp, test.y).ece, fitPredictMs: performance.now() - t0, fairness: fair(bp) });
      keep(baseline.teacher.id, bp);
      progress.report(bStage, 1, `${where} · baseline ${baseline.teacher.id}`);

      for (const teacher of teachers) {
        await breathe();
        const stage = `${ds.id}/${f}/${teacher.id}`;
        const units = teacherUnits(config, f);
        const at = (u: number, what: string) => progress.report(stage, u / units, `${where} · ${teacher.id} · ${what}`);
        t0 = performance.now();
        const labels = await labelWithTeachers(teacher, train, {
          mode: 'oof', folds: config.labelFolds, seed: config.seed, signal,
          onProgress: (done) => at(done, 'out-of-fold labels'),
        });
        const labelMs = performance.now() - t0;
        t0 = performance.now();
        const tp = await teacher.predict(train, train.y, k, test, signal, (done, total) => at(config.labelFolds + (total > 0 ? done / total : 1), 'test fold'));
        const teacherMs = performance.now() - t0;
        at(config.labelFolds + 1, 'student');
        await breathe();
        t0 = performance.now();
        const student = trainGbdt(train, labels.targets, { seed: config.seed, ...config.student }, { signal });
        const studentTrainMs = performance.now() - t0;
        const sp = student.predict(test);
        const teacherAuc = aucFromProbs(tp, test.y);
        const studentAuc = aucFromProbs(sp, test.y);
        distillRecords.push({
          dataset: ds.id, fold: f, teacher: teacher.id, teacherAuc, studentAuc, retention: studentAuc / teacherAuc,
          teacherEce: calibration(tp, test.y).ece, studentEce: calibration(sp, test.y).ece,
          teacherFairness: fair(tp), studentFairness: fair(sp), labelMs, teacherMs, studentTrainMs,
        });
        keep(teacher.id, tp);
        keep(`student(${teacher.id})`, sp);
        if (f === 0) {
          at(config.labelFolds + 2, 'latency');
          const out = new Float64Array(k);
          const sRows = Math.min(config.latencyRows, test.n);
          const tRows = Math.min(config.teacherLatencyRows, test.n);
          const sl = await measureLatency(sRows, (i) => student.predictRow(test.x.subarray(i * test.d, (i + 1) * test.d), out), test.n, () => student.predict(test), config.latencyRepeats);
          // the batched figure is not reported for teachers (their test-fold call is timed above): one row stands in
          const tl = await measureLatency(tRows, (i) => teacher.predict(train, train.y, k, rowView(test, i), signal), 1,
            () => teacher.predict(train, train.y, k, rowView(test, 0), signal), config.latencyRepeats);
          latency.push({
            dataset: ds.id, teacher: teacher.id, rowsTimedTeacher: tRows, rowsTimedStudent: sRows,
            teacherBatch1UsPerRow: tl.batch1UsPerRow, studentBatch1UsPerRow: sl.batch1UsPerRow, speedupBatch1: tl.batch1UsPerRow / sl.batch1UsPerRow,
          });
        }
        progress.report(stage, 1, `${where} · ${teacher.id} · done`);
      }
    }
    pools.push(pool);
    infos.push({
      id: ds.id, source: ds.source, ...(ds.openmlId !== undefined ? { openmlId: ds.openmlId } : {}), rows: task.y.length,
      features: task.features.columns.length, encodedFeatures, classes: task.classNames, minorityClass: task.classNames[minority],
      minorityShare: task.y.filter((v) => v === minority).length / task.y.length,
      ...(sensitive ? { sensitive: { name: sensitive.name, levels: sensitive.levels } } : {}),
    });
  }
  progress.end();
  return {
    version: PROTOCOL_VERSION, config, baseline: { id: baseline.teacher.id, note: baseline.note }, teachers: ids, datasets: infos,
    study: studyResult, baselineRecords, distillRecords, latency,
    analyses: summariseProtocol({ config, teachers: ids, baselineId: baseline.teacher.id, datasets: infos, study: studyResult, baselineRecords, distillRecords, latency, pools }),
  };
}
