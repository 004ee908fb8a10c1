// Decision thresholds for imbalanced binary tasks. At argmax (P(minority) > 1/2) a model fitted on 2 % positives
// rarely calls anything positive, so minority recall says little about the model and much about the cut-off.
// Here the cut-off on P(positive) is tuned on out-of-fold scores of the TRAINING rows (never the evaluated ones:
// study/metrics.ts reports an oracle Youden recall chosen on the test fold, which no deployment can reach), then
// applied unchanged to the test rows, and the operating point there is reported next to argmax's. Works for any
// Teacher (baselines, TFMs, averages) through its out-of-fold probabilities.

import { argmaxRow, type ProbMatrix } from '../../metrics/classification';
import { labelWithTeachers } from '../distill/label';
import { minorityClass } from '../data/task';
import type { LabelledMatrix } from '../matrix';
import type { Teacher } from '../teachers/teacher';

export type ThresholdCriterion = 'youden' | 'f1';

export class ThresholdInputError extends Error {
  override name = 'ThresholdInputError';
}

/** Confusion-derived rates for the positive class at one decision rule. */
export interface OperatingPoint {
  /** TP / P: the minority recall when the positive class is the minority */
  recall: number;
  /** TP / (TP + FP); NaN when nothing is called positive */
  precision: number;
  /** TN / N */
  specificity: number;
  /** (recall + specificity) / 2 */
  balancedAccuracy: number;
  /** 2TP / (2TP + FP + FN) */
  f1: number;
  /** share of rows called positive */
  positiveRate: number;
}

function ratesOf(tp: number, fp: number, P: number, N: number): OperatingPoint {
  const recall = tp / P;
  const specificity = (N - fp) / N;
  return {
    recall, specificity, balancedAccuracy: (recall + specificity) / 2,
    precision: tp + fp > 0 ? tp / (tp + fp) : NaN,
    f1: (2 * tp) / (2 * tp + fp + (P - tp)),
    positiveRate: (tp + fp) / (P + N),
  };
}

function counts(positive: ArrayLike<boolean>): { P: number; N: number } {
  let P = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) P++;
  const N = positive.length - P;
  if (!P || !N) throw new ThresholdInputError(`Tuning a cut-off needs both classes among the scored rows; got ${P} positive and ${N} negative.`);
  return { P, N };
}

/** Rule "positive iff score ≥ threshold" evaluated on labelled scores. */
export function operatingPoint(scores: ArrayLike<number>, positive: ArrayLike<boolean>, threshold: number): OperatingPoint {
  if (scores.length !== positive.length) throw new ThresholdInputError(`${scores.length} scores for ${positive.length} labels.`);
  const { P, N } = counts(positive);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] >= threshold) { if (positive[i]) tp++; else fp++; }
  return ratesOf(tp, fp, P, N);
}

/**
 * The cut-off maximising the criterion (Youden's J = recall + specificity − 1, or F1) over every distinct score.
 * The returned threshold lies halfway between the last score called positive and the next lower score, so new
 * scores falling in that gap are not decided by which side of a training value they land on.
 */
export function tuneThreshold(scores: ArrayLike<number>, positive: ArrayLike<boolean>, criterion: ThresholdCriterion = 'youden'):
  { threshold: number; value: number } {
  if (scores.length !== positive.length) throw new ThresholdInputError(`${scores.length} scores for ${positive.length} labels.`);
  const { P, N } = counts(positive);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let tp = 0;
  let fp = 0;
  let best = { threshold: Infinity, value: -Infinity };
  for (let t = 0; t < order.length;) {
    const s = scores[order[t]];
    while (t < order.length && scores[order[t]] === s) { if (positive[order[t]]) tp++; else fp++; t++; }
    const r = ratesOf(tp, fp, P, N);
    const value = criterion === 'f1' ? r.f1 : r.recall + r.specificity - 1;
    if (value > best.value) {
      const below = t < order.length ? scores[order[t]] : -Infinity;
      best = { threshold: Number.isFinite(below) ? (s + below) / 2 : s, value };
    }
  }
  return best;
}

/** P(positive) of each row of a binary probability matrix. */
export function positiveScores(p: ProbMatrix, positiveClass: number): Float64Array {
  if (p.k !== 2) throw new ThresholdInputError(`Decision thresholds are for binary tasks; this one has ${p.k} classes.`);
  return Float64Array.from({ length: p.n }, (_, i) => p.probs[i * 2 + positiveClass]);
}

export interface CutoffReport {
  positiveClass: number;
  criterion: ThresholdCriterion;
  /** on P(positive), tuned on the out-of-fold training scores */
  threshold: number;
  /** test rows at the tuned cut-off */
  tuned: OperatingPoint;
  /** test rows at argmax (the class with the larger probability; ties go to class 0) */
  argmax: OperatingPoint;
}

export interface CutoffOptions {
  criterion?: ThresholdCriterion; // 'youden'
  /** the class whose recall matters; default the minority class of the tuning labels */
  positiveClass?: number;
}

/** Tune on (oof, oofLabels), report the tuned cut-off and argmax on (test, testLabels). */
export function compareCutoffs(oof: ProbMatrix, oofLabels: Int32Array, test: ProbMatrix, testLabels: Int32Array, opts: CutoffOptions = {}): CutoffReport {
  const criterion = opts.criterion ?? 'youden';
  const positiveClass = opts.positiveClass ?? minorityClass(oofLabels, 2);
  const threshold = tuneThreshold(positiveScores(oof, positiveClass), Array.from(oofLabels, (c) => c === positiveClass), criterion).threshold;
  const testPositive = Array.from(testLabels, (c) => c === positiveClass);
  const argmaxCall = Float64Array.from({ length: test.n }, (_, i) => (argmaxRow(test, i) === positiveClass ? 1 : 0));
  return {
    positiveClass, criterion, threshold,
    tuned: operatingPoint(positiveScores(test, positiveClass), testPositive, threshold),
    argmax: operatingPoint(argmaxCall, testPositive, 1),
  };
}

export interface TeacherCutoffOptions extends CutoffOptions {
  /** inner stratified folds over the training rows for the out-of-fold scores; default 5 */
  folds?: number;
  seed?: number; // 0
  signal?: AbortSignal;
}

/**
 * Any teacher: out-of-fold probabilities on `train` (each inner fold scored with the others as context, the
 * distillation labeller's protocol) tune the cut-off; the teacher fitted on all of `train` scores `test`.
 */
export async function teacherCutoffReport(teacher: Teacher, train: LabelledMatrix, test: LabelledMatrix, opts: TeacherCutoffOptions = {}):
  Promise<CutoffReport & { testProbs: ProbMatrix }> {
  if (train.k !== 2) throw new ThresholdInputError(`Decision thresholds are for binary tasks; this one has ${train.k} classes.`);
  const oof = await labelWithTeachers(teacher, train, { mode: 'oof', folds: opts.folds ?? 5, seed: opts.seed ?? 0, signal: opts.signal });
  const testProbs = await teacher.predict(train, train.y, 2, test, opts.signal);
  return { ...compareCutoffs(oof.teacher, train.y, testProbs, test.y, opts), testProbs };
}
