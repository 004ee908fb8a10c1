// The one table of decoder-only model families: which config.json keys each family uses, which block variants
// it has (as flags) and what its safetensors tensors are called. Runtime, lab, edits and the test replicas all
// read a model through `normalizeConfig`, so a new family is one table row, not a new code path (CONVENTIONS
// #16). Key names follow transformers.js `configs.js` (`getNormalizedConfig`) and the Hugging Face modeling
// files; tensor names follow those modeling files' state dicts (also llama.cpp `llama-arch.cpp`).
// Pure: no DOM, no Node.

import { RuntimeError } from '../runtime/errors';

export type FamilyId = 'gpt2' | 'llama' | 'mistral' | 'qwen2' | 'qwen3' | 'gemma2' | 'gemma3_text' | 'phi3';

/** Block variants: everything a forward pass needs to know beyond the sizes. */
export interface FamilyBlock {
  /** layernorm: (x-μ)/σ·w+b; rmsnorm: x/rms·w; rmsnorm-1p: x/rms·(1+w) (Gemma stores w around 0). */
  norm: 'layernorm' | 'rmsnorm' | 'rmsnorm-1p';
  /** gelu: fc → gelu_new(tanh) → proj; swiglu: down(silu(gate)·up); geglu: down(gelu_tanh(gate)·up). */
  mlp: 'gelu' | 'swiglu' | 'geglu';
  /** learned: absolute position table (GPT-2); rope-half: rotate_half RoPE on the first/second halves of a head. */
  positions: 'learned' | 'rope-half';
  /** q, k, v projections carry a bias (Qwen2 always; Llama/Mistral only with `attention_bias`). */
  qkvBias: boolean;
  /** RMSNorm over head_dim of each query and key head before RoPE (Qwen3, Gemma 3). */
  qkNorm: boolean;
  /** Token embeddings multiplied by sqrt(hidden_size) (Gemma). */
  embedScale: boolean;
  /** Extra norms on the attention and MLP outputs before each residual add (Gemma 2/3 "sandwich"). */
  sandwichNorms: boolean;
  /** q, k and v live in one `qkv_proj` tensor, gate and up in one `gate_up_proj` (Phi-3). */
  fused: boolean;
  /** Weight layout: GPT-2's Conv1D stores [in, out]; nn.Linear stores [out, in]. */
  weightLayout: 'in_out' | 'out_in';
}

/** Per-layer tensor roles; each family names the ones it has. */
export type LayerRole =
  | 'attn_norm' | 'attn_norm_bias' | 'q' | 'k' | 'v' | 'q_bias' | 'k_bias' | 'v_bias' | 'qkv' | 'qkv_bias'
  | 'o' | 'o_bias' | 'q_norm' | 'k_norm' | 'post_attn_norm' | 'ffn_norm' | 'ffn_norm_bias' | 'post_ffn_norm'
  | 'gate' | 'up' | 'gate_up' | 'down' | 'down_bias' | 'fc' | 'fc_bias';

export interface TensorNames {
  embed: string;
  positionEmbed?: string;
  finalNorm: string;
  finalNormBias?: string;
  /** Absent from the file when the head is tied to the embedding. */
  lmHead: string;
  /** `{i}` is the layer index. */
  layer: Partial<Record<LayerRole, string>>;
}

export interface FamilySpec {
  id: FamilyId;
  /** `model_type` values this row reads. */
  modelTypes: readonly string[];
  /** Config keys in preference order (the first present wins). */
  keys: {
    layers: readonly string[];
    heads: readonly string[];
    hidden: readonly string[];
    intermediate: readonly string[];
    maxPositions: readonly string[];
    normEps: readonly string[];
  };
  block: FamilyBlock;
  defaults: { ropeTheta: number; normEps: number; tieWordEmbeddings: boolean; activation: string };
  tensors: TensorNames;
  /** Whether the public ONNX export declares `position_ids` (optimum: TextDecoderWithPositionIdsOnnxConfig). */
  exportHasPositionIds: boolean;
  /** Real hub models of the family, for messages and docs. */
  examples: readonly string[];
}

