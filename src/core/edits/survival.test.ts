// Survival analysis on a constructed edit whose every count was worked out by hand (values in the comments).
import { describe, expect, it } from 'vitest';
import { brainHalfTable, halfTable } from './dtypes';
import { codeTable, NF4_CODE, normalise, quantizeValue, type QuantType } from './quant4';
import { mergeCounts, emptyCounts, ratioBin, summarize, SurvivalCounter, type SurvivalCounts } from './survival';

/** The definitions, element by element, with the decision-tree quantizers: what the fast counter must match. */
function referenceCounts(base: Float32Array, edited: Float32Array, changed: (i: number) => boolean, type: QuantType, bs: number): SurvivalCounts {
  const c = emptyCounts();
  const table = codeTable(type);
  const sorted = [...new Set(table.map((v) => (v === 0 ? 0 : v)))].sort((a, b) => a - b);
  c.params = base.length;
  for (let s = 0; s < base.length; s += bs) {
    const e = Math.min(base.length, s + bs);
    c.blocks++;
    let any = false;
    let amB = 0;
    let amE = 0;
    for (let i = s; i < e; i++) {
      any ||= changed(i);
      amB = Math.max(amB, Math.abs(base[i]));
      amE = Math.max(amE, Math.abs(edited[i]));
    }
    if (!any) continue;
    c.blocksWithChanges++;
    if (amB !== amE) c.absmaxMoved++;
    for (let i = s; i < e; i++) {
      const xb = normalise(base[i], amB);
      const cb = quantizeValue(type, xb);
      const ce = quantizeValue(type, normalise(edited[i], amE));
      if (!changed(i)) {
        if (amB !== amE && cb !== ce) c.collateralCodeChanges++;
        continue;
      }
      c.changed++;
      if (cb !== ce) c.codeChanged++;
      if (Math.fround(table[cb] * amB) !== Math.fround(table[ce] * amE)) c.dequantChanged++;
      const p = sorted.indexOf(table[cb] === 0 ? 0 : table[cb]);
      const k = xb > sorted[p] ? Math.min(p, sorted.length - 2) : Math.max(p - 1, 0);
      c.ratioHistogram[ratioBin(Math.abs(edited[i] - base[i]) / ((sorted[k + 1] - sorted[k]) * amB))]++;
    }
  }
  return c;
}

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

describe('fast counter against the element-by-element definition', () => {
  // Half-precision weights, edits of every kind: sparse ulp nudges, every weight nudged (a dense fine-tune),
  // large moves that shift block maxima, sign flips (+0 -> -0 included), and all-zero blocks.
  const n = 1 << 14;
  let seed = 99;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const cases = ['sparse', 'dense', 'large', 'signs'].map((mode) => {
    const b = new Uint16Array(n);
    const e = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      b[i] = (i >> 8) % 5 === 0 ? 0 : 0x2000 + Math.floor(rnd() * 0x1800) + (rnd() < 0.5 ? 0x8000 : 0);
      const hit = mode === 'dense' || rnd() < 0.05;
      e[i] = !hit ? b[i] : mode === 'large' ? (b[i] + Math.floor(rnd() * 0x800)) & 0xffff : mode === 'signs' ? b[i] ^ 0x8000 : b[i] + 1 + Math.floor(rnd() * 3);
    }
    return { mode, b, e };
  });

  for (const type of ['nf4', 'fp4'] as const) {
    for (const bs of [64, 256]) {
      it(`${type}, block ${bs}: F16 and BF16 bits, and F32 values, count as the definition`, () => {
        for (const { mode, b, e } of cases) {
          for (const dtype of ['F16', 'BF16'] as const) {
            const t = dtype === 'F16' ? halfTable() : brainHalfTable();
            const fb = Float32Array.from(b, (x) => t[x]);
            const fe = Float32Array.from(e, (x) => t[x]);
            const want = referenceCounts(fb, fe, (i) => b[i] !== e[i], type, bs);
            const bits = new SurvivalCounter(type, bs);
            for (let s = 0; s < n; s += 4096) bits.addBits(b.subarray(s, s + 4096), e.subarray(s, s + 4096), dtype);
            expect(bits.counts, `${mode} ${dtype} bits`).toEqual(want);
            if (dtype === 'F16') {
              const vals = new SurvivalCounter(type, bs);
              vals.add(fb, fe);
              expect(vals.counts, `${mode} f32 values`).toEqual(referenceCounts(fb, fe, (i) => fb[i] !== fe[i], type, bs));
            }
          }
        }
      });
    }
  }
});
