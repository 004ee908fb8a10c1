// The family table read against real config.json files (the published values of the named hub models, trimmed
// to the keys that matter), plus the refusals.
import { describe, expect, it } from 'vitest';
import {
  FAMILIES, MalformedConfigError, normalizeConfig, SUPPORTED_MODEL_TYPES, tensorName, UnsupportedFamilyError,
  UnsupportedFeatureError,
} from './families';

const LLAMA_32_1B = {
  model_type: 'llama', hidden_size: 2048, num_attention_heads: 32, num_key_value_heads: 8, head_dim: 64,
  intermediate_size: 8192, num_hidden_layers: 16, max_position_embeddings: 131072, rms_norm_eps: 1e-5,
  rope_theta: 500000.0, tie_word_embeddings: true, vocab_size: 128256, bos_token_id: 128000,
  eos_token_id: [128001, 128008, 128009], hidden_act: 'silu', attention_bias: false,
  rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
};
const QWEN3_06B = {
  model_type: 'qwen3', hidden_size: 1024, num_attention_heads: 16, num_key_value_heads: 8, head_dim: 128,
  intermediate_size: 3072, num_hidden_layers: 28, max_position_embeddings: 40960, rms_norm_eps: 1e-6,
  rope_theta: 1000000, rope_scaling: null, tie_word_embeddings: true, vocab_size: 151936, bos_token_id: 151643,
  eos_token_id: 151645, attention_bias: false, sliding_window: null, use_sliding_window: false, max_window_layers: 28,
};
const GEMMA3_1B = {
  model_type: 'gemma3_text', hidden_size: 1152, num_attention_heads: 4, num_key_value_heads: 1, head_dim: 256,
  intermediate_size: 6912, num_hidden_layers: 26, query_pre_attn_scalar: 256, rope_theta: 1000000,
  rope_local_base_freq: 10000, sliding_window: 512, sliding_window_pattern: 6, rms_norm_eps: 1e-6, vocab_size: 262144,
  final_logit_softcapping: null, attn_logit_softcapping: null, hidden_activation: 'gelu_pytorch_tanh',
  bos_token_id: 2, eos_token_id: [1, 106], max_position_embeddings: 32768, rope_scaling: null,
};
const GEMMA2_2B = {
  model_type: 'gemma2', hidden_size: 2304, num_attention_heads: 8, num_key_value_heads: 4, head_dim: 256,
  intermediate_size: 9216, num_hidden_layers: 26, query_pre_attn_scalar: 256, attn_logit_softcapping: 50.0,
  final_logit_softcapping: 30.0, sliding_window: 4096, vocab_size: 256000, rms_norm_eps: 1e-6,
  max_position_embeddings: 8192, rope_theta: 10000.0, bos_token_id: 2, eos_token_id: 1,
};
const GPT2 = {
  model_type: 'gpt2', n_layer: 12, n_head: 12, n_embd: 768, n_positions: 1024, n_inner: null, vocab_size: 50257,
  layer_norm_epsilon: 1e-5, bos_token_id: 50256, eos_token_id: 50256, activation_function: 'gelu_new',
};
const PHI3_MINI_4K = {
  model_type: 'phi3', hidden_size: 3072, num_attention_heads: 32, num_key_value_heads: 32, intermediate_size: 8192,
  num_hidden_layers: 32, max_position_embeddings: 4096, rope_scaling: null, rope_theta: 10000.0, rms_norm_eps: 1e-5,
  vocab_size: 32064, tie_word_embeddings: false, bos_token_id: 1, eos_token_id: 32000, sliding_window: 2047,
};

