// Plain-TS float64 reference forward of the small TabPFN v2 replica (tabpfnV2Arch.ts), written from the torch
// modules (PriorLabs/TabPFN 0f1848deb157d5d042e64cdb5c37c22c6384f151) for clarity, not speed: the export's
// contract in ([rows, batch, features] X, [context] y, sep) and out ([query rows, batch, 10] logits). The ONNX
// graph must agree with it; see the builder's header for the architecture and what is simplified. Pure.
import { geluExact as gelu } from '../../../numeric/erf';
import { archTensor, layerName, RANDOM_FEATURE_TABLE, type ArchWeights, type TabpfnV2ArchConfig } from './tabpfnV2ArchWeights';

type Vec = Float64Array;

/** y = W x (+ b), W [out, in] row-major (nn.Linear). */
function linear(x: Vec, W: Float32Array, out: number, b?: Float32Array): Vec {
  const inp = x.length;
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let s = b ? b[o] : 0;
    for (let i = 0; i < inp; i++) s += W[o * inp + i] * x[i];
    y[o] = s;
  }
  return y;
}

/** LayerNorm without affine parameters (layer_norm_with_elementwise_affine False), eps 1e-5. */
function layerNorm(x: Vec): Vec {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  const r = 1 / Math.sqrt(s / x.length + 1e-5);
  return x.map((v) => (v - m) * r);
}

/**
 * MultiHeadAttention over token lists: queries from `xq`, keys/values from `xkv`; `firstHeadKv` = the
 * reuse_first_head_kv path (every head's keys and values are head 0's). Returns only the attention output (no residual).
 */
function attention(xq: Vec[], xkv: Vec[], wqkv: Float32Array, wout: Float32Array, h: number, dk: number, firstHeadKv: boolean): Vec[] {
  const e = xq[0].length;
  const proj = (x: Vec, j: number, head: number): Vec => {
    const out = new Float64Array(dk);
    const base = (j * h + head) * dk * e;
    for (let d = 0; d < dk; d++) { let s = 0; for (let i = 0; i < e; i++) s += wqkv[base + d * e + i] * x[i]; out[d] = s; }
    return out;
  };
  const scale = 1 / Math.sqrt(dk);
  const out = xq.map(() => new Float64Array(e));
  for (let head = 0; head < h; head++) {
    const kvHead = firstHeadKv ? 0 : head;
    const K = xkv.map((x) => proj(x, 1, kvHead));
    const V = xkv.map((x) => proj(x, 2, kvHead));
    xq.forEach((x, qi) => {
      const q = proj(x, 0, head);
      const s = K.map((k) => { let t = 0; for (let d = 0; d < dk; d++) t += q[d] * k[d]; return t * scale; });
      const mx = Math.max(...s);
      const p = s.map((v) => Math.exp(v - mx));
      const Z = p.reduce((a, b) => a + b, 0);
      const o = new Float64Array(dk);
      V.forEach((v, j) => { for (let d = 0; d < dk; d++) o[d] += (p[j] / Z) * v[d]; });
      for (let d = 0; d < dk; d++) for (let i = 0; i < e; i++) out[qi][i] += o[d] * wout[(head * dk + d) * e + i];
    });
  }
  return out;
}

/** The in-graph preprocessing of one column (context = first sep rows): [value, nan indicator] per row. */
export function preprocessColumn(col: Vec, sep: number): { z: Vec; nan: Vec } {
  const N = col.length;
  const nan = col.map((v) => (Number.isNaN(v) ? -2 : 0));
  let s = 0;
  let n = 0;
  for (let i = 0; i < sep; i++) if (!Number.isNaN(col[i])) { s += col[i]; n++; }
  const impute = s / Math.max(n, 1);
  const xi = col.map((v) => (Number.isNaN(v) ? impute : v));
  const stats = (keep: (v: number) => boolean, x: Vec) => {
    let sm = 0;
    let k = 0;
    for (let i = 0; i < sep; i++) if (keep(x[i])) { sm += x[i]; k++; }
    const m = sm / Math.max(k, 1);
    let ss = 0;
    for (let i = 0; i < sep; i++) if (keep(x[i])) ss += (x[i] - m) ** 2;
    return { m, sd: Math.sqrt(ss / (k - 1)) };
  };
  // remove_outliers(n_sigma 12): two-stage bounds over the context, soft clip on every row
  const first = stats(() => true, xi);
  const second = stats((v) => Math.abs(v - first.m) <= 12 * first.sd, xi);
  const lower = second.m - 12 * second.sd;
  const upper = second.m + 12 * second.sd;
  const xb = xi.map((v) => { const a = Math.max(lower - Math.log(1 + Math.abs(v)), v); return Math.min(Math.log(1 + Math.abs(a)) + upper, a); });
  // normalize_data over the context (ddof 1, + 1e-20), clip ±100
  const st = stats(() => true, xb);
  const z = xb.map((v) => Math.max(-100, Math.min(100, (v - st.m) / (st.sd + 1e-20))));
  if (z.length !== N) throw new Error('unreachable');
  return { z, nan };
}

