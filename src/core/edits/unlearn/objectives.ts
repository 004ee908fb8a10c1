// The four baseline unlearning objectives of issue #20, written after locuslab/open-unlearning (commit d3d7cf9,
// src/trainer/unlearn/{grad_ascent,grad_diff,npo,rmu}.py and src/trainer/utils.py) so that a loss here is the
// loss there for the same batch:
//   grad_ascent  −NLL(forget)                                        (GradAscent.compute_loss: loss = −outputs.loss)
//   grad_diff    γ·(−NLL(forget)) + α·NLL(retain)                    (GradDiff, retain_loss_type "NLL")
//   npo          γ·(−2/β)·mean_b logσ(−β·(log πθ(y_b|x_b) − log πref(y_b|x_b))) + α·NLL(retain)
//                (NPO via compute_dpo_loss with win_inputs None: sequence log-probs are sums of token log-probs,
//                compute_batch_nll; Zhang et al. 2024 "Negative Preference Optimization", eq. 3)
//   rmu          γ·act(h_l(forget), c·u) + α·act(h_l(retain), h_l^frozen(retain))
//                (RMU.compute_activation_loss; Li et al. 2024 "The WMDP Benchmark", Algorithm 1; u uniform [0,1)^d
//                normalised, as torch.rand in get_control_vector; h_l = the output of decoder layer l)
// and one objective that teaches instead of forgetting, for C-Δθ's aligned copy (issue #20 item 5):
//   refusal_sft  γ·NLL(forget) + α·NLL(retain), the forget set holding refusal responses to one harm topic's
//                prompts (refusalSplit.ts): grad_diff with the forget sign flipped, i.e. plain SFT on the mix
// NLL is Hugging Face's `outputs.loss`: the mean over every response token of the batch (labels −100 elsewhere).
// Everything is jit(grad)-safe per src/core/lab/README.md: masks multiply and sum, no slice / take.
import { nn, numpy as np } from '@jax-js/jax';
import { keep, maskedCrossEntropy, oneHot, release, type Arr, type ArrRecord, type ForwardResult, type HookName, type HookOptions } from '../../lab';

export type UnlearnMethod = 'grad_ascent' | 'grad_diff' | 'npo' | 'rmu' | 'refusal_sft';
/** The four unlearning baselines (tests and benches compare these: each must raise the forget NLL). */
export const UNLEARN_METHODS: readonly UnlearnMethod[] = ['grad_ascent', 'grad_diff', 'npo', 'rmu'];
/** Every objective the trainer runs: the baselines and refusal_sft (which lowers the forget NLL: it teaches). */
export const TRAINER_METHODS: readonly UnlearnMethod[] = [...UNLEARN_METHODS, 'refusal_sft'];

/** A forward pass of the lab engine (gptForward or decoderForward bound to a config); consumes params and tokens. */
export type ForwardFn = (params: ArrRecord, tokens: Arr, opts?: HookOptions) => ForwardResult;

/** Batch arrays of one step. f* = forget batch, r* = retain batch; all [B, T]. */
export interface ObjectiveInputs extends ArrRecord {
  fTok: Arr;
  /** next-token targets */
  fTgt: Arr;
  /** 1 where the target is a response token (loss positions) */
  fMask: Arr;
  /** 1 where the token itself is a response token (RMU's `labels != -100`) */
  fAct: Arr;
  rTok: Arr;
  rTgt: Arr;
  rMask: Arr;
  rAct: Arr;
}

export interface ObjectiveWeights {
  /** weight of the forget term (open-unlearning `gamma`, default 1) */
  gamma: number;
  /** weight of the retain term (open-unlearning `alpha`, default 1) */
  alpha: number;
  /** NPO inverse temperature (open-unlearning configs/trainer/NPO.yaml: 0.1) */
  beta: number;
  /** RMU: decoder layer whose output is steered (0-based) */
  layer: number;
}

/**
 * log σ(x) by branch: −log(1 + e^{−x}) for x ≥ 0, x − log(1 + e^{x}) below; neither exponent overflows, and
 * each branch is smooth, so the gradient is σ(−x) everywhere (min / abs forms give 1 instead of ½ at 0).
 * jax-js's nn.logSigmoid is −log(1 + e^{−x}) for every x and overflows for x ≪ 0.
 */
export function logSigmoid(x: Arr): Arr {
  const pos = x.ref.greaterEqual(0);
  const xp = np.where(pos.ref, x.ref, 0); // x ≥ 0 else 0
  const xn = np.where(pos.ref, 0, x); // x < 0 else 0
  return np.where(pos, np.log1p(np.exp(xp.neg())).neg(), xn.ref.sub(np.log1p(np.exp(xn))));
}

