// compareMethods end to end on Demšar (2006)'s worked example: every published number in one call.
import { describe, expect, it } from 'vitest';
import { compareMethods } from './comparison';
import { DEMSAR_METHODS, DEMSAR_PUBLISHED, DEMSAR_TABLE } from './fixtures/demsar2006';

const names = DEMSAR_TABLE.map((_, i) => `d${i}`);

describe('compareMethods', () => {
  const c = compareMethods('auc', DEMSAR_METHODS, names, DEMSAR_TABLE, { alpha: 0.05, cliqueTest: 'nemenyi' });

  it('gives χ²_F = 9.28, F_F = 3.69 with (3, 39) df and CD = 1.25', () => {
    expect(c.friedman.chiSquare).toBeCloseTo(DEMSAR_PUBLISHED.chiSquare, 2);
    expect(c.friedman.imanDavenport).toBeCloseTo(DEMSAR_PUBLISHED.imanDavenport, 2);
    expect([c.friedman.df1, c.friedman.df2]).toEqual([3, 39]);
    expect(c.nemenyi.cd).toBeCloseTo(DEMSAR_PUBLISHED.cd05, 2);
  });

  it('at α = 0.05 the Nemenyi test separates nothing: one group of all four (as in the paper)', () => {
    expect(c.cliques).toEqual([['C4.5+m+cf', 'C4.5+m', 'C4.5+cf', 'C4.5']]);
  });

  it('runs all 6 pairwise Wilcoxon tests with Holm-adjusted p ≥ raw p', () => {
    expect(c.wilcoxon).toHaveLength(6);
    for (const w of c.wilcoxon) expect(w.pHolm).toBeGreaterThanOrEqual(w.p);
    expect(c.bonferroniDunn).toBeNull();
    expect(c.friedman.tieCorrection).toBe(1);
  });

  it('passes the statistics options through: Wilcoxon zero method / correction, Friedman ties, Bonferroni–Dunn control', () => {
    const withCorrection = compareMethods('auc', DEMSAR_METHODS, names, DEMSAR_TABLE, { alpha: 0.05, cliqueTest: 'nemenyi', wilcoxon: { correction: true } });
    // scipy.stats.wilcoxon(C4.5, C4.5+m, correction=True): 2 zeros dropped, tie at |0.005| → normal approximation
    expect(withCorrection.wilcoxon.find((w) => w.a === 'C4.5' && w.b === 'C4.5+m')?.p).toBeCloseTo(0.012030358470209076, 10);
    const o = compareMethods('auc', DEMSAR_METHODS, names, DEMSAR_TABLE, {
      alpha: 0.05, cliqueTest: 'nemenyi', wilcoxon: { zeroMethod: 'zsplit' }, friedmanTieCorrection: true, control: 'C4.5+m+cf',
    });
    const demsar = o.wilcoxon.find((w) => w.a === 'C4.5' && w.b === 'C4.5+m')!;
    expect([demsar.rPlus, demsar.rMinus, demsar.zeros]).toEqual([12, 93, 2]); // Demšar §3.1.3: T = min = 12
    expect(demsar.z!).toBeCloseTo(-2.54, 2);
    expect(o.friedman.chiSquare).toBeCloseTo(10.2283464566929, 10); // scipy.stats.friedmanchisquare
    expect(o.bonferroniDunn?.versus.filter((v) => v.significant).map((v) => v.method)).toEqual(['C4.5']);
    expect(() => compareMethods('auc', DEMSAR_METHODS, names, DEMSAR_TABLE, { alpha: 0.05, cliqueTest: 'nemenyi', control: 'C5' })).toThrow(/control "C5"/);
  });

  it('drops datasets with a missing score and names them', () => {
    const withGap = DEMSAR_TABLE.map((r, i) => (i === 3 ? [r[0], null, r[2], r[3]] : r));
    const g = compareMethods('auc', DEMSAR_METHODS, names, withGap, { alpha: 0.05, cliqueTest: 'wilcoxon-holm' });
    expect(g.dropped).toEqual(['d3']);
    expect(g.datasets).toHaveLength(13);
    expect(g.cdLayout.cdBar).toBeNull();
  });

  it('rejects a table whose shape does not match the names', () => {
    expect(() => compareMethods('auc', DEMSAR_METHODS, ['a'], DEMSAR_TABLE, { alpha: 0.05, cliqueTest: 'nemenyi' })).toThrow(/1 dataset names but 14 score rows/);
  });
});
