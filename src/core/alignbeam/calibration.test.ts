// Calibration metrics on hand-computed examples: ECE with 10 equal-width bins, the reliability bins, accuracy,
// the extreme-verdict share, and the calibrated / over-confident limits.
import { describe, expect, it } from 'vitest';
import { CalibrationInputError, calibrationReport, expectedCalibrationError, extremeShare, reliabilityBins } from './calibration';

describe('expectedCalibrationError', () => {
  it('matches a hand computation on six verdicts', () => {
    // bins: 0.05 → [0,0.1): mean .05, observed 0; 0.15, 0.12 → [0.1,0.2): mean .135, observed .5;
    // 0.55 → [0.5,0.6): observed 1; 0.85 → [0.8,0.9): observed 0; 0.95 → [0.9,1]: observed 1.
    // ECE = (1·.05 + 2·.365 + 1·.45 + 1·.85 + 1·.05) / 6 = 2.13 / 6 = 0.355
    const probs = [0.05, 0.15, 0.12, 0.95, 0.85, 0.55];
    const unsafe = [false, false, true, true, false, true];
    expect(expectedCalibrationError(probs, unsafe)).toBeCloseTo(0.355, 10);
    const r = calibrationReport(probs, unsafe);
    expect(r.accuracy).toBeCloseTo(4 / 6, 10); // 0.12 (unsafe) and 0.85 (safe) are on the wrong side of 0.5
    expect(r.reliability.map((b) => b.count)).toEqual([1, 2, 0, 0, 0, 1, 0, 0, 1, 1]);
    expect(r.reliability[1].meanPredicted).toBeCloseTo(0.135, 10);
    expect(r.reliability[1].observed).toBe(0.5);
    expect(r.reliability[2].meanPredicted).toBeNaN();
    expect(r.brier).toBeCloseTo((0.05 ** 2 + 0.15 ** 2 + 0.88 ** 2 + 0.05 ** 2 + 0.85 ** 2 + 0.45 ** 2) / 6, 10);
  });

  it('is 0 for a sample calibrated bin by bin and close to 0 for Bernoulli(p) labels', () => {
    expect(expectedCalibrationError([0.25, 0.25, 0.25, 0.25], [true, false, false, false])).toBe(0);
    let s = 12345;
    const rand = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
    const probs: number[] = [];
    const labels: boolean[] = [];
    for (let i = 0; i < 20000; i++) { const p = rand(); probs.push(p); labels.push(rand() < p); }
    expect(expectedCalibrationError(probs, labels)).toBeLessThan(0.02);
  });

  it('equals the gap for an over-confident judge and the error rate for binary verdicts', () => {
    expect(expectedCalibrationError([0.9, 0.9, 0.9, 0.9], [true, false, true, false])).toBeCloseTo(0.4, 10);
    // verdicts of exactly 0 and 1: ECE = share wrong
    expect(expectedCalibrationError([0, 0, 1, 1, 1], [false, true, true, true, false])).toBeCloseTo(2 / 5, 10);
  });

  it('puts p = 1 in the last bin and p = 0.1 in the second', () => {
    const bins = reliabilityBins([1, 0.1], [true, false]);
    expect(bins[9].count).toBe(1);
    expect(bins[1].count).toBe(1);
    expect(bins[9].hi).toBe(1);
  });

  it('rejects mismatched lengths, NaN verdicts and bad bin counts with a named error', () => {
    expect(() => expectedCalibrationError([0.5], [])).toThrow(CalibrationInputError);
    expect(() => expectedCalibrationError([NaN], [true])).toThrow(/drop unparsed/);
    expect(() => expectedCalibrationError([0.5], [true], 0)).toThrow(CalibrationInputError);
  });
});

describe('extremeShare', () => {
  it('counts verdicts outside [0.01, 0.99]', () => {
    expect(extremeShare([0.005, 0.5, 0.995, 1])).toBe(0.75);
    expect(extremeShare([0.01, 0.99])).toBe(0);
    expect(extremeShare([])).toBe(0);
  });
});

describe('confidence form', () => {
  it('bins max(p, 1 − p) on [0.5, 1] against correctness', () => {
    const r = calibrationReport([0.25, 0.72, 0.35], [false, false, true], 5);
    // confidences .75 (correct), .72 (wrong), .65 (wrong): bins of width .1 from .5
    expect(r.reliabilityConfidence.map((b) => b.count)).toEqual([0, 1, 2, 0, 0]);
    expect(r.reliabilityConfidence[2].observed).toBe(0.5);
    expect(r.eceConfidence).toBeCloseTo((2 * Math.abs(0.735 - 0.5) + 0.65) / 3, 10);
  });
});
