import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../metrics/classification';
import { logRegTeacher } from '../teachers/logreg';
import { bayesScorer, bayesTask, normalQuantile, type BayesFamilyKind } from './bayesFamily';

const aucOfBayesScore = (t: ReturnType<typeof bayesTask>): number => { const s = bayesScorer(t); return rocAuc(Array.from({ length: t.n }, (_, i) => s(i)), t.y); };

describe('synthetic family with known Bayes-optimal AUC', () => {
  it('normalQuantile inverts Φ', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it.each([['linear', 0.8], ['linear', 0.95], ['xor', 0.9], ['rings', 0.75], ['rings', 0.9]] as [BayesFamilyKind, number][])(
    '%s at AUC* %s: the Bayes score realises it on a large sample, at balance and at 5 percent positives',
    (kind, auc) => {
      for (const positiveShare of [0.5, 0.05]) {
        const t = bayesTask({ kind, bayesAuc: auc, positiveShare, noiseFeatures: 3, rows: 40_000, seed: 11 });
        expect(t.d).toBe((kind === 'linear' ? 3 : 2) + 3);
        const pos = t.y.reduce((a, b) => a + b, 0) / t.n;
        expect(Math.abs(pos - positiveShare)).toBeLessThan(0.01);
        expect(Math.abs(aucOfBayesScore(t) - auc)).toBeLessThan(positiveShare < 0.1 ? 0.015 : 0.008);
      }
    });

  it('logistic regression reaches AUC* on the linear member and chance on xor (so the family separates learners)', async () => {
    const one = bayesTask({ kind: 'linear', bayesAuc: 0.85, positiveShare: 0.5, noiseFeatures: 2, rows: 6000, seed: 4 });
    const split = (t: typeof one, from: number, to: number) => ({ x: t.x.slice(from * t.d, to * t.d), n: to - from, d: t.d, names: t.names });
    const p = await logRegTeacher().predict(split(one, 0, 3000), one.y.slice(0, 3000), 2, split(one, 3000, 6000));
    const auc = rocAuc(Array.from({ length: 3000 }, (_, i) => p.probs[i * 2 + 1]), one.y.slice(3000));
    expect(Math.abs(auc - 0.85)).toBeLessThan(0.02);
    const xor = bayesTask({ kind: 'xor', bayesAuc: 0.95, positiveShare: 0.5, noiseFeatures: 0, rows: 6000, seed: 4 });
    const px = await logRegTeacher().predict(split(xor, 0, 3000), xor.y.slice(0, 3000), 2, split(xor, 3000, 6000));
    const aucX = rocAuc(Array.from({ length: 3000 }, (_, i) => px.probs[i * 2 + 1]), xor.y.slice(3000));
    expect(aucX).toBeLessThan(0.6);
  });

  it('rejects impossible targets', () => {
    expect(() => bayesTask({ kind: 'linear', bayesAuc: 1, positiveShare: 0.5, noiseFeatures: 0, rows: 10, seed: 0 })).toThrow(/bayesAuc/);
    expect(() => bayesTask({ kind: 'xor', bayesAuc: 0.9, positiveShare: 0, noiseFeatures: 0, rows: 10, seed: 0 })).toThrow(/positiveShare/);
  });
});
