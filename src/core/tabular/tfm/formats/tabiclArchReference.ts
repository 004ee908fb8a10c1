// TabICL's architecture at small width: the config, deterministic weights under the torch state-dict names, and a
// plain-TS float64 reference forward. tabiclArch.ts builds the same network as an ONNX graph with the TabICL export
// contract; the tests hold the two together (|Δ| < 1e-4). Read at soda-inria/tabicl
// 8f1aa2098c894ab91dba15209cf2002ba4be6c6c, src/tabicl/_model/:
//   tabicl.py       TabICL.forward: row_interactor(col_embedder(X, y_train)) → icl_predictor(R, y_train)
//   embedding.py    ColEmbedding, feature_group 'same': group g = features (g + 2^i) mod H, i < group size;
//                   in_linear (group size → E); target_aware: y_encoder = OneHotAndLinear(max_classes, E) added to
//                   the train rows of every column; the SetTransformer runs over the rows of each column with
//                   train_size (inducing points see train rows only, embed_with_test False); affine False (the
//                   set transformer's output is the embedding); C reserved slots in front for the CLS tokens
//   encoders.py     SetTransformer = InducedSelfAttentionBlocks; Encoder = MultiheadAttentionBlocks (+ RoPE)
//   layers.py       InducedSelfAttentionBlock: hidden = attn1(q = ind_vectors, kv = src[:train_size]),
//                   out = attn2(q = src, kv = hidden); SSMax only in attn1. MultiheadAttentionBlock (pre-norm):
//                   x = q + attn(norm1(q), norm1(kv) | norm1(q)[:train_size]); x = x + linear2(gelu(linear1(norm2(x))))
//   attention.py    packed in_proj, RoPE on q and k (positions 0..L-1 of each), SSMax on q, SDPA (scale 1/√hd)
//   ssmax.py        qassmax-mlp-elementwise: q · base_mlp(log n)[h, :] · (1 + tanh(query_mlp(q))), n = key length,
//                   MLPs Linear(1|hd, 64) GELU Linear(64, H·hd | hd)
//   rope.py         lucidrains RotaryEmbedding, freqs = θ^(−2i/hd); interleaved pairs (0,1),(2,3) or halves
//   interaction.py  RowInteraction: CLS tokens overwrite the reserved slots, blocks[:-1] self-attend over the C + G
//                   tokens of each row with RoPE, the last block has q = the C CLS tokens only; out_ln; flatten C·E
//   learning.py     ICLearning: R[:, :train] += y_encoder(y_train) (OneHotAndLinear(max_classes, C·E)); tf_icl
//                   blocks with train_size (every row attends to the train rows only), SSMax; ln; decoder
//                   Linear(D, 2D) GELU Linear(2D, max_classes); _predict_standard keeps rows train_size: and the
//                   first len(unique(y_train[0])) logits
// Flags fixed at TabICL.__init__'s defaults at that commit (col_affine False, col_feature_group 'same' of 3,
// col_target_aware True, col/icl_ssmax 'qassmax-mlp-elementwise', gelu, norm_first True, LayerNorm with bias);
// row_rope_interleaved is an option (default True as the constructor; its docstring names False the TabICLv2
// variant). A checkpoint's own config can set other flags (the v1 checkpoints' are not reproduced here).
// Simplified, and said so in the README: the many-class paths (mixed-radix column embedding and the hierarchical
// classifier for > max_classes classes) are absent; SkippableLinear / the ISAB's -100 skip marks only the reserved
// CLS columns, which RowInteraction overwrites anyway, so they are not computed; weights are seeded random (no
// TabICL training), scaled so every stage moves the output. Pure: no DOM, no Node.
import { geluExact } from '../../../numeric/erf';
import { mulberry32 } from '../../../numeric/random';

export interface TabiclArchConfig {
  embed_dim: number;
  col_num_blocks: number;
  col_nhead: number;
  col_num_inds: number;
  col_feature_group_size: number;
  row_num_blocks: number;
  row_nhead: number;
  row_num_cls: number;
  row_rope_base: number;
  row_rope_interleaved: boolean;
  icl_num_blocks: number;
  icl_nhead: number;
  ff_factor: number;
  max_classes: number;
}

