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
import { apportion, sampleWithout, stratifiedQuotas } from '../strategies/sampling';

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

function classShares(rows: number[], y: Int32Array, k: number): number[] {
  const n = new Array<number>(k).fill(0);
  for (const r of rows) n[y[r]]++;
  return n.map((v) => v / Math.max(1, rows.length));
}

/** Rows of p re-weighted by π(c)/π_draw(c) and renormalised (label-shift Bayes rule); classes absent from the draw keep 0. */
export function priorCorrected(p: Float64Array, k: number, target: number[], drawn: number[]): Float64Array {
  const w = target.map((t, c) => (drawn[c] > 0 ? t / drawn[c] : 0));
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length / k; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += p[i * k + c] * w[c];
    for (let c = 0; c < k; c++) out[i * k + c] = s > 0 ? (p[i * k + c] * w[c]) / s : p[i * k + c];
  }
  return out;
}

function columns(x: FeatureMatrix, cols: number[]): FeatureMatrix {
  const out = new Float64Array(x.n * cols.length);
  for (let i = 0; i < x.n; i++) for (let j = 0; j < cols.length; j++) out[i * cols.length + j] = x.x[i * x.d + cols[j]];
  const coded = x.codedColumns?.length ? cols.flatMap((c, j) => (x.codedColumns!.includes(c) ? [j] : [])) : [];
  return { x: out, n: x.n, d: cols.length, names: cols.map((c) => x.names[c]), ...(coded.length ? { codedColumns: coded } : {}) };
}

/**
 * How withinLimits draws contexts from more than maxContext rows.
 * - 'stratified' (the default, and the only rule before): C independent seeded stratified subsamples; a 2.3 %
 *   class gets ~23 of 1,024 rows in each draw.
 * - 'minority-complete': every class other than the largest gets min(its rows, max(stratified quota,
 *   ⌊minorityShare · maxContext / (k − 1)⌋)) rows, so a rare class is shown whole (up to the share) in every draw;
 *   the larger classes share the rest by their counts, and their rows are dealt out in consecutive slices of one
 *   seeded order, so the draws cover them before any row repeats. C = min(maxContextMembers, the draws needed to
 *   cover the most-drawn-down class).
 */
export interface ContextDrawOptions {
  draw?: 'stratified' | 'minority-complete';
  /** minority-complete: the most of a context the non-largest classes take together; default 0.5 (balanced binary) */
  minorityShare?: number;
  /**
   * Correct each draw's probabilities from the draw's class shares π_draw back to the whole context's π by the
   * label-shift Bayes rule p(c|x) ∝ p_draw(c|x)·π(c)/π_draw(c) (Saerens et al. 2002). A draw that over-represents
   * a class inflates its probabilities (calibration) but, per member, does not change the binary ranking (AUC).
   * Default: on for 'minority-complete', off for 'stratified' (whose draws keep π up to rounding: the old rule).
   */
  priorCorrection?: boolean;
}

/** Per-class quotas of one minority-complete draw (see ContextDrawOptions). */
export function minorityCompleteQuotas(total: number, counts: number[], share: number): number[] {
  const strat = stratifiedQuotas(total, counts);
  const present = counts.filter((c) => c > 0).length;
  const largest = counts.indexOf(Math.max(...counts));
  const cap = present > 1 ? Math.floor((share * total) / (present - 1)) : 0;
  const q = counts.map((n, c) => (c === largest ? strat[c] : Math.min(n, Math.max(strat[c], cap))));
  // classes still above the cap (the large ones) share what the complete ones leave, by their counts
  const large = q.flatMap((v, c) => (c === largest || v > cap ? [c] : []));
  const small = q.reduce((a, v, c) => (large.includes(c) ? a : a + v), 0);
  const split = apportion(Math.max(0, total - small), large.map((c) => counts[c]));
  large.forEach((c, i) => { q[c] = Math.min(counts[c], split[i]); });
  return q;
}

