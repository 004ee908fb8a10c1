// MANSU building blocks: Fisher gating, covariance null-space projection (both weight layouts), and the
// magnitude floor making tiny updates cross an NF4 threshold, verified by the survival counter.
import { describe, expect, it } from 'vitest';
import { decodeToF32, encodeFromF32, roundToDtype } from './dtypes';
import { accumulateFirstAxis, applyFirstAxis, applyFisher, clearResidue, applyMagnitudeFloor, emptyFloorStats, nextInDtype, projectRowsLastAxis } from './mansu';
import { SurvivalCounter, summarize } from './survival';

function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
}

describe('Fisher gating', () => {
  it('zeros high-Fisher directions or shrinks by 1/(1+lambda F)', () => {
    const d = Float32Array.from([1, 1, 1, 0]);
    expect(applyFisher(d, Float32Array.from([0.1, 5, 2, 9]), { mode: 'zero', threshold: 1 })).toBe(2);
    expect([...d]).toEqual([1, 0, 0, 0]);
    const w = Float32Array.from([2, 2]);
    applyFisher(w, Float32Array.from([0, 1]), { mode: 'downweight', lambda: 3 });
    expect([...w]).toEqual([2, 0.5]);
  });
});

describe('covariance null-space projection', () => {
  // U spans e0 and (e1+e2)/sqrt2 in R^4.
  const k = 2;
  const u = Float64Array.from([1, 0, 0, Math.SQRT1_2, 0, Math.SQRT1_2, 0, 0]);
  it('removes the retain subspace from rows ([out, in] layout)', () => {
    const d = Float32Array.from([3, 1, 2, 5, /* row 2 */ 1, 1, 1, 1]);
    projectRowsLastAxis(d, 4, u, k);
    expect([...d].map((v) => Math.round(v * 1e6) / 1e6 + 0)).toEqual([0, -0.5, 0.5, 5, 0, 0, 0, 1]);
  });
  it('removes it from columns in two passes ([in, out] Conv1D layout), chunked by rows', () => {
    const cols = 3;
    const d = Float32Array.from({ length: 12 }, (_, i) => i + 1);
    const acc = new Float64Array(k * cols);
    accumulateFirstAxis(d.subarray(0, 6), 0, cols, u, k, acc);
    accumulateFirstAxis(d.subarray(6), 2, cols, u, k, acc);
    applyFirstAxis(d.subarray(0, 6), 0, cols, u, k, acc);
    applyFirstAxis(d.subarray(6), 2, cols, u, k, acc);
    // each column (x0,x1,x2,x3) -> (0, (x1-x2)/2, (x2-x1)/2, x3)
    expect([...d].map((v) => Math.round(v * 1e5) / 1e5 + 0)).toEqual([0, 0, 0, -1.5, -1.5, -1.5, 1.5, 1.5, 1.5, 10, 11, 12]);
  });
});

describe('projection residue', () => {
  it('clears entries at rounding-noise level relative to the pre-projection maximum', () => {
    const d = Float64Array.from([1e-9, -2e-7, 0.3, 6e-7]);
    expect(clearResidue(d, 0.5)).toBe(2);
    expect([...d]).toEqual([0, 0, 0.3, 6e-7]);
  });
});

describe('magnitude floor', () => {
  it('steps to the next representable value of each dtype', () => {
    expect(nextInDtype(1, 1, 'F16')).toBe(1 + 2 ** -10);
    expect(nextInDtype(1, -1, 'BF16')).toBe(1 - 2 ** -8);
    expect(nextInDtype(0, -1, 'F16')).toBe(-(2 ** -24));
    expect(nextInDtype(-2, 1, 'F32')).toBe(-2 + 2 ** -23);
  });

  for (const dtype of ['F16', 'BF16', 'F32'] as const) {
    it(`makes every non-saturated tiny update survive NF4 in ${dtype}`, () => {
      const r = rng(11);
      const n = 64 * 40;
      const base = decodeToF32(dtype, encodeFromF32(dtype, Float32Array.from({ length: n }, () => r() * 0.1)));
      const delta = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? (r() > 0 ? 1e-5 : -1e-5) : 0));
      const out = base.map((b, i) => roundToDtype(b + delta[i], dtype));
      const before = new SurvivalCounter('nf4');
      before.add(base, Float32Array.from(base, (b, i) => b + delta[i]));
      const stats = emptyFloorStats();
      applyMagnitudeFloor(base, delta, out, dtype, 'nf4', 64, stats);
      const after = new SurvivalCounter('nf4');
      after.add(base, out);
      expect(stats.kept).toBe(Math.ceil(n / 3));
      expect(stats.failed).toBe(0);
      expect(stats.floored).toBeGreaterThan(stats.kept * 0.9);
      const sumBefore = summarize(before.counts);
      const sumAfter = summarize(after.counts);
      expect(sumBefore.codeSurvival).toBeLessThan(0.05);
      expect(after.counts.codeChanged).toBe(stats.kept - stats.saturated);
      // Saturated entries (base already at the extreme code) are the only ones allowed not to flip.
      expect(sumAfter.codeSurvival).toBeGreaterThanOrEqual((stats.kept - stats.saturated) / stats.kept);
      expect(stats.saturated).toBeLessThan(stats.kept * 0.3);
      for (let i = 0; i < n; i++) {
        if (delta[i] === 0) expect(out[i]).toBe(base[i]);
        else if (out[i] !== base[i]) expect(Math.sign(out[i] - base[i])).toBe(Math.sign(delta[i]));
      }
    });
  }

  it('counts saturated entries (already at the top code) instead of failing', () => {
    const base = new Float32Array(64);
    base[0] = 1;
    base[1] = 0.2;
    const delta = new Float32Array(64);
    delta[0] = 1e-4;
    const stats = emptyFloorStats();
    applyMagnitudeFloor(base, delta, Float32Array.from(base, (b, i) => b + delta[i]), 'F32', 'fp4', 64, stats);
    expect(stats).toEqual({ kept: 1, floored: 0, saturated: 1, failed: 0 });
  });
});
