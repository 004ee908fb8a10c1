// Ranking of methods across datasets and the omnibus tests of Demšar (2006): Friedman's χ² on average ranks and
// the Iman–Davenport F correction, with p-values. Input is a datasets × methods score table.
//
// Ties: by default χ²_F is Demšar's formula without a tie correction (so the paper's 9.28 reproduces); with
// `tieCorrection: true` it is divided by C = 1 − Σ (t³ − t) / (N k (k² − 1)) over the tie groups within each
// dataset, as scipy.stats.friedmanchisquare always does (10.228 on the paper's table). F_F follows the χ² used.

import { chiSquareSf, fSf } from './special';

/** Which direction of a score is better; ranks are 1 = best either way. */
export type Direction = 'higher' | 'lower';

/**
 * Ranks of each row of `scores` (rows = datasets, columns = methods), 1 = best, ties get the average of the ranks
 * they span (so a row's ranks always sum to k(k+1)/2). NaN scores are an error: drop such datasets first.
 */
export function rankRows(scores: number[][], direction: Direction): number[][] {
  return scores.map((row, r) => {
    row.forEach((v, c) => {
      if (!Number.isFinite(v)) throw new RangeError(`score at dataset ${r}, method ${c} is ${v}: rank only finite scores`);
    });
    const sign = direction === 'higher' ? -1 : 1;
    const order = row.map((_, c) => c).sort((a, b) => sign * (row[a] - row[b]));
    const ranks = new Array<number>(row.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && row[order[j + 1]] === row[order[i]]) j++;
      const avg = (i + j) / 2 + 1;
      for (let t = i; t <= j; t++) ranks[order[t]] = avg;
      i = j + 1;
    }
    return ranks;
  });
}

export function averageRanks(ranks: number[][]): number[] {
  const k = ranks[0]?.length ?? 0;
  const avg = new Array<number>(k).fill(0);
  for (const row of ranks) row.forEach((r, c) => { avg[c] += r; });
  return avg.map((s) => s / ranks.length);
}

export interface FriedmanResult {
  /** number of datasets N and methods k */
  n: number;
  k: number;
  avgRanks: number[];
  /** Friedman χ²_F = 12N/(k(k+1)) [Σ R_j² − k(k+1)²/4] / C, k−1 df */
  chiSquare: number;
  /** the tie correction C that χ²_F was divided by (1 = none applied) */
  tieCorrection: number;
  chiSquareDf: number;
  pChiSquare: number;
  /** Iman–Davenport F_F = (N−1)χ²_F / (N(k−1) − χ²_F), (k−1, (k−1)(N−1)) df; Infinity when all datasets agree */
  imanDavenport: number;
  imanDavenportDf: [number, number];
  pImanDavenport: number;
}

/** scipy's tie correction C = 1 − Σ (t³ − t) / (N k (k² − 1)), t the sizes of groups of equal ranks in a row. */
export function friedmanTieCorrection(ranks: number[][]): number {
  const n = ranks.length;
  const k = ranks[0]?.length ?? 0;
  if (n === 0 || k < 2) return 1;
  let ties = 0;
  for (const row of ranks) {
    const sizes = new Map<number, number>();
    for (const r of row) sizes.set(r, (sizes.get(r) ?? 0) + 1);
    for (const t of sizes.values()) ties += t ** 3 - t;
  }
  return 1 - ties / (n * k * (k * k - 1));
}

/**
 * Friedman and Iman–Davenport from average ranks (Demšar 2006, eqs. for χ²_F and F_F), χ²_F divided by
 * `tieCorrection` (default 1: none, as in the paper). Separate from the score table so published average ranks
 * can be checked directly.
 */
export function friedmanFromAverageRanks(avgRanks: number[], n: number, tieCorrection = 1): FriedmanResult {
  const k = avgRanks.length;
  if (k < 2 || n < 2) throw new RangeError(`Friedman needs at least 2 methods and 2 datasets, got k=${k}, N=${n}`);
  const sumSq = avgRanks.reduce((s, r) => s + r * r, 0);
  const uncorrected = Math.max(0, ((12 * n) / (k * (k + 1))) * (sumSq - (k * (k + 1) ** 2) / 4));
  // every dataset ties all methods: C = 0 and there is nothing to test
  const chiSquare = tieCorrection > 0 ? uncorrected / tieCorrection : 0;
  const denom = n * (k - 1) - chiSquare;
  const imanDavenport = denom <= 1e-12 ? Infinity : ((n - 1) * chiSquare) / denom;
  const df1 = k - 1;
  const df2 = (k - 1) * (n - 1);
  return {
    n, k, avgRanks, chiSquare, tieCorrection, chiSquareDf: df1, pChiSquare: chiSquareSf(chiSquare, df1),
    imanDavenport, imanDavenportDf: [df1, df2], pImanDavenport: Number.isFinite(imanDavenport) ? fSf(imanDavenport, df1, df2) : 0,
  };
}

/** Friedman and Iman–Davenport straight from a datasets × methods score table. */
export function friedman(scores: number[][], direction: Direction, opts: { tieCorrection?: boolean } = {}): FriedmanResult & { ranks: number[][] } {
  const ranks = rankRows(scores, direction);
  const c = opts.tieCorrection ? friedmanTieCorrection(ranks) : 1;
  return { ...friedmanFromAverageRanks(averageRanks(ranks), scores.length, c), ranks };
}
