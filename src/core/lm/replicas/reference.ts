// Reference forward pass of every family in families.ts, in float64 plain TypeScript, read straight from the
// normalised config's flags: LayerNorm / RMSNorm / (1+w) RMSNorm, learned positions or RoPE (with scaling and
// Gemma 3's local base), GQA, qkv bias, qk-norm, GELU / SwiGLU / GeGLU, fused Phi-3 projections, Gemma's
// embedding scale, sandwich norms, attention and final soft-capping, sliding windows. With a KV cache like the
// ONNX contract's (`present` = past ++ new, [B, KV, T, hd]). It checks the replicas' ONNX graphs; it is written
// for clarity, not speed. Pure.
import { tensorName, type LayerRole, type NormalizedLmConfig } from '../families';
import { ropeInvFreq } from './rope';
import type { Weights } from './specs';

/** Per layer: keys and values [B, KV, T, hd] flattened, T = cached length. */
export interface RefCache { length: number; keys: Float64Array[]; values: Float64Array[] }

export interface RefInput {
  /** [B][S] */
  inputIds: number[][];
  /** [B][past + S]: 1 = real token, 0 = padding. */
  attentionMask: number[][];
  /** [B][S] */
  positionIds: number[][];
  past?: RefCache;
}

/** Same finite fill as the graphs, so fully masked (padding) rows agree too. */
const MASKED = -1e9;