describe('normalizeConfig', () => {
  it('reads Llama 3.2 1B: GQA, explicit head_dim, llama3 rope scaling, eos list, tied head', () => {
    const c = normalizeConfig(LLAMA_32_1B);
    expect(c).toMatchObject({
      family: 'llama', numLayers: 16, numHeads: 32, numKvHeads: 8, headDim: 64, hiddenSize: 2048, vocabSize: 128256,
      ropeTheta: 500000, tieWordEmbeddings: true, eosTokenIds: [128001, 128008, 128009], bosTokenId: 128000, normEps: 1e-5,
      exportHasPositionIds: true, rotaryDim: 64,
    });
    expect(c.ropeScaling).toEqual({ type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 });
    expect(c.block).toMatchObject({ norm: 'rmsnorm', mlp: 'swiglu', qkvBias: false, qkNorm: false });
  });

  it('Qwen3: head_dim is not hidden/heads, qk-norm on, no qkv bias, all layers full attention', () => {
    const c = normalizeConfig(QWEN3_06B);
    expect(c.headDim).toBe(128);
    expect(c.hiddenSize / c.numHeads).toBe(64);
    expect(c.block).toMatchObject({ qkNorm: true, qkvBias: false });
    expect(c.layerTypes.every((t) => t === 'full_attention')).toBe(true);
    expect(c.eosTokenIds).toEqual([151645]);
    expect(c.attnScale).toBeCloseTo(1 / Math.sqrt(128), 12);
  });

  it('Qwen2 has q/k/v bias without a config key for it', () => {
    expect(normalizeConfig({ ...QWEN3_06B, model_type: 'qwen2', head_dim: undefined }).block.qkvBias).toBe(true);
  });

  it('Gemma 3 (and its multimodal text_config wrapper): (1+w) norms, sandwich norms, local rope base, 5:1 sliding', () => {
    for (const raw of [GEMMA3_1B, { model_type: 'gemma3', text_config: { ...GEMMA3_1B, model_type: undefined } }]) {
      const c = normalizeConfig(raw);
      expect(c.family).toBe('gemma3_text');
      expect(c.block).toMatchObject({ norm: 'rmsnorm-1p', mlp: 'geglu', embedScale: true, sandwichNorms: true, qkNorm: true });
      expect(c).toMatchObject({ ropeTheta: 1e6, ropeLocalTheta: 10000, slidingWindow: 512, attnLogitSoftcap: null, finalLogitSoftcap: null, tieWordEmbeddings: true });
      expect(c.layerTypes.slice(0, 6)).toEqual([...Array(5).fill('sliding_attention'), 'full_attention']);
      expect(c.eosTokenIds).toEqual([1, 106]);
    }
  });

  it('Gemma 2: soft-capping, query_pre_attn_scalar, alternating sliding layers, no position_ids in its export', () => {
    const c = normalizeConfig({ ...GEMMA2_2B, query_pre_attn_scalar: 144 });
    expect(c).toMatchObject({ attnLogitSoftcap: 50, finalLogitSoftcap: 30, exportHasPositionIds: false, headDim: 256 });
    expect(c.attnScale).toBeCloseTo(1 / 12, 12);
    expect(c.layerTypes.slice(0, 3)).toEqual(['sliding_attention', 'full_attention', 'sliding_attention']);
  });

  it('GPT-2: n_* keys, n_inner null means 4·n_embd, learned positions, no rope', () => {
    const c = normalizeConfig(GPT2);
    expect(c).toMatchObject({ numLayers: 12, numHeads: 12, numKvHeads: 12, headDim: 64, intermediateSize: 3072, maxPositions: 1024, ropeTheta: 0, rotaryDim: 0, tieWordEmbeddings: true });
    expect(c.block).toMatchObject({ norm: 'layernorm', mlp: 'gelu', positions: 'learned', weightLayout: 'in_out' });
  });

  it('Phi-3: fused qkv / gate_up names; longrope (128k variant) is refused by name', () => {
    const c = normalizeConfig(PHI3_MINI_4K);
    expect(c.block.fused).toBe(true);
    expect(tensorName(c.tensors, 'qkv', 3)).toBe('model.layers.3.self_attn.qkv_proj.weight');
    expect(tensorName(c.tensors, 'gate_up', 0)).toBe('model.layers.0.mlp.gate_up_proj.weight');
    expect(tensorName(c.tensors, 'q', 0)).toBeUndefined();
    expect(() => normalizeConfig({ ...PHI3_MINI_4K, rope_scaling: { type: 'longrope', long_factor: [1], short_factor: [1] } })).toThrow(UnsupportedFeatureError);
  });

  it('reads transformers 5.x rope_parameters', () => {
    const { rope_theta: _t, rope_scaling: s, ...rest } = LLAMA_32_1B;
    const c = normalizeConfig({ ...rest, rope_parameters: { ...s, rope_theta: 500000 } });
    expect(c.ropeTheta).toBe(500000);
    expect(c.ropeScaling.type).toBe('llama3');
  });

  it('refuses an unknown family by name, listing the supported ones', () => {
    let err: unknown;
    try {
      normalizeConfig({ model_type: 'bert', hidden_size: 768 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedFamilyError);
    expect((err as Error).message).toContain('qwen3');
    expect((err as Error).message).toContain('gemma3_text');
    expect(() => normalizeConfig({})).toThrow(UnsupportedFamilyError);
  });

  it('refuses missing or inconsistent sizes', () => {
    const { num_hidden_layers: _n, ...noLayers } = QWEN3_06B;
    expect(() => normalizeConfig(noLayers)).toThrow(MalformedConfigError);
    expect(() => normalizeConfig({ ...QWEN3_06B, num_key_value_heads: 3 })).toThrow(/multiple of num_key_value_heads/);
    expect(() => normalizeConfig({ ...QWEN3_06B, eos_token_id: 'x' })).toThrow(MalformedConfigError);
  });
});

describe('FAMILIES', () => {
  it('every family names its embedding, final norm and the per-layer tensors its block variant needs', () => {
    for (const f of Object.values(FAMILIES)) {
      const l = f.tensors.layer;
      expect(l.attn_norm && l.o && l.ffn_norm && l.down, f.id).toBeTruthy();
      expect(Boolean(l.qkv) || Boolean(l.q && l.k && l.v), f.id).toBe(true);
      if (f.block.mlp !== 'gelu') expect(Boolean(l.gate_up) || Boolean(l.gate && l.up), f.id).toBe(true);
      expect(Boolean(l.q_norm && l.k_norm), f.id).toBe(f.block.qkNorm);
      expect(Boolean(l.post_attn_norm && l.post_ffn_norm), f.id).toBe(f.block.sandwichNorms);
    }
    expect(SUPPORTED_MODEL_TYPES).toEqual(expect.arrayContaining(['gpt2', 'llama', 'mistral', 'qwen2', 'qwen3', 'gemma2', 'gemma3_text', 'phi3']));
  });
});
