// Interval helpers against hand-computed values: Wilson 95 % for 8/10 is [0.4902, 0.9433] (Newcombe 1998's
// method 3), 0/10 reaches up to z²/(n + z²).
import { describe, expect, it } from 'vitest';
import { finiteMetrics, pointMetric, proportionMetric, wilsonInterval } from './intervals';

describe('wilsonInterval', () => {
  it('matches hand-computed bounds', () => {
    const [lo, hi] = wilsonInterval(8, 10)!;
    expect(lo).toBeCloseTo(0.49016, 5);
    expect(hi).toBeCloseTo(0.94332, 5);
    const [lo0, hi0] = wilsonInterval(0, 10)!;
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(3.8415 / 13.8415, 4);
    const [, hiAll] = wilsonInterval(10, 10)!;
    expect(hiAll).toBeLessThanOrEqual(1);
  });
  it('has no interval over nothing', () => expect(wilsonInterval(0, 0)).toBeNull());
});

describe('proportionMetric', () => {
  it('gives a Wilson interval when the rate is a count over n', () => {
    expect(proportionMetric('x', 0.75, 4, true)).toMatchObject({ method: 'wilson', n: 4, higherIsBetter: true });
  });
  it('leaves the interval out when rate × n is not a count', () => {
    const m = proportionMetric('x', 0.7, 4);
    expect(m.method).toBe('none');
    expect(m.ci).toBeUndefined();
  });
});

it('finiteMetrics drops NaN values and nulls', () => {
  expect(finiteMetrics([pointMetric('a', NaN), null, pointMetric('b', 1)]).map((m) => m.name)).toEqual(['b']);
});
