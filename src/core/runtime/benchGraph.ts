// A GPT-2-style transformer stack (pre-LN, causal multi-head attention, tanh-GELU MLP) built with the graph
// builder and seeded weights: the representative graph of bench/runtime.ts, and reusable by the browser bench
// (WASM 1 vs 2 threads vs WebGPU) so every backend times the same bytes.
import { GraphBuilder, int64 } from './onnx/builder';
import { tensor, type Feeds } from './tensor';

export interface BenchGraphConfig {
  layers: number;   // transformer blocks
  dModel: number;   // residual width
  heads: number;    // attention heads (dModel % heads === 0)
  seq: number;      // fixed sequence length (the causal mask is a [seq, seq] initializer)
  seed: number;
}

export const DEFAULT_BENCH_GRAPH: BenchGraphConfig = { layers: 2, dModel: 256, heads: 4, seq: 64, seed: 1 };

export interface BenchGraph {
  config: BenchGraphConfig;
  bytes: Uint8Array;
  /** Multiply-adds ×2 of one forward pass at batch 1 (MatMuls only). */
  flops: number;
  feeds(batch?: number): Feeds;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

export function buildBenchGraph(overrides: Partial<BenchGraphConfig> = {}): BenchGraph {
  const c = { ...DEFAULT_BENCH_GRAPH, ...overrides };
  const { dModel: d, heads: h, seq: s } = c;
  if (d % h !== 0) throw new Error(`dModel ${d} is not divisible by heads ${h}`);
  const hd = d / h;
  const rand = seeded(c.seed);
  const weights = (n: number, scale: number) => Float32Array.from({ length: n }, () => rand() * 2 * scale);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const g = new GraphBuilder({ name: 'bench-transformer', opset: 17 })
    .input('x', 'float32', ['batch', s, d])
    .initializer('mask', Float32Array.from({ length: s * s }, (_, i) => (i % s > Math.floor(i / s) ? -1e9 : 0)), [s, s])
    .initializer('heads_shape', int64([0, 0, h, hd]), [4])
    .initializer('merge_shape', int64([0, 0, d]), [3])
    .initializer('att_scale', new Float32Array([1 / Math.sqrt(hd)]), [])
    .initializer('half', new Float32Array([0.5]), []).initializer('one', new Float32Array([1]), [])
    .initializer('gelu_a', new Float32Array([0.044715]), []).initializer('gelu_b', new Float32Array([Math.sqrt(2 / Math.PI)]), []);
  let x = 'x';
  for (let l = 0; l < c.layers; l++) {
    const p = `h${l}`;
    g.initializer(`${p}.ln1.g`, ones(d), [d]).initializer(`${p}.ln1.b`, new Float32Array(d), [d])
      .initializer(`${p}.attn.w_qkv`, weights(d * 3 * d, 1 / Math.sqrt(d)), [d, 3 * d]).initializer(`${p}.attn.b_qkv`, weights(3 * d, 0.02), [3 * d])
      .initializer(`${p}.attn.w_o`, weights(d * d, 1 / Math.sqrt(d)), [d, d]).initializer(`${p}.attn.b_o`, weights(d, 0.02), [d])
      .initializer(`${p}.ln2.g`, ones(d), [d]).initializer(`${p}.ln2.b`, new Float32Array(d), [d])
      .initializer(`${p}.mlp.w1`, weights(d * 4 * d, 1 / Math.sqrt(d)), [d, 4 * d]).initializer(`${p}.mlp.b1`, weights(4 * d, 0.02), [4 * d])
      .initializer(`${p}.mlp.w2`, weights(4 * d * d, 1 / Math.sqrt(4 * d)), [4 * d, d]).initializer(`${p}.mlp.b2`, weights(d, 0.02), [d]);
    g.node('LayerNormalization', [x, `${p}.ln1.g`, `${p}.ln1.b`], [`${p}.ln1`], { axis: -1, epsilon: 1e-5 }, { name: `${p}.ln1` })
      .node('MatMul', [`${p}.ln1`, `${p}.attn.w_qkv`], [`${p}.qkv_mm`], {}, { name: `${p}.attn.qkv` })      // [B,S,3d]
      .node('Add', [`${p}.qkv_mm`, `${p}.attn.b_qkv`], [`${p}.qkv`])
      .node('Split', [`${p}.qkv`], [`${p}.q`, `${p}.k`, `${p}.v`], { axis: 2 })                              // 3 × [B,S,d]
      .node('Reshape', [`${p}.q`, 'heads_shape'], [`${p}.q4`]).node('Transpose', [`${p}.q4`], [`${p}.qh`], { perm: [0, 2, 1, 3] }) // [B,H,S,hd]
      .node('Reshape', [`${p}.k`, 'heads_shape'], [`${p}.k4`]).node('Transpose', [`${p}.k4`], [`${p}.kt`], { perm: [0, 2, 3, 1] }) // [B,H,hd,S]
      .node('Reshape', [`${p}.v`, 'heads_shape'], [`${p}.v4`]).node('Transpose', [`${p}.v4`], [`${p}.vh`], { perm: [0, 2, 1, 3] }) // [B,H,S,hd]
      .node('MatMul', [`${p}.qh`, `${p}.kt`], [`${p}.scores_raw`], {}, { name: `${p}.attn.scores` })          // [B,H,S,S]
      .node('Mul', [`${p}.scores_raw`, 'att_scale'], [`${p}.scores_scaled`])
      .node('Add', [`${p}.scores_scaled`, 'mask'], [`${p}.scores`])
      .node('Softmax', [`${p}.scores`], [`${p}.probs`], { axis: -1 })
      .node('MatMul', [`${p}.probs`, `${p}.vh`], [`${p}.ctx_h`], {}, { name: `${p}.attn.ctx` })              // [B,H,S,hd]
      .node('Transpose', [`${p}.ctx_h`], [`${p}.ctx_t`], { perm: [0, 2, 1, 3] })                               // [B,S,H,hd]
      .node('Reshape', [`${p}.ctx_t`, 'merge_shape'], [`${p}.ctx`])                                           // [B,S,d]
      .node('MatMul', [`${p}.ctx`, `${p}.attn.w_o`], [`${p}.o_mm`], {}, { name: `${p}.attn.o` })
      .node('Add', [`${p}.o_mm`, `${p}.attn.b_o`], [`${p}.o`])
      .node('Add', [x, `${p}.o`], [`${p}.res1`])
      .node('LayerNormalization', [`${p}.res1`, `${p}.ln2.g`, `${p}.ln2.b`], [`${p}.ln2`], { axis: -1, epsilon: 1e-5 }, { name: `${p}.ln2` })
      .node('MatMul', [`${p}.ln2`, `${p}.mlp.w1`], [`${p}.fc_mm`], {}, { name: `${p}.mlp.fc` })               // [B,S,4d]
      .node('Add', [`${p}.fc_mm`, `${p}.mlp.b1`], [`${p}.fc`])
      // gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      .node('Mul', [`${p}.fc`, `${p}.fc`], [`${p}.fc2`]).node('Mul', [`${p}.fc2`, `${p}.fc`], [`${p}.fc3`])
      .node('Mul', [`${p}.fc3`, 'gelu_a'], [`${p}.fc3a`]).node('Add', [`${p}.fc`, `${p}.fc3a`], [`${p}.inner`])
      .node('Mul', [`${p}.inner`, 'gelu_b'], [`${p}.inner_b`]).node('Tanh', [`${p}.inner_b`], [`${p}.th`])
      .node('Add', [`${p}.th`, 'one'], [`${p}.th1`]).node('Mul', [`${p}.fc`, 'half'], [`${p}.fc_half`])
      .node('Mul', [`${p}.fc_half`, `${p}.th1`], [`${p}.act`])
      .node('MatMul', [`${p}.act`, `${p}.mlp.w2`], [`${p}.proj_mm`], {}, { name: `${p}.mlp.proj` })          // [B,S,d]
      .node('Add', [`${p}.proj_mm`, `${p}.mlp.b2`], [`${p}.proj`])
      .node('Add', [`${p}.res1`, `${p}.proj`], [`${p}.out`]);
    x = `${p}.out`;
  }
  g.node('Identity', [x], ['y']).output('y', 'float32', ['batch', s, d]);
  const perLayer = 2 * s * (d * 3 * d + d * d + 2 * d * 4 * d) + 2 * 2 * h * s * s * hd;
  return {
    config: c,
    bytes: g.toBytes(),
    flops: c.layers * perLayer,
    feeds: (batch = 1) => {
      const r = seeded(c.seed + 1000);
      return { x: tensor('float32', Float32Array.from({ length: batch * s * d }, () => r() * 2), [batch, s, d]) };
    },
  };
}
