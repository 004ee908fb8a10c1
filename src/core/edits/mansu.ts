// MANSU steps that need no gradient of the big model, applied chunk by chunk to an update delta = edited − base:
// 1. Fisher: zero (F > threshold) or shrink (delta / (1 + lambda·F)) directions the retain set relies on;
// 2. covariance null space: remove from each row the part inside the top-k eigenvectors U of the layer's
//    retain input covariance, so ΔW·x ≈ 0 for retain inputs x ([out, in] layouts project rows; Conv1D
//    [in, out] layouts project columns, which needs U^T·Δ over the whole tensor first: two passes);
// 3. magnitude floor: grow each kept change just past the NF4/FP4 decision threshold in its direction, in the
//    output dtype, re-checking against the block's new absmax, so the change survives 4-bit quantization.

import { f16BitsToF32, f32ToF16Bits, bf16BitsToF32, f32ToBf16Bits, roundToDtype, type FloatDtype } from './dtypes';
import { codeTable, FP4_THRESHOLDS, NF4_THRESHOLDS, quantizeValue, type QuantType } from './quant4';

/** An update vector: f64 in the pipeline so edited − base − ... + base gives back f32 checkpoints exactly. */
export type Vec = Float32Array | Float64Array;

export interface FisherOptions {
  mode: 'zero' | 'downweight';
  /** zero: directions with F > threshold are dropped. */
  threshold?: number;
  /** downweight: delta / (1 + lambda·F). */
  lambda?: number;
}

/** Returns how many non-zero entries were zeroed. */
export function applyFisher(delta: Vec, fisher: Float32Array, o: FisherOptions): number {
  let zeroed = 0;
  if (o.mode === 'zero') {
    const t = o.threshold ?? 0;
    for (let i = 0; i < delta.length; i++) {
      if (fisher[i] > t && delta[i] !== 0) {
        delta[i] = 0;
        zeroed++;
      }
    }
  } else {
    const l = o.lambda ?? 1;
    for (let i = 0; i < delta.length; i++) delta[i] = delta[i] / (1 + l * fisher[i]);
  }
  return zeroed;
}

/** Rows of length `cols` (last axis = input axis): r ← r − U(Uᵀr). U is row-major cols×k. */
export function projectRowsLastAxis(delta: Vec, cols: number, u: Float64Array, k: number): void {
  const coef = new Float64Array(k);
  for (let r0 = 0; r0 < delta.length; r0 += cols) {
    coef.fill(0);
    for (let c = 0; c < cols; c++) {
      const x = delta[r0 + c];
      if (x === 0) continue;
      for (let j = 0; j < k; j++) coef[j] += u[c * k + j] * x;
    }
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += u[c * k + j] * coef[j];
      delta[r0 + c] -= s;
    }
  }
}

/**
 * Zeroes the rounding residue a projection leaves in directions it removed (|Δ| ≤ rel · maxAbsBefore), so
 * the magnitude floor never inflates numerical noise into a real edit. Returns how many entries it cleared.
 */
export function clearResidue(delta: Vec, maxAbsBefore: number, rel = 1e-6): number {
  const t = rel * maxAbsBefore;
  let n = 0;
  for (let i = 0; i < delta.length; i++) {
    if (delta[i] !== 0 && Math.abs(delta[i]) <= t) {
      delta[i] = 0;
      n++;
    }
  }
  return n;
}

/** First pass of the column projection: acc (k×cols) += Uᵀ·Δ for rows rowStart.. of this chunk. */
export function accumulateFirstAxis(delta: Vec, rowStart: number, cols: number, u: Float64Array, k: number, acc: Float64Array): void {
  for (let r = 0; r * cols < delta.length; r++) {
    for (let j = 0; j < k; j++) {
      const w = u[(rowStart + r) * k + j];
      if (w === 0) continue;
      for (let c = 0; c < cols; c++) acc[j * cols + c] += w * delta[r * cols + c];
    }
  }
}

/** Second pass: Δ[r,:] −= Σ_j U[r,j]·acc[j,:]. */
export function applyFirstAxis(delta: Vec, rowStart: number, cols: number, u: Float64Array, k: number, acc: Float64Array): void {
  for (let r = 0; r * cols < delta.length; r++) {
    for (let j = 0; j < k; j++) {
      const w = u[(rowStart + r) * k + j];
      if (w === 0) continue;
      for (let c = 0; c < cols; c++) delta[r * cols + c] -= w * acc[j * cols + c];
    }
  }
}

