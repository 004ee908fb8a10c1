// NF4 and FP4 blockwise 4-bit quantization, reproducing bitsandbytes (quantize_4bit / kQuantizeBlockwise):
// the flattened tensor is cut into blocks of `blocksize` (64 by default; the last block may be short), each
// block's absmax is stored, x is normalised in f32 as x * (1/absmax) and mapped to a code by comparing with
// the decision thresholds of the CUDA decision trees (dQuantizeNF4 / dQuantizeFP4): strictly greater than a
// threshold selects the upper code. Two codes pack into one byte, first element in the high nibble.
// Quirk kept on purpose: an all-zero block has absmax 0, 0 * (1/0) is NaN, and every comparison with NaN is
// false, so bitsandbytes stores NF4 code 0 (-1.0) and FP4 code 0 (+0); both dequantize to 0.

import { QuantBlocksizeError } from './errors';

export type QuantType = 'nf4' | 'fp4';

/** bitsandbytes NF4 code table (functional.get_4bit_type('nf4')). */
export const NF4_CODE: readonly number[] = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
];

/**
 * bitsandbytes FP4 (e2m1, bias 3, no inf/nan) table: [0, 0.0625, 8, 12, 4, 6, 2, 3] / 12 and its negatives
 * (sign in bit 3). Index = 4-bit code. The values are the kernels' f32 literals (fp4_dequantization_lut:
 * 0.66666667f...), not v / 12 in double: dequantization is `lut[code] * absmax` in f32, and a double 2/3
 * rounds that product differently on about a quarter of elements.
 */
const FP4_LUT = [0.0, 0.005208333333, 0.66666667, 1.0, 0.33333333, 0.5, 0.16666667, 0.25].map(Math.fround);
export const FP4_CODE: readonly number[] = [...FP4_LUT, ...FP4_LUT.map((v) => -v)];

/** dQuantizeNF4 thresholds: midpoints of consecutive NF4 codes (f32), ascending. */
export const NF4_THRESHOLDS: readonly number[] = NF4_CODE.slice(1).map((c, i) => Math.fround((NF4_CODE[i] + c) / 2));

/** Magnitude codes of FP4 in ascending value order, and the dQuantizeFP4 pivots between them (its literals). */
export const FP4_MAG_CODES: readonly number[] = [0b000, 0b001, 0b110, 0b111, 0b100, 0b101, 0b010, 0b011];
export const FP4_THRESHOLDS: readonly number[] = [0.00260417, 0.0859375, 0.20833333, 0.29166667, 0.4166667, 0.583333, 0.8333333].map(Math.fround);

/** NF4 code of a normalised value (x in [-1, 1]); NaN gives 0 like the CUDA tree. */
export function quantizeNf4(x: number): number {
  const t = NF4_THRESHOLDS;
  if (!(x > t[0] || x <= t[0])) return 0;
  // Binary search for the number of thresholds strictly below x: that is the code index.
  let lo = 0;
  let hi = 15;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x > t[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** FP4 code of a normalised value: sign bit from x < 0, magnitude through the pivot tree. */
export function quantizeFp4(x: number): number {
  const sign = x < 0 ? 8 : 0;
  const a = Math.abs(x);
  let k = 0;
  while (k < 7 && a > FP4_THRESHOLDS[k]) k++;
  return FP4_MAG_CODES[k] + sign;
}

export function codeTable(type: QuantType): readonly number[] {
  return type === 'nf4' ? NF4_CODE : FP4_CODE;
}

export function quantizeValue(type: QuantType, x: number): number {
  return type === 'nf4' ? quantizeNf4(x) : quantizeFp4(x);
}

/** bitsandbytes' normalisation: multiply by the f32 reciprocal of absmax, in f32. */
export function normalise(x: number, absmax: number): number {
  return Math.fround(x * Math.fround(1 / absmax));
}

export function blockAbsmax(data: Float32Array, start: number, end: number): number {
  let m = 0;
  for (let i = start; i < end; i++) {
    const a = Math.abs(data[i]);
    if (a > m) m = a;
  }
  return m;
}

export interface Quantized4 {
  type: QuantType;
  blocksize: number;
  n: number;
  /** ceil(n / 2) bytes, high nibble first. */
  packed: Uint8Array;
  absmax: Float32Array;
}

export function quantize4bit(data: Float32Array, type: QuantType, blocksize = 64): Quantized4 {
  if (!Number.isInteger(blocksize) || blocksize < 2 || blocksize % 2 !== 0) throw new QuantBlocksizeError(blocksize, 'an even integer >= 2');
  const n = data.length;
  const nBlocks = Math.ceil(n / blocksize);
  const absmax = new Float32Array(nBlocks);
  const packed = new Uint8Array(Math.ceil(n / 2));
  for (let b = 0; b < nBlocks; b++) {
    const s = b * blocksize;
    const e = Math.min(n, s + blocksize);
    const m = blockAbsmax(data, s, e);
    absmax[b] = m;
    for (let i = s; i < e; i++) {
      const q = quantizeValue(type, normalise(data[i], m));
      packed[i >> 1] |= i & 1 ? q : q << 4;
    }
  }
  return { type, blocksize, n, packed, absmax };
}

export function codeAt(q: Quantized4, i: number): number {
  const byte = q.packed[i >> 1];
  return i & 1 ? byte & 0xf : byte >> 4;
}

/** Dequantizes with the given absmax (pass a double-dequantized absmax to model the stored scales). */
export function dequantize4bit(q: Quantized4, absmax: Float32Array = q.absmax): Float32Array {
  const table = codeTable(q.type);
  const out = new Float32Array(q.n);
  for (let i = 0; i < q.n; i++) out[i] = Math.fround(table[codeAt(q, i)] * absmax[Math.floor(i / q.blocksize)]);
  return out;
}
