// Spec → engine requests for the circuits panel (pure, unit-tested): extraction options, which circuit sizes
// the faithfulness chart measures, and which prompt the attention and logit-lens tabs read.
import { circuitRequestSize as requestSizeOf } from '../../core/circuits/extract';
import type { CircuitEdge, ExtractMode, ExtractOptions, PromptPair } from '../../core/circuits/types';
import { circuitsSpec, type CircuitsSpec } from '../../state/specs/circuits';

export function extractOptions(spec: CircuitsSpec): ExtractOptions {
  const x = spec.extraction;
  return x.mode === 'threshold' ? { mode: 'threshold', threshold: x.threshold, prune: x.prune } : { mode: x.mode, n: x.n, prune: x.prune };
}

/**
 * Circuits of each size on the faithfulness chart are chosen like the circuit itself, except that a threshold
 * does not fix a size: its curve ranks edges as top-n does (the same |score| order).
 */
export const faithfulnessMode = (spec: CircuitsSpec): ExtractMode => (spec.extraction.mode === 'greedy' ? 'greedy' : 'topn');

/** A 1-2-5 ladder of circuit sizes from the empty to the full graph. */
export function faithfulnessSizes(total: number): number[] {
  const sizes = new Set<number>([0, total]);
  for (let decade = 1; decade < total; decade *= 10) for (const m of [1, 2, 5]) if (m * decade < total) sizes.add(m * decade);
  return [...sizes].sort((a, b) => a - b);
}

/**
 * The size to ask the faithfulness curve for so that its circuit is exactly the extracted one (the engine's rule,
 * which the attribution job uses too). Sizes on the curve are counted after pruning.
 */
export const circuitRequestSize = (spec: CircuitsSpec, edges: readonly CircuitEdge[]): number => requestSizeOf(extractOptions(spec), edges);

/** Pairs of the one-click refusal circuit: the held-out count, or the default count when the pairs are custom. */
export function refusalPairCount(spec: CircuitsSpec): number {
  if (spec.pairs.source === 'heldout') return spec.pairs.n;
  const def = circuitsSpec.schema.parse({}).pairs;
  return def.source === 'heldout' ? def.n : 8;
}

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
