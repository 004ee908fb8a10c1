// Multinomial logistic regression with L2 penalty (numeric/softmaxRegression.ts) on internally standardised
// features, missing values imputed by the mean. Objective (sklearn's with C = 1/l2, scaled by 1/n): mean
// cross-entropy + l2/(2n)·‖W‖², intercepts unpenalised; for two classes the binomial model sklearn fits (see
// fitLogReg). Checked against scikit-learn's make_pipeline(StandardScaler(), LogisticRegression()) on the shipped
// datasets by logreg.sklearn.test.ts.
// Used as a baseline teacher (fit on the context) and available to students.

import type { ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';
import type { LbfgsOptions } from '../../numeric/lbfgs';
import { fitSoftmaxRegression, predictSoftmaxRegression } from '../../numeric/softmaxRegression';

export interface LogRegOptions extends LbfgsOptions {
  /** inverse of sklearn's C; default 1 */
  l2?: number;
}

export interface LogRegModel {
  k: number;
  d: number;
  /** (d+1)×k row-major (numeric/softmaxRegression.ts): feature rows then intercepts, on standardised features */
  w: Float64Array;
  mean: Float64Array;
  sd: Float64Array;
  converged: boolean;
}

function standardiser(x: FeatureMatrix): { mean: Float64Array; sd: Float64Array } {
  const { n, d } = x;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  const cnt = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) { const v = x.x[i * d + j]; if (!Number.isNaN(v)) { mean[j] += v; cnt[j]++; } }
  for (let j = 0; j < d; j++) mean[j] = cnt[j] ? mean[j] / cnt[j] : 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) { const v = x.x[i * d + j]; if (!Number.isNaN(v)) sd[j] += (v - mean[j]) ** 2; }
  for (let j = 0; j < d; j++) { const s = cnt[j] ? Math.sqrt(sd[j] / cnt[j]) : 0; sd[j] = s > 1e-12 ? s : 1; }
  return { mean, sd };
}

/** Standardised copy; a missing value becomes 0 (the training mean). */
function standardise(x: FeatureMatrix, mean: Float64Array, sd: Float64Array): Float64Array {
  const z = new Float64Array(x.n * x.d);
  for (let i = 0; i < x.n; i++) for (let j = 0; j < x.d; j++) {
    const v = x.x[i * x.d + j];
    z[i * x.d + j] = Number.isNaN(v) ? 0 : (v - mean[j]) / sd[j];
  }
  return z;
}

export function fitLogReg(x: FeatureMatrix, y: Int32Array, k: number, opts: LogRegOptions = {}): LogRegModel {
  const { n, d } = x;
  if (y.length !== n) throw new RangeError(`y has ${y.length} labels for ${n} rows.`);
  const l2 = opts.l2 ?? 1;
  const { mean, sd } = standardiser(x);
  const z = standardise(x, mean, sd);
  // sklearn's objective is (Σ CE + l2/2·‖W‖²)/n: the shared kernel's mean-CE scale with penalty l2/n. For two
  // classes sklearn fits one weight vector δ (binomial loss, penalty l2/2·‖δ‖²), whereas the softmax kernel fits
  // two columns whose loss depends only on δ = w₁ − w₀; its penalised optimum is w₁ = −w₀ = δ/2, so the penalty
  // it puts on δ is l2/4·‖δ‖², half sklearn's (as if C = 2). Doubling it for k = 2 gives sklearn's solution exactly.
  const penalty = (k === 2 ? 2 : 1) * l2 / n;
  const res = fitSoftmaxRegression(z, y, n, d, k, penalty, opts);
  return { k, d, w: res.w, mean, sd, converged: res.converged };
}

export function predictLogReg(model: LogRegModel, x: FeatureMatrix): ProbMatrix {
  if (x.d !== model.d) throw new RangeError(`Model was fitted on ${model.d} features, got ${x.d}.`);
  const z = standardise(x, model.mean, model.sd);
  return { probs: predictSoftmaxRegression(z, x.n, model.d, model.k, model.w), n: x.n, k: model.k };
}