/** The row sets of C minority-complete draws: rare classes whole, large classes in consecutive slices. */
function minorityCompleteDraws(byClass: number[][], maxContext: number, share: number, maxDraws: number, rng: ReturnType<typeof makeRng>): number[][] {
  const q = minorityCompleteQuotas(maxContext, byClass.map((r) => r.length), share);
  // enough draws to deal out every row of the class whose quota covers it least, within maxDraws
  const C = Math.min(maxDraws, Math.max(1, ...byClass.map((r, c) => (q[c] > 0 ? Math.ceil(r.length / q[c]) : 1))));
  const orders = byClass.map((rows) => shuffle([...rows], rng));
  return Array.from({ length: C }, (_, m) => orders.flatMap((order, c) => {
    if (q[c] >= order.length) return order;
    return Array.from({ length: q[c] }, (_, t) => order[(m * q[c] + t) % order.length]);
  }).sort((a, b) => a - b));
}

/**
 * Wrap a limited teacher so any input size works, by this rule:
 * - more than maxClasses classes: TeacherContractError (no sound way to merge);
 * - B = ⌈d / maxFeatures⌉ feature blocks from a seeded permutation (each feature in exactly one block);
 * - C = min(maxContextMembers, ⌈n / maxContext⌉) context draws, each a seeded stratified subsample of maxContext
 *   rows (every class kept); or, with drawOptions.draw 'minority-complete', the draws of ContextDrawOptions, each
 *   member's probabilities then corrected back to the whole context's class shares;
 * - M = max(B, C) members; member m uses block m mod B and draw m mod C; class probabilities are averaged.
 * Inputs within the limits go straight through (M = 1, no subsampling).
 */
export function withinLimits(inner: Teacher, limits: TeacherLimits = TFM_LIMITS, seed = 0, drawOptions: ContextDrawOptions = {}): Teacher {
  const draw = drawOptions.draw ?? 'stratified';
  const correct = drawOptions.priorCorrection ?? draw === 'minority-complete';
  return {
    id: inner.id,
    async predict(xc, yc, k, xq, signal, onProgress) {
      if (k > limits.maxClasses) throw new TeacherContractError(`Teacher "${inner.id}" handles at most ${limits.maxClasses} classes; this task has ${k}.${limits.classHint ? ` ${limits.classHint}` : ''}`);
      if (xc.d !== xq.d) throw new TeacherContractError(`Context has ${xc.d} features but the queries have ${xq.d}.`);
      const rng = makeRng(seed);
      const B = Math.ceil(xc.d / limits.maxFeatures);
      const stratifiedC = Math.min(limits.maxContextMembers, Math.ceil(xc.n / limits.maxContext));
      if (B === 1 && stratifiedC === 1) return inner.predict(xc, yc, k, xq, signal, onProgress);
      const perm = shuffle(Array.from({ length: xc.d }, (_, j) => j), rng);
      const blocks = Array.from({ length: B }, (_, b) => perm.filter((_, i) => i % B === b).sort((a, c) => a - c));
      const byClass = rowsByClass(yc, k);
      const draws = xc.n <= limits.maxContext ? [Array.from({ length: xc.n }, (_, i) => i)]
        : draw === 'minority-complete' ? minorityCompleteDraws(byClass, limits.maxContext, drawOptions.minorityShare ?? 0.5, limits.maxContextMembers, rng)
          : Array.from({ length: stratifiedC }, () => {
            const q = stratifiedQuotas(limits.maxContext, byClass.map((r) => r.length));
            return byClass.flatMap((rows, c) => sampleWithout(rows, q[c], rng)).sort((a, b) => a - b);
          });
      const C = draws.length;
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
        const probs = correct && rows.length < xc.n ? priorCorrected(p.probs, k, byClass.map((r) => r.length / xc.n), classShares(rows, yc, k)) : p.probs;
        for (let t = 0; t < sum.length; t++) sum[t] += probs[t] / M;
      }
      return { probs: sum, n: xq.n, k };
    },
  };
}
