// The TabICL replica's forward on the lab engine (jax-js), to train its weights briefly on the project's prior
// (bench/tabicl-arch-train.ts); the trained weights then run through the ONNX replica (tabiclArch.ts), whose
// agreement with this forward the tests check. Same architecture as tabiclArchReference.ts, written concat- and
// slice-free (jax-js gets slice gradients wrong under jit, shared FACTS): train and test rows, CLS and feature
// tokens flow as separate streams through shared weights, and attention over two key streams is one softmax over
// their union. Feature groups, one-hot labels and RoPE tables are built on the host. Packed in_proj weights are
// held as q/k/v parts (…attn.in_proj.q.weight) and packed back for export. Pure.
import { lax, nn, numpy as np } from '@jax-js/jax';
import { fromF32, layerNorm, matmul, type Arr, type ArrRecord } from '../../../lab';
import { type TabiclArchConfig, type TabiclWeights } from './tabiclArchReference';

const LN_EPS = 1e-5;

/** State dict (packed in_proj) → training params (q/k/v parts). */
export function toTrainParams(w: TabiclWeights): ArrRecord {
  const out: ArrRecord = {};
  for (const [name, t] of w) {
    const m = /^(.*)\.in_proj_(weight|bias)$/.exec(name);
    if (!m) { out[name] = fromF32(t.data, t.dims); continue; }
    const d = t.dims[0] / 3;
    const per = t.data.length / 3;
    ['q', 'k', 'v'].forEach((part, i) => {
      out[`${m[1]}.in_proj.${part}.${m[2]}`] = fromF32(t.data.subarray(i * per, (i + 1) * per), m[2] === 'weight' ? [d, t.dims[1]] : [d]);
    });
  }
  return out;
}

/** Training params read back (host) → state dict with packed in_proj, in `like`'s order and shapes. */
export function fromTrainParams(host: Record<string, Float32Array>, like: TabiclWeights): TabiclWeights {
  const out: TabiclWeights = new Map();
  for (const [name, t] of like) {
    const m = /^(.*)\.in_proj_(weight|bias)$/.exec(name);
    if (!m) { out.set(name, { data: host[name], dims: t.dims }); continue; }
    const data = new Float32Array(t.data.length);
    ['q', 'k', 'v'].forEach((part, i) => data.set(host[`${m[1]}.in_proj.${part}.${m[2]}`], (i * t.data.length) / 3));
    out.set(name, { data, dims: t.dims });
  }
  return out;
}

/** One batch on the host: B tables, Nc train and Nq test rows, H features, labels < max_classes. */
export interface TabiclHostBatch {
  B: number; Nc: number; Nq: number; H: number;
  /** [B, Nc|Nq, H] standardised features */
  xc: Float32Array; xq: Float32Array;
  /** [B, Nc] train labels; [B, Nq] test labels (loss only) */
  yc: Int32Array; yq: Int32Array;
  /** [B, Nq] loss weights */
  wq: Float32Array;
}

export interface TabiclTrainInputs {
  /** [B·H, Nc|Nq, S] feature groups, column-major by table then group */
  gc: Arr; gq: Arr;
  /** [B·H, Nc, K] one-hot train labels repeated per group; [B, Nc, K] */
  ycCol: Arr; ycOh: Arr;
}

export function toTrainInputs(c: TabiclArchConfig, b: TabiclHostBatch): TabiclTrainInputs {
  const S = c.col_feature_group_size;
  const K = c.max_classes;
  const group = (x: Float32Array, N: number) => {
    const g = new Float32Array(b.B * b.H * N * S);
    for (let t = 0; t < b.B; t++) for (let h = 0; h < b.H; h++) for (let r = 0; r < N; r++) for (let i = 0; i < S; i++) {
      g[(((t * b.H + h) * N + r) * S) + i] = x[(t * N + r) * b.H + ((h + 2 ** i) % b.H)];
    }
    return fromF32(g, [b.B * b.H, N, S]);
  };
  const oh = new Float32Array(b.B * b.Nc * K);
  b.yc.forEach((y, i) => { oh[i * K + y] = 1; });
  const col = new Float32Array(b.B * b.H * b.Nc * K);
  for (let t = 0; t < b.B; t++) for (let h = 0; h < b.H; h++) col.set(oh.subarray(t * b.Nc * K, (t + 1) * b.Nc * K), (t * b.H + h) * b.Nc * K);
  return { gc: group(b.xc, b.Nc), gq: group(b.xq, b.Nq), ycCol: fromF32(col, [b.B * b.H, b.Nc, K]), ycOh: fromF32(oh, [b.B, b.Nc, K]) };
}

