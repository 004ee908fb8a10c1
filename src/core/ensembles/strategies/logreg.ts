// Multinomial logistic regression with L2 (intercepts unpenalised), fitted by L-BFGS: the meta-learner of the
// stacking and cascade strategies. Features are standardised on the training rows, so one λ suits any pool.

import { lbfgs } from '../../numeric/lbfgs';

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

function softmaxRowInto(z: Float64Array, k: number, off: number): void {
  let m = -Infinity;
  for (let c = 0; c < k; c++) m = Math.max(m, z[off + c]);
  let s = 0;
  for (let c = 0; c < k; c++) { z[off + c] = Math.exp(z[off + c] - m); s += z[off + c]; }
  for (let c = 0; c < k; c++) z[off + c] /= s;
}

function logits(x: Float64Array, n: number, d: number, k: number, w: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) out[i * k + c] = w[d * k + c];
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      if (v === 0) continue;
      for (let c = 0; c < k; c++) out[i * k + c] += v * w[j * k + c];
    }
  }
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
  const p = new Float64Array(n * k);
  const objective = (w: Float64Array, g: Float64Array): number => {
    logits(xs, n, d, k, w, p);
    let loss = 0;
    g.fill(0);
    for (let i = 0; i < n; i++) {
      softmaxRowInto(p, k, i * k);
      loss -= Math.log(Math.max(1e-300, p[i * k + y[i]]));
      for (let c = 0; c < k; c++) {
        const r = (p[i * k + c] - (y[i] === c ? 1 : 0)) / n;
        g[d * k + c] += r;
        for (let j = 0; j < d; j++) g[j * k + c] += r * xs[i * d + j];
      }
    }
    loss /= n;
    for (let t = 0; t < d * k; t++) { loss += 0.5 * l2 * w[t] * w[t]; g[t] += l2 * w[t]; }
    return loss;
  };
  const res = lbfgs(objective, new Float64Array((d + 1) * k), { maxIter: opts.maxIter ?? 300, gradTol: 1e-7 });
  return { d, k, mean, std, w: res.x, converged: res.converged };
}

export function predictLogReg(m: LogRegModel, x: Float64Array, n: number): Float64Array {
  const xs = new Float64Array(n * m.d);
  for (let i = 0; i < n; i++) for (let j = 0; j < m.d; j++) xs[i * m.d + j] = (x[i * m.d + j] - m.mean[j]) / m.std[j];
  const out = new Float64Array(n * m.k);
  logits(xs, n, m.d, m.k, m.w, out);
  for (let i = 0; i < n; i++) softmaxRowInto(out, m.k, i * m.k);
  return out;
}
