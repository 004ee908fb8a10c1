// Survival analysis on a constructed edit whose every count was worked out by hand (values in the comments).
import { describe, expect, it } from 'vitest';
import { NF4_CODE } from './quant4';
import { mergeCounts, emptyCounts, ratioBin, summarize, SurvivalCounter } from './survival';

describe('NF4 survival of an edit', () => {
  // Block 0 (absmax 1): [1] 0.5 -> 0.51 crosses the 0.5017 threshold (code 12 -> 13);
  //                     [2] 0.1 -> 0.1001 stays in code 8.
  // Block 1: [64] 1.0 -> 1.2 moves the absmax; still code 15 but dequantizes differently;
  //          [66] 0.3 untouched: code 11 under absmax 1, 0.3/1.2 = 0.25 -> code 10 (collateral flip);
  //          [65] 0.5 untouched: 0.5/1.2 = 0.4167 keeps code 12.
  const base = new Float32Array(128);
  base.set([1, 0.5, 0.1]);
  base.set([1, 0.5, 0.3], 64);
  const edited = base.slice();
  edited[1] = 0.51;
  edited[2] = 0.1001;
  edited[64] = 1.2;

  it('counts code flips, dequantized changes and the absmax side effect', () => {
    const c = new SurvivalCounter('nf4');
    c.add(base.subarray(0, 64), edited.subarray(0, 64));
    c.add(base.subarray(64), edited.subarray(64));
    const s = summarize(c.counts);
    expect(s).toMatchObject({ params: 128, changed: 3, codeChanged: 1, dequantChanged: 2, blocks: 2, blocksWithChanges: 2, absmaxMoved: 1, collateralCodeChanges: 1 });
    expect(s.codeSurvival).toBeCloseTo(1 / 3);
    // |delta| / (gap x absmax): 0.01/(0.5626-0.4407) = 0.082 -> [2^-4, 2^-3) = bin 7;
    // 0.0001/(0.1609-0.0796) = 0.0012 -> [2^-10, 2^-9) = bin 1; 0.2/(1-0.7230) = 0.72 -> [0.5, 1) = bin 10.
    const want = new Array(14).fill(0);
    want[7] = 1;
    want[1] = 1;
    want[10] = 1;
    expect(s.ratioHistogram).toEqual(want);
    expect(s.medianRatioAtLeast).toBe(2 ** -4);
    expect(0.01 / (NF4_CODE[13] - NF4_CODE[12])).toBeGreaterThan(2 ** -4);
  });

  it('gives the same counts whatever the (block-aligned) chunking, and merges', () => {
    const whole = new SurvivalCounter('nf4');
    whole.add(base, edited);
    const parts = new SurvivalCounter('nf4');
    parts.add(base.subarray(0, 64), edited.subarray(0, 64));
    parts.add(base.subarray(64), edited.subarray(64));
    expect(whole.counts).toEqual(parts.counts);
    const total = emptyCounts();
    mergeCounts(total, whole.counts);
    mergeCounts(total, parts.counts);
    expect(total.changed).toBe(6);
  });

  it('reports no survival figure for an unchanged tensor', () => {
    const c = new SurvivalCounter('fp4');
    c.add(base, base);
    expect(summarize(c.counts)).toMatchObject({ changed: 0, codeSurvival: null, blocksWithChanges: 0 });
  });

  it('bins ratios on powers of two', () => {
    expect(ratioBin(0)).toBe(0);
    expect(ratioBin(2 ** -10)).toBe(1);
    expect(ratioBin(0.99)).toBe(10);
    expect(ratioBin(1)).toBe(11);
    expect(ratioBin(100)).toBe(13);
    expect(ratioBin(Infinity)).toBe(13);
  });
});
