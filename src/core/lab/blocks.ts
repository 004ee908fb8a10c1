// The block variants of the decoder families (src/core/lm/families.ts `FamilyBlock`) as lab-engine ops: RMSNorm
// (and Gemma's (1 + w) form), RoPE with the scalings the families use, causal / sliding-window masks, soft-capping
// and the gated MLP activations. Written with ops whose gradients are right under jit (FACTS.md, lab README):
// RoPE's rotate_half is a constant [hd, hd] matrix product rather than slices and a concatenation, and the
// position tables are host-computed constants. Shapes: T positions, hd head size, r = rotary dims (≤ hd).
import { nn, numpy as np } from '@jax-js/jax';
import type { FamilyBlock, LayerType, NormalizedLmConfig } from '../lm/families';
import { ropeInvFreq } from '../lm/replicas/rope';
import { fromF32, materialize, matmul, type Arr } from './engine';

/** x / rms(x) · w over the last axis; `onePlus` multiplies by (1 + w) (Gemma stores w around 0). Consumes x, w. */
export function rmsNorm(x: Arr, w: Arr, eps: number, onePlus: boolean): Arr {
  x = materialize(x); // its own buffer: fused into the reduction below, a Llama train step cost 3× (engine.ts)
  const ms = np.square(x.ref).mean(-1, { keepdims: true }); // [..., 1]
  const y = x.mul(np.reciprocal(np.sqrt(ms.add(eps)))); // [..., n]
  return y.mul(onePlus ? w.add(1) : w); // [..., n]
}

/** The family's norm: LayerNorm (with bias), RMSNorm or (1 + w) RMSNorm. Consumes x, w and b. */
export function familyNorm(block: FamilyBlock, x: Arr, w: Arr, b: Arr | undefined, eps: number): Arr {
  if (block.norm === 'layernorm') {
    if (!b) throw new Error('LayerNorm needs a bias tensor');
    const mean = x.ref.mean(-1, { keepdims: true }); // [..., 1]
    const xc = x.sub(mean); // [..., n]
    const variance = np.square(xc.ref).mean(-1, { keepdims: true }); // [..., 1]
    return xc.mul(np.reciprocal(np.sqrt(variance.add(eps)))).mul(w).add(b); // [..., n]
  }
  b?.dispose();
  return rmsNorm(x, w, eps, block.norm === 'rmsnorm-1p');
}

/**
 * RoPE inverse frequencies for a sequence of T positions. Dynamic (NTK) scaling depends on the length: once T
 * passes original_max_position_embeddings the base grows, as transformers' `_compute_dynamic_ntk_parameters`
 * does for the longest sequence seen.
 */
export function ropeFrequencies(c: NormalizedLmConfig, layerType: LayerType, T: number): Float64Array {
  const s = c.ropeScaling;
  if (s.type === 'dynamic' && T > s.originalMaxPositions) {
    const r = c.rotaryDim;
    const base = c.ropeTheta * ((s.factor * T) / s.originalMaxPositions - (s.factor - 1)) ** (r / (r - 2));
    return Float64Array.from({ length: r / 2 }, (_, i) => 1 / base ** ((2 * i) / r));
  }
  return ropeInvFreq(c, layerType);
}

/** Host tables for `applyRope`: cos and sin [T, hd] (pass-through dims: cos 1, sin 0) and the rotate_half matrix. */
export interface RopeTables {
  cos: Arr;
  sin: Arr;
  rot: Arr;
}

/**
 * Positions 0..T−1 (the lab runs unpadded, left-aligned rows). Angles in float64 on the host, as the reference
 * forward pass computes them, then stored as float32 constants.
 */
export function ropeTables(c: NormalizedLmConfig, layerType: LayerType, T: number): RopeTables {
  const hd = c.headDim;
  const r = c.rotaryDim;
  const half = r / 2;
  const inv = ropeFrequencies(c, layerType, T);
  const cos = new Float32Array(T * hd).fill(1);
  const sin = new Float32Array(T * hd);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const a = t * inv[i];
      cos[t * hd + i] = cos[t * hd + i + half] = Math.cos(a);
      sin[t * hd + i] = sin[t * hd + i + half] = Math.sin(a);
    }
  }
  // rotate_half(x) = [−x2, x1] on the rotated dims, as a product x @ R: column i < half takes −x[i + half],
  // column i + half takes x[i]. Pass-through columns are 0 (their sin is 0 anyway).
  const R = new Float32Array(hd * hd);
  for (let i = 0; i < half; i++) {
    R[(i + half) * hd + i] = -1;
    R[i * hd + i + half] = 1;
  }
  return { cos: fromF32(cos, [T, hd]), sin: fromF32(sin, [T, hd]), rot: fromF32(R, [hd, hd]) };
}

/** x·cos + rotate_half(x)·sin for x [..., T, hd]. Consumes x, not the tables. */
export function applyRope(x: Arr, t: RopeTables): Arr {
  const rotated = matmul(x.ref, t.rot.ref); // [...,T,hd]@[hd,hd] → [...,T,hd]
  return x.mul(t.cos.ref).add(rotated.mul(t.sin.ref)); // [...,T,hd]
}

export function disposeRope(t: RopeTables): void {
  t.cos.dispose();
  t.sin.dispose();
  t.rot.dispose();
}

/**
 * [T, T] additive mask: 0 where query t may read key s (s ≤ t, and t − s < window on sliding layers), −1e9
 * elsewhere (the finite fill of the ONNX graphs, so softmax gives 0 without NaN).
 */
export function attentionBias(T: number, window: number | null): Arr {
  const m = new Float32Array(T * T);
  for (let t = 0; t < T; t++) for (let s = 0; s < T; s++) if (s > t || (window !== null && t - s >= window)) m[t * T + s] = -1e9;
  return fromF32(m, [T, T]);
}

/** tanh(x / cap) · cap (Gemma 2's attention and final-logit soft-capping); identity when cap is null. */
export function softcap(x: Arr, cap: number | null): Arr {
  return cap === null ? x : np.tanh(x.mul(1 / cap)).mul(cap);
}

/** GELU, tanh approximation (HF gelu_new / gelu_pytorch_tanh), term for term as the ONNX graphs. */
export function geluTanh(x: Arr): Arr {
  const inner = x.ref.add(x.ref.mul(x.ref).mul(x.ref).mul(0.044715)).mul(Math.sqrt(2 / Math.PI)); // √(2/π)(x+0.044715x³)
  return x.mul(0.5).mul(np.tanh(inner).add(1));
}

/** The MLP's hidden activation: gelu(fc) for GPT-2, silu(gate)·up (SwiGLU) or gelu(gate)·up (GeGLU). */
export function mlpActivation(block: FamilyBlock, gateOrFc: Arr, up: Arr | undefined): Arr {
  if (block.mlp === 'gelu') {
    up?.dispose();
    return geluTanh(gateOrFc);
  }
  if (!up) throw new Error(`${block.mlp} needs an up projection`);
  return (block.mlp === 'swiglu' ? nn.silu(gateOrFc) : geluTanh(gateOrFc)).mul(up);
}
