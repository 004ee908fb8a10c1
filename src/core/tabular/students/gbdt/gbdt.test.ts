import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../../matrix';
import { makeRng } from '../rng';
import { oneHot, StudentInputError } from '../types';
import { applyBins, binOf, fitBins } from './binning';
import { trainGbdt } from './gbdt';

/** Feature 0 on the grid i/100, feature 1 noise; class 1 exactly when x0 < 0.3. */
function stepData(n = 400): FeatureMatrix & { y: Int32Array } {
  const rand = makeRng(11);
  const x = new Float64Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[i * 2] = (i % 100) / 100;
    x[i * 2 + 1] = rand();
    y[i] = x[i * 2] < 0.3 ? 1 : 0;
  }
  return { x, n, d: 2, names: ['x0', 'noise'], y };
}

describe('histogram GBDT student', () => {
  it('recovers a known threshold: the stump splits x0 between 0.29 and 0.30', () => {
    const data = stepData();
    const s = trainGbdt(data, oneHot(data.y, 2), { nRounds: 1, maxDepth: 1, validationFraction: 0 });
    const t = s.model.trees[0];
    expect(t.feature[0]).toBe(0);
    expect(t.threshold[0]).toBeGreaterThan(Math.fround(0.29));
    expect(t.threshold[0]).toBeLessThanOrEqual(Math.fround(0.3));
    expect(t.value[t.left[0]]).toBeGreaterThan(0); // x0 < thr → class 1 logit up
    expect(t.value[t.right[0]]).toBeLessThan(0);
  });

  it('recovers a depth-2 rule (x0 < 0.5 and x1 ≥ 0.25) exactly on the training grid', () => {
    const n = 400;
    const x = new Float64Array(n * 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = (i % 20) / 20;
      x[i * 2 + 1] = Math.floor(i / 20) / 20;
      y[i] = x[i * 2] < 0.5 && x[i * 2 + 1] >= 0.25 ? 1 : 0;
    }
    const data = { x, n, d: 2, names: ['a', 'b'] };
    const s = trainGbdt(data, oneHot(y, 2), { nRounds: 30, maxDepth: 2, maxLeaves: 4, validationFraction: 0, learningRate: 0.5, minChildWeight: 0 });
    const t = s.model.trees[0];
    const splits = new Set<string>();
    for (let nd = 0; nd < t.feature.length; nd++) if (t.feature[nd] >= 0) splits.add(`${t.feature[nd]}:${t.threshold[nd]}`);
    expect(splits).toEqual(new Set([`0:${Math.fround(0.475)}`, `1:${Math.fround(0.225)}`]));
    const p = s.predict(data);
    for (let i = 0; i < n; i++) expect(p.probs[i * 2 + 1] > 0.5 ? 1 : 0).toBe(y[i]);
  });

  it('learns a default direction for missing values', () => {
    const data = stepData();
    const y = data.y.slice();
    for (let i = 0; i < data.n; i += 7) { data.x[i * 2] = NaN; y[i] = 1; } // missing means class 1
    const s = trainGbdt(data, oneHot(y, 2), { nRounds: 50, validationFraction: 0 });
    const out = new Float64Array(2);
    s.predictRow([NaN, 0.5], out);
    expect(out[1]).toBeGreaterThan(0.9);
    s.predictRow([0.9, 0.5], out);
    expect(out[1]).toBeLessThan(0.1);
  });

  it('fits multiclass softmax on soft targets and stops early on noise', () => {
    const rand = makeRng(3);
    const n = 600, k = 3;
    const x = new Float64Array(n);
    const t = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      x[i] = rand();
      const c = x[i] < 0.33 ? 0 : x[i] < 0.66 ? 1 : 2;
      for (let j = 0; j < k; j++) t[i * k + j] = j === c ? 0.7 : 0.15;
    }
    const s = trainGbdt({ x, n, d: 1, names: ['x'] }, { probs: t, n, k }, { nRounds: 200, validationFraction: 0 });
    const p = s.predict({ x: Float64Array.from([0.1, 0.5, 0.9]), n: 3, d: 1, names: ['x'] });
    for (let i = 0; i < 3; i++) expect(p.probs[i * k + i]).toBeCloseTo(0.7, 1); // the soft target, not 1

    const noiseY = Int32Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0));
    const noisy = trainGbdt({ x, n, d: 1, names: ['x'] }, oneHot(noiseY, 2), { nRounds: 500, earlyStoppingRounds: 10 });
    expect(noisy.model.rounds).toBeLessThan(100);
    expect(noisy.model.trees.length).toBe(noisy.model.rounds);
  });

  it('is deterministic for a seed with row and column subsampling', () => {
    const data = stepData();
    const cfg = { nRounds: 20, subsample: 0.6, colsample: 0.5, seed: 4 };
    const a = trainGbdt(data, oneHot(data.y, 2), cfg).predict(data);
    const b = trainGbdt(data, oneHot(data.y, 2), cfg).predict(data);
    expect(Array.from(a.probs)).toEqual(Array.from(b.probs));
  });

  it('never splits a constant feature and rejects NaN targets', () => {
    const data = stepData();
    for (let i = 0; i < data.n; i++) data.x[i * 2 + 1] = 3;
    const s = trainGbdt(data, oneHot(data.y, 2), { nRounds: 10, validationFraction: 0 });
    for (const t of s.model.trees) expect(Array.from(t.feature).every((f) => f !== 1)).toBe(true);
    const bad = oneHot(data.y, 2);
    bad.probs[0] = NaN;
    expect(() => trainGbdt(data, bad)).toThrow(StudentInputError);
    expect(() => oneHot(Float64Array.from([0, NaN]), 2)).toThrow(/label NaN/);
  });

  it('learns a near-constant model when every target is one class (documented: no error, p follows the prior)', () => {
    const data = stepData(100);
    const s = trainGbdt(data, oneHot(new Int32Array(100), 2), { nRounds: 5 });
    const p = s.predict(data);
    for (let i = 0; i < data.n; i++) expect(p.probs[i * 2]).toBeGreaterThan(0.99);
  });
});

describe('binning', () => {
  it('bin ≤ s exactly when fround(x) < threshold, with ≤ 255 bins and NaN in bin 0', () => {
    const rand = makeRng(8);
    const n = 5000;
    const x = Float64Array.from({ length: n }, () => (rand() < 0.05 ? NaN : rand() * 1e3 - 500));
    const m = { x, n, d: 1, names: ['v'] };
    const mapper = fitBins(m, 255);
    const cuts = mapper.cuts[0];
    expect(cuts.length).toBeLessThanOrEqual(254);
    const { bins } = applyBins(mapper, m);
    for (let i = 0; i < n; i += 37) {
      if (Number.isNaN(x[i])) { expect(bins[i]).toBe(0); continue; }
      for (let s = 1; s <= cuts.length; s += 17) expect(bins[i] <= s).toBe(Math.fround(x[i]) < cuts[s - 1]);
    }
    expect(binOf(cuts, Number.NaN)).toBe(0);
  });
});
