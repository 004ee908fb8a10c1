// Special functions against scipy 1.17 (scipy.special / scipy.stats), values computed independently.
import { describe, expect, it } from 'vitest';
import { betaInc, chiSquareSf, fSf, gammaQ, lnGamma, normalCdf } from './special';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('special functions', () => {
  it('lnGamma matches scipy.special.gammaln', () => {
    const cases: [number, number][] = [[0.1, 2.252712651734206], [1, 0], [4.5, 2.4537365708424423], [100, 359.1342053695754]];
    for (const [x, want] of cases) expect(lnGamma(x)).toBeCloseTo(want, 11);
  });

  it('gammaQ matches scipy.special.gammaincc on both branches and a far tail', () => {
    const cases: [number, number, number][] = [
      [0.5, 0.1, 0.6547208460185768], [3, 2.5, 0.5438131158833297], [10, 25, 0.0002214766382487835], [1.5, 40, 3.0692774861724164e-17],
    ];
    for (const [a, x, want] of cases) expect(rel(gammaQ(a, x), want)).toBeLessThan(1e-9);
  });

  it('betaInc matches scipy.special.betainc', () => {
    const cases: [number, number, number, number][] = [
      [2, 3, 0.4, 0.5248], [19.5, 1.5, 0.9, 0.24462385424887648], [0.5, 0.5, 0.2, 0.2951672353008665], [50, 60, 0.45, 0.4642352914306031],
    ];
    for (const [a, b, x, want] of cases) expect(rel(betaInc(x, a, b), want)).toBeLessThan(1e-9);
  });

  it('χ² upper tail matches scipy.stats.chi2.sf (Demšar: χ²=9.28, df=3)', () => {
    const cases: [number, number, number][] = [[9.28, 3, 0.025790724198756772], [3.84, 1, 0.05004352124870519], [100, 50, 3.454931382984871e-5], [0.5, 10, 0.999993388289439]];
    for (const [x, df, want] of cases) expect(rel(chiSquareSf(x, df), want)).toBeLessThan(1e-9);
  });

  it('F upper tail matches scipy.stats.f.sf (Demšar: F_F=3.69 with (3, 39) df)', () => {
    const cases: [number, number, number, number][] = [[3.69, 3, 39, 0.01974409968948888], [2.5, 5, 100, 0.035448249450217885], [10, 1, 2, 0.08712907082472314], [0.3, 4, 12, 0.8723688009922015]];
    for (const [x, a, b, want] of cases) expect(rel(fSf(x, a, b), want)).toBeLessThan(1e-9);
  });

  it('normalCdf matches scipy.stats.norm.cdf including a far tail', () => {
    const cases: [number, number][] = [[-6, 9.865876450376946e-10], [-1.96, 0.024997895148220435], [0, 0.5], [0.5, 0.6914624612740131], [3, 0.9986501019683699]];
    for (const [z, want] of cases) expect(rel(normalCdf(z), want)).toBeLessThan(1e-9);
  });

  it('rejects arguments outside the domain with a message', () => {
    expect(() => betaInc(1.5, 1, 1)).toThrow(/x in \[0, 1\]/);
    expect(() => gammaQ(0, 1)).toThrow(/a > 0/);
  });
});
