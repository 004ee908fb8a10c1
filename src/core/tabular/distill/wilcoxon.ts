// Wilcoxon signed-rank test of paired scores (a student vs a baseline across datasets). Zero differences are
// dropped (Wilcoxon's convention), ties get average ranks. Two-sided p: exact by enumerating all sign patterns for
// n ≤ 20 (the usual few-dataset case, where the normal approximation is poor), else normal with tie correction.
// The ensembles module has the full multi-comparison statistics; this is the one test distillation reports need.

export interface WilcoxonResult {
  /** non-zero pairs used */
  n: number;
  /** sum of ranks of positive differences (a > b) */
  wPlus: number;
  wMinus: number;
  pValue: number;
  method: 'exact' | 'normal';
}

export function wilcoxonSignedRank(a: ArrayLike<number>, b: ArrayLike<number>): WilcoxonResult {
  if (a.length !== b.length) throw new RangeError('paired samples differ in length');
  const diffs: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const dlt = a[i] - b[i];
    if (Number.isNaN(dlt)) throw new RangeError(`pair ${i} has a NaN score`);
    if (dlt !== 0) diffs.push(dlt);
  }
  const n = diffs.length;
  if (n === 0) return { n: 0, wPlus: 0, wMinus: 0, pValue: 1, method: 'exact' };
  const order = diffs.map((_, i) => i).sort((i, j) => Math.abs(diffs[i]) - Math.abs(diffs[j]));
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && Math.abs(diffs[order[j + 1]]) === Math.abs(diffs[order[i]])) j++;
    for (let t = i; t <= j; t++) ranks[order[t]] = (i + j) / 2 + 1;
    const size = j - i + 1;
    tieTerm += size ** 3 - size;
    i = j + 1;
  }
  let wPlus = 0;
  for (let i = 0; i < n; i++) if (diffs[i] > 0) wPlus += ranks[i];
  const total = (n * (n + 1)) / 2;
  const wMinus = total - wPlus;
  if (n <= 20) {
    // distribution of W+ over the 2^n equally likely sign patterns, on the (possibly half-integer) ranks
    const observed = Math.min(wPlus, wMinus);
    let extreme = 0;
    const patterns = 2 ** n;
    for (let mask = 0; mask < patterns; mask++) {
      let w = 0;
      for (let i = 0; i < n; i++) if (mask & (1 << i)) w += ranks[i];
      if (Math.min(w, total - w) <= observed + 1e-9) extreme++;
    }
    return { n, wPlus, wMinus, pValue: Math.min(1, extreme / patterns), method: 'exact' };
  }
  const mean = total / 2;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  const z = (Math.abs(wPlus - mean) - 0.5) / sd;
  return { n, wPlus, wMinus, pValue: Math.min(1, 2 * (1 - normalCdf(z))), method: 'normal' };
}

/** Φ(z) via the Abramowitz–Stegun 7.1.26 erf approximation (|error| < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
