// Bonferroni–Dunn against the published critical values and Demšar (2006)'s worked example.
import { describe, expect, it } from 'vitest';
import { bonferroniDunn, bonferroniDunnQ, computedBonferroniDunnQ } from './bonferroniDunn';
import { DEMSAR_METHODS, DEMSAR_PUBLISHED } from './fixtures/demsar2006';

describe('Bonferroni–Dunn', () => {
  it('q values: Demšar (2006) Table 5(b) / Siegel & Castellan, two-tailed, k − 1 comparisons', () => {
    // Siegel & Castellan (1988) table of z for #c comparisons, two-tailed α = 0.05 and 0.10 columns, #c = 1..9
    const published05 = [1.96, 2.241, 2.394, 2.498, 2.576, 2.638, 2.69, 2.734, 2.773];
    const published10 = [1.645, 1.96, 2.128, 2.241, 2.326, 2.394, 2.45, 2.498, 2.539];
    published05.forEach((q, i) => {
      expect(bonferroniDunnQ(i + 2, 0.05)).toBe(q);
      expect(computedBonferroniDunnQ(i + 2, 0.05)).toBeCloseTo(q, 2);
    });
    published10.forEach((q, i) => expect(computedBonferroniDunnQ(i + 2, 0.1)).toBeCloseTo(q, 2));
    // Siegel & Castellan go on: #c = 10, 11 → 2.807, 2.838 (α = 0.05): computed beyond the typed-in table
    expect(bonferroniDunnQ(11, 0.05)).toBeCloseTo(2.807, 3);
    expect(bonferroniDunnQ(12, 0.05)).toBeCloseTo(2.838, 3);
  });

  it("Demšar §3.2.4: control C4.5+m+cf, k = 4, N = 14 → CD = 2.394·√(20/84); only C4.5 differs at α = 0.05", () => {
    const r = bonferroniDunn(DEMSAR_METHODS, DEMSAR_PUBLISHED.avgRanks, DEMSAR_PUBLISHED.n, 'C4.5+m+cf', 0.05);
    expect(r.q).toBe(2.394);
    expect(r.cd).toBeCloseTo(1.168, 3);
    expect(r.versus.map((v) => [v.method, v.significant])).toEqual([['C4.5', true], ['C4.5+m', false], ['C4.5+cf', false]]);
    expect(r.versus[0].rankDiff).toBeCloseTo(3.143 - 1.964, 12);
    const r10 = bonferroniDunn(DEMSAR_METHODS, DEMSAR_PUBLISHED.avgRanks, DEMSAR_PUBLISHED.n, 'C4.5+m+cf', 0.1);
    expect(r10.cd).toBeCloseTo(1.038, 3); // 2.128·√(20/84)
    expect(r10.versus.filter((v) => v.significant).map((v) => v.method)).toEqual(['C4.5']);
  });

  it('names an unknown control', () => {
    expect(() => bonferroniDunn(DEMSAR_METHODS, DEMSAR_PUBLISHED.avgRanks, 14, 'C5.0')).toThrow(/control "C5.0" is not one of/);
  });
});
