// Tensor dtypes this tool reads and writes, and the fp16/bf16 <-> f32 conversions. Edits are computed in f32
// and written back in the tensor's own dtype; decoding f16/bf16 to f32 is exact, so re-encoding an untouched
// value gives back the same bits and unmasked parameters come out bit-identical.

import { UnsupportedDtypeError } from './errors';

export const DTYPES = ['F32', 'F16', 'BF16', 'I8', 'U8'] as const;
export type Dtype = (typeof DTYPES)[number];
export type FloatDtype = 'F32' | 'F16' | 'BF16';

export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = { F32: 4, F16: 2, BF16: 2, I8: 1, U8: 1 };

export function isDtype(s: unknown): s is Dtype {
  return typeof s === 'string' && (DTYPES as readonly string[]).includes(s);
}

export function isFloatDtype(d: Dtype): d is FloatDtype {
  return d === 'F32' || d === 'F16' || d === 'BF16';
}

let f16Table: Float32Array | null = null;

/** All 65536 half values, built once: a table lookup is the fastest f16 decode in JS. */
export function halfTable(): Float32Array {
  if (f16Table) return f16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) t[h] = sign * mant * 2 ** -24;
    else if (exp === 31) t[h] = mant ? NaN : sign * Infinity;
    else t[h] = sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  f16Table = t;
  return t;
}

const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

/** f32 -> IEEE half bits, round to nearest even (overflow to Inf, NaN kept quiet). */
export function f32ToF16Bits(v: number): number {
  scratchF[0] = v;
  const x = scratchU[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 112;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Inf).
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function f16BitsToF32(h: number): number {
  return halfTable()[h & 0xffff];
}

/** f32 -> bfloat16 bits, round to nearest even. */
export function f32ToBf16Bits(v: number): number {
  scratchF[0] = v;
  const x = scratchU[0];
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

let bf16Table: Float32Array | null = null;

/** All 65536 bfloat16 values (the upper halves of f32 bits), built once, for the survival hot loop. */
export function brainHalfTable(): Float32Array {
  if (bf16Table) return bf16Table;
  const u = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) u[h] = h << 16;
  bf16Table = new Float32Array(u.buffer);
  return bf16Table;
}

export function bf16BitsToF32(b: number): number {
  scratchU[0] = (b & 0xffff) << 16;
  return scratchF[0];
}

/** Rounds an f32 value to the nearest value representable in `dtype` (identity for F32). */
export function roundToDtype(v: number, dtype: FloatDtype): number {
  if (dtype === 'F16') return f16BitsToF32(f32ToF16Bits(v));
  if (dtype === 'BF16') return bf16BitsToF32(f32ToBf16Bits(v));
  return Math.fround(v);
}

/**
 * Typed-array views need aligned offsets; file reads can land anywhere, so copy when misaligned. (The copy
 * uses the Uint8Array constructor: a Node Buffer's slice() would return a view, not a copy.)
 */
export function aligned(bytes: Uint8Array, align: number): Uint8Array {
  return bytes.byteOffset % align === 0 ? bytes : new Uint8Array(bytes);
}

/** Decodes little-endian tensor bytes into f32 (`out` reused when large enough). */
export function decodeToF32(dtype: Dtype, bytes: Uint8Array, out?: Float32Array): Float32Array {
  const n = bytes.byteLength / DTYPE_BYTES[dtype];
  const dst = out && out.length >= n ? out.subarray(0, n) : new Float32Array(n);
  switch (dtype) {
    case 'F32': {
      const b = aligned(bytes, 4);
      dst.set(new Float32Array(b.buffer, b.byteOffset, n));
      break;
    }
    case 'F16': {
      const b = aligned(bytes, 2);
      const src = new Uint16Array(b.buffer, b.byteOffset, n);
      const t = halfTable();
      for (let i = 0; i < n; i++) dst[i] = t[src[i]];
      break;
    }
    case 'BF16': {
      const b = aligned(bytes, 2);
      const src = new Uint16Array(b.buffer, b.byteOffset, n);
      const u = new Uint32Array(dst.buffer, dst.byteOffset, n);
      for (let i = 0; i < n; i++) u[i] = src[i] << 16;
      break;
    }
    case 'I8': {
      const src = new Int8Array(bytes.buffer, bytes.byteOffset, n);
      for (let i = 0; i < n; i++) dst[i] = src[i];
      break;
    }
    case 'U8':
      for (let i = 0; i < n; i++) dst[i] = bytes[i];
      break;
  }
  return dst;
}

/** Encodes f32 values into a float dtype's little-endian bytes. */
export function encodeFromF32(dtype: Dtype, src: Float32Array): Uint8Array {
  const n = src.length;
  switch (dtype) {
    case 'F32':
      return new Uint8Array(src.buffer.slice(src.byteOffset, src.byteOffset + n * 4));
    case 'F16': {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = f32ToF16Bits(src[i]);
      return new Uint8Array(out.buffer);
    }
    case 'BF16': {
      const out = new Uint16Array(n);
      const u = new Uint32Array(src.buffer, src.byteOffset, n);
      for (let i = 0; i < n; i++) {
        const x = u[i];
        out[i] = (x & 0x7fffffff) > 0x7f800000 ? (x >>> 16) | 0x40 : (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
      }
      return new Uint8Array(out.buffer);
    }
    default:
      throw new UnsupportedDtypeError(`cannot write edited values as ${dtype}: only F32, F16 and BF16 tensors are editable`);
  }
}
