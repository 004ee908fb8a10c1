// One ONNX decoder graph for every family in families.ts, with the I/O contract of the public onnx-community /
// optimum exports (CONVENTIONS #17): inputs input_ids int64 [batch_size, sequence_length], attention_mask int64
// [batch_size, total_sequence_length], position_ids int64 [batch_size, sequence_length] only where the family's
// export declares it (not Gemma 2), past_key_values.{l}.key/value [batch_size, KV, past_sequence_length, hd];
// outputs logits [batch_size, sequence_length, vocab] and present.{l}.key/value [batch_size, KV,
// total_sequence_length, hd]. KV and hd are numbers (transformers.js builds the empty cache from them).
// Variants as transformers.js names the files: fp32 (model.onnx), fp16 (model_fp16.onnx: fp16 weights, KV cache
// and logits; computed in fp32 after a Cast, which keeps every op on ORT's CPU kernels), q4 (model_q4.onnx:
// linear layers as com.microsoft MatMulNBits, 4-bit asymmetric blocks with zero points, fp32 elsewhere), q8
// (model_quantized.onnx: linear layers as onnxruntime's quantize_dynamic writes them — DynamicQuantizeLinear on the
// activation, MatMulInteger against per-tensor uint8 weights, Cast + Mul by the product of the two scales; a tied
// head stays a float MatMul, as quantize_dynamic leaves a MatMul whose weight is not an initializer) and q4f16
// (model_q4f16.onnx: MatMulNBits with T = float16 — fp16 activations into and out of each linear, fp16 scales —,
// fp16 weights elsewhere, fp16 KV cache and logits; the ops between the linears run in fp32 as in fp16).
// Optionally the graph declares `num_logits_to_keep` (int64 scalar, as optimum's exports with it): logits only for
// the last N positions (0 = all).
// Pure: returns the ModelProto; writeReplica.ts puts it on disk (optionally with external data).
import type onnxProto from 'onnx-proto';
import { f16BitsToF32, f32ToF16Bits } from '../../edits/dtypes';
import { GraphBuilder, int64 } from '../../runtime/onnx/builder';
import { tensorName, type LayerRole, type LayerType, type NormalizedLmConfig } from '../families';
import { ropeInvFreq } from './rope';
import type { Weights } from './specs';

export type OnnxVariant = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

/** Variants whose graph holds fp16 weights, caches and logits. */
const isHalf = (v: OnnxVariant) => v === 'fp16' || v === 'q4f16';
const roundF16 = (v: number) => f16BitsToF32(f32ToF16Bits(v));

export interface DecoderOnnxOptions {
  /** Declare `num_logits_to_keep` (int64 scalar): logits for the last N positions only, 0 = every position. */
  numLogitsToKeep?: boolean;
}
const MASKED = -1e9;
const FLOAT16 = 10;
const FLOAT32 = 1;

/** MatMulNBits block: 32 as onnx-community's q4 files, 16 where K is not a multiple of 32. */
function q4Block(k: number): number {
  return k % 32 === 0 ? 32 : 16;
}

/** 4-bit asymmetric quantisation of W [N, K] in the MatMulNBits layout; also returns W as ORT dequantises it. */
export function quantizeQ4(w: Float32Array, n: number, k: number, roundScale: (v: number) => number = Math.fround): { b: Uint8Array; scales: Float32Array; zeros: Uint8Array; block: number; dequant: Float32Array } {
  const block = q4Block(k);
  const nb = Math.ceil(k / block);
  const blob = block / 2;
  const b = new Uint8Array(n * nb * blob);
  const scales = new Float32Array(n * nb);
  const zeroBytes = Math.ceil(nb / 2);
  const zeros = new Uint8Array(n * zeroBytes);
  const dequant = new Float32Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < nb; j++) {
      const lo = j * block;
      const hi = Math.min(lo + block, k);
      let mn = 0;
      let mx = 0;
      for (let i = lo; i < hi; i++) {
        mn = Math.min(mn, w[r * k + i]);
        mx = Math.max(mx, w[r * k + i]);
      }
      // q4f16 stores the scales in fp16: quantise against the rounded scale so dequant is what ORT computes
      const scale = roundScale((mx - mn) / 15 || 1);
      const zp = Math.min(15, Math.max(0, Math.round(-mn / scale)));
      scales[r * nb + j] = scale;
      zeros[r * zeroBytes + (j >> 1)] |= zp << ((j & 1) * 4);
      for (let i = lo; i < hi; i++) {
        const q = Math.min(15, Math.max(0, Math.round(w[r * k + i] / scale) + zp));
        const at = (r * nb + j) * blob + ((i - lo) >> 1);
        b[at] |= q << (((i - lo) & 1) * 4);
        dequant[r * k + i] = Math.fround((q - zp) * scale);
      }
    }
  }
  return { b, scales, zeros, block, dequant };
}

