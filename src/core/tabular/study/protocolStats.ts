// Statistics the seed-study protocol reports across datasets: rank correlations (Spearman's ρ on average ranks,
// Kendall's τ-b with the tie correction scipy.stats.kendalltau uses), the teacher-rank → student-rank transfer of
// the distillation paper (do better teachers make better students?), paired comparisons against the tuned baseline
// with the project's one Wilcoxon, and gains split by dimensionality (< 21 features vs more, the paper's cut).

import { averageRanks, rankRows } from '../../ensembles/ranking';
import { spearman as spearmanRho } from '../../numeric/spearman';
import { wilcoxonSignedRank, type WilcoxonResult } from '../../ensembles/wilcoxon';

function checkPaired(a: number[], b: number[]): void {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  if (a.some((x) => !Number.isFinite(x)) || b.some((x) => !Number.isFinite(x))) throw new RangeError('rank correlations need finite values');
}

/** Spearman's ρ: Pearson correlation of average ranks (scipy.stats.spearmanr). NaN when either side is constant or n < 2. */
export function spearman(a: number[], b: number[]): number {
  checkPaired(a, b);
  return a.length < 2 ? NaN : spearmanRho(a, b); // the project's one Spearman (ties averaged as scipy); NaN when a side is constant
}

/** Kendall's τ-b = (C − D) / √((n0 − n1)(n0 − n2)), n1/n2 the pairs tied in a/b (scipy.stats.kendalltau). */
export function kendallTauB(a: number[], b: number[]): number {
  checkPaired(a, b);
  const n = a.length;
  let c = 0, d = 0, tieA = 0, tieB = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const sa = Math.sign(a[i] - a[j]);
    const sb = Math.sign(b[i] - b[j]);
    if (sa === 0) tieA++;
    if (sb === 0) tieB++;
    if (sa !== 0 && sb !== 0) { if (sa === sb) c++; else d++; }
  }
  const n0 = (n * (n - 1)) / 2;
  const den = Math.sqrt((n0 - tieA) * (n0 - tieB));
  return den > 0 ? (c - d) / den : NaN;
}

export interface RankTransferDataset {
  dataset: string;
  /** 1 = best teacher / best student on this dataset */
  teacherRanks: number[];
  studentRanks: number[];
  spearman: number;
  kendall: number;
}

export interface RankTransfer {
  teachers: string[];
  perDataset: RankTransferDataset[];
  /** means over the datasets where the correlation is defined (NaN when none is) */
  meanSpearman: number;
  meanKendall: number;
  /** one correlation over every (dataset, teacher) pair of within-dataset ranks */
  pooled: { n: number; spearman: number; kendall: number };
  /** Demšar-style average ranks across datasets, and their correlation */
  teacherAverageRanks: number[];
  studentAverageRanks: number[];
  averageRankSpearman: number;
  averageRankKendall: number;
}

const meanDefined = (v: number[]): number => {
  const ok = v.filter((x) => !Number.isNaN(x));
  return ok.length ? ok.reduce((s, x) => s + x, 0) / ok.length : NaN;
};

/**
 * Rows = datasets, columns = teachers: the teacher's AUC and the AUC of the student distilled from it. Teachers are
 * ranked within each dataset (1 = best), then teacher ranks are correlated with student ranks.
 */
export function rankTransfer(datasets: string[], teachers: string[], teacherAuc: number[][], studentAuc: number[][]): RankTransfer {
  if (teachers.length < 2) throw new RangeError('Rank transfer needs at least two teachers.');
  if (teacherAuc.length !== datasets.length || studentAuc.length !== datasets.length) throw new RangeError('one AUC row per dataset');
  const tr = rankRows(teacherAuc, 'higher');
  const sr = rankRows(studentAuc, 'higher');
  const perDataset = datasets.map((dataset, i) => ({
    dataset, teacherRanks: tr[i], studentRanks: sr[i], spearman: spearman(tr[i], sr[i]), kendall: kendallTauB(tr[i], sr[i]),
  }));
  const ta = averageRanks(tr);
  const sa = averageRanks(sr);
  return {
    teachers, perDataset,
    meanSpearman: meanDefined(perDataset.map((d) => d.spearman)),
    meanKendall: meanDefined(perDataset.map((d) => d.kendall)),
    pooled: { n: tr.flat().length, spearman: spearman(tr.flat(), sr.flat()), kendall: kendallTauB(tr.flat(), sr.flat()) },
    teacherAverageRanks: ta, studentAverageRanks: sa,
    averageRankSpearman: spearman(ta, sa), averageRankKendall: kendallTauB(ta, sa),
  };
}

export interface PairedComparison {
  /** what is compared, e.g. "student(tfm) vs baseline" */
  label: string;
  datasets: string[];
  n: number;
  /** mean of a − b */
  meanDifference: number;
  wins: number;
  losses: number;
  ties: number;
  /** two-sided, scipy.stats.wilcoxon defaults (zeros dropped; exact below 14 pairs) */
  wilcoxon: WilcoxonResult;
}

/** a vs b paired over datasets: win/tie/loss counts and the Wilcoxon signed-rank test. */
export function pairedComparison(label: string, datasets: string[], a: number[], b: number[]): PairedComparison {
  checkPaired(a, b);
  if (a.length !== datasets.length) throw new RangeError('one value per dataset');
  const d = a.map((x, i) => x - b[i]);
  return {
    label, datasets, n: d.length, meanDifference: d.reduce((s, x) => s + x, 0) / Math.max(1, d.length),
    wins: d.filter((x) => x > 0).length, losses: d.filter((x) => x < 0).length, ties: d.filter((x) => x === 0).length,
    wilcoxon: wilcoxonSignedRank(a, b),
  };
}

export interface GainGroup {
  datasets: string[];
  meanGain: number;
  wins: number;
  losses: number;
}

export interface DimensionalitySplit {
  /** low: features < threshold; high: features ≥ threshold (raw columns, before one-hot encoding) */
  threshold: number;
  low: GainGroup;
  high: GainGroup;
}

/** Gains (e.g. teacher AUC − baseline AUC) grouped by the dataset's feature count. An empty group has meanGain NaN. */
export function splitByDimensionality(rows: { dataset: string; features: number; gain: number }[], threshold = 21): DimensionalitySplit {
  const group = (sel: typeof rows): GainGroup => ({
    datasets: sel.map((r) => r.dataset),
    meanGain: sel.length ? sel.reduce((s, r) => s + r.gain, 0) / sel.length : NaN,
    wins: sel.filter((r) => r.gain > 0).length,
    losses: sel.filter((r) => r.gain < 0).length,
  });
  return { threshold, low: group(rows.filter((r) => r.features < threshold)), high: group(rows.filter((r) => r.features >= threshold)) };
}
