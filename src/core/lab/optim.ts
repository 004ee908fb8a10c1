// Hand-written AdamW (decoupled weight decay, bias correction), global-norm clipping and a warmup + cosine
// learning-rate schedule. The update is a pure function of arrays so the whole train step can sit under one
// `jit`; step-dependent scalars (lr, bias corrections) come in as arrays to avoid a recompile per step.
import { numpy as np } from '@jax-js/jax';
import type { Arr, ArrRecord } from './engine';
import { isDecayed } from './params';

export interface AdamWConfig {
  /** Peak learning rate (after warmup). */
  lr: number;
  beta1: number;
  /** 0.95 as in nanoGPT/GPT-3 rather than Adam's 0.999: steadier for small-batch LM training. */
  beta2: number;
  eps: number;
  /** Decoupled decay applied to matrices only (see `isDecayed`). */
  weightDecay: number;
  /** Clip the global gradient norm to this (≤ 0: no clipping). */
  gradClip: number;
  /** Linear warmup steps, then cosine decay to `minLrRatio · lr` at `totalSteps`. */
  warmupSteps: number;
  totalSteps: number;
  minLrRatio: number;
}

export const DEFAULT_ADAMW: AdamWConfig = {
  lr: 3e-3,
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  weightDecay: 0.1,
  gradClip: 1.0,
  warmupSteps: 20,
  totalSteps: 500,
  minLrRatio: 0.1,
};

/** Learning rate at 0-based `step`: linear warmup to `lr`, cosine down to `minLrRatio·lr`, flat after. */
export function lrAt(o: AdamWConfig, step: number): number {
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  const span = Math.max(1, o.totalSteps - o.warmupSteps);
  const progress = Math.min(1, (step - o.warmupSteps) / span);
  const minLr = o.lr * o.minLrRatio;
  return minLr + 0.5 * (o.lr - minLr) * (1 + Math.cos(Math.PI * progress));
}

/** Global L2 norm of all gradients (scalar). Does not consume `grads`. */
export function globalNorm(grads: ArrRecord): Arr {
  let sq: Arr | null = null;
  for (const g of Object.values(grads)) {
    const s = np.square(g.ref).sum(); // scalar
    sq = sq ? sq.add(s) : s;
  }
  return np.sqrt(sq ?? np.zeros([]));
}

/** Scales grads so their global norm is at most `maxNorm`; returns [clipped, norm before clipping]. Consumes grads. */
export function clipByGlobalNorm(grads: ArrRecord, maxNorm: number): [ArrRecord, Arr] {
  const norm = globalNorm(grads);
  if (maxNorm <= 0) return [grads, norm];
  const scale = np.minimum(np.reciprocal(norm.ref.add(1e-6)).mul(maxNorm), 1); // scalar ≤ 1
  const out: ArrRecord = {};
  for (const [k, g] of Object.entries(grads)) out[k] = g.mul(scale.ref);
  scale.dispose();
  return [out, norm];
}

/** Per-step scalars, as arrays (traced under jit): lr_t, 1−β1^t, 1−β2^t with t = step+1. */
export function adamwScalars(o: AdamWConfig, step: number): { lr: Arr; bc1: Arr; bc2: Arr } {
  const t = step + 1;
  return { lr: np.array(lrAt(o, step)), bc1: np.array(1 - o.beta1 ** t), bc2: np.array(1 - o.beta2 ** t) };
}

/**
 * One AdamW update: m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; p ← p − lr·(m̂/(√v̂+ε) + wd·p) (decay only on
 * matrices). Consumes params, grads, m, v and the scalars; returns the new params, m, v.
 */
export function adamwUpdate(
  o: AdamWConfig, params: ArrRecord, grads: ArrRecord, m: ArrRecord, v: ArrRecord,
  s: { lr: Arr; bc1: Arr; bc2: Arr },
): { params: ArrRecord; m: ArrRecord; v: ArrRecord } {
  const out = { params: {} as ArrRecord, m: {} as ArrRecord, v: {} as ArrRecord };
  for (const [k, p] of Object.entries(params)) {
    const g = grads[k];
    const m1 = m[k].mul(o.beta1).add(g.ref.mul(1 - o.beta1)); // same shape as p
    const v1 = v[k].mul(o.beta2).add(np.square(g).mul(1 - o.beta2));
    const mHat = m1.ref.div(s.bc1.ref);
    const vHat = v1.ref.div(s.bc2.ref);
    let step = mHat.div(np.sqrt(vHat).add(o.eps));
    if (o.weightDecay > 0 && isDecayed(k, p.shape)) step = step.add(p.ref.mul(o.weightDecay));
    out.params[k] = p.sub(step.mul(s.lr.ref));
    out.m[k] = m1;
    out.v[k] = v1;
  }
  s.lr.dispose();
  s.bc1.dispose();
  s.bc2.dispose();
  return out;
}