/** The replica's width: the real default is embed_dim 128, 3/3/12 blocks, 8 heads, 128 inducing points. */
export const TABICL_ARCH_SMALL: TabiclArchConfig = {
  embed_dim: 16, col_num_blocks: 1, col_nhead: 2, col_num_inds: 4, col_feature_group_size: 3,
  row_num_blocks: 2, row_nhead: 2, row_num_cls: 4, row_rope_base: 100000, row_rope_interleaved: true,
  icl_num_blocks: 2, icl_nhead: 4, ff_factor: 2, max_classes: 10,
};

/** QASSMaxMLP's hidden width (ssmax.py n_hidden default; create_ssmax_layer does not change it). */
export const SSMAX_HIDDEN = 64;
const LN_EPS = 1e-5;

export interface WeightTensor { data: Float32Array; dims: number[] }
export type TabiclWeights = Map<string, WeightTensor>;

/** Every tensor of the state dict the architecture uses, in a fixed order (so the seed fixes the values). */
export function tabiclArchShapes(c: TabiclArchConfig): [string, number[]][] {
  const E = c.embed_dim;
  const D = E * c.row_num_cls;
  const out: [string, number[]][] = [];
  const linear = (p: string, i: number, o: number) => out.push([`${p}.weight`, [o, i]], [`${p}.bias`, [o]]);
  const ln = (p: string, d: number) => out.push([`${p}.weight`, [d]], [`${p}.bias`, [d]]);
  const ssmax = (p: string, d: number, nh: number) => {
    const hd = d / nh;
    linear(`${p}.base_mlp.0`, 1, SSMAX_HIDDEN);
    linear(`${p}.base_mlp.2`, SSMAX_HIDDEN, nh * hd);
    linear(`${p}.query_mlp.0`, hd, SSMAX_HIDDEN);
    linear(`${p}.query_mlp.2`, SSMAX_HIDDEN, hd);
  };
  const block = (p: string, d: number, nh: number, withSsmax: boolean) => {
    out.push([`${p}.attn.in_proj_weight`, [3 * d, d]], [`${p}.attn.in_proj_bias`, [3 * d]]);
    linear(`${p}.attn.out_proj`, d, d);
    if (withSsmax) ssmax(`${p}.attn.ssmax_layer`, d, nh);
    linear(`${p}.linear1`, d, d * c.ff_factor);
    linear(`${p}.linear2`, d * c.ff_factor, d);
    ln(`${p}.norm1`, d);
    ln(`${p}.norm2`, d);
  };
  linear('col_embedder.in_linear', c.col_feature_group_size, E);
  for (let b = 0; b < c.col_num_blocks; b++) {
    const p = `col_embedder.tf_col.blocks.${b}`;
    out.push([`${p}.ind_vectors`, [c.col_num_inds, E]]);
    block(`${p}.multihead_attn1`, E, c.col_nhead, true);
    block(`${p}.multihead_attn2`, E, c.col_nhead, false);
  }
  linear('col_embedder.y_encoder', c.max_classes, E);
  for (let b = 0; b < c.row_num_blocks; b++) block(`row_interactor.tf_row.blocks.${b}`, E, c.row_nhead, false);
  out.push(['row_interactor.tf_row.rope.freqs', [E / c.row_nhead / 2]], ['row_interactor.cls_tokens', [c.row_num_cls, E]]);
  ln('row_interactor.out_ln', E);
  for (let b = 0; b < c.icl_num_blocks; b++) block(`icl_predictor.tf_icl.blocks.${b}`, D, c.icl_nhead, true);
  ln('icl_predictor.ln', D);
  linear('icl_predictor.y_encoder', c.max_classes, D);
  linear('icl_predictor.decoder.0', D, 2 * D);
  linear('icl_predictor.decoder.2', 2 * D, c.max_classes);
  return out;
}

/**
 * Deterministic weights from `seed`: linear weights N(0, 1/fan_in) (not the zero-init of TabICL's fresh
 * modules, so every residual branch acts), biases N(0, 0.02²), LayerNorm weights 1 + N(0, 0.1²), inducing
 * points and CLS tokens N(0, 1), RoPE freqs as RotaryEmbedding computes them.
 */