class Params {
  constructor(private readonly p: ArrRecord) {}
  use(name: string): Arr {
    const a = this.p[name];
    if (!a) throw new Error(`tabicl train: missing ${name}`);
    return a.ref;
  }
  done(): void {
    for (const a of Object.values(this.p)) a.dispose();
  }
}

const gelu = (x: Arr): Arr => x.ref.mul(0.5).mul(lax.erf(x.mul(Math.SQRT1_2)).add(1));

interface RopeSpec { freqs: Float32Array; interleaved: boolean }

/** Rotates [N, nh, L, hd] by positions pos0..pos0+L-1 (tables built on the host). Consumes x. */
function rope(x: Arr, pos0: number, r: RopeSpec): Arr {
  const [, , L, hd] = x.shape;
  const half = hd / 2;
  const cos = new Float32Array(L * hd);
  const sin = new Float32Array(L * hd);
  const R = new Float32Array(hd * hd); // rot(x) = x R
  for (let i = 0; i < half; i++) {
    const [j0, j1] = r.interleaved ? [2 * i, 2 * i + 1] : [i, i + half];
    R[j1 * hd + j0] = -1;
    R[j0 * hd + j1] = 1;
    for (let p = 0; p < L; p++) {
      const a = Math.fround((pos0 + p) * r.freqs[i]);
      cos[p * hd + j0] = cos[p * hd + j1] = Math.cos(a);
      sin[p * hd + j0] = sin[p * hd + j1] = Math.sin(a);
    }
  }
  return x.ref.mul(fromF32(cos, [L, hd])).add(matmul(x, fromF32(R, [hd, hd])).mul(fromF32(sin, [L, hd])));
}

interface MabOpts { d: number; nh: number; ff: number; ssmax?: boolean; rope?: RopeSpec; qPos?: number[]; kPos?: number[] }

/**
 * MultiheadAttentionBlock (pre-norm) over query streams `qs` [N, Lq_i, d] and key/value streams `kv` [N, Lk_j, d]
 * (null: the query streams themselves); the keys of all streams share one softmax. Consumes qs and kv.
 */
function mab(P: Params, p: string, qs: Arr[], kv: Arr[] | null, o: MabOpts): Arr[] {
  const { d, nh } = o;
  const hd = d / nh;
  const ln = (x: Arr, n: string) => layerNorm(x, P.use(`${p}.${n}.weight`), P.use(`${p}.${n}.bias`), LN_EPS);
  const lin = (x: Arr, n: string) => matmul(x, P.use(`${p}.${n}.weight`).transpose([1, 0])).add(P.use(`${p}.${n}.bias`));
  const heads = (x: Arr) => { const [N, L] = x.shape; return x.reshape([N, L, nh, hd]).transpose([0, 2, 1, 3]); };
  const qn = qs.map((q) => ln(q.ref, 'norm1'));
  const kn = kv ? kv.map((k) => ln(k, 'norm1')) : qn.map((q) => q.ref);
  const nKeys = kn.reduce((s, k) => s + k.shape[1], 0);
  const K = kn.map((k, j) => { const h = heads(lin(k.ref, 'attn.in_proj.k')); return o.rope ? rope(h, o.kPos![j], o.rope) : h; });
  const V = kn.map((k) => heads(lin(k, 'attn.in_proj.v')));
  const attn = qn.map((q, i) => {
    const [N, Lq] = q.shape;
    let h = heads(lin(q, 'attn.in_proj.q'));
    if (o.rope) h = rope(h, o.qPos![i], o.rope);
    if (o.ssmax) {
      const s = `${p}.attn.ssmax_layer`;
      const slin = (x: Arr, n: string) => matmul(x, P.use(`${s}.${n}.weight`).transpose([1, 0])).add(P.use(`${s}.${n}.bias`));
      const base = slin(gelu(slin(fromF32([Math.fround(Math.log(Math.max(nKeys, 1)))], [1, 1]), 'base_mlp.0')), 'base_mlp.2').reshape([1, nh, 1, hd]);
      const mod = np.tanh(slin(gelu(slin(h.ref, 'query_mlp.0')), 'query_mlp.2')).add(1);
      h = h.mul(base).mul(mod);
    }
    const scores = K.map((k) => matmul(h.ref, k.ref.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(hd)));
    h.dispose();
    let ctx: Arr;
    if (scores.length === 1) ctx = matmul(nn.softmax(scores[0], -1), V[0].ref);
    else {
      const m = lax.stopGradient(scores.map((s) => s.ref.max(-1, { keepdims: true })).reduce((a, b) => np.maximum(a, b)));
      const e = scores.map((s) => np.exp(s.sub(m.ref)));
      m.dispose();
      const z = e.map((x) => x.ref.sum(-1, { keepdims: true })).reduce((a, b) => a.add(b));
      ctx = e.map((x, j) => matmul(x, V[j].ref)).reduce((a, b) => a.add(b)).div(z);
    }
    return lin(ctx.transpose([0, 2, 1, 3]).reshape([N, Lq, d]), 'attn.out_proj');
  });
  K.forEach((k) => k.dispose());
  V.forEach((v) => v.dispose());
  return qs.map((q, i) => {
    const x = q.add(attn[i]);
    return x.ref.add(lin(gelu(lin(ln(x, 'norm2'), 'linear1')), 'linear2'));
  });
}

