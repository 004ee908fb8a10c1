// One distillation run end to end, the entry point a worker or bench calls: label the training rows with the
// teacher(s) (out-of-fold by default), train each requested student on the soft targets, and compare students
// with the teacher on held-out rows: metrics, AUC retention, agreement, fairness gaps, latency and speedup.

import { aucFromProbs, type ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix, LabelledMatrix } from '../matrix';
import type { Teacher } from '../teachers/teacher';
import type { DenseTrainConfig } from '../students/dense';
import { trainGbdt, type GbdtConfig } from '../students/gbdt/gbdt';
import { trainLogReg, type LogRegConfig } from '../students/logreg';
import { trainMlp } from '../students/mlp';
import type { Student, StudentKind } from '../students/types';
import { collapseStats, type CollapseStats } from './collapse';
import {
  aucRetention, classificationReport, fairnessGaps, measureLatency, rowView, type ClassificationReport, type FairnessGaps, type Latency,
} from './evaluate';
import { averageProbs, labelWithTeachers, type LabelOptions, type LabelResult } from './label';

export interface DistillOptions {
  label: Partial<LabelOptions>;
  /** students to train and their settings; `false` skips one */
  students: { gbdt?: Partial<GbdtConfig> | false; mlp?: Partial<DenseTrainConfig> | false; logreg?: Partial<LogRegConfig> | false };
  /** group of each test row for fairness gaps (e.g. age ≤ 25 / > 25) */
  testGroups?: ArrayLike<number | string>;
  /** test rows timed one at a time for students / for the teacher (a teacher call reads the whole context) */
  latencyRows: number; // 256
  teacherLatencyRows: number; // 16
  /** targets already computed with these teachers and `label` options (skips relabelling) */
  labels?: LabelResult;
  signal?: AbortSignal;
}

export const DEFAULT_DISTILL: DistillOptions = { label: {}, students: { gbdt: {}, mlp: {}, logreg: {} }, latencyRows: 256, teacherLatencyRows: 16 };

export interface StudentOutcome {
  kind: StudentKind;
  trainMs: number;
  report: ClassificationReport;
  /** student AUC ÷ teacher AUC on the test rows */
  retention: number;
  /** share of test rows where student and teacher pick the same class */
  agreement: number;
  fairness?: FairnessGaps;
  latency: Latency;
  /** teacher µs/row ÷ student µs/row */
  speedupBatch1: number;
  speedupBatched: number;
}

export interface DistillRun {
  teacherId: string;
  teacher: { report: ClassificationReport; fairness?: FairnessGaps; latency: Latency; /** AUC of the out-of-fold targets against the training labels */ labelAuc: number };
  labels: LabelResult;
  collapse: CollapseStats;
  students: StudentOutcome[];
  models: Student[];
}

/** Teacher probabilities on `query` with all of `train` as context; several teachers are averaged. */
export async function teacherPredict(teachers: Teacher[], train: LabelledMatrix, query: FeatureMatrix, signal?: AbortSignal): Promise<ProbMatrix> {
  const ps: ProbMatrix[] = [];
  for (const t of teachers) ps.push(await t.predict(train, train.y, train.k, query, signal));
  return ps.length === 1 ? ps[0] : averageProbs(ps);
}

export async function runDistillation(teacher: Teacher | Teacher[], train: LabelledMatrix, test: LabelledMatrix, options: Partial<DistillOptions> = {}): Promise<DistillRun> {
  const o: DistillOptions = { ...DEFAULT_DISTILL, ...options };
  const teachers = Array.isArray(teacher) ? teacher : [teacher];
  const labels = o.labels ?? await labelWithTeachers(teachers, train, { ...o.label, signal: o.signal });
  const tProbs = await teacherPredict(teachers, train, test, o.signal);
  const tReport = classificationReport(tProbs, test.y);
  const tRows = Math.min(o.teacherLatencyRows, test.n);
  const tLatency = await measureLatency(tRows,
    (i) => teacherPredict(teachers, train, rowView(test, i), o.signal),
    test.n, () => teacherPredict(teachers, train, test, o.signal), 3);
  const fair = (p: ProbMatrix) => (o.testGroups ? fairnessGaps(p, test.y, o.testGroups) : undefined);

  const trainers: [StudentKind, () => Student][] = [];
  if (o.students.gbdt) { const c = o.students.gbdt; trainers.push(['gbdt', () => trainGbdt(train, labels.targets, c, { signal: o.signal })]); }
  if (o.students.mlp) { const c = o.students.mlp; trainers.push(['mlp', () => trainMlp(train, labels.targets, c, o.signal)]); }
  if (o.students.logreg) { const c = o.students.logreg; trainers.push(['logreg', () => trainLogReg(train, labels.targets, c, o.signal)]); }

  const students: StudentOutcome[] = [];
  const models: Student[] = [];
  for (const [kind, fit] of trainers) {
    o.signal?.throwIfAborted();
    const t0 = performance.now();
    const s = fit();
    const trainMs = performance.now() - t0;
    const p = s.predict(test);
    const report = classificationReport(p, test.y);
    const rows = Math.min(o.latencyRows, test.n);
    const out = new Float64Array(s.k);
    const latency = await measureLatency(rows, (i) => s.predictRow(test.x.subarray(i * test.d, (i + 1) * test.d), out), test.n, () => s.predict(test));
    students.push({
      kind, trainMs, report, retention: aucRetention(report.auc, tReport.auc), agreement: agreement(p, tProbs), fairness: fair(p), latency,
      speedupBatch1: tLatency.batch1UsPerRow / latency.batch1UsPerRow, speedupBatched: tLatency.batchedUsPerRow / latency.batchedUsPerRow,
    });
    models.push(s);
  }
  return {
    teacherId: teachers.map((t) => t.id).join('+'),
    teacher: { report: tReport, fairness: fair(tProbs), latency: tLatency, labelAuc: aucFromProbs(labels.teacher, train.y) },
    labels, collapse: collapseStats(labels.targets), students, models,
  };
}

function agreement(a: ProbMatrix, b: ProbMatrix): number {
  let same = 0;
  for (let i = 0; i < a.n; i++) {
    let ia = 0, ib = 0;
    for (let c = 1; c < a.k; c++) {
      if (a.probs[i * a.k + c] > a.probs[i * a.k + ia]) ia = c;
      if (b.probs[i * b.k + c] > b.probs[i * b.k + ib]) ib = c;
    }
    if (ia === ib) same++;
  }
  return a.n ? same / a.n : NaN;
}
