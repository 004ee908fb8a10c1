// Losses and metrics written the way jax-js differentiates correctly under jit (FACTS.md): targets and
// positions enter as one-hot / 0-1 masks multiplied and summed, never `take` or `slice`.
import { nn, numpy as np } from '@jax-js/jax';
import { fromF32, oneHot, type Arr } from './engine';

/**
 * Mean next-token cross-entropy over the positions where `mask` is 1 (e.g. response tokens only).
 * logits [B,T,Vh], targets [B,T] int32 (the token to predict at each position), mask [B,T] float 0/1.
 * Consumes all three. A batch with an all-zero mask gives 0, not NaN.
 */
export function maskedCrossEntropy(logits: Arr, targets: Arr, mask: Arr): Arr {
  const vh = logits.shape[logits.ndim - 1];
  const logp = nn.logSoftmax(logits, -1); // [B,T,Vh]
  const nll = logp.mul(oneHot(targets, vh)).sum(-1).neg(); // [B,T]: −log p(target)
  const total = nll.mul(mask.ref).sum(); // scalar
  return total.div(np.maximum(mask.sum(), 1)); // scalar
}

/** [B,T] float mask with a 1 at `positions[b]` in each row: pass to `atPositions` for per-sequence metrics. */
export function positionMask(positions: number[], T: number): Arr {
  const m = new Float32Array(positions.length * T);
  positions.forEach((t, b) => {
    if (!Number.isInteger(t) || t < 0 || t >= T) throw new Error(`position ${t} outside [0, ${T})`);
    m[b * T + t] = 1;
  });
  return fromF32(m, [positions.length, T]);
}

/**
 * x [B,T,...] at one position per row, as a masked sum: [B,...]. This is the jit-safe form of
 * `x.slice([], -1)` (FACTS.md: jit(grad) through slice has returned wrong gradients). Consumes both.
 */
export function atPositions(x: Arr, posMask: Arr): Arr {
  const extra = x.ndim - 2;
  const m = posMask.reshape([...posMask.shape, ...Array<number>(extra).fill(1)]); // [B,T,1…]
  return x.mul(m).sum(1); // [B,...]
}

/**
 * Logit of `token[b]` at the masked position of each row, summed over the batch: the usual
 * attribution metric (logit difference = two of these). logits [B,T,Vh], posMask [B,T], tokens [B] int32.
 */
export function logitAt(logits: Arr, posMask: Arr, tokens: Arr): Arr {
  const vh = logits.shape[logits.ndim - 1];
  const last = atPositions(logits, posMask); // [B,Vh]
  return last.mul(oneHot(tokens, vh)).sum(); // scalar
}
