// fp16/bf16 <-> f32 conversions against known bit patterns.
import { describe, expect, it } from 'vitest';
import { bf16BitsToF32, f16BitsToF32, f32ToBf16Bits, f32ToF16Bits, decodeToF32, encodeFromF32 } from './dtypes';

describe('half precision', () => {
  it('encodes known f16 values with round-to-nearest-even', () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00);
    expect(f32ToF16Bits(0.1)).toBe(0x2e66);
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001);
    expect(f32ToF16Bits(2 ** -25)).toBe(0x0000);
    expect(f32ToF16Bits(1.5 * 2 ** -25)).toBe(0x0001);
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(f32ToF16Bits(-Infinity)).toBe(0xfc00);
  });

  it('round-trips every finite half exactly', () => {
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      expect(f32ToF16Bits(f16BitsToF32(h))).toBe(h);
    }
  });

  it('converts bf16 with rounding to nearest even', () => {
    expect(f32ToBf16Bits(1)).toBe(0x3f80);
    expect(f32ToBf16Bits(1 + 2 ** -8)).toBe(0x3f80);
    expect(f32ToBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(bf16BitsToF32(0xc0a0)).toBe(-5);
    const xs = Float32Array.from([0.3, -7.25, 1e-20, 3e38]);
    const back = decodeToF32('BF16', encodeFromF32('BF16', xs));
    xs.forEach((x, i) => expect(Math.abs(back[i] - x) / Math.abs(x)).toBeLessThan(2 ** -8));
  });

  it('decodes misaligned byte views', () => {
    const raw = new Uint8Array(7);
    raw.set(encodeFromF32('F16', Float32Array.from([1.5, -3])), 1);
    expect([...decodeToF32('F16', raw.subarray(1, 5))]).toEqual([1.5, -3]);
    // A Node Buffer's slice() is a view: the realignment must really copy.
    const buf = Buffer.alloc(9);
    buf.set(encodeFromF32('F32', Float32Array.from([2.5, -1])), 1);
    expect([...decodeToF32('F32', buf.subarray(1))]).toEqual([2.5, -1]);
  });
});