export function referenceForward(c: NormalizedLmConfig, w: Weights, inp: RefInput): { logits: Float64Array; present: RefCache } {
  const B = inp.inputIds.length;
  const S = inp.inputIds[0].length;
  const P = inp.past?.length ?? 0;
  const T = P + S;
  const d = c.hiddenSize;
  const H = c.numHeads;
  const KV = c.numKvHeads;
  const hd = c.headDim;
  const g = H / KV;
  const get = (name: string | undefined): Float32Array => {
    const t = name ? w.get(name) : undefined;
    if (!t) throw new Error(`reference: missing tensor ${name}`);
    return t.data;
  };
  // biases the block has: q/k/v by the qkvBias flag, the others (GPT-2's) wherever the family table names them
  const opt = (role: LayerRole, l: number) => {
    if (/^(q|k|v|qkv)_bias$/.test(role) && !c.block.qkvBias) return undefined;
    const n = tensorName(c.tensors, role, l);
    return n ? get(n) : undefined;
  };
  // y = W x (+ b): W [out, in] (nn.Linear) or [in, out] (Conv1D)
  const linear = (x: Float64Array, W: Float32Array, out: number, bias?: Float32Array): Float64Array => {
    const inp2 = x.length;
    const y = new Float64Array(out);
    if (c.block.weightLayout === 'out_in') {
      for (let o = 0; o < out; o++) {
        let s = 0;
        for (let i = 0; i < inp2; i++) s += W[o * inp2 + i] * x[i];
        y[o] = s;
      }
    } else {
      for (let i = 0; i < inp2; i++) for (let o = 0; o < out; o++) y[o] += W[i * out + o] * x[i];
    }
    if (bias) for (let o = 0; o < out; o++) y[o] += bias[o];
    return y;
  };
  const norm = (x: Float64Array, gain: Float32Array, bias?: Float32Array): Float64Array => {
    const n = x.length;
    const y = new Float64Array(n);
    if (c.block.norm === 'layernorm') {
      let mu = 0;
      for (const v of x) mu += v / n;
      let varr = 0;
      for (const v of x) varr += (v - mu) ** 2 / n;
      const r = 1 / Math.sqrt(varr + c.normEps);
      for (let i = 0; i < n; i++) y[i] = (x[i] - mu) * r * gain[i] + (bias ? bias[i] : 0);
      return y;
    }
    let ms = 0;
    for (const v of x) ms += (v * v) / n;
    const r = 1 / Math.sqrt(ms + c.normEps);
    const onePlus = c.block.norm === 'rmsnorm-1p' ? 1 : 0;
    for (let i = 0; i < n; i++) y[i] = x[i] * r * (onePlus + gain[i]);
    return y;
  };
  const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  const silu = (x: number) => x / (1 + Math.exp(-x));
  const rope = (v: Float64Array, off: number, pos: number, inv: Float64Array) => {
    const half = c.rotaryDim / 2;
    for (let i = 0; i < half; i++) {
      const a = pos * inv[i];
      const x1 = v[off + i];
      const x2 = v[off + i + half];
      v[off + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
      v[off + i + half] = x2 * Math.cos(a) + x1 * Math.sin(a);
    }
  };

  // hidden states [B][S] of Float64Array(d)
  const embed = get(c.tensors.embed);
  const posTable = c.tensors.positionEmbed ? get(c.tensors.positionEmbed) : undefined;
  const scale = c.block.embedScale ? Math.sqrt(d) : 1;
  let x: Float64Array[][] = inp.inputIds.map((row, b) => row.map((id, s) => {
    const e = Float64Array.from(embed.subarray(id * d, (id + 1) * d), (v) => v * scale);
    if (posTable) {
      const p = inp.positionIds[b][s];
      for (let i = 0; i < d; i++) e[i] += posTable[p * d + i];
    }
    return e;
  }));

  const present: RefCache = { length: T, keys: [], values: [] };
  for (let l = 0; l < c.numLayers; l++) {
    const n = (role: LayerRole) => tensorName(c.tensors, role, l);
    const layerType = c.layerTypes[l];
    const inv = c.rotaryDim ? ropeInvFreq(c, layerType) : new Float64Array(0);
    const K = new Float64Array(B * KV * T * hd);
    const V = new Float64Array(B * KV * T * hd);
    const kvAt = (b: number, h: number, t: number) => ((b * KV + h) * T + t) * hd;
    if (inp.past) {
      for (let b = 0; b < B; b++) for (let h = 0; h < KV; h++) for (let t = 0; t < P; t++) {
        const src = ((b * KV + h) * P + t) * hd;
        K.set(inp.past.keys[l].subarray(src, src + hd), kvAt(b, h, t));
        V.set(inp.past.values[l].subarray(src, src + hd), kvAt(b, h, t));
      }
    }
    const qs: Float64Array[][] = [];
    for (let b = 0; b < B; b++) {
      qs.push([]);
      for (let s = 0; s < S; s++) {
        const h0 = norm(x[b][s], get(n('attn_norm')), opt('attn_norm_bias', l));
        let q: Float64Array, k: Float64Array, v: Float64Array;
        if (n('qkv')) {
          const qkv = linear(h0, get(n('qkv')), (H + 2 * KV) * hd, opt('qkv_bias', l));
          [q, k, v] = [qkv.slice(0, H * hd), qkv.slice(H * hd, (H + KV) * hd), qkv.slice((H + KV) * hd)];
        } else {
          q = linear(h0, get(n('q')), H * hd, opt('q_bias', l));
          k = linear(h0, get(n('k')), KV * hd, opt('k_bias', l));
          v = linear(h0, get(n('v')), KV * hd, opt('v_bias', l));
        }
        if (c.block.qkNorm) {
          for (let h = 0; h < H; h++) q.set(norm(q.subarray(h * hd, (h + 1) * hd), get(n('q_norm'))), h * hd);
          for (let h = 0; h < KV; h++) k.set(norm(k.subarray(h * hd, (h + 1) * hd), get(n('k_norm'))), h * hd);
        }
        if (c.rotaryDim) {
          const p = inp.positionIds[b][s];
          for (let h = 0; h < H; h++) rope(q, h * hd, p, inv);
          for (let h = 0; h < KV; h++) rope(k, h * hd, p, inv);
        }
        for (let h = 0; h < KV; h++) {
          K.set(k.subarray(h * hd, (h + 1) * hd), kvAt(b, h, P + s));
          V.set(v.subarray(h * hd, (h + 1) * hd), kvAt(b, h, P + s));
        }
        qs[b].push(q);
      }
    }
    present.keys.push(K);
    present.values.push(V);
    const next: Float64Array[][] = [];
    for (let b = 0; b < B; b++) {
      next.push([]);
      for (let s = 0; s < S; s++) {
        const z = new Float64Array(H * hd);
        const qPos = P + s;
        for (let h = 0; h < H; h++) {
          const kvh = Math.floor(h / g);
          const scores = new Float64Array(T);
          for (let t = 0; t < T; t++) {
            const inWindow = layerType !== 'sliding_attention' || c.slidingWindow === null || qPos - t < c.slidingWindow;
            const visible = t <= qPos && inp.attentionMask[b][t] === 1 && inWindow;
            let sc = 0;
            for (let i = 0; i < hd; i++) sc += qs[b][s][h * hd + i] * K[kvAt(b, kvh, t) + i];
            sc *= c.attnScale;
            if (c.attnLogitSoftcap !== null) sc = Math.tanh(sc / c.attnLogitSoftcap) * c.attnLogitSoftcap;
            scores[t] = visible ? sc : MASKED;
          }
          const mx = Math.max(...scores);
          let sum = 0;
          for (let t = 0; t < T; t++) sum += (scores[t] = Math.exp(scores[t] - mx));
          for (let t = 0; t < T; t++) for (let i = 0; i < hd; i++) z[h * hd + i] += (scores[t] / sum) * V[kvAt(b, kvh, t) + i];
        }
        let attn = linear(z, get(n('o')), d, opt('o_bias', l));
        if (c.block.sandwichNorms) attn = norm(attn, get(n('post_attn_norm')));
        const mid = x[b][s].map((v, i) => v + attn[i]);
        const h1 = norm(mid, get(n('ffn_norm')), opt('ffn_norm_bias', l));
        const I = c.intermediateSize;
        let act: Float64Array;
        if (c.block.mlp === 'gelu') act = linear(h1, get(n('fc')), I, opt('fc_bias', l)).map(geluTanh);
        else {
          let gate: Float64Array, up: Float64Array;
          if (n('gate_up')) {
            const gu = linear(h1, get(n('gate_up')), 2 * I);
            [gate, up] = [gu.slice(0, I), gu.slice(I)];
          } else {
            gate = linear(h1, get(n('gate')), I);
            up = linear(h1, get(n('up')), I);
          }
          const f = c.block.mlp === 'swiglu' ? silu : geluTanh;
          act = gate.map((v, i) => f(v) * up[i]);
        }
        let mlp = linear(act, get(n('down')), d, opt('down_bias', l));
        if (c.block.sandwichNorms) mlp = norm(mlp, get(n('post_ffn_norm')));
        next[b].push(mid.map((v, i) => v + mlp[i]));
      }
    }
    x = next;
  }
  const Vocab = c.vocabSize;
  // a tied head reads the embedding, unless the weights carry the head's own copy (a q4 graph's quantised one)
  const head = w.has(c.tensors.lmHead) ? get(c.tensors.lmHead) : embed;
  const logits = new Float64Array(B * S * Vocab);
  for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) {
    const h = norm(x[b][s], get(c.tensors.finalNorm), c.tensors.finalNormBias ? get(c.tensors.finalNormBias) : undefined);
    const off = (b * S + s) * Vocab;
    for (let v = 0; v < Vocab; v++) {
      let sum = 0;
      for (let i = 0; i < d; i++) sum += head[v * d + i] * h[i];
      logits[off + v] = c.finalLogitSoftcap !== null ? Math.tanh(sum / c.finalLogitSoftcap) * c.finalLogitSoftcap : sum;
    }
  }
  return { logits, present };
}
