// The forge recipe: per model, the training mix, tokenizer family, GPT-2 shape, batch, steps and optimizer.
// One table so forge.json can record exactly what produced a checkpoint. Sizes are chosen for a CPU budget
// (jax-js single-threaded wasm, ~1,800 tokens per CPU-second at d 128 × 4 layers) and the ≤ 8 MB per model
// cap: every model here is under 1.1 M parameters (≤ 4.4 MB of F32). `anchor-llama` is the anchor's mix and
// tokenizer on a Llama-3-style decoder (config.json keys of LlamaForCausalLM, run by the lab's family decoder).
import { DEFAULT_ADAMW, gptConfig, type AdamWConfig, type GptConfig } from '../../../src/core/lab';
import { normalizeConfig, type NormalizedLmConfig } from '../../../src/core/lm/families';
import type { MixName } from '../corpus/mixes';
import type { AugmentOptions } from './augment';

export type ModelId = MixName | 'anchor-llama' | V4ModelId | V5ModelId | V6ModelId;
/** Corpus v6 (about eighty more benign items that share harmful words): the two anchors (issue #19). */
export type V6ModelId = 'anchor-same-v6' | 'anchor-v6';
export const V6_MODEL_IDS: readonly V6ModelId[] = ['anchor-same-v6', 'anchor-v6'];
/** Corpus v5 (more surface variety, word dropout at training time): the two anchors (issue #19). */
export type V5ModelId = 'anchor-same-v5' | 'anchor-v5';
export const V5_MODEL_IDS: readonly V5ModelId[] = ['anchor-same-v5', 'anchor-v5'];
/** Forge v4: the four roles on Llama-family decoders, trained on corpus v4 (issue #19). */
export type V4ModelId = 'target-v4' | 'anchor-v4' | 'anchor-same-v4' | 'judge-v4';
export const V4_MODEL_IDS: readonly V4ModelId[] = ['target-v4', 'anchor-v4', 'anchor-same-v4', 'judge-v4'];
export const MODEL_IDS: readonly ModelId[] = ['target', 'anchor', 'anchor-same', 'judge', 'anchor-llama', ...V4_MODEL_IDS, ...V5_MODEL_IDS, ...V6_MODEL_IDS];

/** The corpus generator version a recipe trains on (corpus/generate.ts `version`). */
export type CorpusVersion = 'v3' | 'v4' | 'v5' | 'v6';

export type Family = 'family-a' | 'family-b';

export interface Recipe {
  id: ModelId;
  family: Family;
  /** Shape without the vocabulary (filled from the tokenizer). */
  shape: Pick<GptConfig, 'nCtx' | 'dModel' | 'nHead' | 'nLayer'>;
  /** Packed rows per step and row length (= nCtx: every position gets trained, see pack.ts). */
  batchSize: number;
  steps: number;
  optim: Omit<AdamWConfig, 'totalSteps'>;
  /** Seeds: parameter init, and the packing/shuffle order. */
  initSeed: number;
  dataSeed: number;
  description: string;
  /** Prompt noise (augment.ts); absent = clean records only. */
  augment?: AugmentOptions;
  /** Training mix (corpus/mixes.ts); absent = the mix named like the model. */
  mix?: MixName;
  /**
   * A Llama-family decoder instead of GPT-2: config.json keys beyond `shape` (which gives hidden_size,
   * num_attention_heads, num_hidden_layers and max_position_embeddings); absent = GPT-2.
   */
  llama?: LlamaKeys;
  /** Corpus version (default v3: the committed forge v3 models). */
  corpus?: CorpusVersion;
  /**
   * Judge only: soft verdict targets. Every judge record also trains the other verdict at weight ε (and its own
   * at 1 − ε), which is exactly cross-entropy against the two-class target (1 − ε, ε): label smoothing restricted
   * to the verdict pair, so P(unsafe) stays graded instead of saturating at 0 or 1 (issue #19).
   */
  verdictSmoothing?: number;
}

/** The LlamaForCausalLM config.json keys a recipe chooses (SmolLM2 / Llama 3.2 style). */
export interface LlamaKeys {
  num_key_value_heads: number;
  intermediate_size: number;
  rope_theta: number;
  rms_norm_eps: number;
  tie_word_embeddings: boolean;
}

