// Wilcoxon signed-rank test for paired scores of two methods over datasets, and Holm's step-down correction for
// the family of pairwise tests (Demšar 2006 §3.1.3 / García & Herrera 2008).
//
// The options follow scipy.stats.wilcoxon (scipy/stats/_wilcoxon.py, scipy ≥ 1.15) and default to its defaults,
// so `wilcoxonSignedRank(a, b)` gives the p-value of `scipy.stats.wilcoxon(a, b)`:
//  * zeroMethod 'wilcox' drops zero differences; 'pratt' ranks them and then drops their ranks (the normal
//    approximation adjusted as Cureton 1967); 'zsplit' ranks them and splits their ranks evenly between R+ and R−
//    (Demšar 2006 §3.1.3, whose C4.5 vs C4.5+m example gives R+ = 93, R− = 12, z = −2.54 this way).
//  * method 'auto': with N pairs (zeros included), N > exactMaxN (50) → normal approximation; else no ties and no
//    zeros → exact null distribution of R+; else N ≤ permutationMaxN (13) → exact distribution of R+ over all 2^N
//    sign flips of the observed ranks (what scipy's permutation test enumerates); else the normal approximation.
//    'exact' always uses the exact sign-flip distribution of the observed ranks (scipy's 'exact' agrees without
//    ties or zeros; with them scipy rounds R+ into the untied distribution instead); 'asymptotic' always the normal.
//  * The normal approximation corrects the variance for ties (Σ t³ − t over tie groups of |d|) and, only with
//    correction: true, shifts R+ by 0.5 towards its mean (scipy's default is correction=False).

import { normalCdf } from './special';

export type WilcoxonZeroMethod = 'wilcox' | 'pratt' | 'zsplit';
export type WilcoxonMethod = 'auto' | 'exact' | 'asymptotic';

export interface WilcoxonOptions {
  /** how zero differences enter (default 'wilcox', scipy's default) */
  zeroMethod?: WilcoxonZeroMethod;
  /** default 'auto' (scipy's rule, see the header) */
  method?: WilcoxonMethod;
  /** 'auto': exact distribution only up to this many pairs (default 50, scipy ≥ 1.9) */
  exactMaxN?: number;
  /** 'auto' with ties or zeros: exact sign-flip distribution up to this many pairs (default 13, scipy ≥ 1.15) */
  permutationMaxN?: number;
  /** normal approximation: continuity correction of 0.5 (default false, scipy's default) */
  correction?: boolean;
}

export const WILCOXON_DEFAULTS: Required<WilcoxonOptions> = {
  zeroMethod: 'wilcox', method: 'auto', exactMaxN: 50, permutationMaxN: 13, correction: false,
};

export interface WilcoxonResult {
  /** differences in the statistic: the non-zero ones under 'wilcox', all pairs under 'pratt' / 'zsplit' */
  n: number;
  /** zero differences among the pairs */
  zeros: number;
  /** sum of ranks of positive differences a − b, and of negative ones ('zsplit': each with half the zeros' ranks) */
  rPlus: number;
  rMinus: number;
  /** two-sided p-value */
  p: number;
  method: 'exact' | 'normal';
  /** z statistic of R+ when the normal approximation was used (negative when R+ is below its mean) */
  z?: number;
}

/** Number of sign patterns of ranks 1..n with each value of W+ (index = W+). */
export function signedRankCounts(n: number): number[] {
  return signFlipCounts(Array.from({ length: n }, (_, i) => i + 1));
}

/** Number of sign patterns of the given non-negative integer weights with each value of the positive sum. */
function signFlipCounts(weights: number[]): number[] {
  const max = weights.reduce((s, w) => s + w, 0);
  const counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (const w of weights) for (let s = max; s >= w; s--) counts[s] += counts[s - w];
  return counts;
}

