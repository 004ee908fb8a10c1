// A TabICL replica with the real architecture at small width, as an ONNX graph with the export contract the TabICL
// adapter (tabicl.ts) reads: X float32 [batch, rows, features] (train rows then test rows), y_train float32
// [batch, train_size] → logits float32 [batch, test_size, classes in y_train[0]]. The body is TabICL's three
// stages (column embedding by induced set attention over the rows of each feature group, row interaction over
// CLS + feature tokens with RoPE, in-context learning where every row attends to the label-embedded train rows)
// with initializers under the torch state-dict names; see tabiclArchReference.ts for what was read (soda-inria/tabicl
// 8f1aa2098c894ab91dba15209cf2002ba4be6c6c), what is simplified, and the float64 reference the tests match it to.
// Built at test time, never committed; weights are seeded random, so it is a structure fixture, not a teacher
// with TabICL's skill.
import { GraphBuilder, int64 } from '../../../runtime/onnx/builder';
import { TABICL_ARCH_SMALL, tabiclArchWeights, type TabiclArchConfig, type TabiclWeights } from './tabiclArchReference';

const LN_EPS = 1e-5;

/** Small naming layer over GraphBuilder: every op returns a fresh value name; weights become initializers on use. */
class Ops {
  private n = 0;
  private readonly consts = new Map<string, string>();
  private readonly used = new Set<string>();
  constructor(readonly g: GraphBuilder, private readonly w: TabiclWeights) {}

  op(type: string, inputs: string[], attrs: Record<string, number | number[]> = {}): string {
    const out = `${type.toLowerCase()}_${this.n++}`;
    this.g.node(type, inputs, [out], attrs);
    return out;
  }
  ops(type: string, inputs: string[], count: number, attrs: Record<string, number | number[]> = {}): string[] {
    const outs = Array.from({ length: count }, (_, k) => `${type.toLowerCase()}_${this.n}_${k}`);
    this.n++;
    this.g.node(type, inputs, outs, attrs);
    return outs;
  }
  i64(values: number[]): string {
    const key = `i64:${values.join(',')}`;
    if (!this.consts.has(key)) {
      const name = `const.i64.${this.consts.size}`;
      this.g.initializer(name, int64(values), [values.length]);
      this.consts.set(key, name);
    }
    return this.consts.get(key)!;
  }
  scalarI64(v: number): string {
    const key = `s64:${v}`;
    if (!this.consts.has(key)) {
      const name = `const.s64.${this.consts.size}`;
      this.g.initializer(name, int64([v]), []);
      this.consts.set(key, name);
    }
    return this.consts.get(key)!;
  }
  f32(v: number): string {
    const key = `f32:${v}`;
    if (!this.consts.has(key)) {
      const name = `const.f32.${this.consts.size}`;
      this.g.initializer(name, Float32Array.of(v), []);
      this.consts.set(key, name);
    }
    return this.consts.get(key)!;
  }
  weight(name: string): string {
    if (!this.used.has(name)) {
      const t = this.w.get(name);
      if (!t) throw new Error(`tabicl replica: missing weight ${name}`);
      this.g.initializer(name, t.data, t.dims);
      this.used.add(name);
    }
    return name;
  }
  /** torch Linear: x Wᵀ + b over the last axis. */
  linear(x: string, p: string): string {
    return this.op('Add', [this.op('MatMul', [x, this.op('Transpose', [this.weight(`${p}.weight`)], { perm: [1, 0] })]), this.weight(`${p}.bias`)]);
  }
  layerNorm(x: string, p: string): string {
    return this.op('LayerNormalization', [x, this.weight(`${p}.weight`), this.weight(`${p}.bias`)], { axis: -1, epsilon: LN_EPS });
  }
  /** nn.GELU (exact, erf). */
  gelu(x: string): string {
    const e = this.op('Erf', [this.op('Mul', [x, this.f32(Math.SQRT1_2)])]);
    return this.op('Mul', [this.op('Mul', [x, this.op('Add', [e, this.f32(1)])]), this.f32(0.5)]);
  }
  /** x[from:to] along `axis`; `to` an int64 [1] value name or a number. */
  slice(x: string, from: number | string, to: number | string, axis: number): string {
    const s = typeof from === 'number' ? this.i64([from]) : from;
    const e = typeof to === 'number' ? this.i64([to]) : to;
    return this.op('Slice', [x, s, e, this.i64([axis])]);
  }
  dim(x: string, axis: number): string {
    return this.op('Shape', [x], { start: axis, end: axis + 1 });
  }
}

