// NF4/FP4 coding for hot loops: the same answers as quantizeNf4 / quantizeFp4 and the survival bin width,
// by table lookup instead of a search. The normalised value x is cut into buckets of 1/2048; no bucket holds
// more than one decision threshold or one code value (the closest, FP4's 0 / 0.0026 / 0.0052, are 0.0026
// apart), so each answer is the bucket's entry plus one comparison with the point inside it. Buckets are
// indexed exactly: x is an f32, so (x + 1) * 2048 is computed without rounding. Out-of-range inputs clamp
// into the end buckets, where the comparison still decides correctly; NaN lands in bucket 0 and gets code 0,
// as in the CUDA decision trees.

import { codeTable, FP4_MAG_CODES, FP4_THRESHOLDS, NF4_THRESHOLDS, type QuantType } from './quant4';

const PER_UNIT = 2048;
/** Signed buckets cover [-1, 1] plus one past 1 for values a rounding above it. */
const SIGNED = 2 * PER_UNIT;

interface Buckets<A extends Int32Array | Float64Array> {
  /** The event point inside each bucket (+Infinity when none). */
  point: Float64Array;
  /** Answers interleaved: [2b] for x <= point, [2b + 1] for x > point (codes as Int32, to index directly). */
  answer: A;
}

/** Buckets of [lo0 + b/PER_UNIT, lo0 + (b+1)/PER_UNIT) for b = 0..last; `answer(j)` for j points strictly below x. */
function buckets<A extends Int32Array | Float64Array>(make: (n: number) => A, points: readonly number[], lo0: number, last: number, answer: (j: number) => number): Buckets<A> {
  const n = last + 1;
  const out: Buckets<A> = { point: new Float64Array(n).fill(Infinity), answer: make(2 * n) };
  for (let b = 0; b < n; b++) {
    const lo = lo0 + b / PER_UNIT;
    const hi = b === last ? Infinity : lo0 + (b + 1) / PER_UNIT;
    const j = points.filter((p) => p < lo).length;
    const inside = points.filter((p) => p >= lo && p < hi);
    if (inside.length > 1) throw new Error(`quantLookup: two points in one bucket near ${lo}`);
    out.answer[2 * b] = answer(j);
    out.answer[2 * b + 1] = inside.length ? answer(j + 1) : answer(j);
    if (inside.length) out.point[b] = inside[0];
  }
  return out;
}

/**
 * Lookup tables of one quantization type. Inputs are normalised values x = f32(v * f32(1/absmax)) of a block:
 * |x| <= 1 up to one rounding, or +-Infinity / NaN when 1/absmax overflows or absmax is 0.
 */
export class CodeLookup {
  /** Code values (f32, as the kernels' tables), indexed by 4-bit code. */
  readonly values: Float64Array;
  private readonly fp4: boolean;
  // Read by the WebAssembly survival kernel, which copies them into its memory.
  readonly codePoint: Float64Array;
  readonly codeAnswer: Int32Array;
  readonly gapPoint: Float64Array;
  readonly gapAnswer: Float64Array;

  constructor(readonly type: QuantType) {
    this.fp4 = type === 'fp4';
    this.values = Float64Array.from(codeTable(type));
    const sorted = [...new Set([...this.values].map((v) => (v === 0 ? 0 : v)))].sort((a, b) => a - b);
    // NF4 codes are in value order: the code is the number of thresholds below x. FP4 codes its magnitude.
    const codes = this.fp4
      ? buckets((n) => new Int32Array(n), FP4_THRESHOLDS, 0, PER_UNIT, (j) => FP4_MAG_CODES[j])
      : buckets((n) => new Int32Array(n), NF4_THRESHOLDS, -1, SIGNED, (j) => j);
    // The bin width around x: the gap between the two code values bracketing it (the lower pair when x sits
    // on a code value), clamped to the first / last gap outside the table's range.
    const gaps = buckets((n) => new Float64Array(n), sorted, -1, SIGNED, (j) => {
      const k = Math.max(0, Math.min(sorted.length - 2, j - 1));
      return sorted[k + 1] - sorted[k];
    });
    this.codePoint = codes.point;
    this.codeAnswer = codes.answer;
    this.gapPoint = gaps.point;
    this.gapAnswer = gaps.answer;
  }

  /** 4-bit code of a normalised value, as quantizeNf4 / quantizeFp4. */
  code(x: number): number {
    if (this.fp4) {
      const a = Math.abs(x);
      // Truncation maps NaN to bucket 0; min() keeps +Infinity in the last bucket.
      const b = Math.min(PER_UNIT, a * PER_UNIT) | 0;
      const m = this.codeAnswer[2 * b + (a > this.codePoint[b] ? 1 : 0)];
      return x < 0 ? m + 8 : m;
    }
    // x >= -1 - 2^-23 (or -Infinity / NaN): truncation toward zero lands it in bucket 0.
    const b = Math.min(SIGNED, (x + 1) * PER_UNIT) | 0;
    return this.codeAnswer[2 * b + (x > this.codePoint[b] ? 1 : 0)];
  }

  /** Gap between the two code values bracketing the normalised value x (its local bin width / absmax). */
  gap(x: number): number {
    const b = Math.min(SIGNED, (x + 1) * PER_UNIT) | 0;
    return this.gapAnswer[2 * b + (x > this.gapPoint[b] ? 1 : 0)];
  }
}
