// The preprocessing that real TFM packages run outside their ONNX graphs, in TS, column-major on the context rows
// only (queries are transformed with what the context fitted). Sources (read at these commits):
//   TabPFN v2: PriorLabs/TabPFN 0f1848deb157d5d042e64cdb5c37c22c6384f151 src/tabpfn/model/preprocessing.py
//     (RemoveConstantFeaturesStep, ReshapeFeatureDistributionsStep "quantile_uni_coarse" = scikit-learn
//     QuantileTransformer(uniform, n_quantiles = max(n // 10, 2)), AddFingerprintFeaturesStep, ShuffleFeaturesStep)
//   TabICL: soda-inria/tabicl 8f1aa2098c894ab91dba15209cf2002ba4be6c6c src/tabicl/_sklearn/preprocessing.py
//     (UniqueFeatureFilter, CustomStandardScaler, PowerTransformer(yeo-johnson), OutlierRemover, Shuffler)
// Each function states where it departs from the package. Pure: no DOM, no Node.
import type { FeatureMatrix } from '../../matrix';
import type { Rng } from '../../data/rng';

/** Column j of m's first `rows` rows (NaN kept). */
export function column(m: FeatureMatrix, j: number): Float64Array {
  const out = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) out[i] = m.x[i * m.d + j];
  return out;
}

/** A matrix from columns (all the same length). */
export function fromColumns(cols: Float64Array[], names: string[]): FeatureMatrix {
  const n = cols[0]?.length ?? 0;
  const d = cols.length;
  const x = new Float64Array(n * d);
  for (let j = 0; j < d; j++) for (let i = 0; i < n; i++) x[i * d + j] = cols[j][i];
  return { x, n, d, names };
}

/** Columns of the context that are not constant (TabPFN RemoveConstantFeaturesStep, TabICL UniqueFeatureFilter). */
export function nonConstantColumns(xc: FeatureMatrix): number[] {
  const keep: number[] = [];
  for (let j = 0; j < xc.d; j++) {
    const first = xc.x[j];
    for (let i = 1; i < xc.n; i++) {
      const v = xc.x[i * xc.d + j];
      if (v !== first && !(Number.isNaN(v) && Number.isNaN(first))) { keep.push(j); break; }
    }
  }
  return keep;
}

const distinctCount = (c: Float64Array): number => new Set(Array.from(c).filter((v) => !Number.isNaN(v))).size;

/**
 * TabPFN's categorical inference (infer_categorical_features with MIN_NUMBER_SAMPLES_FOR_CATEGORICAL_INFERENCE =
 * 100 and MIN_UNIQUE_FOR_NUMERICAL_FEATURES = 4): with ≥ 100 context rows, a column with fewer than 4 distinct
 * values is categorical; `given` indices are categorical whatever their count.
 */
export function inferCategorical(xc: FeatureMatrix, given: readonly number[] = []): Set<number> {
  const out = new Set(given);
  if (xc.n >= 100) for (let j = 0; j < xc.d; j++) if (distinctCount(column(xc, j)) < 4) out.add(j);
  return out;
}

/** numpy.percentile(..., method='linear') of sorted finite values at q ∈ [0, 1]. */
function percentile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** numpy.interp for increasing xp (ties allowed): the rightmost j with xp[j] ≤ x, clamped to the ends. */
function interp(x: number, xp: Float64Array | number[], fp: Float64Array | number[]): number {
  const n = xp.length;
  if (x < xp[0]) return fp[0];
  if (x >= xp[n - 1]) return fp[n - 1];
  let lo = 0;
  let hi = n - 1; // xp[lo] ≤ x < xp[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid] <= x) lo = mid; else hi = mid;
  }
  return fp[lo] + ((fp[hi] - fp[lo]) * (x - xp[lo])) / (xp[hi] - xp[lo]);
}

export interface QuantileFit {
  quantiles: Float64Array;
  references: Float64Array;
  /** −quantiles and −references reversed: the mirrored interpolation's grid */
  negQuantiles: Float64Array;
  negReferences: Float64Array;
}

/**
 * scikit-learn QuantileTransformer(output_distribution='uniform') on one column: n_quantiles reference points
 * (capped at the rows), quantiles by linear percentiles made non-decreasing. Departure: no 10,000-row subsample
 * (TabPFN v2's own row limit is 10,000, so it never triggers there).
 */