export function tabiclArchWeights(c: TabiclArchConfig = TABICL_ARCH_SMALL, seed = 1): TabiclWeights {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const w: TabiclWeights = new Map();
  for (const [name, dims] of tabiclArchShapes(c)) {
    const n = dims.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (name.endsWith('rope.freqs')) {
      const hd = 2 * dims[0];
      data = Float32Array.from({ length: dims[0] }, (_, i) => 1 / c.row_rope_base ** ((2 * i) / hd));
    } else if (/norm\d?\.weight$|_ln\.weight$|\.ln\.weight$/.test(name)) {
      data = Float32Array.from({ length: n }, () => 1 + 0.1 * gauss());
    } else if (name.endsWith('bias') || /norm\d?\.bias$/.test(name)) {
      data = Float32Array.from({ length: n }, () => 0.02 * gauss());
    } else if (name.endsWith('ind_vectors') || name.endsWith('cls_tokens')) {
      data = Float32Array.from({ length: n }, () => gauss());
    } else {
      const fanIn = dims[dims.length - 1];
      data = Float32Array.from({ length: n }, () => gauss() / Math.sqrt(fanIn));
    }
    w.set(name, { data, dims });
  }
  return w;
}

// ---- reference forward (float64, row-major [rows, width] matrices) ----

interface Mat { data: Float64Array; rows: number; cols: number }
const mat = (rows: number, cols: number): Mat => ({ data: new Float64Array(rows * cols), rows, cols });

function get(w: TabiclWeights, name: string): Float32Array {
  const t = w.get(name);
  if (!t) throw new Error(`tabicl reference: missing ${name}`);
  return t.data;
}

/** x W[rowOff : rowOff + out]ᵀ + b[rowOff : ...] (torch Linear over a slice of a packed weight). */
function linear(x: Mat, W: Float32Array, b: Float32Array, out: number, rowOff = 0): Mat {
  const y = mat(x.rows, out);
  const k = x.cols;
  for (let i = 0; i < x.rows; i++) {
    for (let o = 0; o < out; o++) {
      let s = b[rowOff + o];
      const wo = (rowOff + o) * k;
      for (let j = 0; j < k; j++) s += x.data[i * k + j] * W[wo + j];
      y.data[i * out + o] = s;
    }
  }
  return y;
}
const lin = (x: Mat, w: TabiclWeights, p: string, out: number): Mat => linear(x, get(w, `${p}.weight`), get(w, `${p}.bias`), out);

function layerNorm(x: Mat, w: TabiclWeights, p: string): Mat {
  const g = get(w, `${p}.weight`);
  const b = get(w, `${p}.bias`);
  const y = mat(x.rows, x.cols);
  const d = x.cols;
  for (let i = 0; i < x.rows; i++) {
    let m = 0;
    for (let j = 0; j < d; j++) m += x.data[i * d + j];
    m /= d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (x.data[i * d + j] - m) ** 2;
    const s = 1 / Math.sqrt(v / d + LN_EPS);
    for (let j = 0; j < d; j++) y.data[i * d + j] = (x.data[i * d + j] - m) * s * g[j] + b[j];
  }
  return y;
}

const gelu = (x: Mat): Mat => ({ ...x, data: x.data.map(geluExact) });
const add = (a: Mat, b: Mat): Mat => ({ ...a, data: a.data.map((v, i) => v + b.data[i]) });
const sliceRows = (x: Mat, from: number, to: number): Mat => ({ data: x.data.slice(from * x.cols, to * x.cols), rows: to - from, cols: x.cols });

/** RotaryEmbedding.rotate_queries_or_keys on one head [L, hd], positions 0..L-1. */
function rope(x: Mat, freqs: Float32Array, interleaved: boolean): Mat {
  const hd = x.cols;
  const half = hd / 2;
  const y = mat(x.rows, hd);
  for (let p = 0; p < x.rows; p++) {
    for (let i = 0; i < half; i++) {
      const a = Math.fround(p * freqs[i]);
      const cos = Math.cos(a);
      const sin = Math.sin(a);
      const [j0, j1] = interleaved ? [2 * i, 2 * i + 1] : [i, i + half];
      const x0 = x.data[p * hd + j0];
      const x1 = x.data[p * hd + j1];
      y.data[p * hd + j0] = x0 * cos - x1 * sin;
      y.data[p * hd + j1] = x1 * cos + x0 * sin;
    }
  }
  return y;
}