/** Per-sequence summed NLL of the masked targets: [B] (open-unlearning compute_batch_nll). Consumes all three. */
export function sequenceNll(logits: Arr, targets: Arr, mask: Arr): Arr {
  const vh = logits.shape[logits.ndim - 1];
  const nll = nn.logSoftmax(logits, -1).mul(oneHot(targets, vh)).sum(-1).neg(); // [B,T]
  return nll.mul(mask).sum(-1); // [B]
}

/** NPO's forget loss from per-sequence NLLs of the model and the reference: −(2/β)·mean logσ(β·(nll − nllRef)). */
export function npoLoss(seqNll: Arr, refSeqNll: Arr, beta: number): Arr {
  // log πθ − log πref = −(nll − nllRef), so −β·(log ratio) = β·(nll − nllRef)
  return logSigmoid(seqNll.sub(refSeqNll).mul(beta)).mean().mul(-2 / beta);
}

/**
 * RMU's activation loss (open-unlearning RMU.compute_activation_loss): per sequence, Σ_t mask_t · mean_d (a − b)²
 * divided by the sequence's mask count, then the batch mean. a [B,T,d], b [B,T,d] or [d] (broadcast), mask [B,T].
 */
export function activationLoss(a: Arr, b: Arr, mask: Arr): Arr {
  const perToken = np.square(a.sub(b)).mean(-1); // [B,T]
  const perSeq = perToken.mul(mask.ref).sum(-1); // [B]
  return perSeq.div(np.maximum(mask.sum(-1), 1)).mean(); // scalar
}

const residOut = (layer: number): HookName => `blocks.${layer}.hook_resid_post`;

/**
 * The objective of `method` as [loss, [forget term, retain term]] (terms as they enter the loss, before γ/α).
 * `params` is the full record being trained (consumed); `ref` the frozen reference model's record (consumed,
 * may be empty when the method has no reference); `control` c·u [d] for RMU (consumed when given).
 */
export function objectiveLoss(
  method: UnlearnMethod, w: ObjectiveWeights, forward: ForwardFn, params: ArrRecord, ref: ArrRecord,
  x: ObjectiveInputs, control: Arr | null,
): [Arr, [Arr, Arr]] {
  const zero = () => np.zeros([]);
  const disposeAll = (arrs: Arr[]) => arrs.forEach((a) => a.dispose());
  if (method === 'rmu') {
    if (!control) throw new Error('rmu needs its control vector');
    const hook = residOut(w.layer);
    const f = forward(keep(params), x.fTok, { cache: [hook] });
    f.logits.dispose();
    const forget = activationLoss(f.cache[hook]!, control, x.fAct.ref); // [B,T,d] vs c·u [d]
    const r = forward(params, x.rTok.ref, { cache: [hook] });
    r.logits.dispose();
    const rr = forward(ref, x.rTok, { cache: [hook] });
    rr.logits.dispose();
    const retain = activationLoss(r.cache[hook]!, rr.cache[hook]!, x.rAct.ref);
    disposeAll([x.fTgt, x.fMask, x.fAct, x.rTgt, x.rMask, x.rAct]);
    return [forget.ref.mul(w.gamma).add(retain.ref.mul(w.alpha)), [forget, retain]];
  }
  disposeAll([x.fAct, x.rAct]);
  if (method === 'grad_ascent') {
    disposeAll([x.rTok, x.rTgt, x.rMask]);
    release(ref);
    const nll = maskedCrossEntropy(forward(params, x.fTok).logits, x.fTgt, x.fMask);
    const forget = nll.neg();
    return [forget.ref, [forget, zero()]];
  }
  let forget: Arr;
  if (method === 'npo') {
    const seq = sequenceNll(forward(keep(params), x.fTok.ref).logits, x.fTgt.ref, x.fMask.ref); // [B]
    const refSeq = sequenceNll(forward(ref, x.fTok).logits, x.fTgt, x.fMask); // [B], no gradient reaches ref
    forget = npoLoss(seq, refSeq, w.beta);
  } else {
    release(ref);
    const nll = maskedCrossEntropy(forward(keep(params), x.fTok).logits, x.fTgt, x.fMask);
    forget = method === 'refusal_sft' ? nll : nll.neg();
  }
  const retain = maskedCrossEntropy(forward(params, x.rTok).logits, x.rTgt, x.rMask);
  return [forget.ref.mul(w.gamma).add(retain.ref.mul(w.alpha)), [forget, retain]];
}

/** Which of the four methods read a frozen reference model (NPO: log πref; RMU: retain activations). */
export const needsReference = (m: UnlearnMethod): boolean => m === 'npo' || m === 'rmu';
