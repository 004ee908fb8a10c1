// Which tensors the aligned copy's refusal fine-tune (`refusal_sft`) may change, as named options for C-Δθ
// (issue #20 item 5). C-Δθ edits W_target + s·(W_aligned − W_target) only on a circuit's mask, and a circuit node
// (an attention head, an MLP) owns only its slices of the blocks' projections (archMap.ts: q/k/v columns, o rows,
// the MLP's tensors and its pre-norm). Whatever the copy learned elsewhere — the token embedding (tied to the
// unembedding on GPT-2), the position embedding, the attention pre-norm, the final norm, the o-projection bias —
// no circuit can carry, however large. Measured on `target`: with every tensor trainable the copy's refusal needs
// those tensors, and no C-Δθ output refuses (README, "C-Δθ with behaviour"). So:
//   'none'     every tensor trains (the default: what a plain fine-tune of the aligned copy does);
//   'unowned'  the tensors no node of the whole graph owns are frozen, so the copy's delta lives where a circuit
//              can hold it and C-Δθ over the whole graph at s = 1 is the copy itself.
// The set is derived from the family table through `circuitMasks` over every head and MLP, not from name patterns,
// so it is right for every family the edits read (Llama: embeddings, lm_head, input_layernorm, final norm frozen).
import type { CircuitSelection } from '../circuit';
import { UnlearnConfigError } from './errors';
import { circuitMasks, type UnlearnModel } from './model';

export const FREEZE_MODES = ['none', 'unowned'] as const;
export type FreezeMode = (typeof FREEZE_MODES)[number];

/** Every head and every MLP of the model as a circuit selection. */
export function wholeGraph(model: UnlearnModel): CircuitSelection {
  return {
    heads: Array.from({ length: model.nLayers * model.nHeads }, (_, i): [number, number] => [Math.floor(i / model.nHeads), i % model.nHeads]),
    mlps: Array.from({ length: model.nLayers }, (_, l) => l), nodesInGraph: 0, edgesInGraph: 0,
  };
}

/** Parameters some circuit node owns (a slice of), in the model's parameter order. */
export function ownableTensors(model: UnlearnModel): string[] {
  return [...circuitMasks(model, wholeGraph(model), Object.keys(model.params)).keys()];
}

/** Parameters no circuit node owns: what `unowned` freezes. */
export function unownedTensors(model: UnlearnModel): string[] {
  const owned = new Set(ownableTensors(model));
  return Object.keys(model.params).filter((n) => !owned.has(n));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The trainer's `trainable` option for a freeze mode: null (every tensor) for 'none', else the ownable tensors'
 * names as full-match regexes (what the run manifest records).
 */
export function freezeTrainable(model: UnlearnModel, mode: FreezeMode): string[] | null {
  if (!(FREEZE_MODES as readonly string[]).includes(mode)) throw new UnlearnConfigError(`freeze ${JSON.stringify(mode)} is not one of ${FREEZE_MODES.join(', ')}`);
  return mode === 'none' ? null : ownableTensors(model).map(escape);
}
