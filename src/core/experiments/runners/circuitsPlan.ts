// What a circuits spec asks the circuits engine (src/core/circuits/api.ts) for, in one place: the embedded model,
// the prompt pairs (held-out, drawn with the seed, or the user's), and the tab's job — the graph tab's attribution
// job (method, EAP-IG steps m, metric, ACDC τ, how the circuit is cut, how the faithfulness curve ranks and seeds),
// the one-click refusal circuit's options, the prompt the attention / logit-lens tabs read, or the probes' seed. The experiment runner
// (circuits.ts) executes this plan; the circuits panel (features/circuits/requests.ts, useCircuitsEngine.ts) builds
// its engine requests from it, so the page cannot drift from the runner. src/state/experimentFields.ts declares where
// each spec field lands; experimentFields.test.ts perturbs every one of them.
import type { AttributionMethod, ExtractMode, ExtractOptions, Metric, PromptPair, RefusalCircuitOptions } from '../../circuits/types';

/** The fields of the circuits spec the plan reads (src/state/experiments.ts checks CircuitsSpec satisfies it). */
export interface CircuitsRunSpec {
  seed: number;
  model: string;
  tab: 'graph' | 'refusal' | 'attention' | 'probes' | 'lens';
  pairs: { source: 'heldout'; n: number } | { source: 'custom'; items: { clean: string; corrupted: string }[] };
  metric: Metric;
  method: AttributionMethod | 'acdc';
  steps: number;
  tau: number;
  extraction: { mode: ExtractMode; n: number; threshold: number; prune: boolean };
  ablation: { prompts: number; maxNewTokens: number };
  prompt: string;
}

/** The default held-out pair count of the one-click refusal circuit when the spec's pairs are custom (the spec's default n). */
export const DEFAULT_REFUSAL_PAIRS = 8;

export type CircuitsTabPlan =
  /** engine.attributeCircuit; the curve's sizes come from the loaded model's edge count (faithfulnessSizes) */
  | { tab: 'graph'; metric: Metric; method: AttributionMethod | 'acdc'; steps: number; tau: number; extract: ExtractOptions; faithfulness: { mode: ExtractMode; seed: number } }
  /** engine.refusalCircuit: held-out pairs, EAP-IG (or EAP), an edge budget, faithfulness and an ablation check */
  | { tab: 'refusal'; options: Required<Pick<RefusalCircuitOptions, 'pairs' | 'method' | 'steps' | 'seed' | 'ablationPrompts' | 'maxNewTokens'>> }
  /** attention patterns on one prompt ('' = the first clean prompt of the pairs) */
  | { tab: 'attention'; prompt: string }
  /** the logit lens on one prompt ('' = the first clean prompt of the pairs), the top LENS_TOP_K tokens per layer */
  | { tab: 'lens'; prompt: string; topK: number }
  /** linear probes per layer on the held-out harmful vs benign prompts, split with the seed */
  | { tab: 'probes'; seed: number };

/** Tokens per layer and position the logit-lens tab shows. */
export const LENS_TOP_K = 5;

export interface CircuitsPlan {
  model: string;
  pairs: { source: 'heldout'; n: number; seed: number } | { source: 'custom'; items: PromptPair[] };
  run: CircuitsTabPlan;
}

export function circuitsExtractOptions(spec: Pick<CircuitsRunSpec, 'extraction'>): ExtractOptions {
  const x = spec.extraction;
  return x.mode === 'threshold' ? { mode: 'threshold', threshold: x.threshold, prune: x.prune } : { mode: x.mode, n: x.n, prune: x.prune };
}

/**
 * Circuits of each size on the faithfulness chart are chosen like the circuit itself, except that a threshold
 * does not fix a size: its curve ranks edges as top-n does (the same |score| order).
 */
export const circuitsFaithfulnessMode = (spec: Pick<CircuitsRunSpec, 'extraction'>): ExtractMode => (spec.extraction.mode === 'greedy' ? 'greedy' : 'topn');

/** A 1-2-5 ladder of circuit sizes from the empty to the full graph. */
export function faithfulnessSizes(total: number): number[] {
  const sizes = new Set<number>([0, total]);
  for (let decade = 1; decade < total; decade *= 10) for (const m of [1, 2, 5]) if (m * decade < total) sizes.add(m * decade);
  return [...sizes].sort((a, b) => a - b);
}

/** Pairs of the one-click refusal circuit: the held-out count, or the default count when the pairs are custom. */
export function refusalPairCount(spec: Pick<CircuitsRunSpec, 'pairs'>): number {
  return spec.pairs.source === 'heldout' ? spec.pairs.n : DEFAULT_REFUSAL_PAIRS;
}

export function circuitsPlan(spec: CircuitsRunSpec): CircuitsPlan {
  const pairs: CircuitsPlan['pairs'] = spec.pairs.source === 'heldout' ? { source: 'heldout', n: spec.pairs.n, seed: spec.seed }
    : { source: 'custom', items: spec.pairs.items.map((p) => ({ clean: p.clean, corrupted: p.corrupted })) };
  const run: CircuitsTabPlan = spec.tab === 'graph'
    ? { tab: 'graph', metric: spec.metric, method: spec.method, steps: spec.steps, tau: spec.tau, extract: circuitsExtractOptions(spec), faithfulness: { mode: circuitsFaithfulnessMode(spec), seed: spec.seed } }
    : spec.tab === 'refusal' ? {
      tab: 'refusal',
      options: {
        // the one click scores with gradients: exact patching and ACDC fall back to EAP-IG
        pairs: refusalPairCount(spec), method: spec.method === 'patching' || spec.method === 'acdc' ? 'eap-ig' : spec.method, steps: spec.steps, seed: spec.seed,
        ablationPrompts: spec.ablation.prompts, maxNewTokens: spec.ablation.maxNewTokens,
      },
    }
      : spec.tab === 'probes' ? { tab: 'probes', seed: spec.seed }
        : spec.tab === 'lens' ? { tab: 'lens', prompt: spec.prompt, topK: LENS_TOP_K } : { tab: 'attention', prompt: spec.prompt };
  return { model: spec.model, pairs, run };
}
