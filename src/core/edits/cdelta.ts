// C-Δθ on one chunk: W_out = W_target + s · (W_aligned − W_base) on the circuit mask, W_target elsewhere.
// Several strengths are computed from one read of the inputs (a sweep costs one pass, not one per s).
// Stats count what really changed after rounding to the output dtype, since an f16 checkpoint can swallow
// small deltas.

import { forEachMaskedRun, maskCount, type RowColMask } from './archMap';
import { roundToDtype, type FloatDtype } from './dtypes';

export interface CDeltaTensorStats {
  name: string;
  params: number;
  masked: number;
  /** Masked parameters whose written value differs from the target's. */
  changed: number;
  /** Sum and max of |applied change| after rounding. */
  sumAbs: number;
  maxAbs: number;
  sumSq: number;
}

export function emptyCDeltaStats(name: string, params: number, mask: RowColMask | null): CDeltaTensorStats {
  return { name, params, masked: mask ? maskCount(mask) : 0, changed: 0, sumAbs: 0, maxAbs: 0, sumSq: 0 };
}

/**
 * Applies the masked delta for one strength into `out` (a copy of `target` made by the caller).
 * All arrays are the same chunk of the flattened tensor starting at element `elemStart`.
 */
export function applyCDeltaChunk(
  out: Float32Array, target: Float32Array, base: Float32Array, aligned: Float32Array,
  mask: RowColMask, elemStart: number, strength: number, dtype: FloatDtype, stats: CDeltaTensorStats,
): void {
  forEachMaskedRun(mask, elemStart, out.length, (s, e) => {
    for (let i = s; i < e; i++) {
      const v = roundToDtype(target[i] + strength * (aligned[i] - base[i]), dtype);
      out[i] = v;
      const d = Math.abs(v - target[i]);
      if (d !== 0) {
        stats.changed++;
        stats.sumAbs += d;
        stats.sumSq += d * d;
        if (d > stats.maxAbs) stats.maxAbs = d;
      }
    }
  });
}
