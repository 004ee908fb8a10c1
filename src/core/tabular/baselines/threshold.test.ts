import { describe, expect, it } from 'vitest';
import { loadSharedDataset } from '../data/registry';
import { preprocessSplit } from '../data/preprocess';
import { stratifiedKFold } from '../data/split';
import { minorityClass } from '../data/task';
import { readShared } from '../data/testData';
import { logRegTeacher } from '../teachers/logreg';
import { compareCutoffs, operatingPoint, teacherCutoffReport, ThresholdInputError, tuneThreshold } from './threshold';

describe('tuneThreshold (hand-computed)', () => {
  // scores 0.9 … 0.4, positives at 0.9, 0.7 and 0.4 (P = N = 3)
  const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
  const positive = [true, false, true, false, false, true];

  it("Youden's J: best J = 1/3 first reached at ≥ 0.9, cut halfway to the next score", () => {
    const t = tuneThreshold(scores, positive, 'youden');
    expect(t.value).toBeCloseTo(1 / 3, 12);
    expect(t.threshold).toBeCloseTo(0.85, 12);
  });

  it('F1: best 2/3 first reached at ≥ 0.7', () => {
    const t = tuneThreshold(scores, positive, 'f1');
    expect(t.value).toBeCloseTo(2 / 3, 12);
    expect(t.threshold).toBeCloseTo(0.65, 12);
    const op = operatingPoint(scores, positive, t.threshold);
    expect(op).toMatchObject({ recall: 2 / 3, precision: 2 / 3, specificity: 2 / 3, positiveRate: 0.5 });
    expect(op.balancedAccuracy).toBeCloseTo(2 / 3, 12);
  });

  it('refuses one-class labels and multiclass probabilities by name', () => {
    expect(() => tuneThreshold([0.1, 0.2], [true, true])).toThrow(ThresholdInputError);
    const p3 = { probs: Float64Array.from([0.2, 0.3, 0.5, 0.6, 0.3, 0.1]), n: 2, k: 3 };
    expect(() => compareCutoffs(p3, Int32Array.from([0, 2]), p3, Int32Array.from([0, 2]))).toThrow(/binary/);
  });
});

describe('tuned cut-off on mammography (2.3 % minority), logistic regression', () => {
  it('tuned on training-fold out-of-fold scores, the cut-off raises minority recall over argmax on every test fold', async () => {
    const task = await loadSharedDataset('mammography', readShared('mammography.csv'));
    const minority = minorityClass(task.y, 2);
    const folds = stratifiedKFold(task.y, 2, 5, 0).slice(0, 3);
    for (const f of folds) {
      const { train, test } = preprocessSplit(task, f.train, f.test);
      const youden = await teacherCutoffReport(logRegTeacher(), train, test);
      expect(youden.positiveClass).toBe(minority);
      expect(youden.tuned.recall).toBeGreaterThan(youden.argmax.recall + 0.2);
      expect(youden.tuned.balancedAccuracy).toBeGreaterThan(youden.argmax.balancedAccuracy);
      // the cut-off sits far below 1/2: argmax needs P(minority) > 0.5, which the prior of 2 % rarely allows
      expect(youden.threshold).toBeLessThan(0.2);
      const f1 = await teacherCutoffReport(logRegTeacher(), train, test, { criterion: 'f1' });
      // F1 trades recall for precision, so it calls fewer rows positive than Youden's J
      expect(f1.tuned.positiveRate).toBeLessThan(youden.tuned.positiveRate);
      expect(f1.tuned.precision).toBeGreaterThan(youden.tuned.precision);
    }
  });
});
