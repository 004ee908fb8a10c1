// Spec → engine requests for the circuits panel (pure, unit-tested): extraction options, which circuit sizes
// the faithfulness chart measures, and which prompt the attention and logit-lens tabs read. The first come from
// the experiment runner's plan (core/experiments/runners/circuitsPlan.ts), so page and runner cannot drift.
import { circuitRequestSize as requestSizeOf } from '../../core/circuits/extract';
import type { CircuitEdge, ExtractMode, ExtractOptions, PromptPair } from '../../core/circuits/types';
import {
  circuitsExtractOptions, circuitsFaithfulnessMode, faithfulnessSizes, refusalPairCount as planRefusalPairCount,
} from '../../core/experiments/runners/circuitsPlan';
import type { CircuitsSpec } from '../../state/specs/circuits';

/** How the spec cuts the circuit: the experiment runner's plan (core/experiments/runners/circuitsPlan.ts). */
export const extractOptions = (spec: CircuitsSpec): ExtractOptions => circuitsExtractOptions(spec);

/**
 * Circuits of each size on the faithfulness chart are chosen like the circuit itself, except that a threshold
 * does not fix a size: its curve ranks edges as top-n does (the same |score| order).
 */
export const faithfulnessMode = (spec: CircuitsSpec): ExtractMode => circuitsFaithfulnessMode(spec);

/** A 1-2-5 ladder of circuit sizes from the empty to the full graph (the runner's too). */
export { faithfulnessSizes };

/**
 * The size to ask the faithfulness curve for so that its circuit is exactly the extracted one (the engine's rule,
 * which the attribution job uses too). Sizes on the curve are counted after pruning.
 */
export const circuitRequestSize = (spec: CircuitsSpec, edges: readonly CircuitEdge[]): number => requestSizeOf(extractOptions(spec), edges);

/** Pairs of the one-click refusal circuit: the held-out count, or the default count when the pairs are custom. */
export const refusalPairCount = (spec: CircuitsSpec): number => planRefusalPairCount(spec);

/** The attention / lens prompt: the spec's own, else the first clean prompt of the pairs. */
export function lensPrompt(spec: CircuitsSpec, pairs: readonly PromptPair[]): string {
  if (spec.prompt.trim()) return spec.prompt;
  if (pairs.length === 0) throw new Error('no prompt: type one in the prompt box or give at least one prompt pair');
  return pairs[0].clean;
}

/** Custom pairs as editable text: one pair per line, clean and corrupted separated by a tab or " || ". */
export function pairsToText(pairs: readonly PromptPair[]): string {
  return pairs.map((p) => `${p.clean} || ${p.corrupted}`).join('\n');
}

export class PairsTextError extends Error {
  override readonly name = 'PairsTextError';
}

export function parsePairsText(text: string): { clean: string; corrupted: string }[] {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.map((line, i) => {
    const parts = line.includes('\t') ? line.split('\t') : line.split('||');
    if (parts.length !== 2 || !parts[0].trim() || !parts[1].trim()) {
      throw new PairsTextError(`line ${i + 1}: write "clean prompt || corrupted prompt" (two non-empty prompts separated by || or a tab)`);
    }
    return { clean: parts[0].trim(), corrupted: parts[1].trim() };
  });
}
