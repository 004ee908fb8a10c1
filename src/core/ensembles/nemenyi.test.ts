// Nemenyi q table and CD against Demšar (2006) and the quadrature against scipy's studentized_range.
import { describe, expect, it } from 'vitest';
import { DEMSAR_PUBLISHED } from './fixtures/demsar2006';
import { computedNemenyiQ, nemenyiCd, nemenyiQ } from './nemenyi';

describe('Nemenyi', () => {
  it('gives CD = 1.25 for k = 4, N = 14, α = 0.05 (Demšar 2006 §3.2.4)', () => {
    const r = nemenyiCd(4, DEMSAR_PUBLISHED.n, 0.05);
    expect(r.q).toBe(2.569);
    expect(r.cd).toBeCloseTo(DEMSAR_PUBLISHED.cd05, 2);
    expect(r.qSource).toBe('demsar2006-table5a');
  });

  it('α = 0.10, k = 4, N = 14 gives CD = 2.291·√(20/84) = 1.118 (paper: 1.12)', () => {
    expect(nemenyiCd(4, 14, 0.1).cd).toBeCloseTo(1.118, 3);
  });

  it('the quadrature agrees with the typed table within its last digit for k = 2..10 (the paper truncates, e.g. 2.343 vs 2.3437)', () => {
    for (let k = 2; k <= 10; k++) {
      expect(Math.abs(computedNemenyiQ(k, 0.05) - nemenyiQ(k, 0.05))).toBeLessThan(1e-3);
      expect(Math.abs(computedNemenyiQ(k, 0.1) - nemenyiQ(k, 0.1))).toBeLessThan(1e-3);
    }
  });

  it('extends beyond k = 10 with scipy studentized_range.ppf(1−α, k, ∞)/√2', () => {
    expect(nemenyiQ(12, 0.05)).toBeCloseTo(3.268, 3);
    expect(nemenyiQ(15, 0.05)).toBeCloseTo(3.3912, 3);
    expect(nemenyiQ(20, 0.1)).toBeCloseTo(3.3192, 3);
    expect(nemenyiCd(12, 30).qSource).toBe('computed');
  });

  it('rejects unsupported α and k', () => {
    expect(() => nemenyiQ(4, 0.01 as 0.05)).toThrow(/0.05 or 0.10/);
    expect(() => nemenyiQ(1, 0.05)).toThrow(/k ≥ 2/);
  });
});