interface AttnOpts { nh: number; ssmax?: boolean; rope?: { freqs: Float32Array; interleaved: boolean } }

/** multi_head_attention_forward for one sequence: q [Lq, d], kv [Lk, d] (already normed). */
function attention(q: Mat, kv: Mat, w: TabiclWeights, p: string, o: AttnOpts): Mat {
  const d = q.cols;
  const hd = d / o.nh;
  const W = get(w, `${p}.attn.in_proj_weight`);
  const B = get(w, `${p}.attn.in_proj_bias`);
  const Q = linear(q, W, B, d, 0);
  const K = linear(kv, W, B, d, d);
  const V = linear(kv, W, B, d, 2 * d);
  const out = mat(q.rows, d);
  let base: Mat | undefined;
  if (o.ssmax) {
    const logn = mat(1, 1);
    logn.data[0] = Math.fround(Math.log(Math.max(kv.rows, 1)));
    const sp = `${p}.attn.ssmax_layer`;
    base = lin(gelu(lin(logn, w, `${sp}.base_mlp.0`, SSMAX_HIDDEN)), w, `${sp}.base_mlp.2`, d);
  }
  for (let h = 0; h < o.nh; h++) {
    const head = (m: Mat): Mat => {
      const r = mat(m.rows, hd);
      for (let i = 0; i < m.rows; i++) for (let j = 0; j < hd; j++) r.data[i * hd + j] = m.data[i * d + h * hd + j];
      return r;
    };
    let qh = head(Q);
    let kh = head(K);
    const vh = head(V);
    if (o.rope) {
      qh = rope(qh, o.rope.freqs, o.rope.interleaved);
      kh = rope(kh, o.rope.freqs, o.rope.interleaved);
    }
    if (base) {
      const sp = `${p}.attn.ssmax_layer`;
      const mod = lin(gelu(lin(qh, w, `${sp}.query_mlp.0`, SSMAX_HIDDEN)), w, `${sp}.query_mlp.2`, hd);
      qh = { ...qh, data: qh.data.map((v, t) => v * base!.data[h * hd + (t % hd)] * (1 + Math.tanh(mod.data[t]))) };
    }
    const scale = 1 / Math.sqrt(hd);
    const s = new Float64Array(kh.rows);
    for (let i = 0; i < qh.rows; i++) {
      let mx = -Infinity;
      for (let j = 0; j < kh.rows; j++) {
        let dot = 0;
        for (let t = 0; t < hd; t++) dot += qh.data[i * hd + t] * kh.data[j * hd + t];
        s[j] = dot * scale;
        mx = Math.max(mx, s[j]);
      }
      let z = 0;
      for (let j = 0; j < kh.rows; j++) { s[j] = Math.exp(s[j] - mx); z += s[j]; }
      for (let t = 0; t < hd; t++) {
        let acc = 0;
        for (let j = 0; j < kh.rows; j++) acc += s[j] * vh.data[j * hd + t];
        out.data[i * d + h * hd + t] = acc / z;
      }
    }
  }
  return lin(out, w, `${p}.attn.out_proj`, d);
}

/** MultiheadAttentionBlock (norm_first): kv undefined = self-attention, or over the first `trainSize` rows. */
function block(q: Mat, kv: Mat | undefined, w: TabiclWeights, p: string, o: AttnOpts, ff: number, trainSize?: number): Mat {
  const qn = layerNorm(q, w, `${p}.norm1`);
  const kvn = kv ? layerNorm(kv, w, `${p}.norm1`) : trainSize !== undefined ? sliceRows(qn, 0, trainSize) : qn;
  const x = add(q, attention(qn, kvn, w, p, o));
  return add(x, lin(gelu(lin(layerNorm(x, w, `${p}.norm2`), w, `${p}.linear1`, q.cols * ff)), w, `${p}.linear2`, q.cols));
}

