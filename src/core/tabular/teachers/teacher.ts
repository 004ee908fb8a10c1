// The in-context teacher contract shared by the embedded neural TFM, user ONNX TFMs (TabPFN-style exports) and the
// baselines (kNN, logistic regression), so studies and distillation treat them alike.
//
// Contract: `predict(xContext, yContext, k, xQuery)` conditions on the labelled context (no gradient step, or a
// fresh fit for classical baselines) and returns an xQuery.n × k row-major probability matrix whose rows sum to 1.
// Inputs are preprocessed (no NaN is guaranteed only if the caller imputed; baselines tolerate NaN as "mean").
// A teacher must never see query labels. The neural TFM accepts at most TFM_LIMITS (1,024 context rows, 32
// features, 10 classes); `withinLimits` applies the subsampling/ensembling rule below to larger inputs.

import type { ProbMatrix } from '../../metrics/classification';
import { takeRows, type FeatureMatrix } from '../matrix';
import { makeRng, rowsByClass, shuffle } from '../data/rng';
import { sampleWithout, stratifiedQuotas } from '../strategies/sampling';

/**
 * Steps of one predict call done of its total (the TFM: query batches × ensemble members), fixed for the call and
 * never going back, so a caller can move its bar inside a call that takes minutes. Teachers that answer at once
 * need not report.
 */
export type PredictProgress = (done: number, total: number) => void;

export interface Teacher {
  /** stable id used in results ('knn', 'logreg', 'tfm', …) */
  readonly id: string;
  predict(xContext: FeatureMatrix, yContext: Int32Array, k: number, xQuery: FeatureMatrix, signal?: AbortSignal,
    onProgress?: PredictProgress): Promise<ProbMatrix>;
}

export interface TeacherLimits {
  maxContext: number;
  maxFeatures: number;
  maxClasses: number;
  /** most ensemble members spent on covering a context larger than maxContext */
  maxContextMembers: number;
  /** what to do about too many classes, appended to that error (a format's own many-class advice) */
  classHint?: string;
}

export const TFM_LIMITS: TeacherLimits = { maxContext: 1024, maxFeatures: 32, maxClasses: 10, maxContextMembers: 4 };

export class TeacherContractError extends Error {
  override name = 'TeacherContractError';
}

function columns(x: FeatureMatrix, cols: number[]): FeatureMatrix {
  const out = new Float64Array(x.n * cols.length);
  for (let i = 0; i < x.n; i++) for (let j = 0; j < cols.length; j++) out[i * cols.length + j] = x.x[i * x.d + cols[j]];
  return { x: out, n: x.n, d: cols.length, names: cols.map((c) => x.names[c]) };
}

/**
 * Wrap a limited teacher so any input size works, by this rule:
 * - more than maxClasses classes: TeacherContractError (no sound way to merge);
 * - B = ⌈d / maxFeatures⌉ feature blocks from a seeded permutation (each feature in exactly one block);
 * - C = min(maxContextMembers, ⌈n / maxContext⌉) context draws, each a seeded stratified subsample of maxContext
 *   rows (every class kept);
 * - M = max(B, C) members; member m uses block m mod B and draw m mod C; class probabilities are averaged.
 * Inputs within the limits go straight through (M = 1, no subsampling).
 */
export function withinLimits(inner: Teacher, limits: TeacherLimits = TFM_LIMITS, seed = 0): Teacher {
  return {
    id: inner.id,
    async predict(xc, yc, k, xq, signal, onProgress) {
      if (k > limits.maxClasses) throw new TeacherContractError(`Teacher "${inner.id}" handles at most ${limits.maxClasses} classes; this task has ${k}.${limits.classHint ? ` ${limits.classHint}` : ''}`);
      if (xc.d !== xq.d) throw new TeacherContractError(`Context has ${xc.d} features but the queries have ${xq.d}.`);
      const rng = makeRng(seed);
      const B = Math.ceil(xc.d / limits.maxFeatures);
      const C = Math.min(limits.maxContextMembers, Math.ceil(xc.n / limits.maxContext));
      if (B === 1 && C === 1) return inner.predict(xc, yc, k, xq, signal, onProgress);
      const perm = shuffle(Array.from({ length: xc.d }, (_, j) => j), rng);
      const blocks = Array.from({ length: B }, (_, b) => perm.filter((_, i) => i % B === b).sort((a, c) => a - c));
      const byClass = rowsByClass(yc, k);
      const draws = Array.from({ length: C }, () => {
        if (xc.n <= limits.maxContext) return Array.from({ length: xc.n }, (_, i) => i);
        const q = stratifiedQuotas(limits.maxContext, byClass.map((r) => r.length));
        return byClass.flatMap((rows, c) => sampleWithout(rows, q[c], rng)).sort((a, b) => a - b);
      });
      const M = Math.max(B, C);
      const sum = new Float64Array(xq.n * k);
      for (let m = 0; m < M; m++) {
        signal?.throwIfAborted();
        const cols = blocks[m % B];
        const rows = draws[m % C];
        const ctx = columns(takeRows(xc, rows), cols);
        // member m covers [m, m + 1) of M steps, whatever count the inner teacher reports in
        const p = await inner.predict(ctx, Int32Array.from(rows, (r) => yc[r]), k, columns(xq, cols), signal,
          onProgress && ((done, total) => onProgress(m + (total > 0 ? Math.min(1, done / total) : 1), M)));
        onProgress?.(m + 1, M);
        for (let t = 0; t < sum.length; t++) sum[t] += p.probs[t] / M;
      }
      return { probs: sum, n: xq.n, k };
    },
  };
}
