// The two training objectives, written the way jax-js differentiates correctly under jit (src/core/lab/README.md:
// masks multiply and sum, no slice / take):
//   SFT  masked next-token cross-entropy, the mean over trained tokens of the batch (TRL SFTTrainer with
//        completion_only_loss: labels −100 outside the completion; Hugging Face's `outputs.loss`)
//   DPO  TRL DPOTrainer.dpo_loss, loss_type "sigmoid" (trl/trainer/dpo_trainer.py; Rafailov et al. 2023 eq. 7,
//        label smoothing = Mitchell's conservative DPO):
//          logits = (log πθ(c) − log πθ(r)) − (log πref(c) − log πref(r))
//          loss   = mean[ −logσ(β·logits)·(1 − ε) − logσ(−β·logits)·ε ]
//        with sequence log-probs the sums of the completion tokens' log-probs (TRL concatenated_forward), and the
//        logged rewards β·(log πθ − log πref) of chosen and rejected, their margin and the share with chosen > rejected.
import { numpy as np } from '@jax-js/jax';
import { maskedCrossEntropy, type Arr } from '../../lab';
import { logSigmoid, sequenceNll } from '../../edits/unlearn/objectives';

export { maskedCrossEntropy as sftLoss };

/** Per-sequence summed log-prob of the masked targets: [B]. Consumes all three. */
export function sequenceLogp(logits: Arr, targets: Arr, mask: Arr): Arr {
  return sequenceNll(logits, targets, mask).neg();
}

export interface DpoTerms {
  loss: Arr;
  /** Batch means of β·(log πθ(c) − log πref(c)), β·(log πθ(r) − log πref(r)), their difference, and accuracy. */
  chosenReward: Arr;
  rejectedReward: Arr;
  margin: Arr;
  accuracy: Arr;
}

/** DPO sigmoid loss and logged rewards from per-sequence log-probs [B] (consumes all four). */
export function dpoLoss(piC: Arr, piR: Arr, refC: Arr, refR: Arr, beta: number, labelSmoothing: number): DpoTerms {
  const chosen = piC.sub(refC).mul(beta); // [B]
  const rejected = piR.sub(refR).mul(beta); // [B]
  const z = chosen.ref.sub(rejected.ref); // β·logits, [B]
  let losses = logSigmoid(z.ref).neg().mul(1 - labelSmoothing);
  if (labelSmoothing > 0) losses = losses.sub(logSigmoid(z.ref.neg()).mul(labelSmoothing));
  return {
    loss: losses.mean(),
    chosenReward: chosen.ref.mean(),
    rejectedReward: rejected.ref.mean(),
    margin: z.mean(),
    accuracy: np.where(chosen.greater(rejected), 1, 0).astype(np.float32).mean(),
  };
}

/** Host reference of dpoLoss for one pair (tests, docs): the same formula in float64. */
export function dpoLossHost(piC: number, piR: number, refC: number, refR: number, beta: number, labelSmoothing = 0): number {
  const z = beta * ((piC - piR) - (refC - refR));
  const logSig = (x: number) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));
  return -logSig(z) * (1 - labelSmoothing) - logSig(-z) * labelSmoothing;
}
