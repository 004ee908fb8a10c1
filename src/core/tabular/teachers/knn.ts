// kNN in-context baseline teacher: standardise with the context's mean/sd, take the `neighbours` nearest context
// rows of each query and vote with weights 1/(distance + ε). Like a TFM it has no training step beyond reading the
// context, which makes it the natural floor for an in-context teacher.

import type { ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';
import type { Teacher } from './teacher';

export interface KnnOptions {
  /** default clamp(round(√n), 5, 32) for an n-row context */
  neighbours?: number;
  /** mixed in uniformly so no class gets probability 0 (keeps log-loss finite); default 0.01 */
  smoothing?: number;
}

const EPS = 1e-6;

function contextStats(x: FeatureMatrix): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(x.d);
  const sd = new Float64Array(x.d);
  const cnt = new Float64Array(x.d);
  for (let i = 0; i < x.n; i++) for (let j = 0; j < x.d; j++) { const v = x.x[i * x.d + j]; if (!Number.isNaN(v)) { mean[j] += v; cnt[j]++; } }
  for (let j = 0; j < x.d; j++) mean[j] = cnt[j] ? mean[j] / cnt[j] : 0;
  for (let i = 0; i < x.n; i++) for (let j = 0; j < x.d; j++) { const v = x.x[i * x.d + j]; if (!Number.isNaN(v)) sd[j] += (v - mean[j]) ** 2; }
  for (let j = 0; j < x.d; j++) { const s = cnt[j] ? Math.sqrt(sd[j] / cnt[j]) : 0; sd[j] = s > 1e-12 ? s : 1; }
  return { mean, sd };
}

function zscore(x: FeatureMatrix, mean: Float64Array, sd: Float64Array): Float64Array {
  const z = new Float64Array(x.n * x.d);
  for (let i = 0; i < x.n; i++) for (let j = 0; j < x.d; j++) {
    const v = x.x[i * x.d + j];
    z[i * x.d + j] = Number.isNaN(v) ? 0 : (v - mean[j]) / sd[j];
  }
  return z;
}

export function knnPredict(xc: FeatureMatrix, yc: Int32Array, k: number, xq: FeatureMatrix, opts: KnnOptions = {}): ProbMatrix {
  if (xc.d !== xq.d) throw new RangeError(`Context has ${xc.d} features but the queries have ${xq.d}.`);
  if (xc.n === 0) throw new RangeError('kNN needs at least one context row.');
  const K = Math.min(xc.n, opts.neighbours ?? Math.min(32, Math.max(5, Math.round(Math.sqrt(xc.n)))));
  const smooth = opts.smoothing ?? 0.01;
  const { mean, sd } = contextStats(xc);
  const zc = zscore(xc, mean, sd);
  const zq = zscore(xq, mean, sd);
  const d = xc.d;
  const probs = new Float64Array(xq.n * k);
  const bestD = new Float64Array(K);
  const bestI = new Int32Array(K);
  for (let q = 0; q < xq.n; q++) {
    let filled = 0;
    for (let i = 0; i < xc.n; i++) {
      // Stop summing once this row cannot enter the current top K (partial-distance search).
      const bound = filled === K ? bestD[K - 1] : Infinity;
      let s = 0;
      for (let j = 0; j < d && s < bound; j++) { const v = zq[q * d + j] - zc[i * d + j]; s += v * v; }
      if (s >= bound) continue;
      // Insertion into the sorted top-K list (K ≤ 32, so this beats a heap).
      let p = filled < K ? filled++ : K - 1;
      while (p > 0 && bestD[p - 1] > s) { bestD[p] = bestD[p - 1]; bestI[p] = bestI[p - 1]; p--; }
      bestD[p] = s;
      bestI[p] = i;
    }
    let total = 0;
    for (let t = 0; t < K; t++) {
      const w = 1 / (Math.sqrt(bestD[t]) + EPS);
      probs[q * k + yc[bestI[t]]] += w;
      total += w;
    }
    for (let c = 0; c < k; c++) probs[q * k + c] = (1 - smooth) * (probs[q * k + c] / total) + smooth / k;
  }
  return { probs, n: xq.n, k };
}

export function knnTeacher(opts: KnnOptions = {}): Teacher {
  return {
    id: 'knn',
    predict: async (xc, yc, k, xq, signal) => {
      signal?.throwIfAborted();
      return knnPredict(xc, yc, k, xq, opts);
    },
  };
}
