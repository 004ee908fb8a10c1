// NF4/FP4 codes against blocks computed by hand from the bitsandbytes tables and CUDA decision trees.
import { describe, expect, it } from 'vitest';
import { createDynamicMap, doubleDequantize, doubleQuantize, quantize8bitDynamic } from './dynamicMap';
import { EditsError, QuantBlocksizeError } from './errors';
import { codeAt, dequantize4bit, FP4_CODE, NF4_CODE, NF4_THRESHOLDS, quantize4bit, quantizeFp4, quantizeNf4 } from './quant4';

describe('NF4', () => {
  it('uses the CUDA dQuantizeNF4 thresholds (midpoints of the code table)', () => {
    // Literals of bitsandbytes csrc/kernels.cu dQuantizeNF4, ascending.
    const cuda = [-0.8480964004993439, -0.6106329262256622, -0.4599952697753906, -0.33967943489551544, -0.23460740596055984,
      -0.13791173323988914, -0.045525018125772476, 0.03979014977812767, 0.1202552504837513, 0.2035212516784668,
      0.2920137718319893, 0.3893125355243683, 0.5016634166240692, 0.6427869200706482, 0.8614784181118011];
    expect(NF4_THRESHOLDS).toEqual(cuda.map(Math.fround));
  });

  it('quantizes a hand-computed block (absmax 2)', () => {
    const block = new Float32Array(64);
    block.set([2.0, 1.0, -1.0, 0.08, 0.0795, 0, -2.0, 0.6]);
    // normalised: 1, .5, -.5, .04, .03975, 0, -1, .3
    const want = [15, 12, 2, 8, 7, 7, 0, 11];
    const q = quantize4bit(block, 'nf4');
    expect(q.absmax[0]).toBe(2);
    expect(want.map((_, i) => codeAt(q, i))).toEqual(want);
    expect(codeAt(q, 63)).toBe(7);
    expect(q.packed[0]).toBe(0xfc);
    expect(q.packed[1]).toBe(0x28);
    const deq = dequantize4bit(q);
    expect(deq[1]).toBe(Math.fround(NF4_CODE[12] * 2));
    expect(deq[7]).toBe(Math.fround(NF4_CODE[11] * 2));
  });

  it('breaks ties towards the lower code, like x > threshold in CUDA', () => {
    expect(quantizeNf4(NF4_THRESHOLDS[7])).toBe(7);
    expect(quantizeNf4(Math.fround(NF4_THRESHOLDS[7] + 1e-7))).toBe(8);
    expect(quantizeNf4(NaN)).toBe(0);
  });

  it('handles a short last block and an all-zero block as bitsandbytes does', () => {
    const data = new Float32Array(70);
    data[64] = -3;
    data[65] = 1.5;
    const q = quantize4bit(data, 'nf4');
    expect([...q.absmax]).toEqual([0, 3]);
    expect(codeAt(q, 0)).toBe(0);
    expect(dequantize4bit(q)[0]).toBe(-0);
    expect(codeAt(q, 64)).toBe(0);
    expect(codeAt(q, 65)).toBe(12);
    expect(codeAt(q, 69)).toBe(7);
  });
});

