// Mixing maths of one decoding step, on plain arrays (no models): masked softmax, top-k, and the two rules over a
// support = union of the target's top-k and the translated anchor top-k.
//   linear       p = (1−α)·p_t + α·B(p_a)
//   contrastive  p = max(0, p_t + α·(B(p_a) − p_t)), renormalised (SafeDecoding; α > 1 amplifies the anchor)
// p_t is the target's full-softmax probability (not renormalised: an unmixed step scores with the real target
// probabilities); B(p_a) is the translated anchor top-k renormalised over its mapped mass (lost mass dropped).
// The contrastive result is rescaled to the target's mass on the support, so mixed and unmixed steps share a scale.
// With α = 0 the mixed values are p_t's exactly (floating point included): α = 0 reproduces target-only.
import type { MixRule } from './types';
import type { SparseDist } from './bridge';

/**
 * Softmax over ids < vocab (wider lm heads are masked), in float64. With `scratch` (at least `vocab` long) the result
 * is written there and returned as its first `vocab` entries: at a 151k vocabulary a fresh 1.2 MB array per call cost
 * more CPU than the exponentials (≈ 5 ms vs ≈ 1.9 ms per call, bench/alignbeam-real-vocab.ts), so decode loops keep one
 * per distribution they hold at a time. Same values either way.
 */
export function softmaxMasked(logits: ArrayLike<number>, vocab: number, scratch?: Float64Array, stats?: SoftmaxStats): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) if (logits[i] > max) max = logits[i];
  const p = scratch && scratch.length >= vocab ? scratch.subarray(0, vocab) : new Float64Array(vocab);
  let z = 0;
  for (let i = 0; i < vocab; i++) z += (p[i] = Math.exp(logits[i] - max));
  for (let i = 0; i < vocab; i++) p[i] /= z;
  if (stats) { stats.max = max; stats.z = z; }
  return p;
}

/** The max and normaliser of softmaxMasked: `Math.exp(logits[id] - max) / z` is its value at id, to the bit. */
export interface SoftmaxStats {
  max: number;
  z: number;
}

/** softmaxMasked's max and normaliser without the vector (same loops, same order: the same numbers). */
export function softmaxStats(logits: ArrayLike<number>, vocab: number): SoftmaxStats {
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) if (logits[i] > max) max = logits[i];
  let z = 0;
  for (let i = 0; i < vocab; i++) z += Math.exp(logits[i] - max);
  return { max, z };
}

/** Ids of the k largest values, largest first; ties go to the lower id (as CausalLM's greedy pick). */
export function topK(values: ArrayLike<number>, k: number, n = values.length): number[] {
  k = Math.min(k, n);
  if (k <= 0) return [];
  // Sorted insertion into a k-array (shifting in place, no splice): O(n·k) worst case, O(n) typical since most values
  // fail the first compare. It runs several times per beam and step (target, anchor, healing), so it is kept tight.
  const ids = new Int32Array(k);
  let len = 0;
  let floor = -Infinity; // values[ids[k − 1]] once the array is full
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (len === k && !(v > floor)) continue;
    let j = len === k ? k - 1 : len++;
    while (j > 0 && v > values[ids[j - 1]]) { ids[j] = ids[j - 1]; j--; }
    ids[j] = i;
    if (len === k) floor = values[ids[k - 1]];
  }
  return Array.from(ids);
}

export interface MixedStep {
  /** Support ids: the target top-k first (in order), then translated anchor ids not already there. */
  ids: number[];
  /** Mixed probability per support id (sums to 1). */
  mixed: Float64Array;
  /** Target probability (full softmax) per support id. */
  target: Float64Array;
  /** Translated anchor probability renormalised over its mapped mass (all 0 when nothing mapped). */
  anchor: Float64Array;
}

/** The target's own distribution on its top-k support (an unmixed step, also used when α = 0). `top` = topK(pt, k)
 *  when the caller has it already. */
export function targetStep(pt: Float64Array, k: number, top?: readonly number[]): MixedStep {
  const ids = top ? [...top] : topK(pt, k);
  const target = Float64Array.from(ids, (id) => pt[id]);
  return { ids, mixed: target, target, anchor: new Float64Array(ids.length) };
}

export function mixStep(pt: Float64Array, k: number, bridged: SparseDist, alpha: number, rule: MixRule, top?: readonly number[]): MixedStep {
  // Support = the target top-k, then the bridged ids not in it; positions looked up in a shared index over target
  // ids (reset before returning) instead of a Map per step.
  const ids = top ? [...top] : topK(pt, k);
  const nTop = ids.length;
  const at = supportIndex(pt.length);
  for (let j = 0; j < nTop; j++) at[ids[j]] = j + 1;
  for (const id of bridged.ids) if (at[id] === 0) { ids.push(id); at[id] = ids.length; }
  const n = ids.length;
  const target = new Float64Array(n);
  for (let j = 0; j < n; j++) target[j] = pt[ids[j]];
  const anchor = new Float64Array(n);
  let za = 0;
  for (let j = 0; j < bridged.ids.length; j++) za += bridged.probs[j];
  if (za > 0) for (let j = 0; j < bridged.ids.length; j++) anchor[at[bridged.ids[j]] - 1] += bridged.probs[j] / za;
  for (let j = 0; j < n; j++) at[ids[j]] = 0;
  // No anchor mass mapped (everything lost) or α = 0: the target's distribution, unchanged.
  if (za <= 0 || alpha === 0) return { ids, mixed: target, target, anchor };
  const mixed = new Float64Array(n);
  if (rule === 'linear') {
    for (let j = 0; j < n; j++) mixed[j] = (1 - alpha) * target[j] + alpha * anchor[j];
  } else {
    let z = 0;
    let mt = 0;
    for (let j = 0; j < n; j++) {
      z += (mixed[j] = Math.max(0, target[j] + alpha * (anchor[j] - target[j])));
      mt += target[j];
    }
    if (z <= 0) return { ids, mixed: target, target, anchor };
    for (let j = 0; j < n; j++) mixed[j] *= mt / z;
  }
  return { ids, mixed, target, anchor };
}

let supportAt = new Int32Array(0);
/** 1 + position in the support per target id, 0 = absent; all zero between calls. */
function supportIndex(vocab: number): Int32Array {
  if (supportAt.length < vocab) supportAt = new Int32Array(vocab);
  return supportAt;
}

/**
 * Bounds on one beam's mixed values at a step, before the anchor runs (decode.ts skips beams that cannot reach the
 * K-th candidate). `upper` ≥ every mixed value: linear (1−α)·max p_t + α (B(p_a) ≤ 1), contrastive 1 (the values sum
 * to the target's mass on the support). `lowerScale`: linear mixed_j ≥ (1−α)·p_t[j], so the beam's k-th best mixed
 * value is at least (1−α)·(its k-th best p_t); 0 where there is no such bound (contrastive).
 */
export function mixBounds(ptMax: number, alpha: number, rule: MixRule): { upper: number; lowerScale: number } {
  if (rule === 'linear') return { upper: Math.min(1, Math.max(ptMax, (1 - alpha) * ptMax + alpha)), lowerScale: 1 - alpha };
  return { upper: 1, lowerScale: 0 };
}

/** Whether step t (0-based response token) is mixed: inside the first m (0/∞ = all) and, with a gate, only when
 *  the target is unsure (max prob below the threshold). */
export function shouldMix(t: number, m: number, gate: number | undefined, targetMaxProb: number): boolean {
  const inWindow = m === 0 || !Number.isFinite(m) || t < m;
  return inWindow && (gate === undefined || targetMaxProb < gate);
}
