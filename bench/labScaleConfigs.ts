// The configurations bench/lab-scale.ts measures, and the engine-memory probe, in a module that imports nothing:
// jax-js creates its wasm backend (and that backend's one WebAssembly.Memory) when its module is first
// evaluated, so the probe must be installed before anything imports @jax-js/jax (callers then import
// labScaleCase.ts dynamically).

/** config.json keys of the real checkpoints (the keys normalizeConfig reads), full width. */
export const SCALE_CONFIGS: Record<string, Record<string, unknown>> = {
  // HuggingFaceTB/SmolLM2-135M
  'smollm2-135m': {
    architectures: ['LlamaForCausalLM'], model_type: 'llama', num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3,
    hidden_size: 576, intermediate_size: 1536, vocab_size: 49152, max_position_embeddings: 8192, rms_norm_eps: 1e-5, rope_theta: 100000,
    hidden_act: 'silu', tie_word_embeddings: true, head_dim: 64,
  },
  // Qwen/Qwen2.5-0.5B
  'qwen2.5-0.5b': {
    architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', num_hidden_layers: 24, num_attention_heads: 14, num_key_value_heads: 2,
    hidden_size: 896, intermediate_size: 4864, vocab_size: 151936, max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 1000000,
    hidden_act: 'silu', tie_word_embeddings: true, sliding_window: 32768, use_sliding_window: false, max_window_layers: 21,
  },
};

/** Reads the engine's memory size in bytes (wasm: the WebAssembly.Memory jax-js allocates from); null if unknown. */
export type MemoryProbe = () => number | null;

/**
 * Records every WebAssembly.Memory created from now on and returns a probe of the largest one's size. Call
 * before anything imports @jax-js/jax: its wasm backend creates its one memory when the module is evaluated.
 */
export function watchWasmMemory(): MemoryProbe {
  const seen: WebAssembly.Memory[] = [];
  const Original = WebAssembly.Memory;
  class Watched extends Original {
    constructor(d: WebAssembly.MemoryDescriptor) {
      super(d);
      seen.push(this);
    }
  }
  (WebAssembly as { Memory: typeof WebAssembly.Memory }).Memory = Watched;
  return () => (seen.length ? Math.max(...seen.map((m) => m.buffer.byteLength)) : null);
}