describe('FP4', () => {
  it('has the bitsandbytes e2m1 table (its f32 literals, close to [0, 0.0625, 8, 12, 4, 6, 2, 3] / 12)', () => {
    const e2m1 = [0, 0.0625, 8, 12, 4, 6, 2, 3, -0, -0.0625, -8, -12, -4, -6, -2, -3];
    FP4_CODE.forEach((v, i) => {
      expect(v).toBe(Math.fround(e2m1[i] / 12));
      expect(Object.is(v, -0)).toBe(Object.is(e2m1[i], -0));
    });
  });

  it('quantizes a hand-computed block (absmax 12)', () => {
    const block = new Float32Array(64);
    block.set([12, 3, -6, 0.03, 0.032, 7, -0.5, 5]);
    // normalised (x * f32(1/12)): 1 -> 0b0011; .25 -> 0b0111 (3/12); -.5 -> sign|0b101; .0025 -> 0b000;
    // .00267 -> 0b001; 7/12 = .58333337 > the kernel's 0.583333f pivot -> 0b010 (8/12), not a tie;
    // -.0417 -> sign|0b001; 5/12 = .41666668 is not > the 0.4166667f pivot -> 0b100 (4/12).
    const want = [0b0011, 0b0111, 0b1101, 0b0000, 0b0001, 0b0010, 0b1001, 0b0100];
    const q = quantize4bit(block, 'fp4');
    expect(want.map((_, i) => codeAt(q, i))).toEqual(want);
    expect(dequantize4bit(q)[5]).toBe(8);
  });

  it('dequantizes bit for bit as bitsandbytes: f32(lut literal) * absmax in f32', () => {
    // Independent reference: the kernel's fp4_dequantization_lut (csrc kernels.cu / cpu_ops.cpp literals,
    // indexed by the 3 magnitude bits), times the f32 absmax, rounded to f32; bit 3 flips the sign.
    const lut = [0.0, 0.005208333333, 0.66666667, 1.0, 0.33333333, 0.5, 0.16666667, 0.25].map(Math.fround);
    const reference = (code: number, absmax: number) => Math.fround(Math.fround(lut[code & 7] * (code & 8 ? -1 : 1)) * absmax);
    // Hand-checked: f32(0.66666667) = 11184811·2^-24; · 2.5 = 27962027.5·2^-24, rounded to the 2^-23 grid
    // = 13981014·2^-23 = 1.6666667461…, where (8/12)·2.5 rounded once gives 13981013·2^-23 = 1.6666666269….
    const q = quantize4bit(Float32Array.from([2.5, 1.6666666, -0.4166666, 0.013]), 'fp4', 4);
    expect([0, 1, 2, 3].map((i) => codeAt(q, i))).toEqual([0b0011, 0b0010, 0b1110, 0b0001]);
    const d = dequantize4bit(q);
    expect(d[1]).toBe(13981014 * 2 ** -23);
    expect(d[2]).toBe(-Math.fround(0.4166666865348816));
    expect(d[3]).toBe(Math.fround(0.01302083395421505));
    // Every code against many f32 absmax values.
    const blocks = 4096;
    const data = new Float32Array(blocks * 16);
    for (let b = 0; b < blocks; b++) {
      const absmax = Math.fround(1e-3 + ((b * 7919) % 10007) / 997);
      data[b * 16] = absmax;
      for (let j = 1; j < 16; j++) data[b * 16 + j] = Math.fround(absmax * FP4_CODE[j] * (1 + 0.01 * Math.sin(b + j)));
    }
    const qq = quantize4bit(data, 'fp4', 16);
    const got = dequantize4bit(qq);
    let mismatches = 0;
    for (let i = 0; i < data.length; i++) if (!Object.is(got[i], reference(codeAt(qq, i), qq.absmax[i >> 4]))) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('puts -0 and tiny negatives on the right side', () => {
    expect(quantizeFp4(-0)).toBe(0);
    expect(quantizeFp4(-0.001)).toBe(8);
    expect(quantizeFp4(-1)).toBe(0b1011);
  });
});

describe('double quantization', () => {
  it('builds the 256-entry signed dynamic map', () => {
    const m = createDynamicMap();
    expect(m.length).toBe(256);
    expect(m[0]).toBeCloseTo(-0.99296875, 6);
    expect(m[255]).toBe(1);
    expect(m.includes(0)).toBe(true);
    expect(m[128]).toBe(Math.fround(Math.fround(1e-6) * Math.fround(0.55)));
    for (let i = 1; i < 256; i++) expect(m[i]).toBeGreaterThan(m[i - 1]);
    for (let i = 0; i < 127; i++) expect(m[i]).toBe(-m[254 - i]);
  });

  it('maps map entries to themselves and midpoints by the CUDA rule', () => {
    const m = createDynamicMap();
    for (const i of [0, 1, 64, 127, 128, 200, 255]) expect(quantize8bitDynamic(m, m[i])).toBe(i);
    const mid = Math.fround((m[200] + m[201]) / 2);
    expect(quantize8bitDynamic(m, Math.fround(mid + 1e-6))).toBe(201);
    expect(quantize8bitDynamic(m, Math.fround(mid - 1e-6))).toBe(200);
  });

  it('reconstructs absmax within the 8-bit dynamic map resolution', () => {
    const absmax = Float32Array.from({ length: 600 }, (_, i) => 0.01 + 0.001 * ((i * 37) % 101));
    const back = doubleDequantize(doubleQuantize(absmax));
    let worst = 0;
    absmax.forEach((v, i) => (worst = Math.max(worst, Math.abs(back[i] - v))));
    expect(worst).toBeLessThan(0.05 * 0.05);
    expect(worst).toBeGreaterThan(0);
  });
});

describe('bad block sizes (issue #20 bad input)', () => {
  it('are a named QuantBlocksizeError with a remedy, for 4-bit blocks and double-quantization blocks', () => {
    const data = new Float32Array([1, -2, 3, 4]);
    for (const bs of [0, -64, 63, 1, 64.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const e = (() => { try { quantize4bit(data, 'nf4', bs); } catch (err) { return err; } return null; })();
      expect(e, `blocksize ${bs}`).toBeInstanceOf(QuantBlocksizeError);
      expect(e).toBeInstanceOf(EditsError);
      expect((e as QuantBlocksizeError).blocksize).toBe(bs);
      expect((e as Error).message).toMatch(/even integer >= 2.*bitsandbytes' 64/);
    }
    expect(() => quantize4bit(data, 'fp4', 2)).not.toThrow();
    for (const bs of [0, -1, 2.5, Number.NaN]) expect(() => doubleQuantize(data, bs), `blocksize ${bs}`).toThrow(QuantBlocksizeError);
    // An odd size is fine for the 8-bit absmax level (one code per byte); a size that does not divide gives a short last block.
    const dq = doubleQuantize(new Float32Array([1, 2, 3, 4, 5]), 3);
    expect(dq.absmax2.length).toBe(2);
  });
});
