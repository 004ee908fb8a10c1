import { describe, expect, it } from 'vitest';
import { checkRunProgress } from '../../runtime/progress';
import { loadSharedDataset } from '../data/registry';
import { readShared } from '../data/testData';
import { IN_CONTEXT_TEACHER_FACTORIES } from '../teachers/registry';
import { decomposeVariance } from './anova';
import { youden } from './metrics';
import { runStudy, type StudyConfig, type StudyEvent } from './runner';

describe('variance decomposition', () => {
  const cells = ['s1', 's2', 's3'].flatMap((strategy, a) => ['t1', 't2'].flatMap((teacher, b) =>
    [0, 1].map((rep) => ({ strategy, teacher, size: 64, value: 0.7 + 0.05 * a + 0.02 * b + (rep ? 0.001 : -0.001) }))));

  it('attributes additive effects to their factors; shares sum to 1', () => {
    const v = decomposeVariance('toy', cells, ['strategy', 'teacher', 'size'], [['strategy', 'teacher']]);
    const share = Object.fromEntries(v.terms.map((t) => [t.term, t.share]));
    // SS_strategy = 4·(0.05² + 0 + 0.05²) = 0.02, SS_teacher = 6·2·0.01² = 0.0012, residual = 12·0.001² = 1.2e-5
    expect(v.terms[0].ss).toBeCloseTo(0.02, 12);
    expect(v.terms[1].ss).toBeCloseTo(0.0012, 12);
    expect(share['strategy×teacher']).toBeCloseTo(0, 12);
    expect(share.residual * v.totalSs).toBeCloseTo(1.2e-5, 12);
    expect(v.terms.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1, 12);
  });
});

describe('variance decomposition of a pure interaction', () => {
  it('puts a crossover effect entirely in strategy×teacher', () => {
    const obs = [['a', 'x', 1], ['a', 'y', -1], ['b', 'x', -1], ['b', 'y', 1]].map(([strategy, teacher, v]) => ({ strategy, teacher, value: 0.8 + 0.1 * (v as number) }));
    const v = decomposeVariance('crossover', obs, ['strategy', 'teacher'], [['strategy', 'teacher']]);
    expect(v.terms.map((t) => [t.term, Number(t.share.toFixed(12))])).toEqual([['strategy', 0], ['teacher', 0], ['strategy×teacher', 1], ['residual', 0]]);
  });
});

describe('youden', () => {
  it('picks the threshold maximising TPR − FPR', () => {
    const r = youden([0.9, 0.8, 0.7, 0.6, 0.2, 0.1], [true, false, true, true, false, false]);
    expect(r).toEqual({ threshold: 0.6, tpr: 1, j: 1 - 1 / 3 });
  });
});

describe('runStudy', () => {
  const config: StudyConfig = { strategies: ['uniform', 'balanced'], sizes: [32, 64], folds: 3, seed: 1 };

  it('crosses datasets × folds × sizes × strategies × teachers, with progress that moves inside teacher calls', async () => {
    const pima = await loadSharedDataset('pima', readShared('pima-indians-diabetes.csv'));
    const events: StudyEvent[] = [];
    const teachers = IN_CONTEXT_TEACHER_FACTORIES.map((f) => f.create());
    const res = await runStudy([{ id: 'pima', task: pima }], teachers, config, { onProgress: (e) => events.push(e) });
    const calls = 3 * 2 * 2 * teachers.length;
    expect(res.records).toHaveLength(calls);
    // one total planned up front (a unit per teacher call), never going back, ending at 100 %; the TFM reports
    // inside its calls, so there are more distinct values than the calls' ends (steps of exactly 1 sat still)
    expect(events[0].done).toBe(0);
    expect(events[0].total).toBe(calls);
    expect(checkRunProgress(events)).toEqual([]);
    expect(new Set(events.map((e) => e.done)).size).toBeGreaterThan(calls + 1);
    for (const r of res.records) {
      expect(r.auc).toBeGreaterThan(0.6);
      expect(r.contextRows).toBe(r.size);
      if (r.strategy === 'balanced') expect(r.minorityInContext).toBe(r.size / 2);
    }
    // balanced contexts show the teacher more minority rows, so argmax minority recall rises
    const recall = (s: string): number => {
      const v = res.records.filter((r) => r.strategy === s).map((r) => r.minorityRecall);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    expect(recall('balanced')).toBeGreaterThan(recall('uniform'));
    expect(res.summary).toHaveLength(2 * 2 * teachers.length);
    expect(res.variance[0].terms.map((t) => t.term)).toEqual(['strategy', 'teacher', 'size', 'strategy×teacher', 'strategy×size', 'residual']);
    expect(JSON.parse(JSON.stringify(res)).records[0]).toEqual(res.records[0]);
  });

  it('stops at an abort and reports nothing after it', async () => {
    const pima = await loadSharedDataset('pima', readShared('pima-indians-diabetes.csv'));
    const ctrl = new AbortController();
    let last = 0;
    const run = runStudy([{ id: 'pima', task: pima }], [IN_CONTEXT_TEACHER_FACTORIES[0].create()], config, {
      signal: ctrl.signal,
      onProgress: (e) => { last = e.done; if (e.done === 3) ctrl.abort(); },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(last).toBe(3);
  });

  it('yields to the event loop, so an abort arriving as a later task (a worker message) stops the run', async () => {
    const pima = await loadSharedDataset('pima', readShared('pima-indians-diabetes.csv'));
    const ctrl = new AbortController();
    let done = 0;
    const big: StudyConfig = { ...config, sizes: [64, 128, 256, 512], folds: 5 };
    const run = runStudy([{ id: 'pima', task: pima }], IN_CONTEXT_TEACHER_FACTORIES.map((f) => f.create()), big, {
      signal: ctrl.signal,
      onProgress: (e) => { done = e.done; },
    });
    setTimeout(() => ctrl.abort(), 0);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(done).toBeLessThan(5 * 4 * 2 * 2);
  });
});