interface AttnOpts { nh: number; d: number; ssmax?: boolean; rope?: { freqs: string; interleaved: boolean } }

/** Rotates [N, nh, L, hd] by positions 0..L-1 (RotaryEmbedding.rotate_queries_or_keys). */
function rope(o: Ops, x: string, hd: number, freqs: string, interleaved: boolean): string {
  const L = o.op('Squeeze', [o.dim(x, 2), o.i64([0])]);
  const pos = o.op('Cast', [o.op('Range', [o.scalarI64(0), L, o.scalarI64(1)])], { to: 1 });
  const f2 = interleaved
    ? o.op('Reshape', [o.op('Concat', [o.op('Unsqueeze', [freqs, o.i64([1])]), o.op('Unsqueeze', [freqs, o.i64([1])])], { axis: 1 }), o.i64([hd])])
    : o.op('Concat', [freqs, freqs], { axis: 0 });
  const ang = o.op('Mul', [o.op('Unsqueeze', [pos, o.i64([1])]), o.op('Unsqueeze', [f2, o.i64([0])])]); // [L, hd]
  const cos = o.op('Cos', [ang]);
  const sin = o.op('Sin', [ang]);
  let rot: string;
  if (interleaved) {
    const pairs = o.op('Reshape', [x, o.i64([0, 0, 0, hd / 2, 2])]);
    const x1 = o.slice(pairs, 0, 1, 4);
    const x2 = o.slice(pairs, 1, 2, 4);
    rot = o.op('Reshape', [o.op('Concat', [o.op('Neg', [x2]), x1], { axis: 4 }), o.i64([0, 0, 0, hd])]);
  } else {
    const x1 = o.slice(x, 0, hd / 2, 3);
    const x2 = o.slice(x, hd / 2, hd, 3);
    rot = o.op('Concat', [o.op('Neg', [x2]), x1], { axis: 3 });
  }
  return o.op('Add', [o.op('Mul', [x, cos]), o.op('Mul', [rot, sin])]);
}

/** multi_head_attention_forward on rank-3 q [N, Lq, d], kv [N, Lk, d] (already normed). */
function attention(o: Ops, q: string, kv: string, p: string, a: AttnOpts): string {
  const { d, nh } = a;
  const hd = d / nh;
  const W = o.weight(`${p}.attn.in_proj_weight`);
  const B = o.weight(`${p}.attn.in_proj_bias`);
  const proj = (x: string, k: number) => {
    const wk = o.op('Transpose', [o.slice(W, k * d, (k + 1) * d, 0)], { perm: [1, 0] });
    const y = o.op('Add', [o.op('MatMul', [x, wk]), o.slice(B, k * d, (k + 1) * d, 0)]);
    return o.op('Transpose', [o.op('Reshape', [y, o.i64([0, 0, nh, hd])])], { perm: [0, 2, 1, 3] }); // [N, nh, L, hd]
  };
  let Q = proj(q, 0);
  let K = proj(kv, 1);
  const V = proj(kv, 2);
  if (a.rope) {
    Q = rope(o, Q, hd, a.rope.freqs, a.rope.interleaved);
    K = rope(o, K, hd, a.rope.freqs, a.rope.interleaved);
  }
  if (a.ssmax) {
    const sp = `${p}.attn.ssmax_layer`;
    const n = o.op('Cast', [o.dim(K, 2)], { to: 1 });
    const logn = o.op('Log', [o.op('Max', [o.op('Unsqueeze', [n, o.i64([0])]), o.f32(1)])]); // [1, 1]
    const base = o.op('Reshape', [o.linear(o.gelu(o.linear(logn, `${sp}.base_mlp.0`)), `${sp}.base_mlp.2`), o.i64([1, nh, 1, hd])]);
    const mod = o.op('Add', [o.op('Tanh', [o.linear(o.gelu(o.linear(Q, `${sp}.query_mlp.0`)), `${sp}.query_mlp.2`)]), o.f32(1)]);
    Q = o.op('Mul', [Q, o.op('Mul', [base, mod])]);
  }
  const s = o.op('Mul', [o.op('MatMul', [Q, o.op('Transpose', [K], { perm: [0, 1, 3, 2] })]), o.f32(1 / Math.sqrt(hd))]);
  const ctx = o.op('MatMul', [o.op('Softmax', [s], { axis: -1 }), V]); // [N, nh, Lq, hd]
  const merged = o.op('Reshape', [o.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }), o.i64([0, 0, d])]);
  return o.linear(merged, `${p}.attn.out_proj`);
}