const LLAMA_KEYS = {
  layers: ['num_hidden_layers'],
  heads: ['num_attention_heads'],
  hidden: ['hidden_size'],
  intermediate: ['intermediate_size'],
  maxPositions: ['max_position_embeddings'],
  normEps: ['rms_norm_eps'],
} as const;

const L = 'model.layers.{i}.';
const LLAMA_TENSORS: TensorNames = {
  embed: 'model.embed_tokens.weight',
  finalNorm: 'model.norm.weight',
  lmHead: 'lm_head.weight',
  layer: {
    attn_norm: `${L}input_layernorm.weight`,
    q: `${L}self_attn.q_proj.weight`,
    k: `${L}self_attn.k_proj.weight`,
    v: `${L}self_attn.v_proj.weight`,
    q_bias: `${L}self_attn.q_proj.bias`,
    k_bias: `${L}self_attn.k_proj.bias`,
    v_bias: `${L}self_attn.v_proj.bias`,
    o: `${L}self_attn.o_proj.weight`,
    ffn_norm: `${L}post_attention_layernorm.weight`,
    gate: `${L}mlp.gate_proj.weight`,
    up: `${L}mlp.up_proj.weight`,
    down: `${L}mlp.down_proj.weight`,
  },
};

const RMS_SWIGLU: FamilyBlock = {
  norm: 'rmsnorm', mlp: 'swiglu', positions: 'rope-half', qkvBias: false, qkNorm: false,
  embedScale: false, sandwichNorms: false, fused: false, weightLayout: 'out_in',
};

// Gemma 2/3: input_layernorm → attn → post_attention_layernorm → +res; pre_feedforward_layernorm → mlp →
// post_feedforward_layernorm → +res. Note `post_attention_layernorm` means a different thing than in Llama.
const GEMMA_TENSORS: TensorNames = {
  embed: 'model.embed_tokens.weight',
  finalNorm: 'model.norm.weight',
  lmHead: 'lm_head.weight',
  layer: {
    attn_norm: `${L}input_layernorm.weight`,
    q: `${L}self_attn.q_proj.weight`,
    k: `${L}self_attn.k_proj.weight`,
    v: `${L}self_attn.v_proj.weight`,
    o: `${L}self_attn.o_proj.weight`,
    post_attn_norm: `${L}post_attention_layernorm.weight`,
    ffn_norm: `${L}pre_feedforward_layernorm.weight`,
    post_ffn_norm: `${L}post_feedforward_layernorm.weight`,
    gate: `${L}mlp.gate_proj.weight`,
    up: `${L}mlp.up_proj.weight`,
    down: `${L}mlp.down_proj.weight`,
  },
};

const GEMMA_BLOCK: FamilyBlock = { ...RMS_SWIGLU, norm: 'rmsnorm-1p', mlp: 'geglu', embedScale: true, sandwichNorms: true };

