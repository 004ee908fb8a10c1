// The entry point on small synthetic pools: report shape and consistency, progress invariants, cancellation.
import { describe, expect, it } from 'vitest';
import { analysePool, type EnsembleProgress } from './analyse';
import { logLoss } from '../metrics/classification';
import type { MetricComparison } from './comparison';
import { syntheticPool } from './synthetic';
import { DEFAULT_SYNTHETIC_MODELS } from './synthetic';

const pool = syntheticPool({ datasets: 5, rowsOof: 120, rowsTest: 120, seed: 3 });

describe('analysePool', () => {
  it('reports monotone progress with a fixed total that ends at the total', async () => {
    const events: EnsembleProgress[] = [];
    await analysePool(pool, {}, (p) => events.push(p));
    expect(events.length).toBeGreaterThan(10);
    const total = events[0].total;
    events.forEach((e, i) => {
      expect(e.kind).toBe('progress');
      expect(e.total).toBe(total);
      if (i) expect(e.done).toBeGreaterThan(events[i - 1].done);
    });
    expect(events.at(-1)?.done).toBe(total);
  });

  it('produces a JSON-serialisable report whose parts agree with each other', async () => {
    const r = await analysePool(pool, { modelCost: { gbdt: 0.5 } });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r.strategies).toHaveLength(9);
    expect(r.datasets).toHaveLength(5);
    const ll = r.scores.logloss as number[][];
    const bs = r.strategies.findIndex((s) => s.id === 'best-single');
    r.perDataset.forEach((d, i) => {
      // best-single's test score is the chosen model's test score
      expect(ll[i][bs]).toBe(d.models[d.bestSingle].logloss);
      const cell = d.strategies['avg-uniform'];
      expect(cell?.modelCalls).toBe(6);
      // costs: 5 models at 1 + gbdt at 0.5, over the best single model's cost
      expect(cell?.costMultiple).toBeCloseTo(5.5 / (d.bestSingle === 'gbdt' ? 0.5 : 1), 12);
      // the convex bound is fitted on test: no blend of the pool beats it on test log-loss
      expect(d.convexBound.logloss).toBeLessThanOrEqual((d.strategies['avg-uniform']?.scores.logloss as number) + 1e-9);
    });
    const c = r.comparisons.logloss as MetricComparison;
    expect(c.methods).toEqual(r.strategies.map((s) => s.id));
    c.ranks.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo((9 * 10) / 2, 12));
    expect(c.wilcoxon).toHaveLength(36);
    expect(c.nemenyi.cd).toBeCloseTo(3.102 * Math.sqrt((9 * 10) / (6 * 5)), 12);
    expect(c.cdSvg).toContain('<svg');
    expect(r.diversity.q[0][0]).toBe(1);
    expect(r.diversity.models).toEqual(DEFAULT_SYNTHETIC_MODELS.map((m) => m.name));
  });

  it('scores what it says: the uniform average is recomputable from the pool', async () => {
    const r = await analysePool(pool, { strategies: ['best-single', 'avg-uniform'], metrics: ['logloss'] });
    const d = pool.datasets[0];
    const avg = new Float64Array(d.models[0].test.length);
    for (const m of d.models) m.test.forEach((v, i) => { avg[i] += v / d.models.length; });
    expect(r.perDataset[0].strategies['avg-uniform']?.scores.logloss).toBeCloseTo(logLoss({ probs: avg, n: d.testLabels.length, k: d.k }, d.testLabels), 12);
  });

  it('statistics options set by the caller reach every comparison and the report', async () => {
    const strategies = ['best-single', 'avg-uniform', 'caruana'] as const;
    const r = await analysePool(pool, {
      strategies: [...strategies], metrics: ['logloss'], control: 'best-single', friedmanTieCorrection: true,
      wilcoxon: { zeroMethod: 'zsplit', method: 'asymptotic', correction: true },
    });
    expect(r.options.wilcoxon).toEqual({ zeroMethod: 'zsplit', method: 'asymptotic', exactMaxN: 50, permutationMaxN: 13, correction: true });
    expect(r.options).toMatchObject({ control: 'best-single', friedmanTieCorrection: true });
    const c = r.comparisons.logloss as MetricComparison;
    expect(c.bonferroniDunn?.control).toBe('best-single');
    expect(c.bonferroniDunn?.versus.map((v) => v.method)).toEqual(['avg-uniform', 'caruana']);
    expect(c.wilcoxon.every((w) => w.method === 'normal' && w.z !== null)).toBe(true);
    await expect(analysePool(pool, { strategies: [...strategies], metrics: ['logloss'], control: 'stacking-lr' })).rejects.toThrow(/control 'stacking-lr' is not among/);
  });

  it('skips the seed ensemble with a reason when no family has two seeds', async () => {
    const solo = { datasets: pool.datasets.map((d) => ({ ...d, models: d.models.filter((m) => m.model !== 'tfm@seed1' && m.model !== 'tfm@seed2') })) };
    const r = await analysePool(solo, { metrics: ['auc'] });
    expect(r.strategies.map((s) => s.id)).not.toContain('seed-ensemble');
    expect(r.skipped[0].reason).toMatch(/no model family with two or more seeds/);
  });

  it('stops with an AbortError when the signal fires mid-run', async () => {
    const ac = new AbortController();
    let seen = 0;
    const run = analysePool(pool, {}, () => { if (++seen === 3) ac.abort(); }, ac.signal);
    await expect(run).rejects.toThrow(/abort/i);
    expect(seen).toBe(3);
  });

  it('rejects nonsense options with a message', async () => {
    await expect(analysePool(pool, { strategies: ['caruana'] })).rejects.toThrow(/at least two strategies/);
    await expect(analysePool(pool, { modelCost: { mlp: 0 } })).rejects.toThrow(/modelCost\['mlp'\]/);
    await expect(analysePool(pool, { caruanaIterations: 0 })).rejects.toThrow(/caruanaIterations = 0/);
    await expect(analysePool(pool, { stackingL2: -1 })).rejects.toThrow(/stackingL2 = -1/);
  });
});

describe('syntheticPool', () => {
  it('is deterministic per seed, with valid probabilities, and seeds of a family agree more', async () => {
    const a = syntheticPool({ datasets: 2, rowsOof: 50, rowsTest: 50, seed: 9 });
    const b = syntheticPool({ datasets: 2, rowsOof: 50, rowsTest: 50, seed: 9 });
    expect(a).toEqual(b);
    for (const d of a.datasets) for (const m of d.models) for (let i = 0; i < m.test.length; i += d.k) {
      let s = 0;
      for (let c = 0; c < d.k; c++) s += m.test[i + c];
      expect(s).toBeCloseTo(1, 12);
    }
    const r = await analysePool(syntheticPool({ datasets: 4, rowsOof: 300, rowsTest: 300, seed: 5 }), { metrics: ['accuracy'] });
    const q = r.diversity.q as number[][];
    expect(q[0][1]).toBeGreaterThan(q[0][5]); // tfm@seed0–tfm@seed1 vs tfm@seed0–logreg
  });
});