/** MultiheadAttentionBlock, pre-norm; kv undefined: self-attention, over the first `trainSize` rows when given. */
function block(o: Ops, q: string, kv: string | undefined, p: string, a: AttnOpts, trainSize?: string): string {
  const qn = o.layerNorm(q, `${p}.norm1`);
  const kvn = kv ? o.layerNorm(kv, `${p}.norm1`) : trainSize ? o.slice(qn, 0, trainSize, 1) : qn;
  const x = o.op('Add', [q, attention(o, qn, kvn, p, a)]);
  return o.op('Add', [x, o.linear(o.gelu(o.linear(o.layerNorm(x, `${p}.norm2`), `${p}.linear1`)), `${p}.linear2`)]);
}

export interface TabiclArchOptions {
  config?: TabiclArchConfig;
  seed?: number;
  /** use these weights instead of seeded ones (e.g. trained ones) */
  weights?: TabiclWeights;
}

/** The ONNX bytes of a small-width TabICL with seeded weights. */
export function buildTabiclArchReplica(opts: TabiclArchOptions = {}): Uint8Array {
  const c = opts.config ?? TABICL_ARCH_SMALL;
  const w = opts.weights ?? tabiclArchWeights(c, opts.seed ?? 1);
  const E = c.embed_dim;
  const C = c.row_num_cls;
  const D = E * C;
  const S = c.col_feature_group_size;
  const g = new GraphBuilder({ opset: 17, name: 'tabicl-arch-replica', producer: 'workbench-tfm-replica',
    docString: `TabICL architecture at small width (embed_dim ${E}, ${c.col_num_blocks}/${c.row_num_blocks}/${c.icl_num_blocks} blocks, ${C} CLS), seeded weights, not TabICL's.` });
  g.input('X', 'float32', ['batch', 'rows', 'features']).input('y_train', 'float32', ['batch', 'train_size']);
  const o = new Ops(g, w);
  const N = o.dim('y_train', 1); // int64 [1]
  const Bd = o.dim('X', 0);
  const Td = o.dim('X', 1);
  const Hd = o.dim('X', 2);
  const yi = o.op('Cast', ['y_train'], { to: 7 });

  // stage 1: feature groups (g + 2^i) mod H → [B, H, T, S] → in_linear, + label embedding on train rows
  const H = o.op('Squeeze', [Hd, o.i64([0])]);
  const idx = o.op('Range', [o.scalarI64(0), H, o.scalarI64(1)]);
  const parts = Array.from({ length: S }, (_, i) =>
    o.op('Unsqueeze', [o.op('Gather', ['X', o.op('Mod', [o.op('Add', [idx, o.scalarI64(2 ** i)]), H])], { axis: 2 }), o.i64([3])]));
  const grouped = o.op('Transpose', [o.op('Concat', parts, { axis: 3 })], { perm: [0, 2, 1, 3] }); // [B, H, T, S]
  const src0 = o.linear(grouped, 'col_embedder.in_linear'); // [B, H, T, E]
  // OneHotAndLinear(y) = Wᵀ[y] + b
  const labelEmbedding = (p: string) => o.op('Add', [o.op('Gather', [o.op('Transpose', [o.weight(`${p}.weight`)], { perm: [1, 0] }), yi], { axis: 0 }), o.weight(`${p}.bias`)]);
  const yCol = o.op('Unsqueeze', [labelEmbedding('col_embedder.y_encoder'), o.i64([1])]); // [B, 1, N, E]
  const src1 = o.op('Concat', [o.op('Add', [o.slice(src0, 0, N, 2), yCol]), o.slice(src0, N, 2 ** 62, 2)], { axis: 2 });
  let src = o.op('Reshape', [src1, o.op('Concat', [o.i64([-1]), Td, o.i64([E])], { axis: 0 })]); // [B·H, T, E]
  for (let k = 0; k < c.col_num_blocks; k++) {
    const p = `col_embedder.tf_col.blocks.${k}`;
    const ind = o.op('Expand', [o.weight(`${p}.ind_vectors`), o.op('Concat', [o.dim(src, 0), o.i64([c.col_num_inds, E])], { axis: 0 })]);
    const hidden = block(o, ind, o.slice(src, 0, N, 1), `${p}.multihead_attn1`, { d: E, nh: c.col_nhead, ssmax: true });
    src = block(o, src, hidden, `${p}.multihead_attn2`, { d: E, nh: c.col_nhead });
  }

  // stage 2: [B, T, C + H, E] with the CLS tokens in front, as B·T sequences; the last block queries the CLS only
  const emb = o.op('Transpose', [o.op('Reshape', [src, o.op('Concat', [Bd, Hd, Td, o.i64([E])], { axis: 0 })])], { perm: [0, 2, 1, 3] });
  const cls = o.op('Expand', [o.weight('row_interactor.cls_tokens'), o.op('Concat', [Bd, Td, o.i64([C, E])], { axis: 0 })]);
  let tok = o.op('Reshape', [o.op('Concat', [cls, emb], { axis: 2 }), o.op('Concat', [o.i64([-1]), o.op('Add', [Hd, o.i64([C])]), o.i64([E])], { axis: 0 })]);
  const rowOpts: AttnOpts = { d: E, nh: c.row_nhead, rope: { freqs: o.weight('row_interactor.tf_row.rope.freqs'), interleaved: c.row_rope_interleaved } };
  for (let k = 0; k < c.row_num_blocks - 1; k++) tok = block(o, tok, undefined, `row_interactor.tf_row.blocks.${k}`, rowOpts);
  const clsOut = block(o, o.slice(tok, 0, C, 1), tok, `row_interactor.tf_row.blocks.${c.row_num_blocks - 1}`, rowOpts);
  const R = o.op('Reshape', [o.layerNorm(clsOut, 'row_interactor.out_ln'), o.op('Concat', [Bd, Td, o.i64([D])], { axis: 0 })]); // [B, T, C·E]

  // stage 3: label embedding on the train rows; every row attends to the train rows; decoder on the test rows
  let icl = o.op('Concat', [o.op('Add', [o.slice(R, 0, N, 1), labelEmbedding('icl_predictor.y_encoder')]), o.slice(R, N, 2 ** 62, 1)], { axis: 1 });
  for (let k = 0; k < c.icl_num_blocks; k++) icl = block(o, icl, undefined, `icl_predictor.tf_icl.blocks.${k}`, { d: D, nh: c.icl_nhead, ssmax: true }, N);
  const test = o.slice(o.layerNorm(icl, 'icl_predictor.ln'), N, 2 ** 62, 1);
  const all = o.linear(o.gelu(o.linear(test, 'icl_predictor.decoder.0')), 'icl_predictor.decoder.2'); // [B, test, max_classes]
  // out[:, :, :len(unique(y_train[0]))]
  const nc = o.op('Shape', [o.op('Unique', [o.op('Gather', ['y_train', o.scalarI64(0)], { axis: 0 })], { sorted: 1 })]);
  g.node('Slice', [all, o.i64([0]), nc, o.i64([2])], ['logits']).output('logits', 'float32', ['batch', 'test_size', 'num_classes']);
  return g.toBytes();
}
