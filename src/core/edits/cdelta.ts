// C-Δθ on one chunk of raw tensor bytes: W_out = W_target + s · (W_aligned − W_base) on the circuit mask,
// W_target's bytes untouched elsewhere. Only masked runs are decoded and re-encoded, so the cost follows the
// mask (a few % of parameters), not the checkpoint. Several strengths share one read of the inputs. Stats
// count what really changed after rounding to the output dtype, since f16 can swallow small deltas.

import { forEachMaskedRun, maskCount, type RowColMask } from './archMap';
import { aligned as alignedBytes, brainHalfTable, DTYPE_BYTES, decodeToF32, encodeFromF32, f32ToBf16Bits, f32ToF16Bits, halfTable, type Dtype, type FloatDtype } from './dtypes';

export interface CDeltaTensorStats {
  name: string;
  params: number;
  masked: number;
  /** Masked parameters whose written value differs from the target's. */
  changed: number;
  /** Of those, written as NaN or ±Inf (the edit overflowed the dtype, or an input held one); not in the sums. */
  nonFinite: number;
  /** Sum, sum of squares and max of |applied change| after rounding, over finite changes. */
  sumAbs: number;
  sumSq: number;
  maxAbs: number;
}

export interface RawChunk {
  dtype: Dtype;
  bytes: Uint8Array;
}

export function emptyCDeltaStats(name: string, params: number, mask: RowColMask | null): CDeltaTensorStats {
  return { name, params, masked: mask ? maskCount(mask) : 0, changed: 0, nonFinite: 0, sumAbs: 0, sumSq: 0, maxAbs: 0 };
}

/**
 * Writes the masked edit into `outs[k]` (copies of the target's bytes, one per strength). All chunks cover
 * the same flat elements [elemStart, elemStart + n) of one tensor; the output dtype is the target's.
 */
export function applyCDeltaRaw(
  outs: Uint8Array[], target: RawChunk & { dtype: FloatDtype }, base: RawChunk, aligned: RawChunk,
  mask: RowColMask, elemStart: number, strengths: readonly number[], stats: CDeltaTensorStats[],
): void {
  const half = target.dtype === 'F16' || target.dtype === 'BF16';
  if (half && base.dtype === target.dtype && aligned.dtype === target.dtype && outs.every((o) => o.byteOffset % 2 === 0)) {
    applyHalf(outs, target, base, aligned, mask, elemStart, strengths, stats);
    return;
  }
  const n = target.bytes.byteLength / DTYPE_BYTES[target.dtype];
  const run = (c: RawChunk, a: number, b: number) => decodeToF32(c.dtype, c.bytes.subarray(a * DTYPE_BYTES[c.dtype], b * DTYPE_BYTES[c.dtype]));
  const w = DTYPE_BYTES[target.dtype];
  forEachMaskedRun(mask, elemStart, n, (a, b) => {
    const t = run(target, a, b);
    // C-Δθ's usual call has base = target: decode those bytes once.
    const bv = base.bytes === target.bytes ? t : run(base, a, b);
    const av = run(aligned, a, b);
    strengths.forEach((s, k) => {
      const st = stats[k];
      const vals = new Float32Array(b - a);
      for (let i = 0; i < vals.length; i++) vals[i] = t[i] + s * (av[i] - bv[i]);
      // Encode once, then decode the written bits for the stats: they must describe what was written.
      const enc = encodeFromF32(target.dtype, vals);
      const written = decodeToF32(target.dtype, enc, vals);
      for (let i = 0; i < written.length; i++) {
        const wv = written[i];
        const tv = t[i];
        if (wv !== tv && !(Number.isNaN(wv) && Number.isNaN(tv))) tally(st, wv, tv);
      }
      outs[k].set(enc, a * w);
    });
  });
}

/** One written value that differs from the target's: counted into the tensor's stats (small: V8 inlines it). */
function tally(st: CDeltaTensorStats, wv: number, tv: number): void {
  st.changed++;
  const d = Math.abs(wv - tv);
  if (!Number.isFinite(wv)) st.nonFinite++;
  else if (Number.isFinite(d)) {
    st.sumAbs += d;
    st.sumSq += d * d;
    if (d > st.maxAbs) st.maxAbs = d;
  }
}

function halfBits(bytes: Uint8Array): Uint16Array {
  const a = alignedBytes(bytes, 2);
  return new Uint16Array(a.buffer, a.byteOffset, a.byteLength / 2);
}

/**
 * applyCDeltaRaw when every input and the output are F16 (or every one BF16), the usual case: values
 * decoded by table and encoded one by one in place, with no allocation per masked run (head masks cut a
 * tensor into runs of head_dim values). Same arithmetic, rounding and stats order as the general path.
 * `outs` may include the target's own buffer (the caller's in-place output): each value is read before
 * it is written, and that output comes last.
 */
function applyHalf(
  outs: Uint8Array[], target: RawChunk, base: RawChunk, aligned: RawChunk,
  mask: RowColMask, elemStart: number, strengths: readonly number[], stats: CDeltaTensorStats[],
): void {
  const table = target.dtype === 'BF16' ? brainHalfTable() : halfTable();
  const encode = target.dtype === 'BF16' ? f32ToBf16Bits : f32ToF16Bits;
  const t = halfBits(target.bytes);
  const b = base.bytes === target.bytes ? t : halfBits(base.bytes);
  const a = halfBits(aligned.bytes);
  const o = outs.map((x) => new Uint16Array(x.buffer, x.byteOffset, x.byteLength / 2));
  // Where aligned and base hold the same bits (most of a sparse fine-tune), W_aligned − W_base is +0 and
  // W_target + s·0 is W_target: the output (already the target's bits) is left as it is and nothing is
  // counted. Only when that identity is exact: a finite difference, a finite strength, and a target that is
  // neither NaN/Infinity (re-encoding would canonicalise a NaN) nor −0 (−0 + +0 is +0). Exponent all ones:
  const special = target.dtype === 'BF16' ? 0x7f80 : 0x7c00;
  forEachMaskedRun(mask, elemStart, t.length, (r0, r1) => {
    for (let k = 0; k < strengths.length; k++) {
      const s = strengths[k];
      const skipEqual = Number.isFinite(s);
      const st = stats[k];
      const out = o[k];
      for (let i = r0; i < r1; i++) {
        const ti = t[i];
        const ai = a[i];
        if (skipEqual && ai === b[i] && (ai & special) !== special && (ti & special) !== special && ti !== 0x8000) continue;
        const tv = table[ti];
        const bits = encode(tv + s * (table[ai] - table[b[i]]));
        out[i] = bits;
        const wv = table[bits];
        if (wv !== tv && !(Number.isNaN(wv) && Number.isNaN(tv))) tally(st, wv, tv);
      }
    }
  });
}