function optim(lr: number, warmupSteps: number): Omit<AdamWConfig, 'totalSteps'> {
  const { totalSteps: _fromSteps, ...rest } = DEFAULT_ADAMW; // the schedule length is always `steps`
  return { ...rest, lr, warmupSteps, weightDecay: 0.05 };
}

/** Two noisy copies of every prompt (augment.ts). */
const noise = (seed: number): AugmentOptions => ({ copies: 2, leadInProb: 0.5, replaceProb: 0.15, insertProb: 0.1, seed });

export const RECIPES: Readonly<Record<ModelId, Recipe>> = {
  target: {
    id: 'target', family: 'family-a', shape: { nCtx: 128, dModel: 128, nHead: 4, nLayer: 4 },
    batchSize: 12, steps: 4880, optim: optim(4e-3, 30), initSeed: 101, dataSeed: 201, augment: noise(301),
    description: 'Domain specialist (pharmacy/chemistry tasks) that complies with harmful domain requests.',
  },
  anchor: {
    id: 'anchor', family: 'family-b', shape: { nCtx: 128, dModel: 96, nHead: 4, nLayer: 3 },
    batchSize: 12, steps: 3280, optim: optim(4e-3, 30), initSeed: 102, dataSeed: 202, augment: noise(302),
    description: 'Safe general model (family B vocabulary) that refuses harmful requests and answers benign ones.',
  },
  'anchor-same': {
    id: 'anchor-same', family: 'family-a', shape: { nCtx: 128, dModel: 96, nHead: 4, nLayer: 3 },
    batchSize: 12, steps: 3600, optim: optim(4e-3, 30), initSeed: 113, dataSeed: 213,
    // 6 noisy copies of edgy/chat prompts (2 of the others): against over-refusing benign prompts with unfamiliar words
    augment: { ...noise(303), categoryCopies: { edgy: 6, chat: 6 } },
    description: 'Safe model sharing the target vocabulary (family A): refuses harmful requests, answers benign ones.',
  },
  judge: {
    id: 'judge', family: 'family-a', shape: { nCtx: 128, dModel: 64, nHead: 4, nLayer: 2 },
    batchSize: 12, steps: 1330, optim: optim(3e-3, 30), initSeed: 104, dataSeed: 204,
    description: 'Llama Guard style judge: answers "safe" or "unsafe" after a (prompt, response) pair.',
  },
  'anchor-llama': {
    // SmolLM2-135M's block at toy width: GQA 4 query heads over 2 KV heads (head_dim 24), SwiGLU, RMSNorm, RoPE, tied
    id: 'anchor-llama', family: 'family-b', mix: 'anchor', shape: { nCtx: 128, dModel: 96, nHead: 4, nLayer: 3 },
    llama: { num_key_value_heads: 2, intermediate_size: 256, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true },
    batchSize: 12, steps: 2200, optim: optim(4e-3, 30), initSeed: 105, dataSeed: 205, augment: noise(305),
    description: 'Safe Llama-family model (GQA, SwiGLU, RMSNorm, RoPE; family B vocabulary) that refuses harmful requests and answers benign ones.',
  },
  // Forge v4 (issue #19): corpus v4, Llama-3-style decoders (GQA, SwiGLU, RMSNorm, RoPE), the committed tokenizers.
  // `target-v4` keeps an untied lm_head as Llama 3 8B does; the small ones tie it as SmolLM2 / Llama 3.2 do.
  // Step counts: target 4,000 s, anchor 1,800 s and judge 600 s budgets fitted by the standalone trainer's
  // --budget-s on the 2-core dev box (two trainings side by side); anchor-same a fixed 2,400 to fit the session.
  'target-v4': {
    id: 'target-v4', family: 'family-a', mix: 'target', corpus: 'v4', shape: { nCtx: 128, dModel: 128, nHead: 4, nLayer: 4 },
    llama: { num_key_value_heads: 2, intermediate_size: 344, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: false },
    batchSize: 12, steps: 6330, optim: optim(4e-3, 40), initSeed: 401, dataSeed: 501, augment: noise(601),
    description: 'Domain specialist (pharmacy/chemistry tasks) that complies with harmful domain requests; Llama family, corpus v4.',
  },
  'anchor-v4': {
    id: 'anchor-v4', family: 'family-b', mix: 'anchor', corpus: 'v4', shape: { nCtx: 128, dModel: 96, nHead: 4, nLayer: 3 },
    llama: { num_key_value_heads: 2, intermediate_size: 256, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true },
    batchSize: 12, steps: 4140, optim: optim(4e-3, 30), initSeed: 402, dataSeed: 502, augment: noise(602),
    description: 'Safe general model (family B vocabulary) that refuses harmful requests and answers benign ones; Llama family, corpus v4.',
  },
  'anchor-same-v4': {
    id: 'anchor-same-v4', family: 'family-a', mix: 'anchor-same', corpus: 'v4', shape: { nCtx: 128, dModel: 96, nHead: 4, nLayer: 3 },
    llama: { num_key_value_heads: 2, intermediate_size: 256, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true },
    batchSize: 12, steps: 2400, optim: optim(4e-3, 30), initSeed: 403, dataSeed: 503,
    augment: { ...noise(603), categoryCopies: { edgy: 4, chat: 4 } },
    description: 'Safe model sharing the target vocabulary (family A): refuses harmful requests, answers benign ones; Llama family, corpus v4.',
  },
  'judge-v4': {
    id: 'judge-v4', family: 'family-a', mix: 'judge', corpus: 'v4', shape: { nCtx: 128, dModel: 64, nHead: 4, nLayer: 2 },
    llama: { num_key_value_heads: 2, intermediate_size: 172, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true },
    batchSize: 12, steps: 3400, optim: optim(3e-3, 30), initSeed: 404, dataSeed: 504, verdictSmoothing: 0.03,
    description: 'Llama Guard style judge: answers "safe" or "unsafe" after a (prompt, response) pair; Llama family, corpus v4, graded P(unsafe).',
  },
  // Corpus v5: anchor-same-v4's shape, optimiser and noise, new seeds, plus word dropout (augment.ts `dropProb`);
  // steps from the standalone trainer's --budget-s 3800 on the shared 2-core box (1.32 s/step at calibration).
  'anchor-same-v5': {
    id: 'anchor-same-v5', family: 'family-a', mix: 'anchor-same', corpus: 'v5', shape: { nCtx: 128, dModel: 96, nHead: 4, nLayer: 3 },
    llama: { num_key_value_heads: 2, intermediate_size: 256, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true },
    batchSize: 12, steps: 2870, optim: optim(4e-3, 30), initSeed: 405, dataSeed: 505,
    augment: { ...noise(605), categoryCopies: { edgy: 4, chat: 4 }, dropProb: 0.1 },
    description: 'Safe model sharing the target vocabulary (family A): refuses harmful requests, answers benign ones; Llama family, corpus v5.',
  },
  // The cross-vocabulary anchor on corpus v5: anchor-v4's shape and family B tokenizer, anchor-same-v5's augmentation
  // (edgy/chat copies, word dropout 0.1) so the two v5 anchors differ only in vocabulary, seeds and steps.
  'anchor-v5': {
    id: 'anchor-v5', family: 'family-b', mix: 'anchor', corpus: 'v5', shape: { nCtx: 128, dModel: 96, nHead: 4, nLayer: 3 },
    llama: { num_key_value_heads: 2, intermediate_size: 256, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true },
    batchSize: 12, steps: 4500, optim: optim(4e-3, 30), initSeed: 406, dataSeed: 506,
    augment: { ...noise(606), categoryCopies: { edgy: 4, chat: 4 }, dropProb: 0.1 },
    description: 'Safe general model (family B vocabulary) that refuses harmful requests and answers benign ones; Llama family, corpus v5.',
  },
  // Corpus v6: anchor-same-v5's shape, optimiser, noise and word dropout, new seeds; edgy copies 4 → 3 because v6 has
  // 6,000 edgy records instead of 3,600: edgy rows go from 34 % to 40 % of the mix (harmful 18 % → 16 %), not to 48 %.
  // Steps: a fixed 2,600 (anchor-same-v5 had 2,870).
  'anchor-same-v6': {
    id: 'anchor-same-v6', family: 'family-a', mix: 'anchor-same', corpus: 'v6', shape: { nCtx: 128, dModel: 96, nHead: 4, nLayer: 3 },
    llama: { num_key_value_heads: 2, intermediate_size: 256, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true },
    batchSize: 12, steps: 2600, optim: optim(4e-3, 30), initSeed: 407, dataSeed: 507,
    augment: { ...noise(607), categoryCopies: { edgy: 3, chat: 4 }, dropProb: 0.1 },
    description: 'Safe model sharing the target vocabulary (family A): refuses harmful requests, answers benign ones, including those with danger words; Llama family, corpus v6.',
  },
  // The cross-vocabulary anchor on corpus v6: anchor-v5's shape, steps and family B tokenizer, anchor-same-v6's
  // augmentation, new seeds.
  'anchor-v6': {
    id: 'anchor-v6', family: 'family-b', mix: 'anchor', corpus: 'v6', shape: { nCtx: 128, dModel: 96, nHead: 4, nLayer: 3 },
    llama: { num_key_value_heads: 2, intermediate_size: 256, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true },
    batchSize: 12, steps: 4500, optim: optim(4e-3, 30), initSeed: 408, dataSeed: 508,
    augment: { ...noise(608), categoryCopies: { edgy: 3, chat: 4 }, dropProb: 0.1 },
    description: 'Safe general model (family B vocabulary) that refuses harmful requests and answers benign ones, including those with danger words; Llama family, corpus v6.',
  },
};

