// Ranks, Friedman and Iman–Davenport against Demšar (2006)'s worked example (published numbers and scipy).
import { describe, expect, it } from 'vitest';
import { DEMSAR_PUBLISHED, DEMSAR_TABLE } from './fixtures/demsar2006';
import { averageRanks, friedman, friedmanFromAverageRanks, rankRows } from './ranking';

describe('rankRows', () => {
  it('averages tied ranks and respects the direction', () => {
    expect(rankRows([[0.9, 0.7, 0.9, 0.5]], 'higher')).toEqual([[1.5, 3, 1.5, 4]]);
    expect(rankRows([[0.9, 0.7, 0.9, 0.5]], 'lower')).toEqual([[3.5, 2, 3.5, 1]]);
    expect(rankRows([[1, 1, 1]], 'higher')).toEqual([[2, 2, 2]]);
  });

  it('names the offending cell for a NaN score', () => {
    expect(() => rankRows([[1, 2], [3, NaN]], 'higher')).toThrow(/dataset 1, method 1/);
  });
});

describe('Friedman / Iman–Davenport', () => {
  it('reproduces Demšar 2006: χ²_F = 9.28, F_F = 3.69 from the published average ranks', () => {
    const r = friedmanFromAverageRanks(DEMSAR_PUBLISHED.avgRanks, DEMSAR_PUBLISHED.n);
    expect(r.chiSquare).toBeCloseTo(DEMSAR_PUBLISHED.chiSquare, 1);
    expect(r.imanDavenport).toBeCloseTo(DEMSAR_PUBLISHED.imanDavenport, 1);
    expect(r.imanDavenportDf).toEqual([3, 39]);
    // p-values: scipy chi2.sf(9.28, 3), f.sf(3.69, 3, 39) at the paper's rounded statistics, ±rounding of the ranks
    expect(r.pChiSquare).toBeCloseTo(0.0258, 3);
    expect(r.pImanDavenport).toBeCloseTo(0.0197, 3);
  });

  it('reproduces the paper from its score table (values from scipy rankdata + chi2.sf / f.sf on the same table)', () => {
    const r = friedman(DEMSAR_TABLE, 'higher');
    const want = [3.142857142857143, 2, 2.892857142857143, 1.9642857142857142];
    r.avgRanks.forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
    r.avgRanks.forEach((v, i) => expect(v).toBeCloseTo(DEMSAR_PUBLISHED.avgRanks[i], 3));
    expect(r.chiSquare).toBeCloseTo(9.278571428571437, 10);
    expect(r.imanDavenport).toBeCloseTo(3.686313032089068, 10);
    expect(r.pChiSquare).toBeCloseTo(0.025807496707063185, 12);
    expect(r.pImanDavenport).toBeCloseTo(0.019823006192249054, 12);
  });

  // scipy/stats/tests/test_stats.py, test_friedmanchisquare (scipy main 2026-08-22, 3dbf660a): x1 is Demšar's
  // table (with 0.9751), x2 from "Bioestadistica para las ciencias de la salud"; friedmanchisquare applies the tie
  // correction C = 1 − Σ(t³ − t)/(N k (k² − 1)).
  it('with tieCorrection matches scipy.stats.friedmanchisquare on Demšar\'s table: 10.2283464566929, p 0.0167215803284414', () => {
    const r = friedman(DEMSAR_TABLE, 'higher', { tieCorrection: true });
    expect(r.tieCorrection).toBeCloseTo(1 - 78 / 840, 14);
    expect(r.chiSquare).toBeCloseTo(10.2283464566929, 10);
    expect(r.pChiSquare).toBeCloseTo(0.0167215803284414, 12);
    expect(friedman(DEMSAR_TABLE, 'higher').tieCorrection).toBe(1);
  });

  it('with tieCorrection matches scipy on a heavily tied table: 18.9428571428571, p 0.000280938375189499', () => {
    const groups = [
      [4, 3, 5, 3, 5, 3, 2, 5, 4, 4, 4, 3],
      [2, 2, 1, 2, 3, 1, 2, 3, 2, 1, 1, 3],
      [2, 4, 3, 3, 4, 3, 3, 4, 4, 1, 2, 1],
      [3, 5, 4, 3, 4, 4, 3, 3, 3, 4, 4, 4],
    ];
    const table = groups[0].map((_, i) => groups.map((g) => g[i]));
    const r = friedman(table, 'lower', { tieCorrection: true });
    expect(r.chiSquare).toBeCloseTo(18.9428571428571, 10);
    expect(r.pChiSquare).toBeCloseTo(0.000280938375189499, 12);
  });

  it('is 0 when every dataset ranks the methods the same way in reverse halves', () => {
    const r = friedman([[1, 2], [2, 1]], 'higher');
    expect(r.chiSquare).toBe(0);
    expect(r.pChiSquare).toBe(1);
    expect(averageRanks(r.ranks)).toEqual([1.5, 1.5]);
  });

  it('gives F_F = ∞ and p = 0 when all datasets agree perfectly', () => {
    const r = friedman([[3, 2, 1], [3, 2, 1], [3, 2, 1]], 'higher');
    expect(r.chiSquare).toBeCloseTo(6, 12); // 12·3/(3·4)·(1+4+9 − 12) = 6
    expect(r.imanDavenport).toBe(Infinity);
    expect(r.pImanDavenport).toBe(0);
  });
});
