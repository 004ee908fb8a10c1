// Teacher labelling for distillation. Out-of-fold (the default): the training rows are split into K stratified
// folds and each fold is scored by the teacher with the other K−1 folds as its context, so no row ever conditions
// on its own label. Naive: the teacher scores the very rows it holds as context, which an in-context learner
// can answer by copying the label (soft targets collapse to one-hot); it exists so the leakage can be measured.
// Then: average several teachers, sharpen/soften with a temperature, and mix in the hard labels with weight α.

import type { ProbMatrix } from '../../metrics/classification';
import { takeRows, type LabelledMatrix } from '../matrix';
import type { PredictProgress, Teacher } from '../teachers/teacher';
import { checkLabels } from '../students/types';
import { DistillInputError, stratifiedFolds } from './folds';

export type LabelMode = 'oof' | 'naive';

export interface LabelOptions {
  mode: LabelMode; // 'oof'
  /** K for out-of-fold labelling */
  folds: number; // 5
  /** T > 1 softens, T < 1 sharpens: p ∝ p_teacher^(1/T) (dividing the teacher's logits by T) */
  temperature: number; // 1
  /** weight of the one-hot label: target = (1−α)·soft + α·hard */
  alpha: number; // 0
  /** per-teacher weights for averaging (default equal) */
  weights?: number[];
  seed: number; // 0
  signal?: AbortSignal;
  /** teacher calls done / total, fractional inside a call whose teacher reports steps (monotone, ends at total) */
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_LABEL: LabelOptions = { mode: 'oof', folds: 5, temperature: 1, alpha: 0, seed: 0 };

export interface LabelResult {
  /** what the students learn from (temperature and α applied) */
  targets: ProbMatrix;
  /** the averaged teacher probabilities before temperature and α */
  teacher: ProbMatrix;
  /** fold per row (out-of-fold mode), else null */
  fold: Int32Array | null;
  warnings: string[];
}

export async function labelWithTeachers(teachers: Teacher | Teacher[], data: LabelledMatrix, options: Partial<LabelOptions> = {}): Promise<LabelResult> {
  const o: LabelOptions = { ...DEFAULT_LABEL, ...options };
  const list = Array.isArray(teachers) ? teachers : [teachers];
  if (list.length === 0) throw new DistillInputError('no teacher given');
  if (!(o.temperature > 0)) throw new DistillInputError(`temperature must be > 0, got ${o.temperature}`);
  if (!(o.alpha >= 0 && o.alpha <= 1)) throw new DistillInputError(`alpha must be in [0, 1], got ${o.alpha}`);
  checkLabels(data.y, data.k);
  const weights = o.weights ?? list.map(() => 1);
  if (weights.length !== list.length || weights.some((w) => !(w >= 0)) || !(weights.reduce((a, b) => a + b, 0) > 0)) {
    throw new DistillInputError('teacher weights must be one non-negative number per teacher, not all zero');
  }
  const plan = o.mode === 'oof' ? stratifiedFolds(data.y, data.k, o.folds, o.seed) : null;
  const calls = list.length * (plan ? plan.K : 1);
  let done = 0;
  const scored: ProbMatrix[] = [];
  const partly = (d: number, total: number) => o.onProgress?.(done + (total > 0 ? Math.min(1, d / total) : 0), calls);
  const called = () => o.onProgress?.(++done, calls);
  for (const teacher of list) {
    o.signal?.throwIfAborted();
    const p = plan ? await outOfFold(teacher, data, plan.fold, plan.K, o, partly, called) : await naive(teacher, data, o, partly);
    if (!plan) called();
    scored.push(p);
  }
  const teacher = averageProbs(scored, weights);
  const targets = mixHard(applyTemperature(teacher, o.temperature), data.y, o.alpha);
  return { targets, teacher, fold: plan?.fold ?? null, warnings: plan?.warnings ?? [] };
}

async function outOfFold(teacher: Teacher, data: LabelledMatrix, fold: Int32Array, K: number, o: LabelOptions, partly: PredictProgress,
  tick: () => void): Promise<ProbMatrix> {
  const probs = new Float64Array(data.n * data.k);
  for (let f = 0; f < K; f++) {
    const ctx: number[] = [];
    const query: number[] = [];
    for (let i = 0; i < data.n; i++) (fold[i] === f ? query : ctx).push(i);
    if (query.length === 0) continue;
    const ctxM = takeRows(data, ctx);
    const p = await teacher.predict(ctxM, ctxM.y, data.k, takeRows(data, query), o.signal, partly);
    checkTeacherOutput(teacher, p, query.length, data.k);
    query.forEach((r, j) => probs.set(p.probs.subarray(j * data.k, (j + 1) * data.k), r * data.k));
    tick();
  }
  return { probs, n: data.n, k: data.k };
}

async function naive(teacher: Teacher, data: LabelledMatrix, o: LabelOptions, partly: PredictProgress): Promise<ProbMatrix> {
  const p = await teacher.predict(data, data.y, data.k, data, o.signal, partly);
  checkTeacherOutput(teacher, p, data.n, data.k);
  return p;
}

function checkTeacherOutput(t: Teacher, p: ProbMatrix, n: number, k: number): void {
  if (p.n !== n || p.k !== k || p.probs.length !== n * k) throw new DistillInputError(`teacher "${t.id}" returned ${p.n}×${p.k}, expected ${n}×${k}`);
  for (let i = 0; i < p.probs.length; i++) if (!(p.probs[i] >= 0)) throw new DistillInputError(`teacher "${t.id}" returned ${p.probs[i]} at row ${Math.floor(i / k)}`);
}

/** Weighted mean of probability matrices of one shape; each row is renormalised to sum to 1. */
export function averageProbs(ps: ProbMatrix[], weights: number[] = ps.map(() => 1)): ProbMatrix {
  const { n, k } = ps[0];
  const probs = new Float64Array(n * k);
  const wsum = weights.reduce((a, b) => a + b, 0);
  ps.forEach((p, t) => {
    if (p.n !== n || p.k !== k) throw new DistillInputError('teachers disagree on the shape of their output');
    for (let i = 0; i < probs.length; i++) probs[i] += (weights[t] / wsum) * p.probs[i];
  });
  return renormalise({ probs, n, k });
}

/** p ∝ p^(1/T): the same as dividing logits by T. Zeros stay zero. */
export function applyTemperature(p: ProbMatrix, T: number): ProbMatrix {
  if (T === 1) return renormalise({ probs: p.probs.slice(), n: p.n, k: p.k });
  const probs = new Float64Array(p.probs.length);
  for (let i = 0; i < p.n; i++) {
    let m = 0;
    for (let c = 0; c < p.k; c++) m = Math.max(m, p.probs[i * p.k + c]);
    // scale by the row max before the power so tiny probabilities do not underflow to 0 at small T
    for (let c = 0; c < p.k; c++) probs[i * p.k + c] = m > 0 ? (p.probs[i * p.k + c] / m) ** (1 / T) : 1;
  }
  return renormalise({ probs, n: p.n, k: p.k });
}

/** (1−α)·p + α·onehot(y). */
export function mixHard(p: ProbMatrix, y: ArrayLike<number>, alpha: number): ProbMatrix {
  checkLabels(y, p.k);
  const probs = new Float64Array(p.probs.length);
  for (let i = 0; i < p.n; i++) for (let c = 0; c < p.k; c++) probs[i * p.k + c] = (1 - alpha) * p.probs[i * p.k + c] + (y[i] === c ? alpha : 0);
  return { probs, n: p.n, k: p.k };
}

function renormalise(p: ProbMatrix): ProbMatrix {
  for (let i = 0; i < p.n; i++) {
    let s = 0;
    for (let c = 0; c < p.k; c++) s += p.probs[i * p.k + c];
    for (let c = 0; c < p.k; c++) p.probs[i * p.k + c] = s > 0 ? p.probs[i * p.k + c] / s : 1 / p.k;
  }
  return p;
}
