// Multinomial logistic regression with L2 penalty, fitted by L-BFGS on internally standardised features.
// Objective (sklearn's with C = 1/l2, scaled by 1/n): mean cross-entropy + l2/(2n)·‖W‖², intercepts unpenalised.
// Used as a baseline teacher (fit on the context) and available to students.

import type { ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';
import { lbfgs, type LbfgsOptions } from '../../numeric/lbfgs';

export interface LogRegOptions extends LbfgsOptions {
  /** inverse of sklearn's C; default 1 */
  l2?: number;
}

export interface LogRegModel {
  k: number;
  d: number;
  /** k×(d+1) row-major: weights then intercept per class, on standardised features */
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

/** Softmax of logits row `logits` in place (numerically stable). */
function softmax(logits: Float64Array): void {
  let mx = -Infinity;
  for (const v of logits) mx = Math.max(mx, v);
  let s = 0;
  for (let c = 0; c < logits.length; c++) { logits[c] = Math.exp(logits[c] - mx); s += logits[c]; }
  for (let c = 0; c < logits.length; c++) logits[c] /= s;
}

export function fitLogReg(x: FeatureMatrix, y: Int32Array, k: number, opts: LogRegOptions = {}): LogRegModel {
  const { n, d } = x;
  if (y.length !== n) throw new RangeError(`y has ${y.length} labels for ${n} rows.`);
  const l2 = opts.l2 ?? 1;
  const { mean, sd } = standardiser(x);
  const z = standardise(x, mean, sd);
  const p = d + 1;
  const logits = new Float64Array(k);
  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let a = w[c * p + d];
        for (let j = 0; j < d; j++) a += w[c * p + j] * z[i * d + j];
        logits[c] = a;
      }
      softmax(logits);
      loss -= Math.log(Math.max(1e-300, logits[y[i]]));
      for (let c = 0; c < k; c++) {
        const r = logits[c] - (y[i] === c ? 1 : 0); // ∂CE/∂logit_c
        for (let j = 0; j < d; j++) grad[c * p + j] += r * z[i * d + j];
        grad[c * p + d] += r;
      }
    }
    let pen = 0;
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) { pen += w[c * p + j] ** 2; grad[c * p + j] += l2 * w[c * p + j]; }
    for (let t = 0; t < grad.length; t++) grad[t] /= n;
    return (loss + 0.5 * l2 * pen) / n;
  };
  const res = lbfgs(objective, new Float64Array(k * p), opts);
  return { k, d, w: res.x, mean, sd, converged: res.converged };
}

export function predictLogReg(model: LogRegModel, x: FeatureMatrix): ProbMatrix {
  if (x.d !== model.d) throw new RangeError(`Model was fitted on ${model.d} features, got ${x.d}.`);
  const { k, d, w } = model;
  const z = standardise(x, model.mean, model.sd);
  const probs = new Float64Array(x.n * k);
  const row = new Float64Array(k);
  for (let i = 0; i < x.n; i++) {
    for (let c = 0; c < k; c++) {
      let a = w[c * (d + 1) + d];
      for (let j = 0; j < d; j++) a += w[c * (d + 1) + j] * z[i * d + j];
      row[c] = a;
    }
    softmax(row);
    probs.set(row, i * k);
  }
  return { probs, n: x.n, k };
}
