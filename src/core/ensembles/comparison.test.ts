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
    const first = c.wilcoxon.find((w) => w.a === 'C4.5' && w.b === 'C4.5+m');
    expect(first?.p).toBeCloseTo(0.012030358470209076, 10);
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