/** Logits [batch][test row][class], classes = distinct labels in y[0] (as the ONNX export's output). */
export function tabiclArchReference(c: TabiclArchConfig, w: TabiclWeights, X: number[][][], y: number[][]): number[][][] {
  const E = c.embed_dim;
  const C = c.row_num_cls;
  const D = E * C;
  const S = c.col_feature_group_size;
  const nClasses = new Set(y[0]).size;
  return X.map((rows, b) => {
    const T = rows.length;
    const H = rows[0].length;
    const N = y[b].length;
    // stage 1: one set-transformer pass over the rows of each feature group
    const emb: Mat[] = [];
    for (let g = 0; g < H; g++) {
      const grp = mat(T, S);
      for (let t = 0; t < T; t++) for (let i = 0; i < S; i++) grp.data[t * S + i] = rows[t][(g + 2 ** i) % H];
      let src = lin(grp, w, 'col_embedder.in_linear', E);
      const yW = get(w, 'col_embedder.y_encoder.weight');
      const yB = get(w, 'col_embedder.y_encoder.bias');
      for (let t = 0; t < N; t++) for (let e = 0; e < E; e++) src.data[t * E + e] += yW[e * c.max_classes + y[b][t]] + yB[e];
      for (let k = 0; k < c.col_num_blocks; k++) {
        const p = `col_embedder.tf_col.blocks.${k}`;
        const ind: Mat = { data: Float64Array.from(get(w, `${p}.ind_vectors`)), rows: c.col_num_inds, cols: E };
        const hidden = block(ind, sliceRows(src, 0, N), w, `${p}.multihead_attn1`, { nh: c.col_nhead, ssmax: true }, c.ff_factor);
        src = block(src, hidden, w, `${p}.multihead_attn2`, { nh: c.col_nhead }, c.ff_factor);
      }
      emb.push(src);
    }
    // stage 2: per row, CLS tokens then the H group embeddings, RoPE over token positions
    const R = mat(T, D);
    const ropeOpts = { nh: c.row_nhead, rope: { freqs: get(w, 'row_interactor.tf_row.rope.freqs'), interleaved: c.row_rope_interleaved } };
    const cls = get(w, 'row_interactor.cls_tokens');
    for (let t = 0; t < T; t++) {
      let tok = mat(C + H, E);
      tok.data.set(cls.subarray(0, C * E));
      for (let g = 0; g < H; g++) tok.data.set(emb[g].data.subarray(t * E, (t + 1) * E), (C + g) * E);
      for (let k = 0; k < c.row_num_blocks - 1; k++) tok = block(tok, undefined, w, `row_interactor.tf_row.blocks.${k}`, ropeOpts, c.ff_factor);
      const out = layerNorm(block(sliceRows(tok, 0, C), tok, w, `row_interactor.tf_row.blocks.${c.row_num_blocks - 1}`, ropeOpts, c.ff_factor), w, 'row_interactor.out_ln');
      R.data.set(out.data, t * D);
    }
    // stage 3: label embedding on the train rows, every row attends to the train rows
    const yW = get(w, 'icl_predictor.y_encoder.weight');
    const yB = get(w, 'icl_predictor.y_encoder.bias');
    for (let t = 0; t < N; t++) for (let e = 0; e < D; e++) R.data[t * D + e] += yW[e * c.max_classes + y[b][t]] + yB[e];
    let src = R;
    for (let k = 0; k < c.icl_num_blocks; k++) src = block(src, undefined, w, `icl_predictor.tf_icl.blocks.${k}`, { nh: c.icl_nhead, ssmax: true }, c.ff_factor, N);
    const test = sliceRows(layerNorm(src, w, 'icl_predictor.ln'), N, T);
    const logits = lin(gelu(lin(test, w, 'icl_predictor.decoder.0', 2 * D)), w, 'icl_predictor.decoder.2', c.max_classes);
    return Array.from({ length: T - N }, (_, i) => Array.from(logits.data.subarray(i * c.max_classes, i * c.max_classes + nClasses)));
  });
}
