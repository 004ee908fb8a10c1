// The project's logistic regression against scikit-learn's defaults (make_pipeline(StandardScaler(),
// LogisticRegression()): L2, C = 1, lbfgs) on every shipped binary dataset, same design matrices and seeded folds
// (sklearnReference.ts). scikit-learn's side is the committed golden fixture made by scripts/sklearn-reference.py,
// so this runs without Python.

import { describe, expect, it } from 'vitest';
import { aucFromProbs } from '../../metrics/classification';
import { loadSharedDataset, sharedDatasetSpec } from '../data/registry';
import { readShared } from '../data/testData';
import golden from './fixtures/sklearn-logreg.json';
import { fitLogReg, predictLogReg } from './logreg';
import { LR_REFERENCE_DATASETS, LR_REFERENCE_FOLDS, LR_REFERENCE_SEED, lrReferenceSplits } from './sklearnReference';

describe('logistic regression matches scikit-learn defaults on the shipped datasets', () => {
  it('the fixture was made with this protocol', () => {
    expect(golden.seed).toBe(LR_REFERENCE_SEED);
    expect(golden.folds).toBe(LR_REFERENCE_FOLDS);
    expect(golden.datasets.map((d) => d.id)).toEqual([...LR_REFERENCE_DATASETS]);
  });

  for (const ref of golden.datasets) {
    it(`${ref.id}: |ΔAUC| ≤ 0.002 per fold and on the mean; coefficients at sklearn's optimum`, async () => {
      const task = await loadSharedDataset(ref.id, readShared(sharedDatasetSpec(ref.id).file));
      const splits = lrReferenceSplits(task);
      const aucs: number[] = [];
      splits.forEach(({ train, test }, f) => {
        const want = ref.folds[f];
        expect([train.d, train.n, test.n]).toEqual([want.d, want.nTrain, want.nTest]);
        const model = fitLogReg(train, train.y, 2);
        const auc = aucFromProbs(predictLogReg(model, test), test.y);
        aucs.push(auc);
        expect(Math.abs(auc - want.default.auc)).toBeLessThanOrEqual(0.002);
        // Binary: sklearn's one weight vector is the difference of the two softmax columns, (d+1)×2 layout.
        const k = 2;
        for (let j = 0; j < train.d; j++) {
          const ours = model.w[j * k + 1] - model.w[j * k];
          expect(Math.abs(ours - want.converged.coef[j])).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(want.converged.coef[j])));
        }
        const b = model.w[train.d * k + 1] - model.w[train.d * k];
        expect(Math.abs(b - want.converged.intercept)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(want.converged.intercept)));
      });
      const mean = aucs.reduce((a, v) => a + v, 0) / aucs.length;
      expect(Math.abs(mean - ref.meanAuc)).toBeLessThanOrEqual(0.002);
    });
  }
});
