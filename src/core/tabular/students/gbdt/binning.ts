// Quantile binning for the histogram tree learner. Each feature gets ≤ maxBins−1 cut points chosen at quantiles
// of its distinct float32 values; bin 0 is reserved for missing (NaN). Cut points are float32-representable and
// values are compared after rounding to float32, so the learner's split `x < threshold` is bit-for-bit the
// `BRANCH_LT` test onnxruntime runs in float32 on the exported model.

import type { FeatureMatrix } from '../../matrix';

export interface BinMapper {
  /** per feature: ascending float32 cut points; value bin = 1 + #{cuts ≤ fround(x)}, NaN → bin 0 */
  cuts: Float32Array[];
  /** per feature: offset of its bin 0 in a flat histogram */
  offsets: Int32Array;
  /** total histogram slots over all features (Σ (cuts + 2)) */
  totalBins: number;
}

export interface BinnedMatrix {
  /** n×d row-major bin indices, so one row's bins are contiguous for histogram building */
  bins: Uint8Array;
  n: number;
  d: number;
}

/** Chooses cut points per feature from (at most `sampleSize` rows of) the training data. */
export function fitBins(x: FeatureMatrix, maxBins = 255, sampleSize = 200_000): BinMapper {
  if (maxBins < 2 || maxBins > 255) throw new RangeError(`maxBins must be in [2, 255], got ${maxBins}`);
  const step = Math.max(1, Math.floor(x.n / sampleSize));
  const cuts: Float32Array[] = [];
  const offsets = new Int32Array(x.d);
  let total = 0;
  const col = new Float32Array(Math.ceil(x.n / step));
  for (let f = 0; f < x.d; f++) {
    let m = 0;
    for (let i = 0; i < x.n; i += step) {
      const v = x.x[i * x.d + f];
      if (v === v) col[m++] = v; // float32 rounding happens on store
    }
    const c = quantileCuts(col.subarray(0, m).sort(), maxBins - 1);
    cuts.push(c);
    offsets[f] = total;
    total += c.length + 2;
  }
  return { cuts, offsets, totalBins: total };
}

/**
 * Cut points between distinct values: all of them when there are few distinct values, else at evenly spaced
 * ranks. A cut t between neighbours lo < hi satisfies lo < t ≤ hi in float32, so lo goes left and hi right.
 */
function quantileCuts(sorted: Float32Array, maxValueBins: number): Float32Array {
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]++;
    else { distinct.push(sorted[i]); counts.push(1); }
  }
  if (distinct.length <= 1) return new Float32Array(0); // constant feature: never split on
  const chosen: number[] = [];
  if (distinct.length <= maxValueBins) {
    for (let j = 1; j < distinct.length; j++) chosen.push(j);
  } else {
    // walk the cumulative count and cut whenever another 1/maxValueBins of the mass has passed
    const per = sorted.length / maxValueBins;
    let acc = 0;
    let next = per;
    for (let j = 0; j < distinct.length - 1; j++) {
      acc += counts[j];
      if (acc >= next) {
        chosen.push(j + 1);
        while (next <= acc) next += per;
      }
    }
  }
  const out = new Float32Array(chosen.length);
  for (let i = 0; i < chosen.length; i++) {
    const lo = distinct[chosen[i] - 1];
    const hi = distinct[chosen[i]];
    let t = Math.fround((lo + hi) / 2);
    if (t <= lo) t = hi;
    out[i] = t;
  }
  return out;
}

/** Bin of one value: 0 for NaN, else 1 + number of cuts ≤ fround(v) (binary search). */
export function binOf(cuts: Float32Array, v: number): number {
  if (v !== v) return 0;
  const x = Math.fround(v);
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] <= x) lo = mid + 1; else hi = mid;
  }
  return lo + 1;
}

export function applyBins(mapper: BinMapper, x: FeatureMatrix): BinnedMatrix {
  if (x.d !== mapper.cuts.length) throw new RangeError(`bin mapper has ${mapper.cuts.length} features, matrix has ${x.d}`);
  const bins = new Uint8Array(x.n * x.d);
  for (let i = 0; i < x.n; i++) for (let f = 0; f < x.d; f++) bins[i * x.d + f] = binOf(mapper.cuts[f], x.x[i * x.d + f]);
  return { bins, n: x.n, d: x.d };
}
