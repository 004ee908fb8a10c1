// Multinomial (softmax) regression with an L2 penalty on the weights (intercepts unpenalised), fitted by
// L-BFGS: the one kernel behind the tabular baseline teacher and the ensembles' stacking meta-learner, which
// differ only in how they standardise features and scale the penalty. Objective on already-standardised
// features z (n×d): mean cross-entropy + l2/2·‖W‖². (sklearn's C corresponds to l2 = 1/(C·n).)
import { lbfgs, type LbfgsOptions } from './lbfgs';

export interface SoftmaxRegressionFit {
  /** (d+1)×k row-major: rows 0..d−1 feature weights, row d the intercepts. */
  w: Float64Array;
  converged: boolean;
}

/** Softmax of each k-wide row of `p` in place, max-shifted for stability. */
export function softmaxRowsInPlace(p: Float64Array, n: number, k: number): void {
  for (let i = 0; i < n; i++) {
    const off = i * k;
    let m = -Infinity;
    for (let c = 0; c < k; c++) m = Math.max(m, p[off + c]);
    let s = 0;
    for (let c = 0; c < k; c++) { p[off + c] = Math.exp(p[off + c] - m); s += p[off + c]; }
    for (let c = 0; c < k; c++) p[off + c] /= s;
  }
}

/** Logits z·W + b into `out` (n×k); zero features are skipped (stacking features are sparse). */
export function softmaxRegressionLogits(z: Float64Array, n: number, d: number, k: number, w: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) out[i * k + c] = w[d * k + c];
    for (let j = 0; j < d; j++) {
      const v = z[i * d + j];
      if (v === 0) continue;
      for (let c = 0; c < k; c++) out[i * k + c] += v * w[j * k + c];
    }
  }
}

/** Class probabilities (n×k) of standardised rows z. */
export function predictSoftmaxRegression(z: Float64Array, n: number, d: number, k: number, w: Float64Array): Float64Array {
  const out = new Float64Array(n * k);
  softmaxRegressionLogits(z, n, d, k, w, out);
  softmaxRowsInPlace(out, n, k);
  return out;
}

/** Fit on standardised rows z (n×d) with labels y ∈ 0..k−1. */
export function fitSoftmaxRegression(
  z: Float64Array, y: ArrayLike<number>, n: number, d: number, k: number, l2: number, opts: LbfgsOptions = {},
): SoftmaxRegressionFit {
  const p = new Float64Array(n * k);
  const objective = (w: Float64Array, g: Float64Array): number => {
    softmaxRegressionLogits(z, n, d, k, w, p);
    softmaxRowsInPlace(p, n, k);
    let loss = 0;
    g.fill(0);
    for (let i = 0; i < n; i++) {
      loss -= Math.log(Math.max(1e-300, p[i * k + y[i]]));
      for (let c = 0; c < k; c++) {
        const r = (p[i * k + c] - (y[i] === c ? 1 : 0)) / n; // ∂(mean CE)/∂logit
        g[d * k + c] += r;
        for (let j = 0; j < d; j++) g[j * k + c] += r * z[i * d + j];
      }
    }
    loss /= n;
    for (let t = 0; t < d * k; t++) { loss += 0.5 * l2 * w[t] * w[t]; g[t] += l2 * w[t]; }
    return loss;
  };
  const res = lbfgs(objective, new Float64Array((d + 1) * k), opts);
  return { w: res.x, converged: res.converged };
}
