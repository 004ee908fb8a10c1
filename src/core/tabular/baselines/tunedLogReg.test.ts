import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aucFromProbs } from '../../metrics/classification';
import { bayesTask } from '../data/bayesFamily';
import { preprocessSplit } from '../data/preprocess';
import { loadSharedDataset, sharedDatasetSpec } from '../data/registry';
import { stratifiedSplit } from '../data/split';
import { predictLogReg } from './logreg';
import { tuneLogReg } from './tunedLogReg';

const DATA = join(__dirname, '../../../../public/samples/tabular');

describe('tuned logistic regression', () => {
  it('picks a strong penalty when most features are noise and rows are few (C = 1 overfits there)', () => {
    const t = bayesTask({ kind: 'linear', bayesAuc: 0.8, positiveShare: 0.5, noiseFeatures: 30, rows: 2060, seed: 2 });
    const split = (from: number, to: number) => ({ x: t.x.slice(from * t.d, to * t.d), n: to - from, d: t.d, names: t.names });
    const r = tuneLogReg(split(0, 60), t.y.slice(0, 60), 2);
    expect(r.skipped).toBeNull();
    expect(r.innerAuc.map((c) => c.C)).toEqual([1e-3, 1e-2, 1e-1, 1, 10, 100, 1000]);
    expect(r.chosenC).toBeLessThan(1);
    const test = split(60, 2060);
    const yt = t.y.slice(60);
    const tuned = aucFromProbs(predictLogReg(r.model, test), yt);
    const plain = aucFromProbs(predictLogReg(tuneLogReg(split(0, 60), t.y.slice(0, 60), 2, { grid: [1] }).model, test), yt);
    expect(tuned).toBeGreaterThan(plain);
  });

  it('on a shipped dataset it is at least as good on the inner folds as C = 1, and skips the search on a near-empty class', async () => {
    const task = await loadSharedDataset('pima', readFileSync(join(DATA, sharedDatasetSpec('pima').file), 'utf8'));
    const s = stratifiedSplit(task.y, 2, 0.25, 0);
    const { train } = preprocessSplit(task, s.train, s.test);
    const r = tuneLogReg(train, train.y, 2);
    const atOne = r.innerAuc.find((c) => c.C === 1)!.auc;
    expect(Math.max(...r.innerAuc.map((c) => c.auc))).toBeGreaterThanOrEqual(atOne);
    const y = Int32Array.from(train.y, (_, i) => (i === 0 ? 1 : 0));
    expect(tuneLogReg(train, y, 2).skipped).toMatch(/1 row/);
    expect(() => tuneLogReg(train, train.y, 2, { grid: [0] })).toThrow(RangeError);
  });
});
