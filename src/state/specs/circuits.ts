// Circuits spec: which embedded model, which tab, which clean/corrupted pairs, and how the graph is scored
// (metric, method, EAP-IG steps m) and cut into a circuit (top-n / threshold / greedy). Enum values are the
// core's own (src/core/circuits/types.ts) so a spec maps 1:1 onto an AttributionRequest and ExtractOptions.
// Custom pairs travel in the link (they are short prompts the user typed, bounded below); imported graph files
// never do: a graph JSON is chosen again to view it.
import { z } from 'zod';
import { DEFAULT_ACDC_TAU } from '../../core/circuits/acdc';
import { seed } from './common';
import { clampInt, type SpecDefinition } from './types';

/** Embedded GPT-2-layout models the lab engine can hook (the judge is not a circuit target). */
export const CIRCUIT_MODELS = ['anchor', 'target', 'anchor-llama'] as const;
export const CIRCUIT_TABS = ['graph', 'refusal', 'attention', 'probes', 'lens'] as const;
export const CIRCUIT_METRICS = ['logit_diff', 'refusal_prob', 'kl'] as const;
/** 'acdc' finds the circuit itself by patching (src/core/circuits/acdc.ts); the others score edges for extraction. */
export const CIRCUIT_METHODS = ['eap', 'eap-ig', 'patching', 'acdc'] as const;
export const EXTRACT_MODES = ['topn', 'threshold', 'greedy'] as const;

/** Bounds that keep a link small and a run finite. */
export const CIRCUIT_LIMITS = {
  pairs: { min: 1, max: 64 },
  customPairs: 16,
  promptChars: 400,
  steps: { min: 1, max: 50 },
  tau: { min: 0, max: 1 },
  edges: { min: 1, max: 100_000 },
  topEdges: { min: 10, max: 5000 },
  ablationPrompts: { min: 1, max: 64 },
  ablationTokens: { min: 1, max: 64 },
} as const;

// The schema only refuses absurd sizes; the clamp cuts prompts and pair lists to the limits above.
const prompt = z.string().max(20_000);
const cut = (text: string): string => text.slice(0, CIRCUIT_LIMITS.promptChars);

const pairs = z.discriminatedUnion('source', [
  // n length-matched harmful/benign pairs drawn from the forge's held-out suites with the spec's seed
  z.object({ source: z.literal('heldout'), n: z.number().int().default(8) }),
  // pairs the user edited (each clean/corrupted pair must have equal token length: the engine checks)
  z.object({ source: z.literal('custom'), items: z.array(z.object({ clean: prompt, corrupted: prompt })).max(256) }),
]);

const extraction = z.object({
  mode: z.enum(EXTRACT_MODES).default('topn'),
  /** topn / greedy: circuit size in edges */
  n: z.number().int().default(25),
  /** threshold: keep edges with |score| ≥ threshold */
  threshold: z.number().default(0.05),
  prune: z.boolean().default(true),
});

const schema = z.object({
  seed,
  model: z.enum(CIRCUIT_MODELS).default('anchor'),
  tab: z.enum(CIRCUIT_TABS).default('graph'),
  pairs: pairs.default({ source: 'heldout', n: 8 }),
  metric: z.enum(CIRCUIT_METRICS).default('logit_diff'),
  method: z.enum(CIRCUIT_METHODS).default('eap-ig'),
  /** EAP-IG interpolation steps m */
  steps: z.number().int().default(5),
  /** ACDC threshold τ: the largest metric drop an edge's removal may cost, as a fraction of the clean/corrupted gap */
  tau: z.number().default(DEFAULT_ACDC_TAU),
  extraction: extraction.default({ mode: 'topn', n: 25, threshold: 0.05, prune: true }),
  /** the refusal circuit's ablation check: held-out harmful prompts and greedy tokens generated per prompt */
  ablation: z.object({ prompts: z.number().int().default(24), maxNewTokens: z.number().int().default(24) }).default({ prompts: 24, maxNewTokens: 24 }),
  /** prompt of the attention and logit-lens tabs; empty = the first clean prompt of the pairs */
  prompt: prompt.default(''),
  /** graph view: edges drawn (the rest are summarised) and edge- or node-level view */
  topEdges: z.number().int().default(200),
  view: z.enum(['edges', 'nodes']).default('edges'),
});

export type CircuitsSpec = z.infer<typeof schema>;

export const circuitsSpec: SpecDefinition<CircuitsSpec> = {
  module: 'circuits',
  version: 1,
  schema,
  migrations: {},
  clamp: (s) => ({
    ...s,
    seed: clampInt(s.seed, 0, 2 ** 31 - 1),
    pairs: s.pairs.source === 'heldout'
      ? { ...s.pairs, n: clampInt(s.pairs.n, CIRCUIT_LIMITS.pairs.min, CIRCUIT_LIMITS.pairs.max) }
      : { ...s.pairs, items: s.pairs.items.slice(0, CIRCUIT_LIMITS.customPairs).map((p) => ({ clean: cut(p.clean), corrupted: cut(p.corrupted) })) },
    prompt: cut(s.prompt),
    steps: clampInt(s.steps, CIRCUIT_LIMITS.steps.min, CIRCUIT_LIMITS.steps.max),
    tau: Number.isFinite(s.tau) ? Math.min(CIRCUIT_LIMITS.tau.max, Math.max(CIRCUIT_LIMITS.tau.min, s.tau)) : DEFAULT_ACDC_TAU,
    extraction: {
      ...s.extraction,
      n: clampInt(s.extraction.n, CIRCUIT_LIMITS.edges.min, CIRCUIT_LIMITS.edges.max),
      threshold: Number.isFinite(s.extraction.threshold) ? Math.max(0, s.extraction.threshold) : 0,
    },
    topEdges: clampInt(s.topEdges, CIRCUIT_LIMITS.topEdges.min, CIRCUIT_LIMITS.topEdges.max),
    ablation: {
      prompts: clampInt(s.ablation.prompts, CIRCUIT_LIMITS.ablationPrompts.min, CIRCUIT_LIMITS.ablationPrompts.max),
      maxNewTokens: clampInt(s.ablation.maxNewTokens, CIRCUIT_LIMITS.ablationTokens.min, CIRCUIT_LIMITS.ablationTokens.max),
    },
  }),
};
