// CD-diagram grouping and layout on Demšar's example and hand-built rank sets.
import { describe, expect, it } from 'vitest';
import { cdDiagramLayout, cdDiagramSvg, maximalCliques, nemenyiCliques, sortByRank } from './cdDiagram';
import { DEMSAR_METHODS, DEMSAR_PUBLISHED } from './fixtures/demsar2006';

const demsar = DEMSAR_METHODS.map((name, i) => ({ name, avgRank: DEMSAR_PUBLISHED.avgRanks[i] }));

describe('cliques', () => {
  it("Demšar's example at CD = 1.25: all four form one group (3.143 − 1.964 < 1.25)", () => {
    // sorted: m+cf 1.964, m 2.000, cf 2.893, C4.5 3.143 → 3.143 − 1.964 = 1.179 < 1.25, so one group of all four
    const sorted = sortByRank(demsar);
    expect(sorted.map((m) => m.name)).toEqual(['C4.5+m+cf', 'C4.5+m', 'C4.5+cf', 'C4.5']);
    expect(nemenyiCliques(sorted, 1.25)).toEqual([[0, 3]]);
    // at CD = 1.12 (α = 0.10) C4.5 separates from both +m variants (1.179, 1.143 ≥ 1.12) but not from +cf
    expect(nemenyiCliques(sorted, 1.12)).toEqual([[0, 2], [2, 3]]);
  });

  it('drops groups contained in others and single methods', () => {
    const sorted = [1, 1.5, 2, 4, 6].map((r, i) => ({ name: `m${i}`, avgRank: r }));
    expect(nemenyiCliques(sorted, 0.99)).toEqual([[0, 1], [1, 2]]);
    expect(nemenyiCliques(sorted, 1.01)).toEqual([[0, 2]]);
    expect(nemenyiCliques(sorted, 0.4)).toEqual([]);
  });

  it('works from any pairwise "not different" relation (e.g. Wilcoxon–Holm)', () => {
    const nd = new Set(['0-1', '1-2', '0-2', '2-3']);
    expect(maximalCliques(4, (i, j) => nd.has(`${i}-${j}`))).toEqual([[0, 2], [2, 3]]);
  });
});

describe('layout and SVG', () => {
  it('places ranks linearly on the axis and labels best methods on the left', () => {
    const sorted = sortByRank(demsar);
    const l = cdDiagramLayout(demsar, nemenyiCliques(sorted, 1.25), 1.25, { width: 600, textSpace: 100 });
    [100, 233.333333, 366.666667, 500].forEach((x, i) => expect(l.axis.ticks[i].x).toBeCloseTo(x, 5));
    const best = l.methods.find((m) => m.name === 'C4.5+m+cf');
    expect(best?.x).toBeCloseTo(100 + (0.964 / 3) * 400, 9);
    expect(best?.side).toBe('left');
    expect(l.methods.find((m) => m.name === 'C4.5')?.side).toBe('right');
    expect(l.cdBar?.x1).toBeCloseTo(100 + (1.25 / 3) * 400, 9);
    expect(l.cliques[0].members).toHaveLength(4);
  });

  it('reverse puts rank 1 on the right', () => {
    const l = cdDiagramLayout(demsar, [], null, { width: 600, textSpace: 100, reverse: true });
    expect(l.axis.ticks[0].x).toBe(500);
    expect(l.methods.find((m) => m.name === 'C4.5+m+cf')?.side).toBe('right');
  });

  it('emits a standalone SVG with escaped names', () => {
    const svg = cdDiagramSvg(cdDiagramLayout([{ name: 'a<b&c', avgRank: 1.2 }, { name: 'd', avgRank: 1.8 }], [[0, 1]], 0.9));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('a&lt;b&amp;c (1.20)');
    expect(svg).toContain('CD = 0.90');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});
