// Yule's Q, disagreement, double fault (hand-worked tables) and the convex-combination bound.
import { describe, expect, it } from 'vitest';
import { complementaryPool } from './fixtures/constructed';
import { bestConvexCombination, disagreement, diversity, doubleFault, oracle, pairCounts, yuleQ } from './diversity';

const bits = (s: string) => Uint8Array.from(s, (c) => (c === '1' ? 1 : 0));

describe("Yule's Q", () => {
  it('hand-worked table: N11=3, N10=1, N01=2, N00=4 → Q = (12 − 2)/(12 + 2)', () => {
    const c = pairCounts(bits('1111000000'), bits('1110110000'));
    expect(c).toEqual({ n11: 3, n10: 1, n01: 2, n00: 4 });
    expect(yuleQ(c)).toBeCloseTo(10 / 14, 15);
    expect(disagreement(c)).toBeCloseTo(0.3, 15);
    expect(doubleFault(c)).toBeCloseTo(0.4, 15);
  });

  it('is 1 for identical classifiers, whatever their accuracy', () => {
    for (const s of ['1101001', '1111111', '0000000']) expect(yuleQ(pairCounts(bits(s), bits(s)))).toBe(1);
  });

  it('is −1 when the two are never both right nor both wrong (N11 = N00 = 0, N01·N10 > 0)', () => {
    expect(yuleQ(pairCounts(bits('1100'), bits('0011')))).toBe(-1);
  });

  it('empty denominator and not identical: Q = 0 (documented rule)', () => {
    // N11·N00 = 0 and N01·N10 = 0: one always right, the other right on some
    expect(yuleQ({ n11: 3, n10: 2, n01: 0, n00: 0 })).toBe(0);
    expect(yuleQ(pairCounts(bits('1111'), bits('0000')))).toBe(0);
  });

  it('builds symmetric matrices with a unit diagonal and the mean over distinct pairs', () => {
    const pool = complementaryPool(3);
    const d = diversity(pool.names, pool.test, pool.testLabels, 2);
    // oracle: A right on rows 0–2, B on rows 3–5, C on all
    expect(Array.from(oracle(pool.test[0], pool.testLabels, 2))).toEqual([1, 1, 1, 0, 0, 0]);
    expect(d.q.map((r) => r.map((v) => v))).toEqual([[1, -1, 0], [-1, 1, 0], [0, 0, 1]]);
    expect(d.meanQ).toBeCloseTo(-1 / 3, 15);
    expect(d.disagreement[0][1]).toBe(1);
    expect(d.doubleFault[0][1]).toBe(0);
    expect(d.meanDisagreement).toBeCloseTo((1 + 0.5 + 0.5) / 3, 15);
  });
});

describe('best convex combination', () => {
  it('finds the optimum (½, ½, 0) of the complementary pool', () => {
    const pool = complementaryPool();
    const r = bestConvexCombination(pool.test, pool.testLabels, 2);
    expect(r.weights[0]).toBeCloseTo(0.5, 3);
    expect(r.weights[1]).toBeCloseTo(0.5, 3);
    expect(r.weights[2]).toBeLessThan(1e-3);
    expect(r.logloss).toBeCloseTo(-Math.log(0.65), 4);
    expect(r.accuracy).toBe(1);
  });

  it('never does worse than the uniform average it starts from', () => {
    const pool = complementaryPool(10);
    const skewed = [pool.test[2], pool.test[2], pool.test[0]];
    const r = bestConvexCombination(skewed, pool.testLabels, 2, 50);
    const uniform = -pool.testLabels.reduce((s, _, i) => s + Math.log((2 * 0.55 + (i < 10 ? 0.9 : 0.4)) / 3), 0) / 20;
    expect(r.logloss).toBeLessThanOrEqual(uniform + 1e-12);
  });
});
