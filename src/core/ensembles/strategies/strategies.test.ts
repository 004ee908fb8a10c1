// Strategy behaviour on constructed pools with known answers.
import { describe, expect, it } from 'vitest';
import { calibration, logLoss } from '../../metrics/classification';
import { complementaryPool } from '../fixtures/constructed';
import { lbfgs } from '../../numeric/lbfgs';
import { gaussian, rng } from '../synthetic';
import { averagingWeights } from './averaging';
import { caruana, caruanaSelect } from './caruana';
import { cascade, stratifiedFolds } from './cascade';
import { fitLogReg, predictLogReg } from './logreg';
import { runSeedEnsemble, seedEnsemble, seedFamilies } from './seeds';
import { stacking } from './stacking';
import { applyTemperature, fitTemperature, temperatureBlend } from './temperature';
import type { BaseSet } from './types';

/** Binary task with known P(y=1) = σ(z); the model reports σ(3z): over-confident by a temperature of 3. */
function overconfident(n: number, seed: number): { probs: Float64Array; labels: Int32Array; truth: Float64Array } {
  const u = rng(seed);
  const g = gaussian(u);
  const probs = new Float64Array(2 * n);
  const truth = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const z = 1.5 * g();
    const p = 1 / (1 + Math.exp(-z));
    labels[i] = u() < p ? 1 : 0;
    const q = 1 / (1 + Math.exp(-3 * z));
    probs.set([1 - q, q], 2 * i);
    truth.set([1 - p, p], 2 * i);
  }
  return { probs, labels, truth };
}

const ll = (p: Float64Array, y: Int32Array) => logLoss({ probs: p, n: y.length, k: 2 }, y);
const ece = (p: Float64Array, y: Int32Array) => calibration({ probs: p, n: y.length, k: 2 }, y).ece;

describe('Caruana greedy selection', () => {
  it('picks the clearly best model first', () => {
    const pool = complementaryPool();
    const good = pool.oof[0].map((_, i) => (i % 2 ? 0.95 : 0.05));
    const r = caruanaSelect([pool.oof[2], good, pool.oof[1]], pool.oofLabels, 2, 1, 'logloss');
    expect(r.counts).toEqual([0, 1, 0]);
  });

  it('finds the complementary pair and keeps the best prefix (A + B, not C)', () => {
    const pool = complementaryPool();
    const r = caruanaSelect(pool.oof, pool.oofLabels, 2, 7, 'logloss');
    expect(r.trace[0]).toBeCloseTo(-(Math.log(0.9) + Math.log(0.4)) / 2, 12);
    expect(r.trace[1]).toBeCloseTo(-Math.log(0.65), 12);
    expect(r.bestIteration).toBe(2);
    expect(r.counts).toEqual([1, 1, 0]);
    const out = caruana(pool, 7, 'logloss');
    expect(out.used).toEqual(['A', 'B']);
    expect(out.weights).toEqual({ A: 0.5, B: 0.5, C: 0 });
    expect(out.test[1]).toBeCloseTo(0.65, 12);
  });

  it('optimises the chosen metric: under accuracy it picks C, which log-loss ignores', () => {
    // C (0.55) is right on every row; A and B are each right on half only
    const pool = complementaryPool();
    const r = caruanaSelect(pool.oof, pool.oofLabels, 2, 4, 'accuracy');
    expect(r.trace[0]).toBe(1);
    expect(r.bestIteration).toBe(1);
    expect(r.counts).toEqual([0, 0, 1]);
  });
});