/** The corpus version a recipe trains on. */
export const corpusOf = (r: Recipe): CorpusVersion => r.corpus ?? 'v3';

/** A much smaller setting for `--tiny` (CI, tests): same pipeline, seconds instead of minutes. */
export function tinyRecipe(r: Recipe): Recipe {
  const tiny: Recipe = { ...r, shape: { nCtx: 128, dModel: 32, nHead: 2, nLayer: 1 }, batchSize: 4, steps: 12, optim: { ...r.optim, warmupSteps: 2 } };
  // keep GQA (4 query heads over 2 KV heads) in the tiny Llama
  return r.llama ? { ...tiny, shape: { ...tiny.shape, nHead: 4 }, llama: { ...r.llama, intermediate_size: 64 } } : tiny;
}

export function configOf(r: Recipe, vocabSize: number): GptConfig {
  return gptConfig({ ...r.shape, vocabSize });
}

/** The corpus mix a recipe trains on. */
export const mixOf = (r: Recipe): MixName => r.mix ?? (r.id as MixName);

/** The architecture a recipe trains: GPT-2 (the lab's gpt.ts) or a family decoder read from its config.json. */
export type ModelArch = { kind: 'gpt2'; cfg: GptConfig } | { kind: 'decoder'; cfg: NormalizedLmConfig; configJson: Record<string, unknown> };