export const FAMILIES: Readonly<Record<FamilyId, FamilySpec>> = {
  gpt2: {
    id: 'gpt2',
    modelTypes: ['gpt2'],
    keys: {
      layers: ['n_layer'], heads: ['n_head'], hidden: ['n_embd'], intermediate: ['n_inner'],
      maxPositions: ['n_positions'], normEps: ['layer_norm_epsilon'],
    },
    block: {
      norm: 'layernorm', mlp: 'gelu', positions: 'learned', qkvBias: true, qkNorm: false,
      embedScale: false, sandwichNorms: false, fused: true, weightLayout: 'in_out',
    },
    defaults: { ropeTheta: 0, normEps: 1e-5, tieWordEmbeddings: true, activation: 'gelu_new' },
    // openai-community/gpt2's model.safetensors has no "transformer." prefix; fine-tunes saved from
    // GPT2LMHeadModel do: readers strip it.
    tensors: {
      embed: 'wte.weight',
      positionEmbed: 'wpe.weight',
      finalNorm: 'ln_f.weight',
      finalNormBias: 'ln_f.bias',
      lmHead: 'lm_head.weight',
      layer: {
        attn_norm: 'h.{i}.ln_1.weight', attn_norm_bias: 'h.{i}.ln_1.bias',
        qkv: 'h.{i}.attn.c_attn.weight', qkv_bias: 'h.{i}.attn.c_attn.bias',
        o: 'h.{i}.attn.c_proj.weight', o_bias: 'h.{i}.attn.c_proj.bias',
        ffn_norm: 'h.{i}.ln_2.weight', ffn_norm_bias: 'h.{i}.ln_2.bias',
        fc: 'h.{i}.mlp.c_fc.weight', fc_bias: 'h.{i}.mlp.c_fc.bias',
        down: 'h.{i}.mlp.c_proj.weight', down_bias: 'h.{i}.mlp.c_proj.bias',
      },
    },
    exportHasPositionIds: true,
    examples: ['openai-community/gpt2', 'Xenova/distilgpt2'],
  },
  llama: {
    id: 'llama',
    modelTypes: ['llama'],
    keys: LLAMA_KEYS,
    block: RMS_SWIGLU,
    defaults: { ropeTheta: 10000, normEps: 1e-6, tieWordEmbeddings: false, activation: 'silu' },
    tensors: LLAMA_TENSORS,
    exportHasPositionIds: true,
    examples: ['onnx-community/Llama-3.2-1B-Instruct-ONNX', 'HuggingFaceTB/SmolLM2-135M-Instruct', 'Xenova/TinyLlama-1.1B-Chat-v1.0'],
  },
  mistral: {
    id: 'mistral',
    modelTypes: ['mistral'],
    keys: LLAMA_KEYS,
    block: RMS_SWIGLU,
    defaults: { ropeTheta: 10000, normEps: 1e-6, tieWordEmbeddings: false, activation: 'silu' },
    tensors: LLAMA_TENSORS,
    exportHasPositionIds: true,
    examples: ['mistralai/Mistral-7B-Instruct-v0.3'],
  },
  qwen2: {
    id: 'qwen2',
    modelTypes: ['qwen2'],
    keys: LLAMA_KEYS,
    block: { ...RMS_SWIGLU, qkvBias: true },
    defaults: { ropeTheta: 10000, normEps: 1e-6, tieWordEmbeddings: false, activation: 'silu' },
    tensors: LLAMA_TENSORS,
    exportHasPositionIds: true,
    examples: ['onnx-community/Qwen2.5-0.5B-Instruct', 'onnx-community/Qwen2.5-1.5B-Instruct'],
  },
  qwen3: {
    id: 'qwen3',
    modelTypes: ['qwen3'],
    keys: LLAMA_KEYS,
    block: { ...RMS_SWIGLU, qkNorm: true },
    defaults: { ropeTheta: 10000, normEps: 1e-6, tieWordEmbeddings: false, activation: 'silu' },
    tensors: {
      ...LLAMA_TENSORS,
      layer: { ...LLAMA_TENSORS.layer, q_norm: `${L}self_attn.q_norm.weight`, k_norm: `${L}self_attn.k_norm.weight` },
    },
    exportHasPositionIds: true,
    examples: ['onnx-community/Qwen3-0.6B-ONNX'],
  },
  gemma2: {
    id: 'gemma2',
    modelTypes: ['gemma2'],
    keys: LLAMA_KEYS,
    block: GEMMA_BLOCK,
    defaults: { ropeTheta: 10000, normEps: 1e-6, tieWordEmbeddings: true, activation: 'gelu_pytorch_tanh' },
    tensors: GEMMA_TENSORS,
    // optimum-onnx: Gemma2OnnxConfig extends TextDecoderOnnxConfig, which declares no position_ids.
    exportHasPositionIds: false,
    examples: ['onnx-community/gemma-2-2b-it-ONNX'],
  },
  gemma3_text: {
    id: 'gemma3_text',
    modelTypes: ['gemma3_text', 'gemma3'],
    keys: LLAMA_KEYS,
    block: { ...GEMMA_BLOCK, qkNorm: true },
    defaults: { ropeTheta: 1_000_000, normEps: 1e-6, tieWordEmbeddings: true, activation: 'gelu_pytorch_tanh' },
    tensors: {
      ...GEMMA_TENSORS,
      layer: { ...GEMMA_TENSORS.layer, q_norm: `${L}self_attn.q_norm.weight`, k_norm: `${L}self_attn.k_norm.weight` },
    },
    // optimum-onnx: Gemma3TextOnnxConfig extends GemmaOnnxConfig → LlamaOnnxConfig (with position_ids).
    exportHasPositionIds: true,
    examples: ['onnx-community/gemma-3-1b-it-ONNX', 'onnx-community/gemma-3-270m-it-ONNX'],
  },
  phi3: {
    id: 'phi3',
    modelTypes: ['phi3'],
    keys: LLAMA_KEYS,
    block: { ...RMS_SWIGLU, fused: true },
    defaults: { ropeTheta: 10000, normEps: 1e-5, tieWordEmbeddings: false, activation: 'silu' },
    // qkv_proj rows: [q (H·hd) | k (KV·hd) | v (KV·hd)]; gate_up_proj rows: [gate (I) | up (I)].
    tensors: {
      embed: 'model.embed_tokens.weight',
      finalNorm: 'model.norm.weight',
      lmHead: 'lm_head.weight',
      layer: {
        attn_norm: `${L}input_layernorm.weight`,
        qkv: `${L}self_attn.qkv_proj.weight`,
        o: `${L}self_attn.o_proj.weight`,
        ffn_norm: `${L}post_attention_layernorm.weight`,
        gate_up: `${L}mlp.gate_up_proj.weight`,
        down: `${L}mlp.down_proj.weight`,
      },
    },
    exportHasPositionIds: true,
    examples: ['onnx-community/Phi-3.5-mini-instruct-onnx-web', 'microsoft/Phi-3-mini-4k-instruct-onnx-web'],
  },
};

