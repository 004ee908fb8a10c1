// Soft-label cross-entropy, the loss every student minimises: L = −Σ_c t_c log p_c with p = softmax(z)
// (binary: p = σ(z) on one logit). Its gradient in the logits is p − t whatever t is, which is why distillation
// on soft targets costs nothing extra over hard labels. Hessians are the diagonal p(1−p) used by the trees.

/** Softmax of `z[off..off+k)` into `out[outOff..)`, max-shifted for stability. */
export function softmaxInto(z: ArrayLike<number>, off: number, k: number, out: Float64Array, outOff: number): void {
  let m = -Infinity;
  for (let c = 0; c < k; c++) m = Math.max(m, z[off + c]);
  let s = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(z[off + c] - m);
    out[outOff + c] = e;
    s += e;
  }
  for (let c = 0; c < k; c++) out[outOff + c] /= s;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

const EPS = 1e-15;

/** Mean soft cross-entropy of n×k logits against n×k targets (multiclass softmax parametrisation). */
export function softCrossEntropy(logits: Float64Array, targets: Float64Array, n: number, k: number): number {
  const p = new Float64Array(k);
  let s = 0;
  for (let i = 0; i < n; i++) {
    softmaxInto(logits, i * k, k, p, 0);
    for (let c = 0; c < k; c++) {
      const t = targets[i * k + c];
      if (t > 0) s -= t * Math.log(Math.max(p[c], EPS));
    }
  }
  return s / n;
}

/** Mean soft binary cross-entropy of one logit per row against P(class 1) targets. */
export function softBinaryCrossEntropy(logits: Float64Array, t1: Float64Array): number {
  let s = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i];
    // log σ(z) and log(1−σ(z)) written to avoid overflow for large |z|
    const logP = -softplus(-z);
    const logQ = -softplus(z);
    s -= t1[i] * logP + (1 - t1[i]) * logQ;
  }
  return s / logits.length;
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * Gradient and diagonal Hessian of the softmax soft cross-entropy per row and class: g = p − t, h = p(1 − p).
 * `grad`/`hess` are n×k. Hessians are floored so a leaf of confident rows keeps a finite Newton step.
 */
export function softmaxGradHess(logits: Float64Array, targets: Float64Array, n: number, k: number, grad: Float64Array, hess: Float64Array): void {
  for (let i = 0; i < n; i++) {
    softmaxInto(logits, i * k, k, grad, i * k);
    for (let c = 0; c < k; c++) {
      const j = i * k + c;
      const p = grad[j];
      hess[j] = Math.max(p * (1 - p), 1e-16);
      grad[j] = p - targets[j];
    }
  }
}

/** Binary version on one logit per row: g = σ(z) − t, h = σ(z)(1 − σ(z)). */
export function sigmoidGradHess(logits: Float64Array, t1: Float64Array, grad: Float64Array, hess: Float64Array): void {
  for (let i = 0; i < logits.length; i++) {
    const p = sigmoid(logits[i]);
    grad[i] = p - t1[i];
    hess[i] = Math.max(p * (1 - p), 1e-16);
  }
}
