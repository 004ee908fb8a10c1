// GRPO's objective (Shao et al. 2024, DeepSeekMath §4.1) as TRL's GRPOTrainer computes it
// (trl/trainer/grpo_trainer.py, _generate_and_score_completions and _compute_loss):
//   advantages  A_i = (r_i − mean_group(r)) / (std(r) + 1e-4), std per group ("group"), over the batch ("batch"), or
//               no division ("none"); mean and std ignore unscorable completions (reward NaN; torch nanmean/nanstd,
//               Bessel-corrected) and those get A = 0 (nan_to_num)
//   ratio       ρ_t = exp(log πθ(o_t) − log πold(o_t)), πold = πθ detached when μ = 1 (ρ ≡ 1, gradient A·∇log πθ)
//   per token   ℓ_t = −min(ρ_t·A, clip(ρ_t, 1 − ε, 1 + ε_high)·A) + β·(exp(ref − logp) − (ref − logp) − 1)   (k3 KL)
//   loss        "grpo": mean over sequences of Σ_t ℓ_t·m_t / Σ_t m_t; "bnpo"/"dapo": Σ ℓ·m / Σ m;
//               "dr_grpo": Σ ℓ·m / (B · maxCompletionLength)
// Log-probs are of the logits divided by the sampling temperature (TRL does the same). Written the jit-safe way
// (one-hot targets, masks multiply and sum). `grpoLossHost` is the same formula in float64 for tests and docs.
import { lax, nn, numpy as np } from '@jax-js/jax';
import { oneHot, type Arr } from '../../lab';
import type { GrpoLossType } from './grpoSpec';

export interface GrpoLossConfig {
  beta: number;
  epsilonLow: number;
  epsilonHigh: number;
  lossType: GrpoLossType;
  maxCompletionLength: number;
}

/** Group-relative advantages of rewards laid out as consecutive groups of G (NaN = unscorable → 0). */
export function groupAdvantages(rewards: readonly number[], G: number, scale: 'group' | 'batch' | 'none'): { advantages: number[]; zeroStdGroups: number } {
  const nanMean = (xs: readonly number[]) => {
    const f = xs.filter((x) => !Number.isNaN(x));
    return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
  };
  const nanStd = (xs: readonly number[]) => {
    const f = xs.filter((x) => !Number.isNaN(x));
    if (f.length < 2) return NaN;
    const m = nanMean(f);
    return Math.sqrt(f.reduce((a, x) => a + (x - m) ** 2, 0) / (f.length - 1));
  };
  const advantages: number[] = [];
  let zeroStdGroups = 0;
  const batchStd = nanStd(rewards);
  for (let g = 0; g * G < rewards.length; g++) {
    const group = rewards.slice(g * G, (g + 1) * G);
    const mean = nanMean(group);
    const std = scale === 'batch' ? batchStd : nanStd(group);
    if (Math.abs(nanStd(group)) < 1e-8) zeroStdGroups++;
    for (const r of group) {
      const a = scale === 'none' ? r - mean : (r - mean) / (std + 1e-4);
      advantages.push(Number.isNaN(a) ? 0 : a);
    }
  }
  return { advantages, zeroStdGroups };
}

/** Per-token log-probs [N,T] of `targets` under softmax(logits / temperature). Consumes logits and targets. */
export function tokenLogp(logits: Arr, targets: Arr, temperature: number): Arr {
  const vh = logits.shape[logits.ndim - 1];
  const scaled = temperature === 1 ? logits : logits.div(temperature);
  return nn.logSoftmax(scaled, -1).mul(oneHot(targets, vh)).sum(-1); // [N,T]
}

export interface GrpoTerms {
  loss: Arr;
  /** Masked mean of the k3 KL per token (0 when β = 0: no reference pass). */
  kl: Arr;
  /** Share of completion tokens whose ratio the clip cut off (TRL clip_ratio/region_mean). */
  clipRatio: Arr;
}

/**
 * logp [N,T] of the policy (differentiated), old [N,T] (null: logp detached, μ = 1), ref [N,T] (null when β = 0),
 * mask [N,T] 1 on completion tokens, adv [N]. Consumes all of them.
 */
