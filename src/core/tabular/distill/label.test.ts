import { describe, expect, it } from 'vitest';
import type { ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix, LabelledMatrix } from '../matrix';
import type { Teacher } from '../teachers/teacher';
import { makeRng } from '../students/rng';
import { collapseStats } from './collapse';
import { DistillInputError, stratifiedFolds } from './folds';
import { knnTeacher } from '../teachers/knn';
import { applyTemperature, averageProbs, labelWithTeachers, mixHard } from './label';

/** Column 0 holds the row id so a spy teacher can see exactly which rows it was given. */
function data(n: number, k: number, seed = 1): LabelledMatrix {
  const rand = makeRng(seed);
  const x = new Float64Array(n * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % k;
    x[i * 3] = i;
    x[i * 3 + 1] = 0.5 * y[i] + rand(); // overlapping classes: an honest teacher is unsure near 0.5–1
    x[i * 3 + 2] = rand();
  }
  return { x, n, d: 3, names: ['id', 'signal', 'noise'], y, k, classNames: Array.from({ length: k }, String) };
}

function spyTeacher(calls: { ctx: number[]; query: number[] }[]): Teacher {
  return {
    id: 'spy',
    async predict(xc: FeatureMatrix, _yc: Int32Array, k: number, xq: FeatureMatrix): Promise<ProbMatrix> {
      calls.push({ ctx: Array.from({ length: xc.n }, (_, i) => xc.x[i * xc.d]), query: Array.from({ length: xq.n }, (_, i) => xq.x[i * xq.d]) });
      return { probs: new Float64Array(xq.n * k).fill(1 / k), n: xq.n, k };
    },
  };
}

describe('out-of-fold labelling', () => {
  it('never puts a row into its own context and labels every row exactly once', async () => {
    const calls: { ctx: number[]; query: number[] }[] = [];
    const d = data(103, 3);
    await labelWithTeachers(spyTeacher(calls), d, { mode: 'oof', folds: 5 });
    expect(calls).toHaveLength(5);
    const seen = new Map<number, number>();
    for (const { ctx, query } of calls) {
      const inCtx = new Set(ctx);
      for (const r of query) { expect(inCtx.has(r)).toBe(false); seen.set(r, (seen.get(r) ?? 0) + 1); }
      expect(ctx.length + query.length).toBe(103);
    }
    expect(seen.size).toBe(103);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
  });

  it('naive labelling scores the context rows themselves (the leak it exists to show)', async () => {
    const calls: { ctx: number[]; query: number[] }[] = [];
    await labelWithTeachers(spyTeacher(calls), data(40, 2), { mode: 'naive' });
    expect(calls).toHaveLength(1);
    expect(calls[0].ctx).toEqual(calls[0].query);
  });

  it('naive kNN targets collapse to one-hot while out-of-fold targets stay soft', async () => {
    const d = data(300, 2, 4);
    d.x = d.x.map((v, i) => (i % 3 === 0 ? 0 : v)); // blank the id column so it does not drive distances
    const teacher = knnTeacher({ neighbours: 10 });
    const naive = collapseStats((await labelWithTeachers(teacher, d, { mode: 'naive' })).targets);
    const oof = collapseStats((await labelWithTeachers(teacher, d, { mode: 'oof' })).targets);
    expect(naive.shareConfident).toBeGreaterThan(0.95);
    expect(oof.shareConfident).toBeLessThan(0.6);
    expect(oof.meanEntropy).toBeGreaterThan(naive.meanEntropy * 3);
  });

  it('stratifies folds and warns when a class is smaller than K', () => {
    const y = Int32Array.from({ length: 50 }, (_, i) => (i < 48 ? i % 2 : 2));
    const plan = stratifiedFolds(y, 3, 5, 0);
    for (let f = 0; f < 5; f++) {
      const c0 = y.filter((v, i) => v === 0 && plan.fold[i] === f).length;
      expect(c0 === 4 || c0 === 5).toBe(true);
    }
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(/class 2 has 2 row/);
    expect(() => stratifiedFolds(y, 3, 1)).toThrow(DistillInputError);
    expect(() => stratifiedFolds(Float64Array.from([0, 1, NaN]), 2, 2)).toThrow(/label NaN/);
  });

  it('rejects a teacher output of the wrong shape', async () => {
    const bad: Teacher = { id: 'bad', predict: async (_c, _y, k) => ({ probs: new Float64Array(k), n: 1, k }) };
    await expect(labelWithTeachers(bad, data(20, 2))).rejects.toThrow(/returned 1×2/);
  });
});

describe('target transforms', () => {
  const p: ProbMatrix = { probs: Float64Array.from([0.8, 0.2, 0.5, 0.5]), n: 2, k: 2 };

  it('temperature: T → p^(1/T) renormalised; T = 2 on (0.8, 0.2) gives (2/3, 1/3)', () => {
    const t = applyTemperature(p, 2);
    expect(t.probs[0]).toBeCloseTo(2 / 3, 12);
    expect(t.probs[2]).toBeCloseTo(0.5, 12);
    expect(applyTemperature(p, 0.01).probs[0]).toBeCloseTo(1, 12);
  });

  it('α mixes in the hard label and averaging weights teachers', () => {
    const m = mixHard(p, [1, 0], 0.5);
    expect(Array.from(m.probs)).toEqual([0.4, 0.6, 0.75, 0.25]);
    const a = averageProbs([p, { probs: Float64Array.from([0, 1, 1, 0]), n: 2, k: 2 }], [3, 1]);
    expect(a.probs[0]).toBeCloseTo(0.6, 12);
    expect(a.probs[2]).toBeCloseTo(0.625, 12);
  });

  it('averages several teachers in labelWithTeachers and reports monotone progress', async () => {
    const d = data(30, 2);
    const constant = (v: number): Teacher => ({ id: `c${v}`, predict: async (_c, _y, k, q) => ({ probs: Float64Array.from({ length: q.n * k }, (_, i) => (i % 2 ? v : 1 - v)), n: q.n, k }) });
    const ticks: number[] = [];
    const r = await labelWithTeachers([constant(0.2), constant(0.6)], d, { folds: 3, onProgress: (done, total) => { expect(total).toBe(6); ticks.push(done); } });
    expect(ticks).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.teacher.probs[1]).toBeCloseTo(0.4, 12);
  });
});
