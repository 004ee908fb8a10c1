// The protocol's records turned into each seed paper's analysis: the variance decomposition as strategy vs
// teacher family, distillation retention and teacher-rank → student-rank transfer, latency and speedup, Wilcoxon
// against the tuned baseline, calibration and fairness of teacher vs student, gains by dimensionality and the
// ensemble pool's mean pairwise Yule's Q. Pure functions of the records, so a saved result can be re-analysed.

import { diversity } from '../../ensembles/diversity';
import type { StudyResult } from './runner';
import type { BaselineRecord, DistillRecord, LatencyRecord, ProtocolConfig, ProtocolDatasetInfo } from './protocol';
import {
  pairedComparison, rankTransfer, splitByDimensionality, type DimensionalitySplit, type PairedComparison, type RankTransfer,
} from './protocolStats';

export interface VarianceShares {
  scope: string;
  /** shares of the total sum of squares of AUC */
  strategy: number;
  teacher: number;
  size: number;
  strategyXTeacher: number;
  strategyXSize: number;
  residual: number;
}

export interface DistillSummary {
  dataset: string;
  features: number;
  teacher: string;
  folds: number;
  teacherAuc: number;
  studentAuc: number;
  baselineAuc: number;
  retention: number;
  teacherEce: number;
  studentEce: number;
}

export interface FairnessRow {
  dataset: string;
  attribute: string;
  teacher: string;
  /** largest minus smallest group AUC / TPR (minority class as positive), mean over folds */
  teacherAucGap: number;
  studentAucGap: number;
  teacherTprGap: number;
  studentTprGap: number;
  baselineAucGap: number;
  baselineTprGap: number;
}

export interface PoolDiversity {
  dataset: string;
  models: string[];
  q: number[][];
  /** mean pairwise Yule's Q over the whole pool (teachers, baseline, students) and over the teachers alone */
  meanQ: number;
  meanQTeachers: number;
  meanDisagreement: number;
}

export interface ProtocolAnalyses {
  variance: VarianceShares[];
  distill: DistillSummary[];
  retention: { teacher: string; mean: number; min: number; datasetsBelow90: string[] }[];
  rankTransfer: RankTransfer | null;
  latency: { teacher: string; medianSpeedupBatch1: number; minSpeedupBatch1: number; maxStudentBatch1UsPerRow: number }[];
  /** student(t) vs baseline and teacher(t) vs baseline, AUC paired over datasets */
  wilcoxon: PairedComparison[];
  calibration: { teacher: string; meanTeacherEce: number; meanStudentEce: number; studentVsTeacher: PairedComparison }[];
  fairness: FairnessRow[];
  dimensionality: { comparison: string; split: DimensionalitySplit }[];
  diversity: { perDataset: PoolDiversity[]; meanQ: number; meanQTeachers: number };
}

export interface ProtocolRecords {
  config: ProtocolConfig;
  teachers: string[];
  baselineId: string;
  datasets: ProtocolDatasetInfo[];
  study: StudyResult | null;
  baselineRecords: BaselineRecord[];
  distillRecords: DistillRecord[];
  latency: LatencyRecord[];
  /** per dataset: each model's test-fold probabilities (for Yule's Q) … */
  pools?: { dataset: string; k: number; labels: number[]; probs: Map<string, number[]> }[];
  /** … or the per-dataset diversity already computed from them (merging results of one-dataset runs) */
  poolDiversity?: PoolDiversity[];
}

const mean = (v: number[]): number => {
  const ok = v.filter((x) => !Number.isNaN(x));
  return ok.length ? ok.reduce((s, x) => s + x, 0) / ok.length : NaN;
};
const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

export function varianceShares(study: StudyResult): VarianceShares[] {
  return study.variance.map((v) => {
    const share = (term: string) => v.terms.find((t) => t.term === term)?.share ?? NaN;
    return {
      scope: v.scope, strategy: share('strategy'), teacher: share('teacher'), size: share('size'),
      strategyXTeacher: share('strategy×teacher'), strategyXSize: share('strategy×size'), residual: share('residual'),
    };
  });
}