export function fitQuantile(col: Float64Array, nQuantiles: number): QuantileFit {
  const finite = Float64Array.from(Array.from(col).filter((v) => !Number.isNaN(v))).sort();
  const nq = Math.max(1, Math.min(nQuantiles, finite.length));
  const references = Float64Array.from({ length: nq }, (_, i) => (nq === 1 ? 0 : i / (nq - 1)));
  const quantiles = Float64Array.from(references, (r) => (finite.length ? percentile(finite, r) : 0));
  for (let i = 1; i < nq; i++) quantiles[i] = Math.max(quantiles[i], quantiles[i - 1]);
  const mirror = (a: Float64Array) => Float64Array.from({ length: nq }, (_, i) => -a[nq - 1 - i]);
  return { quantiles, references, negQuantiles: mirror(quantiles), negReferences: mirror(references) };
}

/** The transform: the mean of the forward and the mirrored interpolation (ties map to their middle), in [0, 1]. */
export function quantileTransform(v: number, f: QuantileFit): number {
  if (Number.isNaN(v)) return v;
  const q = f.quantiles;
  const n = q.length;
  if (v === q[n - 1]) return 1;
  if (v === q[0]) return 0;
  return 0.5 * (interp(v, q, f.references) - interp(-v, f.negQuantiles, f.negReferences));
}

/**
 * TabPFN's fingerprint feature: one value in [0, 1) per row from a hash of its values; duplicated context rows
 * count up (row + 1, row + 2, …) until the value is new, so the model can tell them apart; query rows keep their
 * first value even when it collides. Departure: a 53-bit FNV/cyrb-style hash of the float64 bytes instead of SHA-256 mod 10¹² (the model
 * only sees an arbitrary uniform value per distinct row, so any good hash serves).
 */
export function fingerprints(m: FeatureMatrix, salt: number, dedupe: boolean): Float64Array {
  const out = new Float64Array(m.n);
  const seen = new Set<number>();
  const buf = new Float64Array(m.d);
  const bytes = new Uint8Array(buf.buffer);
  const hash = (add: number): number => {
    for (let j = 0; j < m.d; j++) buf[j] += add;
    // NaN + add is still NaN, so a duplicated context row holding a NaN would rehash to the same value forever:
    // the offset is hashed as well (as PriorLabs/TabPFN's later _hash_with_offset hashes it with the row bytes)
    let h1 = Math.imul(0xdeadbeef ^ salt ^ add, add ? 2654435761 : 1);
    let h2 = 0x41c6ce57 ^ salt;
    for (const b of bytes) {
      h1 = Math.imul(h1 ^ b, 2654435761);
      h2 = Math.imul(h2 ^ b, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    for (let j = 0; j < m.d; j++) buf[j] -= add;
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)) / 2 ** 53;
  };
  // As the package does: context rows hash row + salt, query rows row + 2·salt (it salts the query twice), so a
  // query that duplicates a context row does not share its fingerprint.
  const shift = dedupe ? salt : 2 * salt;
  for (let i = 0; i < m.n; i++) {
    for (let j = 0; j < m.d; j++) buf[j] = m.x[i * m.d + j] + shift;
    let h = hash(0);
    if (dedupe) {
      for (let add = 1; seen.has(h); add++) h = hash(add);
      seen.add(h);
    }
    out[i] = h;
  }
  return out;
}

/** Population or sample (ddof 1) mean and std over the finite values of a column. */
function meanStd(c: ArrayLike<number>, ddof: number): { mean: number; std: number } {
  let n = 0;
  let s = 0;
  for (let i = 0; i < c.length; i++) if (!Number.isNaN(c[i])) { n++; s += c[i]; }
  const mean = n ? s / n : NaN;
  let ss = 0;
  for (let i = 0; i < c.length; i++) if (!Number.isNaN(c[i])) ss += (c[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / Math.max(1, n - ddof)) };
}

/** TabICL CustomStandardScaler: (x − mean) / (population std + 1e-6), clipped to ±100. */
export function fitStandard(c: Float64Array): (v: number) => number {
  const { mean, std } = meanStd(c, 0);
  return (v) => Math.min(100, Math.max(-100, (v - mean) / (std + 1e-6)));
}

/** Yeo–Johnson transform of one value for λ (scipy.stats.yeojohnson). */
export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) return Math.abs(lambda) < 1e-12 ? Math.log1p(x) : ((x + 1) ** lambda - 1) / lambda;
  return Math.abs(lambda - 2) < 1e-12 ? -Math.log1p(-x) : -((1 - x) ** (2 - lambda) - 1) / (2 - lambda);
}

/** The Yeo–Johnson log-likelihood scikit-learn maximises (PowerTransformer._yeo_johnson_optimize). */
export function yeoJohnsonLogLik(c: ArrayLike<number>, lambda: number, signedLog = signedLogSum(c)): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < c.length; i++) { const t = yeoJohnson(c[i], lambda); s1 += t; s2 += t * t; }
  const variance = Math.max(0, s2 / c.length - (s1 / c.length) ** 2);
  return (-c.length / 2) * Math.log(variance) + (lambda - 1) * signedLog;
}

