// Ticks on the faithfulness chart's √ axis: a circuit ladder 1, 2, 4, … 4096 must not print overlapping labels.
import { describe, expect, it } from 'vitest';
import { spacedTicks, sqrtPosition } from './axisTicks';

describe('spacedTicks', () => {
  const ladder = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181];
  const max = 4181;

  it('keeps ticks at least the gap apart, the largest included', () => {
    const ticks = spacedTicks(ladder, max, 430, 28);
    expect(ticks.at(-1)).toBe(4181);
    expect(ticks[0]).toBe(1);
    for (let i = 1; i < ticks.length; i++) {
      expect(sqrtPosition(ticks[i], max, 430) - sqrtPosition(ticks[i - 1], max, 430)).toBeGreaterThanOrEqual(28);
    }
    expect(ticks.length).toBeLessThan(ladder.length);
    expect(ticks.length).toBeGreaterThan(5);
  });

  it('keeps every value when there is room, and handles an empty list', () => {
    expect(spacedTicks([0, 100, 400], 400, 400, 20)).toEqual([0, 100, 400]);
    expect(spacedTicks([], 10, 100, 20)).toEqual([]);
  });
});
