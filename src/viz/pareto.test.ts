import { describe, expect, it } from 'vitest';
import { paretoFront } from './pareto';

describe('paretoFront', () => {
  it('keeps exactly the non-dominated points, sorted by x, duplicates once', () => {
    const pts = [
      { x: 0.9, y: 0.1, id: 'a' }, { x: 0.5, y: 0.5, id: 'b' }, { x: 0.4, y: 0.4, id: 'dominated' }, { x: 0.1, y: 0.95, id: 'c' },
      { x: 0.5, y: 0.5, id: 'b-dup' }, { x: 0.9, y: 0.05, id: 'dominated-same-x' }, { x: NaN, y: 1, id: 'nan' },
    ];
    expect(paretoFront(pts).map((p) => p.id)).toEqual(['c', 'b', 'a']);
  });

  it('a single best point dominates all others; an empty input gives an empty front', () => {
    expect(paretoFront([{ x: 1, y: 1 }, { x: 0.2, y: 0.9 }, { x: 0.9, y: 0.2 }])).toEqual([{ x: 1, y: 1 }]);
    expect(paretoFront([])).toEqual([]);
  });
});