function signedLogSum(c: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += Math.sign(c[i]) * Math.log1p(Math.abs(c[i]));
  return s;
}

/**
 * scikit-learn PowerTransformer(method='yeo-johnson', standardize=True) on one column: λ by maximum likelihood,
 * then standardised (population std; a zero std scales by 1). Departure: λ by a grid over [−5, 5] refined by
 * golden-section search instead of scipy's unbounded Brent from the bracket (−2, 2): equal wherever the optimum
 * lies inside [−5, 5], which covers standardised inputs.
 */
export function fitYeoJohnson(c: Float64Array): { lambda: number; apply: (v: number) => number } {
  const finite = Array.from(c).filter((v) => !Number.isNaN(v));
  const signedLog = signedLogSum(finite);
  const f = (l: number) => -yeoJohnsonLogLik(finite, l, signedLog);
  let best = 0;
  let fBest = f(0);
  for (let l = -5; l <= 5 + 1e-9; l += 0.25) { const v = f(l); if (v < fBest) { best = l; fBest = v; } }
  // golden-section search inside the best grid cell's neighbours, one new evaluation per step
  const g = (Math.sqrt(5) - 1) / 2;
  let a = Math.max(-5, best - 0.25);
  let b = Math.min(5, best + 0.25);
  let c1 = b - g * (b - a);
  let c2 = a + g * (b - a);
  let f1 = f(c1);
  let f2 = f(c2);
  for (let it = 0; it < 40; it++) {
    if (f1 < f2) { b = c2; c2 = c1; f2 = f1; c1 = b - g * (b - a); f1 = f(c1); } else { a = c1; c1 = c2; f1 = f2; c2 = a + g * (b - a); f2 = f(c2); }
  }
  const lambda = (a + b) / 2;
  const { mean, std } = meanStd(finite.map((v) => yeoJohnson(v, lambda)), 0);
  const scale = std > 0 ? std : 1;
  return { lambda, apply: (v) => (yeoJohnson(v, lambda) - mean) / scale };
}

/**
 * TabICL OutlierRemover(threshold): bounds mean ± threshold·std (ddof 1, std ≥ 1e-6) recomputed after dropping
 * the values outside the first bounds, then a soft clip: max(−log(1+|x|) + L, x), min(log(1+|x|) + U, x).
 * TabPFN v2 does the same inside its graph with 12σ (remove_outliers in its input encoder).
 */
export function fitOutlierClip(c: Float64Array, threshold: number): { lower: number; upper: number; apply: (v: number) => number } {
  const first = meanStd(c, c.length > 1 ? 1 : 0);
  const s1 = Math.max(first.std, 1e-6);
  const clean = Array.from(c, (v) => (v < first.mean - threshold * s1 || v > first.mean + threshold * s1 ? NaN : v));
  const second = meanStd(clean, c.length > 1 ? 1 : 0);
  const s2 = Math.max(second.std, 1e-6);
  const lower = second.mean - threshold * s2;
  const upper = second.mean + threshold * s2;
  return {
    lower, upper,
    apply: (v) => {
      const lo = Math.max(-Math.log1p(Math.abs(v)) + lower, v);
      return Math.min(Math.log1p(Math.abs(lo)) + upper, lo);
    },
  };
}

/**
 * TabICL Shuffler(method='latin'): the rows of a random Latin square over n symbols (built recursively, then rows
 * and columns shuffled), so across members every feature visits every position once. Uses the project's seeded Rng
 * rather than Python's random.Random, so the squares differ from the package's for the same seed.
 */
export function latinSquare(n: number, rng: Rng): number[][] {
  const rls = (symbols: number[]): number[][] => {
    if (symbols.length === 1) return [[symbols[0]]];
    const sym = symbols[rng.int(symbols.length)];
    const square = rls(symbols.filter((s) => s !== sym));
    square.push([...square[0]]);
    for (let i = 0; i < square.length; i++) square[i].splice(i, 0, sym);
    return square;
  };
  const square = rls(Array.from({ length: n }, (_, i) => i));
  const shuffleInPlace = <T>(a: T[]) => { for (let i = a.length - 1; i > 0; i--) { const j = rng.int(i + 1); [a[i], a[j]] = [a[j], a[i]]; } return a; };
  shuffleInPlace(square);
  const transposed = square[0].map((_, j) => square.map((r) => r[j]));
  return shuffleInPlace(transposed);
}

/** TabICL Shuffler(method='shift'): every circular shift of 0..n-1 (indices[-i:] + indices[:-i]). */
export function circularShifts(n: number): number[][] {
  const idx = Array.from({ length: n }, (_, i) => i);
  return idx.map((i) => (i === 0 ? [...idx] : [...idx.slice(n - i), ...idx.slice(0, n - i)]));
}
