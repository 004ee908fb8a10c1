// A small in-context kNN teacher for distillation tests and benches: standardise on the context, find the m
// nearest context rows (missing coordinates skipped, distance rescaled), vote with 1/(distance + ε) weights.
// With distance weights a query that is also a context row is its own nearest neighbour at distance 0 and takes
// nearly all the weight, the same label copying a real in-context TFM can do, which makes naive labelling's
// collapse visible. The study's own kNN/LR baselines live in src/core/tabular/teachers.

import type { ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';
import type { Teacher } from '../teachers/teacher';
import { fitStandardizer } from '../students/dense';

export interface KnnTeacherOptions {
  neighbours: number; // 15
  weighting: 'distance' | 'uniform'; // 'distance'
  /** added to every class count so no probability is exactly 0 */
  smoothing: number; // 0.001
}

export function knnTeacher(options: Partial<KnnTeacherOptions> = {}): Teacher {
  const o: KnnTeacherOptions = { neighbours: 15, weighting: 'distance', smoothing: 0.001, ...options };
  return {
    id: `knn${o.neighbours}`,
    async predict(xc: FeatureMatrix, yc: Int32Array, k: number, xq: FeatureMatrix, signal?: AbortSignal): Promise<ProbMatrix> {
      const { mean, scale } = fitStandardizer(xc);
      const d = xc.d;
      const zc = new Float64Array(xc.x.length);
      for (let i = 0; i < xc.x.length; i++) zc[i] = (xc.x[i] - mean[i % d]) * scale[i % d];
      const m = Math.min(o.neighbours, xc.n);
      const probs = new Float64Array(xq.n * k);
      const q = new Float64Array(d);
      const bestD = new Float64Array(m);
      const bestI = new Int32Array(m);
      for (let r = 0; r < xq.n; r++) {
        if ((r & 1023) === 0) signal?.throwIfAborted();
        for (let f = 0; f < d; f++) q[f] = (xq.x[r * d + f] - mean[f]) * scale[f];
        bestD.fill(Infinity);
        for (let j = 0; j < xc.n; j++) {
          let s = 0, used = 0;
          for (let f = 0; f < d; f++) {
            const diff = q[f] - zc[j * d + f];
            if (diff === diff) { s += diff * diff; used++; }
          }
          const dist = used ? (s * d) / used : Infinity;
          if (dist >= bestD[m - 1]) continue;
          let p = m - 1; // insertion into the sorted top-m list
          while (p > 0 && bestD[p - 1] > dist) { bestD[p] = bestD[p - 1]; bestI[p] = bestI[p - 1]; p--; }
          bestD[p] = dist; bestI[p] = j;
        }
        let total = 0;
        for (let t = 0; t < m; t++) {
          if (bestD[t] === Infinity) continue;
          const w = o.weighting === 'distance' ? 1 / (Math.sqrt(bestD[t]) + 1e-6) : 1;
          probs[r * k + yc[bestI[t]]] += w;
          total += w;
        }
        const sm = o.smoothing * (total > 0 ? total : 1);
        for (let c = 0; c < k; c++) probs[r * k + c] = (probs[r * k + c] + sm / k) / (total + sm);
      }
      return { probs, n: xq.n, k };
    },
  };
}