/** Logits [B, Nq, max_classes] (all slots, as TabICL trains). Consumes params and inputs. */
export function tabiclTrainForward(c: TabiclArchConfig, params: ArrRecord, inp: TabiclTrainInputs, B: number, freqs: Float32Array): Arr {
  const P = new Params(params);
  const E = c.embed_dim;
  const C = c.row_num_cls;
  const D = E * C;
  const BH = inp.gc.shape[0];
  const H = BH / B;
  const Nc = inp.gc.shape[1];
  const Nq = inp.gq.shape[1];
  const lin = (x: Arr, n: string) => matmul(x, P.use(`${n}.weight`).transpose([1, 0])).add(P.use(`${n}.bias`));
  const ff = c.ff_factor;
  // stage 1
  let sc = lin(inp.gc, 'col_embedder.in_linear').add(lin(inp.ycCol, 'col_embedder.y_encoder'));
  let sq = lin(inp.gq, 'col_embedder.in_linear');
  for (let k = 0; k < c.col_num_blocks; k++) {
    const p = `col_embedder.tf_col.blocks.${k}`;
    const ind = P.use(`${p}.ind_vectors`).reshape([1, c.col_num_inds, E]).add(np.zeros([BH, c.col_num_inds, E]));
    const [hidden] = mab(P, `${p}.multihead_attn1`, [ind], [sc.ref], { d: E, nh: c.col_nhead, ff, ssmax: true });
    [sc, sq] = mab(P, `${p}.multihead_attn2`, [sc, sq], [hidden], { d: E, nh: c.col_nhead, ff });
  }
  // stage 2
  const r: RopeSpec = { freqs, interleaved: c.row_rope_interleaved };
  const rows = (s: Arr, N: number): Arr => {
    let feat = s.reshape([B, H, N, E]).transpose([0, 2, 1, 3]).reshape([B * N, H, E]);
    let cls = P.use('row_interactor.cls_tokens').reshape([1, C, E]).add(np.zeros([B * N, C, E]));
    const o = { d: E, nh: c.row_nhead, ff, rope: r, qPos: [0, C], kPos: [0, C] };
    for (let k = 0; k < c.row_num_blocks - 1; k++) [cls, feat] = mab(P, `row_interactor.tf_row.blocks.${k}`, [cls, feat], null, o);
    const [out] = mab(P, `row_interactor.tf_row.blocks.${c.row_num_blocks - 1}`, [cls.ref], [cls, feat], { ...o, qPos: [0] });
    return layerNorm(out, P.use('row_interactor.out_ln.weight'), P.use('row_interactor.out_ln.bias'), LN_EPS).reshape([B, N, D]);
  };
  let rc = rows(sc, Nc).add(lin(inp.ycOh, 'icl_predictor.y_encoder'));
  let rq = rows(sq, Nq);
  // stage 3
  for (let k = 0; k < c.icl_num_blocks; k++) {
    const kv = [rc.ref];
    [rc, rq] = mab(P, `icl_predictor.tf_icl.blocks.${k}`, [rc, rq], kv, { d: D, nh: c.icl_nhead, ff, ssmax: true });
  }
  rc.dispose();
  const h = layerNorm(rq, P.use('icl_predictor.ln.weight'), P.use('icl_predictor.ln.bias'), LN_EPS);
  const logits = lin(gelu(lin(h, 'icl_predictor.decoder.0')), 'icl_predictor.decoder.2');
  P.done();
  return logits;
}