export function grpoLoss(logp: Arr, old: Arr | null, ref: Arr | null, mask: Arr, adv: Arr, c: GrpoLossConfig): GrpoTerms {
  const [N] = logp.shape;
  const oldLp = old ?? lax.stopGradient(logp.ref);
  const ratio = np.exp(logp.ref.sub(oldLp)); // [N,T]
  const A = adv.reshape([N, 1]); // [N,1]
  const unclipped = ratio.ref.mul(A.ref);
  const clipped = np.clip(ratio.ref, 1 - c.epsilonLow, 1 + c.epsilonHigh).mul(A.ref);
  let perToken = np.minimum(unclipped, clipped).neg(); // [N,T]
  const low = np.logicalAnd(ratio.ref.less(1 - c.epsilonLow), A.ref.less(0));
  const high = np.logicalAnd(ratio.greater(1 + c.epsilonHigh), A.greater(0));
  const region = np.where(np.logicalOr(low, high), 1, 0).astype(np.float32); // [N,T]
  const tokens = np.maximum(mask.ref.sum(), 1); // scalar
  let kl: Arr;
  if (ref && c.beta !== 0) {
    const d = ref.sub(logp); // ref − logp, [N,T]
    const perTokenKl = np.exp(d.ref).sub(d).sub(1);
    perToken = perToken.add(perTokenKl.ref.mul(c.beta));
    kl = perTokenKl.mul(mask.ref).sum().div(tokens.ref);
  } else {
    if (ref) ref.dispose();
    logp.dispose();
    kl = np.zeros([]);
  }
  const clipRatio = region.mul(mask.ref).sum().div(tokens.ref);
  let loss: Arr;
  if (c.lossType === 'grpo') {
    const perSeq = perToken.mul(mask.ref).sum(-1).div(np.maximum(mask.sum(-1), 1)); // [N]
    loss = perSeq.mean();
    tokens.dispose();
  } else if (c.lossType === 'dr_grpo') {
    loss = perToken.mul(mask).sum().div(N * c.maxCompletionLength);
    tokens.dispose();
  } else {
    loss = perToken.mul(mask).sum().div(tokens); // bnpo, dapo: one process, no accumulation
  }
  return { loss, kl, clipRatio };
}

/** grpoLoss in float64 on host rows (tests, docs): logp/old/ref/mask as [N][T], adv [N]. */
export function grpoLossHost(logp: number[][], old: number[][] | null, ref: number[][] | null, mask: number[][], adv: number[], c: GrpoLossConfig): { loss: number; kl: number; clipRatio: number } {
  let total = 0;
  let tokens = 0;
  let klSum = 0;
  let clippedCount = 0;
  const perSeq: number[] = [];
  logp.forEach((row, i) => {
    let s = 0;
    let n = 0;
    row.forEach((lp, t) => {
      if (!mask[i][t]) return;
      const ratio = Math.exp(lp - (old ? old[i][t] : lp));
      const clippedRatio = Math.min(Math.max(ratio, 1 - c.epsilonLow), 1 + c.epsilonHigh);
      let l = -Math.min(ratio * adv[i], clippedRatio * adv[i]);
      if (ref && c.beta !== 0) {
        const d = ref[i][t] - lp;
        const k = Math.exp(d) - d - 1;
        l += c.beta * k;
        klSum += k;
      }
      if ((ratio < 1 - c.epsilonLow && adv[i] < 0) || (ratio > 1 + c.epsilonHigh && adv[i] > 0)) clippedCount++;
      s += l;
      n++;
    });
    total += s;
    tokens += n;
    perSeq.push(s / Math.max(n, 1));
  });
  const loss = c.lossType === 'grpo' ? perSeq.reduce((a, b) => a + b, 0) / perSeq.length
    : c.lossType === 'dr_grpo' ? total / (logp.length * c.maxCompletionLength) : total / Math.max(tokens, 1);
  return { loss, kl: klSum / Math.max(tokens, 1), clipRatio: clippedCount / Math.max(tokens, 1) };
}