export function summariseProtocol(r: ProtocolRecords): ProtocolAnalyses {
  const dsIds = r.datasets.map((d) => d.id);
  const featuresOf = new Map(r.datasets.map((d) => [d.id, d.features]));
  const baselineAuc = new Map(dsIds.map((id) => [id, mean(r.baselineRecords.filter((b) => b.dataset === id).map((b) => b.auc))]));
  const distill: DistillSummary[] = dsIds.flatMap((dataset) => r.teachers.map((teacher) => {
    const g = r.distillRecords.filter((d) => d.dataset === dataset && d.teacher === teacher);
    const teacherAuc = mean(g.map((d) => d.teacherAuc));
    const studentAuc = mean(g.map((d) => d.studentAuc));
    return {
      dataset, features: featuresOf.get(dataset) ?? NaN, teacher, folds: g.length, teacherAuc, studentAuc, baselineAuc: baselineAuc.get(dataset) ?? NaN,
      retention: studentAuc / teacherAuc, teacherEce: mean(g.map((d) => d.teacherEce)), studentEce: mean(g.map((d) => d.studentEce)),
    };
  }));
  const of = (teacher: string, key: keyof DistillSummary): number[] => dsIds.map((id) => distill.find((d) => d.dataset === id && d.teacher === teacher)![key] as number);
  const baselineVec = dsIds.map((id) => baselineAuc.get(id) ?? NaN);

  const dimensionality = r.teachers.flatMap((t) => [
    { comparison: `teacher(${t}) − ${r.baselineId}`, split: splitByDimensionality(dsIds.map((id, i) => ({ dataset: id, features: featuresOf.get(id)!, gain: of(t, 'teacherAuc')[i] - baselineVec[i] })), r.config.dimensionalityThreshold) },
    { comparison: `student(${t}) − ${r.baselineId}`, split: splitByDimensionality(dsIds.map((id, i) => ({ dataset: id, features: featuresOf.get(id)!, gain: of(t, 'studentAuc')[i] - baselineVec[i] })), r.config.dimensionalityThreshold) },
  ]);
  if (r.study) dimensionality.push(...strategyGains(r.study, featuresOf, r.config.dimensionalityThreshold));

  return {
    variance: r.study ? varianceShares(r.study) : [],
    distill,
    retention: r.teachers.map((teacher) => {
      const v = of(teacher, 'retention');
      return { teacher, mean: mean(v), min: Math.min(...v), datasetsBelow90: dsIds.filter((_, i) => v[i] < 0.9) };
    }),
    rankTransfer: r.teachers.length >= 2
      ? rankTransfer(dsIds, r.teachers, dsIds.map((_, i) => r.teachers.map((t) => of(t, 'teacherAuc')[i])), dsIds.map((_, i) => r.teachers.map((t) => of(t, 'studentAuc')[i])))
      : null,
    latency: r.teachers.map((teacher) => {
      const l = r.latency.filter((x) => x.teacher === teacher);
      return { teacher, medianSpeedupBatch1: median(l.map((x) => x.speedupBatch1)), minSpeedupBatch1: Math.min(...l.map((x) => x.speedupBatch1)),
        maxStudentBatch1UsPerRow: Math.max(...l.map((x) => x.studentBatch1UsPerRow)) };
    }),
    wilcoxon: r.teachers.flatMap((t) => [
      pairedComparison(`student(${t}) vs ${r.baselineId}`, dsIds, of(t, 'studentAuc'), baselineVec),
      pairedComparison(`teacher(${t}) vs ${r.baselineId}`, dsIds, of(t, 'teacherAuc'), baselineVec),
    ]),
    calibration: r.teachers.map((teacher) => ({
      teacher, meanTeacherEce: mean(of(teacher, 'teacherEce')), meanStudentEce: mean(of(teacher, 'studentEce')),
      studentVsTeacher: pairedComparison(`ECE student(${teacher}) vs teacher(${teacher})`, dsIds, of(teacher, 'studentEce'), of(teacher, 'teacherEce')),
    })),
    fairness: fairnessRows(r),
    dimensionality,
    diversity: poolDiversity(r),
  };
}

/** Per non-uniform strategy: mean AUC over teachers and sizes minus uniform's, per dataset, split by dimensionality. */
function strategyGains(study: StudyResult, featuresOf: Map<string, number>, threshold: number): { comparison: string; split: DimensionalitySplit }[] {
  const ids = study.datasets.map((d) => d.id);
  const auc = (dataset: string, strategy: string) => mean(study.summary.filter((s) => s.dataset === dataset && s.strategy === strategy).map((s) => s.aucMean));
  return study.config.strategies.filter((s) => s !== 'uniform' && study.config.strategies.includes('uniform')).map((s) => ({
    comparison: `context ${s} − uniform`,
    split: splitByDimensionality(ids.map((id) => ({ dataset: id, features: featuresOf.get(id)!, gain: auc(id, s) - auc(id, 'uniform') })), threshold),
  }));
}

function fairnessRows(r: ProtocolRecords): FairnessRow[] {
  return r.datasets.filter((d) => d.sensitive).flatMap((d) => {
    const b = r.baselineRecords.filter((x) => x.dataset === d.id);
    return r.teachers.map((teacher) => {
      const g = r.distillRecords.filter((x) => x.dataset === d.id && x.teacher === teacher);
      return {
        dataset: d.id, attribute: `${d.sensitive!.name} (${d.sensitive!.levels.join(' / ')})`, teacher,
        teacherAucGap: mean(g.map((x) => x.teacherFairness?.aucGap ?? NaN)), studentAucGap: mean(g.map((x) => x.studentFairness?.aucGap ?? NaN)),
        teacherTprGap: mean(g.map((x) => x.teacherFairness?.tprGap ?? NaN)), studentTprGap: mean(g.map((x) => x.studentFairness?.tprGap ?? NaN)),
        baselineAucGap: mean(b.map((x) => x.fairness?.aucGap ?? NaN)), baselineTprGap: mean(b.map((x) => x.fairness?.tprGap ?? NaN)),
      };
    });
  });
}

function poolDiversity(r: ProtocolRecords): ProtocolAnalyses['diversity'] {
  const perDataset = r.poolDiversity ?? (r.pools ?? []).map((p): PoolDiversity => {
    const models = [...p.probs.keys()];
    const dv = diversity(models, models.map((m) => Float64Array.from(p.probs.get(m)!)), p.labels, p.k);
    const t = r.teachers.map((id) => models.indexOf(id));
    let sum = 0, pairs = 0;
    for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) { sum += dv.q[t[i]][t[j]]; pairs++; }
    return { dataset: p.dataset, models, q: dv.q, meanQ: dv.meanQ, meanQTeachers: pairs ? sum / pairs : NaN, meanDisagreement: dv.meanDisagreement };
  });
  return { perDataset, meanQ: mean(perDataset.map((d) => d.meanQ)), meanQTeachers: mean(perDataset.map((d) => d.meanQTeachers)) };
}