export const SUPPORTED_MODEL_TYPES: readonly string[] = Object.values(FAMILIES).flatMap((f) => f.modelTypes);


// ---------------------------------------------------------------------------------------------------------------
// Errors

/**
 * Config errors are runtime errors (runtime/errors.ts): a stable `code` and a `remedy`, so they cross the worker
 * boundary and reach the UI like every other load failure.
 */
export abstract class LmConfigError extends RuntimeError {}

/** config.json names a `model_type` outside the table. */
export class UnsupportedFamilyError extends LmConfigError {
  override readonly name = 'UnsupportedFamilyError';
  readonly code = 'UNSUPPORTED_FAMILY';
  constructor(readonly modelType: string | undefined) {
    super(
      `model_type ${JSON.stringify(modelType)} is not a supported family; supported: ${SUPPORTED_MODEL_TYPES.join(', ')}.`,
      'Pick a model of one of these families (e.g. onnx-community/Qwen3-0.6B-ONNX), or add the family as one row of FAMILIES in src/core/lm/families.ts.',
    );
  }
}

/** A supported family, but a setting of it this code does not implement (longrope, yarn...). */
export class UnsupportedFeatureError extends LmConfigError {
  override readonly name = 'UnsupportedFeatureError';
  readonly code = 'UNSUPPORTED_FEATURE';
  constructor(message: string, remedy: string) {
    super(message, remedy);
  }
}