describe('weighted averaging', () => {
  it('inverse-error weights are ∝ 1/log-loss and performance weights ∝ AUC − 0.5', () => {
    const pool = complementaryPool();
    const la = -(Math.log(0.9) + Math.log(0.4)) / 2;
    const lc = -Math.log(0.55);
    const inv = averagingWeights(pool, 'inverse-error');
    const z = 2 / la + 1 / lc;
    expect(inv[0]).toBeCloseTo(1 / la / z, 12);
    expect(inv[2]).toBeCloseTo(1 / lc / z, 12);
    // every label is 1, so AUC is undefined for all: no skill evidence → uniform
    expect(averagingWeights(pool, 'performance')).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
});

describe('temperature scaling and LR stacking fix an over-confident model', () => {
  const train = overconfident(2000, 1);
  const test = overconfident(2000, 2);
  const base: BaseSet = { k: 2, names: ['sharp'], oof: [train.probs], test: [test.probs], oofLabels: train.labels, testLabels: test.labels };

  it('fits T ≈ 3 by OOF NLL', () => {
    const t = fitTemperature(train.probs, train.labels, 2);
    expect(t).toBeGreaterThan(2.6);
    expect(t).toBeLessThan(3.4);
    // T = 3 undoes the sharpening exactly
    expect(applyTemperature(test.probs, 2, 3)[1]).toBeCloseTo(test.truth[1], 9);
  });

  it('improves test log-loss and ECE of the over-confident model', () => {
    const rawLoss = ll(test.probs, test.labels);
    const rawEce = ece(test.probs, test.labels);
    const truthLoss = ll(test.truth, test.labels);
    for (const out of [stacking(base, 1e-2), temperatureBlend(base)]) {
      expect(ll(out.test, test.labels)).toBeLessThan(rawLoss - 0.05);
      expect(ll(out.test, test.labels)).toBeLessThan(truthLoss + 0.01);
      expect(ece(out.test, test.labels)).toBeLessThan(rawEce / 2);
    }
  });
});

describe('L-BFGS and logistic regression', () => {
  it('minimises the Rosenbrock function', () => {
    const r = lbfgs((x, g) => {
      g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2);
      g[1] = 200 * (x[1] - x[0] ** 2);
      return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
    }, Float64Array.from([-1.2, 1]), { maxIter: 500, gradTol: 1e-9 });
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
  });

  it('recovers a logistic model from its own samples', () => {
    const u = rng(7);
    const g = gaussian(u);
    const n = 4000;
    const x = new Float64Array(n);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) { x[i] = g(); y[i] = u() < 1 / (1 + Math.exp(-(2 * x[i] - 1))) ? 1 : 0; }
    const m = fitLogReg(x, y, n, 1, 2, { l2: 1e-6 });
    expect(m.converged).toBe(true);
    const p = predictLogReg(m, Float64Array.from([0, 1, -1]), 3);
    // true P(y=1 | x) at x = 0, 1, −1: σ(−1), σ(1), σ(−3)
    [0.2689, 0.7311, 0.0474].forEach((want, i) => expect(Math.abs(p[2 * i + 1] - want)).toBeLessThan(0.03));
  });
});

describe('cascade', () => {
  it('deals stratified folds round-robin per class', () => {
    expect(Array.from(stratifiedFolds(Int32Array.from([0, 1, 0, 0, 1, 1, 0]), 3))).toEqual([0, 0, 1, 2, 1, 2, 0]);
  });

  it('is never worse on OOF than the best base model (skip connection + greedy level 2)', () => {
    const a = overconfident(400, 11);
    const b = overconfident(400, 11);
    const u = rng(3);
    const noisy = b.probs.map((v, i) => (i % 2 ? Math.min(0.99, Math.max(0.01, v + 0.3 * (u() - 0.5))) : 0));
    for (let i = 0; i < noisy.length; i += 2) noisy[i] = 1 - noisy[i + 1];
    const base: BaseSet = { k: 2, names: ['sharp', 'noisy'], oof: [a.probs, noisy], test: [a.probs, noisy], oofLabels: a.labels, testLabels: a.labels };
    const out = cascade(base, { l2: 1e-2, folds: 5, iterations: 20, metric: 'logloss' });
    const bestBase = Math.min(ll(a.probs, a.labels), ll(noisy, a.labels));
    expect(ll(out.oof as Float64Array, a.labels)).toBeLessThanOrEqual(bestBase + 1e-12);
    const w = Object.values(out.weights ?? {});
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    for (let i = 0; i < out.test.length; i += 2) expect(out.test[i] + out.test[i + 1]).toBeCloseTo(1, 12);
  });
});

describe('seed ensembles', () => {
  it('groups `family@tag` names with 2+ members', () => {
    expect(seedFamilies(['tfm@seed0', 'gbdt', 'tfm@seed1', 'mlp@a', 'x@y@1', 'x@y@2'])).toEqual([
      { family: 'tfm', members: ['tfm@seed0', 'tfm@seed1'] },
      { family: 'x@y', members: ['x@y@1', 'x@y@2'] },
    ]);
  });

  it('averages the family and reports its members as the cost', () => {
    const pool = complementaryPool(2);
    const out = seedEnsemble({ ...pool, names: ['m@1', 'm@2', 'solo'] });
    expect(out?.used).toEqual(['m@1', 'm@2']);
    expect(out?.test[1]).toBeCloseTo(0.65, 12);
    expect(seedEnsemble(pool)).toBeNull();
  });

  it('re-runs a model per seed through a callback, names the members, and stops on abort', async () => {
    const run = async (seed: number) => ({ oof: Float64Array.from([seed, 1 - seed]), test: Float64Array.from([seed / 2, 1 - seed / 2]) });
    const r = await runSeedEnsemble('tfm', [0, 1], run);
    expect(Array.from(r.oof)).toEqual([0.5, 0.5]);
    expect(Array.from(r.test)).toEqual([0.25, 0.75]);
    expect(r.modelCalls).toBe(2);
    expect(r.members.map((m) => m.model)).toEqual(['tfm@seed0', 'tfm@seed1']);
    expect(seedFamilies(r.members.map((m) => m.model))).toEqual([{ family: 'tfm', members: ['tfm@seed0', 'tfm@seed1'] }]);
    const ac = new AbortController();
    ac.abort();
    await expect(runSeedEnsemble('tfm', [0, 1], run, ac.signal)).rejects.toThrow(/abort/i);
    await expect(runSeedEnsemble('a@b', [0], run)).rejects.toThrow(/no '@'/);
  });
});
