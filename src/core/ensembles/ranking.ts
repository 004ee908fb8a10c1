// Ranking of methods across datasets and the omnibus tests of Demšar (2006): Friedman's χ² on average ranks and
// the Iman–Davenport F correction, with p-values. Input is a datasets × methods score table.

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
  /** Friedman χ²_F = 12N/(k(k+1)) [Σ R_j² − k(k+1)²/4], k−1 df */
  chiSquare: number;
  chiSquareDf: number;
  pChiSquare: number;
  /** Iman–Davenport F_F = (N−1)χ²_F / (N(k−1) − χ²_F), (k−1, (k−1)(N−1)) df; Infinity when all datasets agree */
  imanDavenport: number;
  imanDavenportDf: [number, number];
  pImanDavenport: number;
}

/**
 * Friedman and Iman–Davenport from average ranks (Demšar 2006, eqs. for χ²_F and F_F, no tie correction, as in
 * the paper). Separate from the score table so published average ranks can be checked directly.
 */
export function friedmanFromAverageRanks(avgRanks: number[], n: number): FriedmanResult {
  const k = avgRanks.length;
  if (k < 2 || n < 2) throw new RangeError(`Friedman needs at least 2 methods and 2 datasets, got k=${k}, N=${n}`);
  const sumSq = avgRanks.reduce((s, r) => s + r * r, 0);
  const chiSquare = Math.max(0, ((12 * n) / (k * (k + 1))) * (sumSq - (k * (k + 1) ** 2) / 4));
  const denom = n * (k - 1) - chiSquare;
  const imanDavenport = denom <= 1e-12 ? Infinity : ((n - 1) * chiSquare) / denom;
  const df1 = k - 1;
  const df2 = (k - 1) * (n - 1);
  return {
    n, k, avgRanks, chiSquare, chiSquareDf: df1, pChiSquare: chiSquareSf(chiSquare, df1),
    imanDavenport, imanDavenportDf: [df1, df2], pImanDavenport: Number.isFinite(imanDavenport) ? fSf(imanDavenport, df1, df2) : 0,
  };
}

/** Friedman and Iman–Davenport straight from a datasets × methods score table. */
export function friedman(scores: number[][], direction: Direction): FriedmanResult & { ranks: number[][] } {
  const ranks = rankRows(scores, direction);
  return { ...friedmanFromAverageRanks(averageRanks(ranks), scores.length), ranks };
}