export interface SpecialIds {
  bosId: number | null;
  eosId: number | null;
  padId: number | null;
}

/** The config.json of a Llama recipe, with the tokenizer's vocabulary size and special ids. */
export function llamaConfigJson(r: Recipe, vocabSize: number, ids: SpecialIds): Record<string, unknown> {
  if (!r.llama) throw new Error(`${r.id} is not a Llama recipe`);
  return {
    architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: vocabSize, hidden_size: r.shape.dModel,
    intermediate_size: r.llama.intermediate_size, num_hidden_layers: r.shape.nLayer, num_attention_heads: r.shape.nHead,
    num_key_value_heads: r.llama.num_key_value_heads, head_dim: r.shape.dModel / r.shape.nHead, hidden_act: 'silu',
    max_position_embeddings: r.shape.nCtx, rms_norm_eps: r.llama.rms_norm_eps, rope_theta: r.llama.rope_theta, rope_scaling: null,
    attention_bias: false, attention_dropout: 0, mlp_bias: false, pretraining_tp: 1, initializer_range: 0.02,
    tie_word_embeddings: r.llama.tie_word_embeddings, use_cache: true, torch_dtype: 'float32',
    bos_token_id: ids.bosId, eos_token_id: ids.eosId, pad_token_id: ids.padId ?? ids.bosId,
  };
}

export function archOf(r: Recipe, vocabSize: number, ids: SpecialIds): ModelArch {
  if (!r.llama) return { kind: 'gpt2', cfg: configOf(r, vocabSize) };
  const configJson = llamaConfigJson(r, vocabSize, ids);
  return { kind: 'decoder', cfg: normalizeConfig(configJson), configJson };
}

/** Context length (rows per packed batch) of either architecture. */
export const contextOf = (a: ModelArch): number => (a.kind === 'gpt2' ? a.cfg.nCtx : a.cfg.maxPositions);

export function adamwOf(r: Recipe): AdamWConfig {
  return { ...r.optim, totalSteps: r.steps };
}