/** Per-tensor asymmetric uint8 quantisation as quantize_dynamic (QUInt8, range widened to hold 0). */
export function quantizeQ8(w: Float32Array): { q: Uint8Array; scale: number; zero: number; dequant: Float32Array } {
  let mn = 0;
  let mx = 0;
  for (const v of w) {
    mn = Math.min(mn, v);
    mx = Math.max(mx, v);
  }
  const scale = Math.fround((mx - mn) / 255 || 1);
  const zero = Math.min(255, Math.max(0, Math.round(-mn / scale)));
  const q = new Uint8Array(w.length);
  const dequant = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    q[i] = Math.min(255, Math.max(0, Math.round(w[i] / scale) + zero));
    dequant[i] = Math.fround((q[i] - zero) * scale);
  }
  return { q, scale, zero, dequant };
}

/**
 * The weights exactly as a variant's graph holds them (fp16-rounded, q4/q8-dequantised linears), for the reference.
 * q8 also quantises activations at run time (DynamicQuantizeLinear), which the reference does not model.
 */
export function weightsAsVariant(c: NormalizedLmConfig, w: Weights, variant: OnnxVariant): Weights {
  if (variant === 'fp32') return w;
  const out: Weights = new Map();
  const linears = new Set(linearNames(c));
  const q4 = variant === 'q4' || variant === 'q4f16';
  for (const [name, t] of w) {
    if (linears.has(name) && variant !== 'fp16') {
      if (variant === 'q8') {
        out.set(name, { shape: t.shape, data: quantizeQ8(t.data).dequant });
        continue;
      }
      const [n, k] = c.block.weightLayout === 'out_in' ? t.shape : [t.shape[1], t.shape[0]];
      const rows = c.block.weightLayout === 'out_in' ? t.data : transpose(t.data, t.shape[0], t.shape[1]);
      const dq = quantizeQ4(rows, n, k, variant === 'q4f16' ? roundF16 : Math.fround).dequant;
      out.set(name, { shape: t.shape, data: c.block.weightLayout === 'out_in' ? dq : transpose(dq, n, k) });
    } else if (isHalf(variant)) out.set(name, { shape: t.shape, data: t.data.map(roundF16) });
    else out.set(name, t);
  }
  if (q4 && c.tieWordEmbeddings) {
    const e = w.get(c.tensors.embed)!;
    out.set(c.tensors.lmHead, { shape: e.shape, data: quantizeQ4(e.data, c.vocabSize, c.hiddenSize, variant === 'q4f16' ? roundF16 : Math.fround).dequant });
  }
  return out;
}

function linearNames(c: NormalizedLmConfig): string[] {
  const roles: LayerRole[] = ['q', 'k', 'v', 'qkv', 'o', 'gate', 'up', 'gate_up', 'down', 'fc'];
  const names = Array.from({ length: c.numLayers }, (_, l) => roles.map((r) => tensorName(c.tensors, r, l))).flat();
  return [...names.filter((n): n is string => Boolean(n)), ...(c.tieWordEmbeddings ? [] : [c.tensors.lmHead])];
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) t[k * rows + r] = a[r * cols + k];
  return t;
}

