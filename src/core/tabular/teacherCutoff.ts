// The teacher tab's decision cut-off, per teacher and fold: at argmax a teacher fitted on a few percent positives
// rarely calls the minority class, so the tab also reports minority recall and balanced accuracy at the cut-off
// tuned on out-of-fold scores of the fold's TRAINING rows (baselines/threshold.ts: inner stratified folds, each
// scored with the others as context), applied unchanged to the held-out fold. The out-of-fold scores are not free:
// the inner folds together score every training row (4× the held-out rows at 5 outer folds). Measured against the
// teacher's own call on fold 1 of 5 (Node, shared 2-core machine): the embedded TFM ×1.4 (german), ×2.5
// (mammography), ×7.2 (phoneme, whose 4,300-row training fold the TFM covers with 4 context draws); the tuned GBDT
// ×2–4 (its grid search runs in every inner fold); kNN and logistic regression ×0.5–6 of a few hundred ms. So the
// TFMs (embedded, user ONNX) get a tuned cut-off only when asked; the others always do.

import { perClassRecall, type ProbMatrix } from '../metrics/classification';
import { compareCutoffs, ThresholdInputError, type CutoffReport, type ThresholdCriterion } from './baselines/threshold';
import { labelWithTeachers } from './distill/label';
import type { LabelledMatrix } from './matrix';
import type { Teacher } from './teachers/teacher';

export interface CutoffRunOptions {
  /** what the cut-off maximises on the out-of-fold training scores: Youden's J (recall + specificity − 1) or F1 */
  criterion: ThresholdCriterion; // 'youden'
  /** tune it for ONNX TFM teachers too (the embedded TFM, a user TFM): adds 1.4–7× their own time per fold */
  onnxTeachers: boolean; // false
}

export const DEFAULT_CUTOFF_RUN: CutoffRunOptions = { criterion: 'youden', onnxTeachers: false };

/** inner stratified folds of the out-of-fold training scores, as the distillation labeller and threshold.ts use */
export const CUTOFF_INNER_FOLDS = 5;

export type TeacherCutoff =
  | {
    status: 'tuned';
    criterion: ThresholdCriterion;
    /** means over folds of the held-out fold's operating point at the tuned cut-off */
    minorityRecall: number;
    balancedAccuracy: number;
    /** NaN in a fold where nothing was called positive; the mean skips those */
    precision: number;
    foldRecall: number[];
    /** the cut-off on P(minority) of each fold */
    thresholds: number[];
  }
  | { status: 'skipped'; reason: string };

/** Why this teacher gets no tuned cut-off in this run, or null when it gets one. */
export function cutoffSkipReason(k: number, onnx: boolean, o: CutoffRunOptions): string | null {
  if (k !== 2) return `a decision cut-off is for binary tasks; this one has ${k} classes`;
  if (onnx && !o.onnxTeachers) return 'not tuned for ONNX TFMs unless asked (tick "tune for TFMs too": the out-of-fold scores add 1.4–7× the TFM\'s time)';
  return null;
}

/** Minority recall and mean per-class recall of argmax decisions (ties to the lower class, as argmaxRow). */
export function argmaxRates(p: ProbMatrix, y: Int32Array, minority: number): { recall: number; balancedAccuracy: number } {
  const recalls = perClassRecall(p, y);
  const present = recalls.filter((r) => !Number.isNaN(r));
  return { recall: recalls[minority], balancedAccuracy: present.reduce((a, b) => a + b, 0) / present.length };
}

/**
 * One fold: out-of-fold scores of `train` tune the cut-off on P(positive); `testProbs` (the teacher's call with all
 * of `train` as context, already made for the AUC) are judged at it. `onProgress(done, total)` counts inner calls.
 */
export async function foldCutoff(teacher: Teacher, train: LabelledMatrix, testProbs: ProbMatrix, testY: Int32Array, positiveClass: number,
  criterion: ThresholdCriterion, seed: number, signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<CutoffReport> {
  const oof = await labelWithTeachers(teacher, train, { mode: 'oof', folds: CUTOFF_INNER_FOLDS, seed, signal, onProgress });
  return compareCutoffs(oof.teacher, train.y, testProbs, testY, { criterion, positiveClass });
}

const meanOf = (v: number[]): number => {
  const ok = v.filter((x) => !Number.isNaN(x));
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
};

/** Means over the folds' reports, or the first reason a fold could not be tuned. */
export function summariseCutoffs(folds: (CutoffReport | { skipped: string })[], criterion: ThresholdCriterion): TeacherCutoff {
  const failed = folds.find((f): f is { skipped: string } => 'skipped' in f);
  if (failed || !folds.length) return { status: 'skipped', reason: failed?.skipped ?? 'no fold was scored' };
  const reports = folds as CutoffReport[];
  return {
    status: 'tuned', criterion,
    minorityRecall: meanOf(reports.map((r) => r.tuned.recall)),
    balancedAccuracy: meanOf(reports.map((r) => r.tuned.balancedAccuracy)),
    precision: meanOf(reports.map((r) => r.tuned.precision)),
    foldRecall: reports.map((r) => r.tuned.recall),
    thresholds: reports.map((r) => r.threshold),
  };
}

/** A fold whose rows cannot be tuned on (a class absent from the scored rows) becomes a stated reason, not a failed run. */
export async function tryFoldCutoff(run: () => Promise<CutoffReport>): Promise<CutoffReport | { skipped: string }> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ThresholdInputError) return { skipped: e.message };
    throw e;
  }
}
