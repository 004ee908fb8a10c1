// The lookup tables must give exactly the decision trees' codes (quantizeNf4 / quantizeFp4) and the bin
// width of the original definition (gap between the code values bracketing x, nearest-code rule), on every
// threshold and code value, one f32 step either side of each, random values and the special inputs.
import { describe, expect, it } from 'vitest';
import { codeTable, FP4_THRESHOLDS, NF4_THRESHOLDS, quantizeValue, type QuantType } from './quant4';
import { CodeLookup } from './quantLookup';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The next f32 after x towards +Infinity (dir 1) or -Infinity (dir -1). */
function step(x: number, dir: 1 | -1): number {
  f32[0] = x;
  if (x === 0) return dir * 2 ** -149;
  u32[0] += (x > 0) === (dir > 0) ? 1 : -1;
  return f32[0];
}

/** Gap around x from the sorted code values and x's own code (the pre-lookup definition). */
function referenceGap(type: QuantType, x: number): number {
  const table = codeTable(type);
  const sorted = [...new Set(table.map((v) => (v === 0 ? 0 : v)))].sort((a, b) => a - b);
  const v = table[quantizeValue(type, x)];
  const p = sorted.indexOf(v === 0 ? 0 : v);
  const k = x > sorted[p] ? Math.min(p, sorted.length - 2) : Math.max(p - 1, 0);
  return sorted[k + 1] - sorted[k];
}

describe.each(['nf4', 'fp4'] as const)('%s lookup', (type) => {
  const lut = new CodeLookup(type);
  const thresholds = type === 'nf4' ? NF4_THRESHOLDS : FP4_THRESHOLDS.flatMap((t) => [t, -t]);
  const points = [...thresholds, ...codeTable(type), -1, 1, 0.5, -0.5];
  const probes = [...points.flatMap((p) => [p, step(p, 1), step(p, -1)].map(Math.fround)), -0, 0, step(1, 1), step(-1, -1)];
  let seed = 7;
  for (let i = 0; i < 20000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    probes.push(Math.fround((seed / 2 ** 31 - 1) * 1.0000001));
  }

  it('codes like the decision tree on thresholds, code values, their f32 neighbours and random values', () => {
    const wrong = probes.filter((x) => lut.code(x) !== quantizeValue(type, x));
    expect(wrong).toEqual([]);
  });

  it('gives the bin width of the nearest-code definition', () => {
    const wrong = probes.filter((x) => lut.gap(x) !== referenceGap(type, x));
    expect(wrong).toEqual([]);
  });

  it('codes NaN and the infinities as the tree does', () => {
    for (const x of [NaN, Infinity, -Infinity]) expect(lut.code(x)).toBe(quantizeValue(type, x));
    expect(Number.isFinite(lut.gap(NaN))).toBe(true);
  });
});
