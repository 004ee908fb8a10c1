// Wilcoxon signed-rank test for paired scores of two methods over datasets, and Holm's step-down correction for
// the family of pairwise tests (Demšar 2006 §3.1.3 / García & Herrera 2008).
//
// Rule for the distribution: zero differences are dropped (Wilcoxon's original "wilcox" rule, scipy's default).
// With n ≤ 25 remaining differences and no ties among |d|, the p-value is exact (W+ distribution counted by
// dynamic programming over the 2^n sign patterns); otherwise it is the normal approximation with the tie
// correction of the variance and a 0.5 continuity correction (scipy `method='approx', correction=True`).

import { normalCdf } from './special';

export const WILCOXON_EXACT_MAX_N = 25;

export interface WilcoxonResult {
  /** differences kept (non-zero) */
  n: number;
  /** sum of ranks of positive differences a − b, and of negative ones */
  rPlus: number;
  rMinus: number;
  /** two-sided p-value */
  p: number;
  method: 'exact' | 'normal';
  /** z statistic when the normal approximation was used */
  z?: number;
}

/** Number of sign patterns of ranks 1..n with each value of W+ (index = W+). */
export function signedRankCounts(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  const counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) for (let s = max; s >= r; s--) counts[s] += counts[s - r];
  return counts;
}

function absRanks(d: number[]): { ranks: number[]; tieGroups: number[] } {
  const order = d.map((_, i) => i).sort((a, b) => Math.abs(d[a]) - Math.abs(d[b]));
  const ranks = new Array<number>(d.length);
  const tieGroups: number[] = [];
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && Math.abs(d[order[j + 1]]) === Math.abs(d[order[i]])) j++;
    for (let t = i; t <= j; t++) ranks[order[t]] = (i + j) / 2 + 1;
    if (j > i) tieGroups.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, tieGroups };
}

/** Two-sided Wilcoxon signed-rank test of a − b. */
export function wilcoxonSignedRank(a: number[], b: number[]): WilcoxonResult {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const d = a.map((x, i) => x - b[i]).filter((x) => x !== 0);
  if (d.some((x) => !Number.isFinite(x))) throw new RangeError('Wilcoxon needs finite paired scores');
  const n = d.length;
  if (n === 0) return { n, rPlus: 0, rMinus: 0, p: 1, method: 'exact' };
  const { ranks, tieGroups } = absRanks(d);
  let rPlus = 0;
  d.forEach((x, i) => { if (x > 0) rPlus += ranks[i]; });
  const total = (n * (n + 1)) / 2;
  const rMinus = total - rPlus;
  if (n <= WILCOXON_EXACT_MAX_N && tieGroups.length === 0) {
    const counts = signedRankCounts(n);
    const all = 2 ** n;
    let cdf = 0;
    for (let s = 0; s <= rPlus; s++) cdf += counts[s];
    let sf = 0;
    for (let s = rPlus; s <= total; s++) sf += counts[s];
    return { n, rPlus, rMinus, p: Math.min(1, (2 * Math.min(cdf, sf)) / all), method: 'exact' };
  }
  const mean = total / 2;
  const tieTerm = tieGroups.reduce((s, t) => s + t * t * t - t, 0);
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  const z = sd > 0 ? (rPlus - mean - Math.sign(rPlus - mean) * 0.5) / sd : 0;
  return { n, rPlus, rMinus, p: Math.min(1, 2 * normalCdf(-Math.abs(z))), method: 'normal', z };
}

/** Holm step-down adjusted p-values (same order as the input), monotone and capped at 1. */
export function holmAdjust(p: number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((x, y) => p[x] - p[y]);
  const adj = new Array<number>(m);
  let running = 0;
  order.forEach((idx, i) => {
    running = Math.max(running, Math.min(1, (m - i) * p[idx]));
    adj[idx] = running;
  });
  return adj;
}
