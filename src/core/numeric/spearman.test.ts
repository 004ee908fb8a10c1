import { describe, expect, it } from 'vitest';
import { averageRanks, spearman } from './spearman';

describe('spearman', () => {
  it('ties share their average rank', () => {
    expect(averageRanks([3, 1, 3, 2])).toEqual([2.5, 0, 2.5, 1]);
  });
  it('is 1 for a monotone relation, −1 for a reversed one, and matches scipy with ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 25, 100])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // scipy.stats.spearmanr([1, 2, 2, 3, 5], [2, 1, 4, 4, 6]).statistic = 0.7631578947368421 (checked with scipy 1.x here)
    expect(spearman([1, 2, 2, 3, 5], [2, 1, 4, 4, 6])).toBeCloseTo(0.7631578947368421, 12);
  });
});