/**
 * Logits [numTest, batch, nOut] (flattened) for X [rows, batch, features] (row-major, sequence-first), context
 * labels y [sep] (shared by every batch element, as the contract's 1-D y), context = the first sep rows.
 */
export function tabpfnV2ArchReference(c: TabpfnV2ArchConfig, w: ArchWeights, X: Float32Array, dims: [number, number, number], y: Float32Array, sep: number): Float64Array {
  const [N, B, F] = dims;
  const e = c.emsize;
  const h = c.nhead;
  const dk = e / h;
  const fpg = c.featuresPerGroup;
  const G = Math.ceil(F / fpg);
  const nq = N - sep;
  const get = (name: string) => archTensor(w, name).data;
  // feature positional embeddings ("subspace"): Linear(emsize/4 → emsize) of a fixed random vector per group
  const table = get(RANDOM_FEATURE_TABLE);
  const pos = Array.from({ length: G }, (_, g) => linear(Float64Array.from(table.subarray(g * (e / 4), (g + 1) * (e / 4))),
    get('feature_positional_embedding_embeddings.weight'), e, get('feature_positional_embedding_embeddings.bias')));
  // target column: context labels as their rank among the distinct context labels; query rows NaN → the mean label
  const uniq = [...new Set(Array.from(y))].sort((a, b) => a - b);
  const ymean = y.reduce((a, b) => a + b, 0) / sep;
  const yTok = Array.from({ length: N }, (_, i) => {
    const v = i < sep ? y[i] : ymean;
    return linear(Float64Array.of(uniq.filter((u) => v > u).length, i < sep ? 0 : -2), get('y_encoder.2.layer.weight'), e, get('y_encoder.2.layer.bias'));
  });
  const out = new Float64Array(nq * B * c.nOut);
  for (let b = 0; b < B; b++) {
    const cols = Array.from({ length: G * fpg }, (_, f) => (f < F
      ? preprocessColumn(Float64Array.from({ length: N }, (_, i) => X[(i * B + b) * F + f]), sep)
      : { z: new Float64Array(N), nan: new Float64Array(N) })); // padding to a multiple of features_per_group
    // normalize_by_used_features: × √(fpg / features of the group that are not constant over all rows)
    const groupScale = Array.from({ length: G }, (_, g) => {
      let used = 0;
      for (let j = g * fpg; j < (g + 1) * fpg; j++) if (cols[j].z.some((v) => v !== cols[j].z[0])) used++;
      return Math.sqrt(fpg / Math.max(used, 1));
    });
    // state[i][t]: row i, token t (G feature groups, then the target)
    let state: Vec[][] = Array.from({ length: N }, (_, i) => [
      ...Array.from({ length: G }, (_, g) => {
        const inp = new Float64Array(2 * fpg);
        for (let j = 0; j < fpg; j++) { inp[j] = cols[g * fpg + j].z[i] * groupScale[g]; inp[fpg + j] = cols[g * fpg + j].nan[i]; }
        const t = linear(inp, get('encoder.5.layer.weight'), e);
        return t.map((v, k) => v + pos[g][k]);
      }),
      yTok[i],
    ]);
    const T = G + 1;
    for (let l = 0; l < c.nlayers; l++) {
      const fa = [get(layerName(l, 'self_attn_between_features._w_qkv')), get(layerName(l, 'self_attn_between_features._w_out'))];
      state = state.map((row) => { const a = attention(row, row, fa[0], fa[1], h, dk, false); return row.map((x, t) => layerNorm(x.map((v, k) => v + a[t][k]))); });
      const ia = [get(layerName(l, 'self_attn_between_items._w_qkv')), get(layerName(l, 'self_attn_between_items._w_out'))];
      const next = state.map((row) => row.slice());
      for (let t = 0; t < T; t++) {
        const train = state.slice(0, sep).map((row) => row[t]);
        const test = state.slice(sep).map((row) => row[t]);
        const aTrain = attention(train, train, ia[0], ia[1], h, dk, false);
        const aTest = nq ? attention(test, train, ia[0], ia[1], h, dk, true) : [];
        for (let i = 0; i < N; i++) { const a = i < sep ? aTrain[i] : aTest[i - sep]; next[i][t] = layerNorm(state[i][t].map((v, k) => v + a[k])); }
      }
      state = next;
      const w1 = get(layerName(l, 'mlp.linear1.weight'));
      const w2 = get(layerName(l, 'mlp.linear2.weight'));
      state = state.map((row) => row.map((x) => { const m = linear(linear(x, w1, e * c.nhidFactor).map(gelu), w2, e); return layerNorm(x.map((v, k) => v + m[k])); }));
    }
    for (let q = 0; q < nq; q++) {
      const hid = linear(state[sep + q][G], get('decoder_dict.standard.0.weight'), e * c.nhidFactor, get('decoder_dict.standard.0.bias')).map(gelu);
      const logits = linear(hid, get('decoder_dict.standard.2.weight'), c.nOut, get('decoder_dict.standard.2.bias'));
      out.set(logits, (q * B + b) * c.nOut);
    }
  }
  return out;
}