/** A key is missing or has the wrong type/value. */
export class MalformedConfigError extends LmConfigError {
  override readonly name = 'MalformedConfigError';
  readonly code = 'MALFORMED_CONFIG';
  constructor(family: string, problem: string) {
    super(`config.json (${family}): ${problem}.`, "Use the config.json that ships with the model's weights.");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The normalised config

export type RopeScaling =
  | { type: 'default' }
  | { type: 'linear'; factor: number }
  /** NTK-aware: the base grows once the sequence passes `originalMaxPositions` (depends on the length seen). */
  | { type: 'dynamic'; factor: number; originalMaxPositions: number }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositions: number };

export type LayerType = 'full_attention' | 'sliding_attention';

/** Everything downstream reads this, never config.json. */
export interface NormalizedLmConfig {
  family: FamilyId;
  modelType: string;
  block: FamilyBlock;
  tensors: TensorNames;
  numLayers: number;
  numHeads: number;
  /** = numHeads without GQA. */
  numKvHeads: number;
  /** The explicit `head_dim` when given (Qwen3, Gemma 2/3, Mistral-Nemo), else hidden / heads. */
  headDim: number;
  hiddenSize: number;
  intermediateSize: number;
  vocabSize: number;
  maxPositions: number;
  normEps: number;
  /** RoPE base of full-attention layers (0 for learned positions). */
  ropeTheta: number;
  /** RoPE base of sliding layers (Gemma 3's `rope_local_base_freq`; = ropeTheta elsewhere). */
  ropeLocalTheta: number;
  /** Applies to full-attention layers (Gemma 3 leaves its local layers unscaled). */
  ropeScaling: RopeScaling;
  /** Rotated dims of a head = headDim · partial_rotary_factor (even). */
  rotaryDim: number;
  layerTypes: LayerType[];
  slidingWindow: number | null;
  /** Multiplies q·k: query_pre_attn_scalar^-1/2 for Gemma, headDim^-1/2 elsewhere. */
  attnScale: number;
  /** tanh soft-capping of attention scores / final logits (Gemma 2), null when off. */
  attnLogitSoftcap: number | null;
  finalLogitSoftcap: number | null;
  tieWordEmbeddings: boolean;
  bosTokenId: number | null;
  /** `eos_token_id` may be a number or a list (Llama 3 instruct: [128001, 128008, 128009]). */
  eosTokenIds: number[];
  padTokenId: number | null;
  activation: string;
  exportHasPositionIds: boolean;
}

type Json = Record<string, unknown>;

export function familyOf(modelType: string | undefined): FamilySpec {
  const f = Object.values(FAMILIES).find((x) => modelType !== undefined && x.modelTypes.includes(modelType));
  if (!f) throw new UnsupportedFamilyError(modelType);
  return f;
}

/** Fills `{i}` in a tensor-name template; undefined when the family has no such tensor. */
export function tensorName(tensors: TensorNames, role: LayerRole, layer: number): string | undefined {
  return tensors.layer[role]?.replace('{i}', String(layer));
}

function pick(cfg: Json, keys: readonly string[]): unknown {
  for (const k of keys) if (cfg[k] !== undefined && cfg[k] !== null) return cfg[k];
  return undefined;
}

function posInt(family: string, cfg: Json, keys: readonly string[], fallback?: number): number {
  const v = pick(cfg, keys) ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new MalformedConfigError(family, `${keys.join(' / ')} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function num(family: string, v: unknown, what: string, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new MalformedConfigError(family, `${what} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function tokenIds(family: string, v: unknown, what: string): number[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) {
    throw new MalformedConfigError(family, `${what} must be a token id or a list of them, got ${JSON.stringify(v)}`);
  }
  return list as number[];
}

/** Reads rope settings from `rope_scaling` (transformers 4.x) or `rope_parameters` (5.x). */
function readRope(family: string, cfg: Json, spec: FamilySpec): { theta: number; localTheta: number; scaling: RopeScaling } {
  const params = (cfg.rope_parameters ?? null) as Json | null;
  // Gemma 3 under 5.x: {full_attention: {...}, sliding_attention: {...}}.
  const full = (params && typeof params.full_attention === 'object' ? params.full_attention : params) as Json | null;
  const local = (params && typeof params.sliding_attention === 'object' ? params.sliding_attention : null) as Json | null;
  const theta = num(family, cfg.rope_theta ?? full?.rope_theta, 'rope_theta', spec.defaults.ropeTheta);
  const localTheta = num(family, cfg.rope_local_base_freq ?? local?.rope_theta, 'rope_local_base_freq', spec.id === 'gemma3_text' ? 10000 : theta);
  const rs = ((cfg.rope_scaling ?? full) || null) as Json | null;
  const type = (rs?.rope_type ?? rs?.type ?? 'default') as string;
  const origMax = (v: unknown) => num(family, v, 'rope_scaling.original_max_position_embeddings', num(family, cfg.max_position_embeddings, 'max_position_embeddings', 0));
  let scaling: RopeScaling;
  if (type === 'default') scaling = { type: 'default' };
  else if (type === 'linear') scaling = { type: 'linear', factor: num(family, rs!.factor, 'rope_scaling.factor', 1) };
  else if (type === 'dynamic') scaling = { type: 'dynamic', factor: num(family, rs!.factor, 'rope_scaling.factor', 1), originalMaxPositions: origMax(rs!.original_max_position_embeddings) };
  else if (type === 'llama3') {
    scaling = {
      type: 'llama3',
      factor: num(family, rs!.factor, 'rope_scaling.factor', 8),
      lowFreqFactor: num(family, rs!.low_freq_factor, 'rope_scaling.low_freq_factor', 1),
      highFreqFactor: num(family, rs!.high_freq_factor, 'rope_scaling.high_freq_factor', 4),
      originalMaxPositions: origMax(rs!.original_max_position_embeddings),
    };
  } else {
    throw new UnsupportedFeatureError(
      `config.json (${family}): rope type "${type}" is not implemented (supported: default, linear, dynamic, llama3).`,
      'Pick a variant of the model without it (e.g. Phi-3-mini-4k rather than -128k), or implement it in src/core/lm/families.ts.',
    );
  }
  return { theta, localTheta, scaling };
}

function readLayerTypes(family: string, cfg: Json, spec: FamilySpec, n: number): { types: LayerType[]; window: number | null } {
  const window = cfg.sliding_window === undefined || cfg.sliding_window === null ? null : posInt(family, cfg, ['sliding_window']);
  if (Array.isArray(cfg.layer_types)) {
    const t = cfg.layer_types as unknown[];
    if (t.length !== n || !t.every((x) => x === 'full_attention' || x === 'sliding_attention')) {
      throw new MalformedConfigError(family, `layer_types must list ${n} entries of "full_attention" / "sliding_attention"`);
    }
    return { types: t as LayerType[], window };
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  const sliding = (pred: (i: number) => boolean): LayerType[] => idx.map((i) => (window !== null && pred(i) ? 'sliding_attention' : 'full_attention'));
  if (spec.id === 'gemma2') return { types: sliding((i) => i % 2 === 0), window };
  if (spec.id === 'gemma3_text') {
    const pattern = posInt(family, cfg, ['sliding_window_pattern'], 6);
    return { types: sliding((i) => (i + 1) % pattern !== 0), window };
  }
  if (spec.id === 'qwen2' || spec.id === 'qwen3') {
    const maxWindowLayers = num(family, cfg.max_window_layers, 'max_window_layers', n);
    return { types: sliding((i) => cfg.use_sliding_window === true && i >= maxWindowLayers), window };
  }
  if (spec.id === 'gpt2') return { types: sliding(() => false), window: null };
  return { types: sliding(() => true), window };
}

/** config.json (a parsed object) → the one typed config. Throws UnsupportedFamilyError / MalformedConfigError. */
export function normalizeConfig(configJson: unknown): NormalizedLmConfig {
  if (typeof configJson !== 'object' || configJson === null || Array.isArray(configJson)) {
    throw new MalformedConfigError('?', 'expected a JSON object');
  }
  let cfg = configJson as Json;
  // Multimodal Gemma 3 checkpoints wrap the language model's config in `text_config`.
  if (cfg.model_type === 'gemma3' && typeof cfg.text_config === 'object' && cfg.text_config !== null) {
    cfg = { ...(cfg.text_config as Json), model_type: 'gemma3_text' };
  }
  const modelType = typeof cfg.model_type === 'string' ? cfg.model_type : undefined;
  const spec = familyOf(modelType);
  const f = modelType!;
  const k = spec.keys;
  const numLayers = posInt(f, cfg, k.layers);
  const numHeads = posInt(f, cfg, k.heads);
  const hiddenSize = posInt(f, cfg, k.hidden);
  const numKvHeads = spec.id === 'gpt2' ? numHeads : posInt(f, cfg, ['num_key_value_heads'], numHeads);
  if (numHeads % numKvHeads !== 0) throw new MalformedConfigError(f, `num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKvHeads})`);
  const headDim = spec.id === 'gpt2' ? hiddenSize / numHeads : posInt(f, cfg, ['head_dim'], hiddenSize / numHeads);
  if (!Number.isInteger(headDim)) throw new MalformedConfigError(f, `hidden size ${hiddenSize} is not divisible by ${numHeads} heads and no head_dim is given`);
  const intermediateSize = posInt(f, cfg, k.intermediate, spec.id === 'gpt2' ? 4 * hiddenSize : undefined);
  const rope = spec.block.positions === 'learned' ? { theta: 0, localTheta: 0, scaling: { type: 'default' } as RopeScaling } : readRope(f, cfg, spec);
  const partial = num(f, cfg.partial_rotary_factor, 'partial_rotary_factor', 1);
  const rotaryDim = spec.block.positions === 'learned' ? 0 : 2 * Math.floor((headDim * partial) / 2);
  const { types, window } = readLayerTypes(f, cfg, spec, numLayers);
  const isGemma = spec.id === 'gemma2' || spec.id === 'gemma3_text';
  const queryScalar = isGemma ? num(f, cfg.query_pre_attn_scalar, 'query_pre_attn_scalar', headDim) : headDim;
  const cap = (key: string, fallback: number | null) => {
    const v = cfg[key] === undefined ? fallback : cfg[key];
    return v === null ? null : num(f, v, key, 0);
  };
  const bos = tokenIds(f, cfg.bos_token_id, 'bos_token_id');
  const pad = tokenIds(f, cfg.pad_token_id, 'pad_token_id');
  return {
    family: spec.id,
    modelType: f,
    block: { ...spec.block, qkvBias: spec.block.qkvBias || cfg.attention_bias === true },
    tensors: spec.tensors,
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    hiddenSize,
    intermediateSize,
    vocabSize: posInt(f, cfg, ['vocab_size']),
    maxPositions: posInt(f, cfg, k.maxPositions, spec.id === 'gpt2' ? 1024 : undefined),
    normEps: num(f, pick(cfg, k.normEps), k.normEps[0], spec.defaults.normEps),
    ropeTheta: rope.theta,
    ropeLocalTheta: rope.localTheta,
    ropeScaling: rope.scaling,
    rotaryDim,
    layerTypes: types,
    slidingWindow: window,
    attnScale: 1 / Math.sqrt(queryScalar),
    attnLogitSoftcap: spec.id === 'gemma2' ? cap('attn_logit_softcapping', 50) : isGemma ? cap('attn_logit_softcapping', null) : null,
    finalLogitSoftcap: spec.id === 'gemma2' ? cap('final_logit_softcapping', 30) : isGemma ? cap('final_logit_softcapping', null) : null,
    tieWordEmbeddings: typeof cfg.tie_word_embeddings === 'boolean' ? cfg.tie_word_embeddings : spec.defaults.tieWordEmbeddings,
    bosTokenId: bos[0] ?? null,
    eosTokenIds: tokenIds(f, cfg.eos_token_id, 'eos_token_id'),
    padTokenId: pad[0] ?? null,
    activation: String(cfg.hidden_activation ?? cfg.hidden_act ?? cfg.activation_function ?? spec.defaults.activation),
    exportHasPositionIds: spec.exportHasPositionIds,
  };
}