/** Average ranks of |d| (1 = smallest) and the sizes of the tie groups of equal |d| (groups of one left out). */
function absRanks(d: number[]): { ranks: number[]; tieGroups: { size: number; value: number }[] } {
  const order = d.map((_, i) => i).sort((a, b) => Math.abs(d[a]) - Math.abs(d[b]));
  const ranks = new Array<number>(d.length);
  const tieGroups: { size: number; value: number }[] = [];
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && Math.abs(d[order[j + 1]]) === Math.abs(d[order[i]])) j++;
    for (let t = i; t <= j; t++) ranks[order[t]] = (i + j) / 2 + 1;
    if (j > i) tieGroups.push({ size: j - i + 1, value: Math.abs(d[order[i]]) });
    i = j + 1;
  }
  return { ranks, tieGroups };
}

/** Two-sided Wilcoxon signed-rank test of a − b. */
export function wilcoxonSignedRank(a: number[], b: number[], options: WilcoxonOptions = {}): WilcoxonResult {
  const opts = { ...WILCOXON_DEFAULTS, ...options };
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const all = a.map((x, i) => x - b[i]);
  if (all.some((x) => !Number.isFinite(x))) throw new RangeError('Wilcoxon needs finite paired scores');
  const zeros = all.filter((x) => x === 0).length;
  const d = opts.zeroMethod === 'wilcox' ? all.filter((x) => x !== 0) : all;
  const n = d.length;
  const { ranks, tieGroups } = absRanks(d);
  let rPlus = 0;
  let rMinus = 0;
  let rZero = 0;
  d.forEach((x, i) => {
    if (x > 0) rPlus += ranks[i];
    else if (x < 0) rMinus += ranks[i];
    else rZero += ranks[i];
  });
  if (opts.zeroMethod === 'zsplit') {
    rPlus += rZero / 2;
    rMinus += rZero / 2;
  }
  if (n - (opts.zeroMethod === 'wilcox' ? 0 : zeros) === 0) return { n, zeros, rPlus, rMinus, p: 1, method: 'exact' };

  const pairs = all.length;
  const exact = opts.method === 'exact' || (opts.method === 'auto' && pairs <= opts.exactMaxN
    && ((tieGroups.length === 0 && zeros === 0) || pairs <= opts.permutationMaxN));
  if (exact) {
    // R+ over the 2^n sign flips of the non-zero ranks; ranks are multiples of ½, so doubled they are integers
    const weights = d.flatMap((x, i) => (x !== 0 ? [Math.round(2 * ranks[i])] : []));
    const observed = d.reduce((s, x, i) => s + (x > 0 ? Math.round(2 * ranks[i]) : 0), 0);
    const counts = signFlipCounts(weights);
    const total = 2 ** weights.length;
    let cdf = 0;
    for (let s = 0; s <= observed; s++) cdf += counts[s];
    let sf = 0;
    for (let s = observed; s < counts.length; s++) sf += counts[s];
    return { n, zeros, rPlus, rMinus, p: Math.min(1, (2 * Math.min(cdf, sf)) / total), method: 'exact' };
  }

  let mean = (n * (n + 1)) / 4;
  let varTimes24 = n * (n + 1) * (2 * n + 1);
  if (opts.zeroMethod === 'pratt') {
    mean -= (zeros * (zeros + 1)) / 4;
    varTimes24 -= zeros * (zeros + 1) * (2 * zeros + 1);
  }
  // Pratt leaves the zeros' tie group out of the correction; zsplit keeps it (their ranks are in R±)
  const tieTerm = tieGroups.filter((g) => !(opts.zeroMethod === 'pratt' && g.value === 0)).reduce((s, g) => s + g.size ** 3 - g.size, 0);
  const se = Math.sqrt((varTimes24 - tieTerm / 2) / 24);
  let z = se > 0 ? (rPlus - mean) / se : 0;
  if (opts.correction && se > 0) z -= (Math.sign(z) * 0.5) / se;
  return { n, zeros, rPlus, rMinus, p: Math.min(1, 2 * normalCdf(-Math.abs(z))), method: 'normal', z };
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
