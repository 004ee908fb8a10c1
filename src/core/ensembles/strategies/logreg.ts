// Multinomial logistic regression (numeric/softmaxRegression.ts) as the meta-learner of the stacking and
// cascade strategies. Features are standardised on the training rows, so one λ suits any pool.

import { fitSoftmaxRegression, predictSoftmaxRegression } from '../../numeric/softmaxRegression';

export interface LogRegModel {
  d: number;
  k: number;
  mean: Float64Array;
  std: Float64Array;
  /** (d+1)×k row-major: rows 0..d−1 feature weights, row d the intercepts */
  w: Float64Array;
  converged: boolean;
}

export interface LogRegOptions {
  /** L2 strength on the mean cross-entropy scale (default 1e-2) */
  l2?: number;
  maxIter?: number;
}

/** Fit on `x` (n×d row-major) and labels `y` ∈ 0..k−1. */
export function fitLogReg(x: Float64Array, y: ArrayLike<number>, n: number, d: number, k: number, opts: LogRegOptions = {}): LogRegModel {
  const l2 = opts.l2 ?? 1e-2;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (x[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  const xs = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xs[i * d + j] = (x[i * d + j] - mean[j]) / std[j];
  const res = fitSoftmaxRegression(xs, y, n, d, k, l2, { maxIter: opts.maxIter ?? 300, gradTol: 1e-7 });
  return { d, k, mean, std, w: res.w, converged: res.converged };
}

export function predictLogReg(m: LogRegModel, x: Float64Array, n: number): Float64Array {
  const xs = new Float64Array(n * m.d);
  for (let i = 0; i < n; i++) for (let j = 0; j < m.d; j++) xs[i * m.d + j] = (x[i * m.d + j] - m.mean[j]) / m.std[j];
  return predictSoftmaxRegression(xs, n, m.d, m.k, m.w);
}