/** The next representable value of `dtype` after v in direction dir (+1/−1). */
export function nextInDtype(v: number, dir: number, dtype: FloatDtype): number {
  if (dtype === 'F32') {
    const f = new Float32Array([v]);
    const u = new Uint32Array(f.buffer);
    if (v === 0) u[0] = dir > 0 ? 1 : 0x80000001;
    else u[0] += (v > 0) === (dir > 0) ? 1 : -1;
    return f[0];
  }
  const [enc, dec] = dtype === 'F16' ? [f32ToF16Bits, f16BitsToF32] : [f32ToBf16Bits, bf16BitsToF32];
  if (v === 0) return dec(dir > 0 ? 1 : 0x8001);
  const b = enc(v);
  return dec((v > 0) === (dir > 0) ? b + 1 : b - 1);
}

export interface FloorStats {
  /** Non-zero update entries considered. */
  kept: number;
  /** Entries the floor enlarged. */
  floored: number;
  /** Base already at the extreme code in the update's direction: no threshold to cross. */
  saturated: number;
  /** Entries that still do not cross after the floor (should stay 0; reported, not hidden). */
  failed: number;
}

export function emptyFloorStats(): FloorStats {
  return { kept: 0, floored: 0, saturated: 0, failed: 0 };
}

/** Distinct code values ascending and the decision thresholds between neighbours. */
function codeLine(type: QuantType): { values: number[]; thresholds: number[] } {
  const values = [...new Set(codeTable(type).map((v) => (v === 0 ? 0 : v)))].sort((a, b) => a - b);
  if (type === 'nf4') return { values, thresholds: [...NF4_THRESHOLDS] };
  const pos = [...FP4_THRESHOLDS];
  return { values, thresholds: [...pos.map((p) => -p).reverse(), ...pos] };
}

function absmaxOf(a: Float32Array, s: number, e: number): number {
  let m = 0;
  for (let i = s; i < e; i++) if (Math.abs(a[i]) > m) m = Math.abs(a[i]);
  return m;
}

/**
 * Enlarges `out` (= round(base + delta)) so every non-zero delta moves its parameter's 4-bit code value in
 * the delta's direction. Chunks start on a block boundary.
 */
export function applyMagnitudeFloor(base: Float32Array, delta: Vec, out: Float32Array, dtype: FloatDtype, type: QuantType, blocksize: number, stats: FloorStats): void {
  const table = codeTable(type);
  const { values, thresholds } = codeLine(type);
  const pos = (code: number) => values.indexOf(table[code] === 0 ? 0 : table[code]);
  for (let s = 0; s < base.length; s += blocksize) {
    const e = Math.min(base.length, s + blocksize);
    let any = false;
    for (let i = s; i < e && !any; i++) any = delta[i] !== 0;
    if (!any) continue;
    const invB = Math.fround(1 / absmaxOf(base, s, e));
    const crossed = (i: number, invE: number) => {
      const pb = pos(quantizeValue(type, Math.fround(base[i] * invB)));
      const pe = pos(quantizeValue(type, Math.fround(out[i] * invE)));
      return delta[i] > 0 ? pe > pb : pe < pb;
    };
    const enlarged = new Set<number>();
    for (let iter = 0; iter < 8; iter++) {
      const amE = absmaxOf(out, s, e);
      const invE = Math.fround(1 / amE);
      let fixed = false;
      for (let i = s; i < e; i++) {
        if (delta[i] === 0 || crossed(i, invE)) continue;
        const pb = pos(quantizeValue(type, Math.fround(base[i] * invB)));
        const dir = delta[i] > 0 ? 1 : -1;
        if ((dir > 0 && pb === values.length - 1) || (dir < 0 && pb === 0)) continue;
        let v = roundToDtype((dir > 0 ? thresholds[pb] : thresholds[pb - 1]) * amE, dtype);
        for (let step = 0; step < 64 && (dir > 0 ? pos(quantizeValue(type, Math.fround(v * invE))) <= pb : pos(quantizeValue(type, Math.fround(v * invE))) >= pb); step++) {
          v = nextInDtype(v, dir, dtype);
        }
        if ((v - out[i]) * dir > 0) {
          out[i] = v;
          enlarged.add(i);
          fixed = true;
        }
      }
      if (!fixed) break;
    }
    const invE = Math.fround(1 / absmaxOf(out, s, e));
    for (let i = s; i < e; i++) {
      if (delta[i] === 0) continue;
      stats.kept++;
      if (enlarged.has(i)) stats.floored++;
      if (crossed(i, invE)) continue;
      const pb = pos(quantizeValue(type, Math.fround(base[i] * invB)));
      if ((delta[i] > 0 && pb === values.length - 1) || (delta[i] < 0 && pb === 0)) stats.saturated++;
      else stats.failed++;
    }
  }
}