export function buildDecoderOnnx(c: NormalizedLmConfig, w: Weights, variant: OnnxVariant, opts: DecoderOnnxOptions = {}): onnxProto.onnx.ModelProto {
  const g = new GraphBuilder({ opset: 17, name: c.family, producer: 'workbench-replicas', docString: `${c.family} replica (${variant})` });
  const H = c.numHeads;
  const KV = c.numKvHeads;
  const hd = c.headDim;
  const d = c.hiddenSize;
  const half = isHalf(variant);
  const kvType = half ? 'float16' : 'float32';
  let uid = 0;
  const tmp = (s: string) => `${s}_${uid++}`;
  const konst = (data: Float32Array | BigInt64Array, dims: number[]): string => {
    const name = tmp('const');
    g.initializer(name, data, dims);
    return name;
  };
  const i64 = (v: number[]) => konst(int64(v), [v.length]);
  const f32 = (v: number) => konst(new Float32Array([v]), []);
  const op = (type: string, ins: string[], attrs: Record<string, number | number[]> = {}, domain?: string): string => {
    const out = tmp(type.toLowerCase());
    g.node(type, ins, [out], attrs, domain ? { domain } : {});
    return out;
  };
  /** fp32 values stored as fp16 bits (the builder takes the raw bytes; a Uint16Array view has one element per value). */
  const halfInit = (name: string, data: Float32Array, dims: number[]) => {
    const bits = new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) bits[i] = f32ToF16Bits(data[i]); // a loop: Uint16Array.from(map) is ~10× slower here
    g.initializer(name, bits as unknown as Uint8Array, dims, 'float16');
  };
  /** A float weight as fp32 inside the graph (fp16 / q4f16: stored fp16, Cast up). */
  const weight = (name: string, data: Float32Array, dims: number[]): string => {
    if (!half) {
      g.initializer(name, data, dims);
      return name;
    }
    halfInit(name, data, dims);
    return op('Cast', [name], { to: FLOAT32 });
  };
  const get = (name: string | undefined) => {
    const t = name ? w.get(name) : undefined;
    if (!t) throw new Error(`buildDecoderOnnx: missing tensor ${name}`);
    return t;
  };
  const vec = (name: string | undefined, plusOne = false) => {
    const t = get(name);
    return weight(name!, plusOne ? t.data.map((v) => v + 1) : t.data, t.shape);
  };
  /** x [..., K] @ W → [..., N]; W from the HF tensor (Linear [N, K] or Conv1D [K, N]). */
  const linear = (x: string, name: string | undefined, bias?: string): string => {
    const t = get(name);
    const [n, k] = c.block.weightLayout === 'out_in' ? t.shape : [t.shape[1], t.shape[0]];
    let y: string;
    if (variant === 'q4' || variant === 'q4f16') {
      const rows = c.block.weightLayout === 'out_in' ? t.data : transpose(t.data, t.shape[0], t.shape[1]);
      y = matMulNBits(x, name!, rows, n, k);
    } else if (variant === 'q8') {
      const wt = c.block.weightLayout === 'out_in' ? transpose(t.data, n, k) : t.data;
      y = matMulInteger(x, name!, wt, [k, n]);
    } else {
      const wt = c.block.weightLayout === 'out_in' ? transpose(t.data, n, k) : t.data;
      y = op('MatMul', [x, weight(name!, wt, [k, n])]);
    }
    return bias ? op('Add', [y, vec(bias)]) : y;
  };
  /** q4 / q4f16: x @ Wᵀ for W [N, K] as com.microsoft MatMulNBits (T = float16 for q4f16: Cast in and out). */
  function matMulNBits(x: string, name: string, rows: Float32Array, n: number, k: number): string {
    const q = quantizeQ4(rows, n, k, half ? roundF16 : Math.fround);
    const nb = Math.ceil(k / q.block);
    g.initializer(`${name}_Q4`, q.b, [n, nb, q.block / 2], 'uint8');
    if (half) halfInit(`${name}_scales`, q.scales, [n * nb]);
    else g.initializer(`${name}_scales`, q.scales, [n * nb]);
    g.initializer(`${name}_zp`, q.zeros, [q.zeros.length], 'uint8');
    const xin = half ? op('Cast', [x], { to: FLOAT16 }) : x;
    const y = op('MatMulNBits', [xin, `${name}_Q4`, `${name}_scales`, `${name}_zp`], { K: k, N: n, bits: 4, block_size: q.block }, 'com.microsoft');
    return half ? op('Cast', [y], { to: FLOAT32 }) : y;
  }
  /** q8: x @ W for W [K, N] as quantize_dynamic writes it (activation quantised per call, per-tensor uint8 weight). */
  function matMulInteger(x: string, name: string, wt: Float32Array, dims: number[]): string {
    const q = quantizeQ8(wt);
    g.initializer(`${name}_quantized`, q.q, dims, 'uint8')
      .initializer(`${name}_scale`, new Float32Array([q.scale]), [])
      .initializer(`${name}_zero_point`, new Uint8Array([q.zero]), [], 'uint8');
    const [xq, xScale, xZero] = [tmp('xq'), tmp('x_scale'), tmp('x_zero_point')];
    g.node('DynamicQuantizeLinear', [x], [xq, xScale, xZero], {}, { name: tmp('dql') });
    const acc = op('MatMulInteger', [xq, `${name}_quantized`, xZero, `${name}_zero_point`]); // int32
    return op('Mul', [op('Cast', [acc], { to: FLOAT32 }), op('Mul', [xScale, `${name}_scale`])]);
  }
  const norm = (x: string, gain: string | undefined, bias?: string): string => {
    if (c.block.norm === 'layernorm') {
      const out = tmp('ln');
      g.node('LayerNormalization', [x, vec(gain), vec(bias)], [out], { axis: -1, epsilon: c.normEps });
      return out;
    }
    // x / sqrt(mean(x²) + eps) · w, with w ← 1 + w for Gemma
    const ms = op('ReduceMean', [op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const r = op('Sqrt', [op('Add', [ms, f32(c.normEps)])]);
    return op('Mul', [op('Div', [x, r]), vec(gain, c.block.norm === 'rmsnorm-1p')]);
  };

  // ---- inputs
  g.input('input_ids', 'int64', ['batch_size', 'sequence_length']).input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  if (c.exportHasPositionIds) g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  if (opts.numLogitsToKeep) g.input('num_logits_to_keep', 'int64', []);
  for (let l = 0; l < c.numLayers; l++) {
    g.input(`past_key_values.${l}.key`, kvType, ['batch_size', KV, 'past_sequence_length', hd])
      .input(`past_key_values.${l}.value`, kvType, ['batch_size', KV, 'past_sequence_length', hd]);
  }

  // ---- lengths and masks. visible [B,1,1,S,T]: key t ≤ past + i, attention_mask[b,t] = 1, and (sliding layers)
  // past + i − t < window.
  const zero = i64([0]);
  const pastLen = op('Squeeze', [op('Gather', [op('Shape', ['past_key_values.0.key']), i64([2])], { axis: 0 }), zero]);
  const seqLen = op('Squeeze', [op('Gather', [op('Shape', ['input_ids']), i64([1])], { axis: 0 }), zero]);
  const totalLen = op('Add', [pastLen, seqLen]);
  const one = konst(int64([1]), []);
  const qPos = op('Range', [pastLen, totalLen, one]); // [S]
  const kPos = op('Range', [konst(int64([0]), []), totalLen, one]); // [T]
  const qCol = op('Unsqueeze', [qPos, i64([1])]); // [S,1]
  const kRow = op('Unsqueeze', [kPos, zero]); // [1,T]
  const pad = op('Unsqueeze', [op('Cast', ['attention_mask'], { to: 9 }), i64([1, 2, 3])]); // [B,1,1,1,T]
  const causal = op('And', [op('LessOrEqual', [kRow, qCol]), pad]); // [B,1,1,S,T]
  const masks: Record<LayerType, string> = { full_attention: causal, sliding_attention: causal };
  if (c.slidingWindow !== null && c.layerTypes.includes('sliding_attention')) {
    const inWindow = op('Greater', [kRow, op('Sub', [qCol, konst(int64([c.slidingWindow]), [])])]); // [S,T]
    masks.sliding_attention = op('And', [causal, inWindow]);
  }

  // ---- embeddings [B,S,d]
  const embed = get(c.tensors.embed);
  const embedName = weight(c.tensors.embed, embed.data, embed.shape);
  let x = op('Gather', [embedName, 'input_ids'], { axis: 0 });
  if (c.block.embedScale) x = op('Mul', [x, f32(Math.sqrt(d))]);
  // positions [B,S] (or [1,S] from the cache length when the export has no position_ids, as Gemma 2's)
  const positions = c.exportHasPositionIds ? 'position_ids' : op('Unsqueeze', [qPos, zero]);
  if (c.tensors.positionEmbed) x = op('Add', [x, op('Gather', [vec(c.tensors.positionEmbed), positions], { axis: 0 })]);

  // ---- RoPE tables per layer type: cos/sin [B,1,S,rot] from pos · inv_freq, duplicated halves (rotate_half)
  const ropeTables = new Map<LayerType, { cos: string; sin: string }>();
  const ropeFor = (t: LayerType) => {
    if (!ropeTables.has(t)) {
      const inv = Float32Array.from(ropeInvFreq(c, t));
      const freqs = op('Mul', [op('Unsqueeze', [op('Cast', [positions], { to: FLOAT32 }), i64([-1])]), konst(inv, [inv.length])]); // [B,S,rot/2]
      const emb = op('Unsqueeze', [op('Concat', [freqs, freqs], { axis: -1 }), i64([1])]); // [B,1,S,rot]
      ropeTables.set(t, { cos: op('Cos', [emb]), sin: op('Sin', [emb]) });
    }
    return ropeTables.get(t)!;
  };
  const applyRope = (v: string, t: LayerType): string => {
    const { cos, sin } = ropeFor(t);
    const half = c.rotaryDim / 2;
    const parts = c.rotaryDim < hd ? [half, half, hd - c.rotaryDim] : [half, half];
    const outs = parts.map(() => tmp('rot'));
    g.node('Split', [v, i64(parts)], outs, { axis: -1 }, { name: tmp('split') });
    const rotated = op('Concat', [op('Neg', [outs[1]]), outs[0]], { axis: -1 });
    const xr = op('Concat', [outs[0], outs[1]], { axis: -1 });
    const y = op('Add', [op('Mul', [xr, cos]), op('Mul', [rotated, sin])]);
    return parts.length === 3 ? op('Concat', [y, outs[2]], { axis: -1 }) : y;
  };
  const heads = (flat: string, n: number, qkNorm?: string): string => {
    let v = op('Reshape', [flat, i64([0, 0, n, hd])]); // [B,S,n,hd]
    if (qkNorm) v = norm(v, qkNorm);
    return op('Transpose', [v], { perm: [0, 2, 1, 3] }); // [B,n,S,hd]
  };

  for (let l = 0; l < c.numLayers; l++) {
    const n = (role: LayerRole) => tensorName(c.tensors, role, l);
    const type = c.layerTypes[l];
    const h0 = norm(x, n('attn_norm'), n('attn_norm_bias'));
    let q: string, k: string, v: string;
    if (n('qkv')) {
      const qkv = linear(h0, n('qkv'), c.block.qkvBias ? n('qkv_bias') : undefined);
      [q, k, v] = [tmp('q'), tmp('k'), tmp('v')];
      g.node('Split', [qkv, i64([H * hd, KV * hd, KV * hd])], [q, k, v], { axis: -1 }, { name: tmp('split') });
    } else {
      const bias = (r: LayerRole) => (c.block.qkvBias ? n(r) : undefined);
      [q, k, v] = [linear(h0, n('q'), bias('q_bias')), linear(h0, n('k'), bias('k_bias')), linear(h0, n('v'), bias('v_bias'))];
    }
    q = heads(q, H, c.block.qkNorm ? n('q_norm') : undefined);
    k = heads(k, KV, c.block.qkNorm ? n('k_norm') : undefined);
    v = heads(v, KV);
    if (c.rotaryDim) {
      q = applyRope(q, type);
      k = applyRope(k, type);
    }
    const cacheIn = (name: string) => (half ? op('Cast', [name], { to: FLOAT32 }) : name);
    const kAll = op('Concat', [cacheIn(`past_key_values.${l}.key`), k], { axis: 2 }); // [B,KV,T,hd]
    const vAll = op('Concat', [cacheIn(`past_key_values.${l}.value`), v], { axis: 2 });
    g.node(half ? 'Cast' : 'Identity', [kAll], [`present.${l}.key`], half ? { to: FLOAT16 } : {}, { name: tmp('present') })
      .node(half ? 'Cast' : 'Identity', [vAll], [`present.${l}.value`], half ? { to: FLOAT16 } : {}, { name: tmp('present') });
    // GQA without copying the cache: q [B,KV,g,S,hd] against k, v [B,KV,1,T,hd] (head h reads kv head h / g)
    const q5 = op('Reshape', [q, i64([0, KV, H / KV, -1, hd])]);
    const kT = op('Transpose', [op('Unsqueeze', [kAll, i64([2])])], { perm: [0, 1, 2, 4, 3] }); // [B,KV,1,hd,T]
    let scores = op('Mul', [op('MatMul', [q5, kT]), f32(c.attnScale)]); // [B,KV,g,S,T]
    if (c.attnLogitSoftcap !== null) scores = op('Mul', [op('Tanh', [op('Div', [scores, f32(c.attnLogitSoftcap)])]), f32(c.attnLogitSoftcap)]);
    const probs = op('Softmax', [op('Where', [masks[type], scores, f32(MASKED)])], { axis: -1 });
    const z = op('MatMul', [probs, op('Unsqueeze', [vAll, i64([2])])]); // [B,KV,g,S,hd]
    const zFlat = op('Reshape', [op('Transpose', [op('Reshape', [z, i64([0, H, -1, hd])])], { perm: [0, 2, 1, 3] }), i64([0, 0, H * hd])]); // [B,S,H·hd]
    let attn = linear(zFlat, n('o'), n('o_bias'));
    if (c.block.sandwichNorms) attn = norm(attn, n('post_attn_norm'));
    const mid = op('Add', [x, attn]);
    const h1 = norm(mid, n('ffn_norm'), n('ffn_norm_bias'));
    const geluTanh = (u: string) => {
      // 0.5·u·(1 + tanh(√(2/π)·(u + 0.044715·u³)))
      const inner = op('Mul', [op('Add', [u, op('Mul', [op('Mul', [op('Mul', [u, u]), u]), f32(0.044715)])]), f32(Math.sqrt(2 / Math.PI))]);
      return op('Mul', [op('Mul', [u, f32(0.5)]), op('Add', [op('Tanh', [inner]), f32(1)])]);
    };
    let act: string;
    if (c.block.mlp === 'gelu') act = geluTanh(linear(h1, n('fc'), n('fc_bias')));
    else {
      let gate: string, up: string;
      if (n('gate_up')) {
        [gate, up] = [tmp('gate'), tmp('up')];
        g.node('Split', [linear(h1, n('gate_up')), i64([c.intermediateSize, c.intermediateSize])], [gate, up], { axis: -1 }, { name: tmp('split') });
      } else [gate, up] = [linear(h1, n('gate')), linear(h1, n('up'))];
      const a = c.block.mlp === 'swiglu' ? op('Mul', [gate, op('Sigmoid', [gate])]) : geluTanh(gate);
      act = op('Mul', [a, up]);
    }
    let mlp = linear(act, n('down'), n('down_bias'));
    if (c.block.sandwichNorms) mlp = norm(mlp, n('post_ffn_norm'));
    x = op('Add', [mid, mlp]);
  }

  let xf = norm(x, c.tensors.finalNorm, c.tensors.finalNormBias);
  if (opts.numLogitsToKeep) {
    // hidden_states[:, -num_logits_to_keep:, :] as optimum's exports: 0 keeps every position (−0 = 0)
    const start = op('Neg', [op('Unsqueeze', ['num_logits_to_keep', zero])]);
    xf = op('Slice', [xf, start, i64([Number.MAX_SAFE_INTEGER]), i64([1])]);
  }
  let logits: string;
  if (!c.tieWordEmbeddings) logits = linear(xf, c.tensors.lmHead);
  // tied head: the q4 graphs quantise their own copy of the embedding for the head MatMul
  else if (variant === 'q4' || variant === 'q4f16') logits = matMulNBits(xf, 'lm_head', embed.data, c.vocabSize, d);
  else logits = op('MatMul', [xf, op('Transpose', [embedName], { perm: [1, 0] })]);
  if (c.finalLogitSoftcap !== null) logits = op('Mul', [op('Tanh', [op('Div', [logits, f32(c.finalLogitSoftcap)])]), f32(c.finalLogitSoftcap)]);
  g.node(half ? 'Cast' : 'Identity', [logits], ['logits'], half ? { to: FLOAT16 } : {}, { name: 'logits_out' });
  g.output('logits', kvType, ['batch_size', opts.numLogitsToKeep ? 'num_logits' : 'sequence_length', c.vocabSize]);
  for (let l = 0; l < c.numLayers; l++) {
    g.output(`present.${l}.key`, kvType, ['batch_size', KV, 'total_sequence_length', hd])
      .output(`present.${l}.value`, kvType, ['batch_size', KV, 'total_sequence_length', hd]);
  }
  return g.build();
}
