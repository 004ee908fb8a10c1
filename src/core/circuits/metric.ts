// The attribution metrics, read at one position per row (the clean prompt's last token, where the answer's first
// token is predicted) and written jit-safe: position and tokens enter as masks and multi-hot rows, never
// `slice`/`take` (FACTS.md). Every row carries a weight (0 for the padding rows that fill a fixed-shape batch).
//   logit_diff   : logit[plus] − logit[minus]                (plus/minus one-hot rows)
//   refusal_prob : Σ_{t ∈ refusal tokens} softmax(logits)[t]  (plus = multi-hot of the refusal tokens)
//   kl           : KL(p_clean ‖ p) at that position          (refLogp = clean log-probs; 0 on the clean run)
import { nn, numpy as np } from '@jax-js/jax';
import { atPositions, type Arr } from '../lab';
import type { Metric } from './types';

export interface MetricArrays {
  /** [B,T] one 1 per row at the metric position */
  posMask: Arr;
  /** [B,Vh] */
  plus: Arr;
  /** [B,Vh] */
  minus: Arr;
  /** [B,Vh] clean log-probabilities (kl only; zeros otherwise) */
  refLogp: Arr;
  /** [B] 1 for real rows, 0 for padding */
  weight: Arr;
}

/**
 * Per-row metric [B] (weights not applied) from logits [B,T,Vh], or [B,Vh] already read at the metric
 * position (graphForward `readAt`). Consumes `logits` and `m`.
 */
export function metricRows(kind: Metric, logits: Arr, m: MetricArrays): Arr {
  let last: Arr; // [B,Vh]
  if (logits.ndim === 3) last = atPositions(logits, m.posMask);
  else {
    last = logits;
    m.posMask.dispose();
  }
  m.weight.dispose();
  if (kind === 'logit_diff') {
    m.refLogp.dispose();
    return last.mul(m.plus.sub(m.minus)).sum(-1); // [B]
  }
  m.minus.dispose();
  if (kind === 'refusal_prob') {
    m.refLogp.dispose();
    return nn.softmax(last, -1).mul(m.plus).sum(-1); // [B]
  }
  m.plus.dispose();
  const logp = nn.logSoftmax(last, -1); // [B,Vh]
  return np.exp(m.refLogp.ref).mul(m.refLogp.sub(logp)).sum(-1); // [B]
}

/** Weighted sum over rows: the scalar that gets differentiated. Consumes `logits` and `m`. */
export function metricSum(kind: Metric, logits: Arr, m: MetricArrays): Arr {
  const w = m.weight.ref;
  return metricRows(kind, logits, m).mul(w).sum();
}
