import { describe, expect, it } from 'vitest';
import { accuracy, aucFromProbs, brier, calibration, logLoss, perClassRecall, rocAuc } from './classification';

describe('rocAuc', () => {
  it('matches the pairwise definition with ties counted as one half', () => {
    const s = [0.1, 0.4, 0.35, 0.8, 0.4];
    const y = [0, 0, 1, 1, 1];
    // pairs (pos, neg): (0.35,0.1)=1 (0.35,0.4)=0 (0.8,*)=2 (0.4,0.1)=1 (0.4,0.4)=0.5 → 4.5 / 6
    expect(rocAuc(s, y)).toBeCloseTo(4.5 / 6, 12);
  });
  it('is NaN with a single class present', () => {
    expect(rocAuc([0.2, 0.3], [1, 1])).toBeNaN();
  });
});

describe('probability metrics', () => {
  const p = { probs: Float64Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7]), n: 4, k: 2 };
  const y = [0, 1, 1, 1];
  it('log-loss, Brier and accuracy equal hand-computed values', () => {
    expect(logLoss(p, y)).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.7)) / 4, 12);
    expect(brier(p, y)).toBeCloseTo((2 * 0.01 + 2 * 0.04 + 2 * 0.36 + 2 * 0.09) / 4, 12);
    expect(accuracy(p, y)).toBe(0.75);
    expect(perClassRecall(p, y)).toEqual([1, 2 / 3]);
    expect(aucFromProbs(p, y)).toBeCloseTo(1, 12);
  });
  it('ECE of a perfectly calibrated bin is zero and of an over-confident one is the gap', () => {
    const q = { probs: Float64Array.from([0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25]), n: 4, k: 2 };
    expect(calibration(q, [0, 0, 0, 1]).ece).toBeCloseTo(0, 12);
    expect(calibration(q, [0, 0, 1, 1]).ece).toBeCloseTo(0.25, 12);
  });
  it('rejects a label outside the class range with a clear message', () => {
    expect(() => logLoss(p, [0, 1, 2, 1])).toThrow(/label 2 at row 2/);
  });
});
