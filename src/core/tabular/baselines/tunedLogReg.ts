// Tuned logistic regression: the sklearn-default LR (logreg.ts: L2, lbfgs, standardised features) with its inverse
// penalty C chosen by stratified inner K-fold CV on the training rows only, as sklearn's LogisticRegressionCV
// would (scoring: ROC-AUC). "Beats tuned LR" (issue #25) is measured against this, not against C = 1 alone.
import { aucFromProbs, type ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';
import { innerSplits } from './innerFolds';
import type { Teacher } from '../teachers/teacher';
import { fitLogReg, predictLogReg, type LogRegModel } from './logreg';

/** sklearn LogisticRegressionCV's default is 10 values of C log-spaced over 1e-4…1e4; 7 over 1e-3…1e3 here (cost). */
export const DEFAULT_C_GRID = [1e-3, 1e-2, 1e-1, 1, 10, 100, 1000];

export interface TunedLogReg {
  model: LogRegModel;
  chosenC: number;
  /** mean inner-fold AUC per C, grid order; empty when the search was skipped */
  innerAuc: { C: number; auc: number }[];
  skipped: string | null;
}

export function tuneLogReg(x: FeatureMatrix, y: Int32Array, k: number, opts: { grid?: number[]; innerFolds?: number; seed?: number; signal?: AbortSignal } = {}): TunedLogReg {
  const grid = opts.grid ?? DEFAULT_C_GRID;
  if (!grid.length || grid.some((c) => !(c > 0))) throw new RangeError('The C grid needs at least one positive value.');
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  const K = Math.min(opts.innerFolds ?? 3, Math.min(...counts));
  if (K < 2) return { model: fitLogReg(x, y, k), chosenC: 1, innerAuc: [], skipped: `a class has ${Math.min(...counts)} row(s); the inner CV needs ≥ 2 per class (C = 1 kept)` };
  const splits = innerSplits(x, y, k, K, opts.seed ?? 0);
  const innerAuc = grid.map((C) => {
    let s = 0;
    for (const sp of splits) {
      opts.signal?.throwIfAborted();
      s += aucFromProbs(predictLogReg(fitLogReg(sp.x, sp.y, k, { l2: 1 / C }), sp.xt), sp.yt);
    }
    return { C, auc: s / K };
  });
  // best mean AUC; ties go to the stronger penalty (earlier in the grid)
  const best = innerAuc.reduce((b, c) => (c.auc > b.auc + 1e-12 ? c : b));
  return { model: fitLogReg(x, y, k, { l2: 1 / best.C }), chosenC: best.C, innerAuc, skipped: null };
}

export function tunedLogRegTeacher(opts: { grid?: number[]; innerFolds?: number; seed?: number } = {}): Teacher {
  return {
    id: 'tuned-logreg',
    predict: async (xc, yc, k, xq, signal): Promise<ProbMatrix> => {
      signal?.throwIfAborted();
      return predictLogReg(tuneLogReg(xc, yc, k, { ...opts, signal }).model, xq);
    },
  };
}
