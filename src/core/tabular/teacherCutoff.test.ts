// The teacher tab's cut-off columns as the engine (the worker's implementation) returns them: checked against the
// core functions called directly on the same folds, the criterion and the ONNX opt-in from the run options, the
// tuned GBDT as a registered teacher, and the reasons a teacher gets no tuned cut-off.
import { describe, expect, it } from 'vitest';
import { perClassRecall } from '../metrics/classification';
import { createTabularEngine } from './api';
import { teacherCutoffReport } from './baselines/threshold';
import { loadSharedDataset } from './data/registry';
import { preprocessSplit } from './data/preprocess';
import { stratifiedKFold } from './data/split';
import { minorityClass } from './data/task';
import { readShared } from './data/testData';
import { logRegTeacher } from './teachers/logreg';

const enc = (s: string) => new TextEncoder().encode(s);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('teacher tab: minority recall at argmax and at the tuned cut-off', () => {
  it('equals the cut-off tuner run directly on the same folds (pima, logistic regression), for Youden and F1', async () => {
    const api = createTabularEngine();
    const ds = await api.loadShared('pima', enc(readShared('pima-indians-diabetes.csv')));
    const summary = await api.setTask(ds.suggested);
    const youden = await api.runTeachers({ teachers: ['logreg'], folds: 3, seed: 2 });
    const f1 = await api.runTeachers({ teachers: ['logreg'], folds: 3, seed: 2, cutoff: { criterion: 'f1' } });
    expect(youden.cutoff).toEqual({ criterion: 'youden', onnxTeachers: false });
    expect(f1.cutoff.criterion).toBe('f1');
    expect(youden.minorityClass).toBe(summary.minorityClass);

    const task = await loadSharedDataset('pima', readShared('pima-indians-diabetes.csv'));
    const minority = minorityClass(task.y, 2);
    const direct = { youden: [] as number[], f1: [] as number[], argmax: [] as number[], thresholds: [] as number[] };
    for (const fold of stratifiedKFold(task.y, 2, 3, 2)) {
      const { train, test } = preprocessSplit(task, fold.train, fold.test);
      const y = await teacherCutoffReport(logRegTeacher(), train, test, { folds: 5, seed: 2, positiveClass: minority });
      const f = await teacherCutoffReport(logRegTeacher(), train, test, { folds: 5, seed: 2, positiveClass: minority, criterion: 'f1' });
      direct.youden.push(y.tuned.recall);
      direct.f1.push(f.tuned.recall);
      direct.thresholds.push(y.threshold);
      direct.argmax.push(perClassRecall(y.testProbs, test.y)[minority]);
    }
    const [s] = youden.scores;
    expect(s.minorityRecallArgmax).toBeCloseTo(mean(direct.argmax), 12);
    if (s.cutoff.status !== 'tuned') throw new Error(s.cutoff.reason);
    expect(s.cutoff.foldRecall).toEqual(direct.youden);
    expect(s.cutoff.thresholds).toEqual(direct.thresholds);
    expect(s.cutoff.minorityRecall).toBeCloseTo(mean(direct.youden), 12);
    const g = f1.scores[0].cutoff;
    if (g.status !== 'tuned') throw new Error(g.reason);
    expect(g.foldRecall).toEqual(direct.f1);
    // pima's minority (35 %) is under-called at argmax: the Youden cut-off calls it more often
    expect(s.cutoff.minorityRecall).toBeGreaterThan(s.minorityRecallArgmax + 0.1);
    expect(s.balancedAccuracyArgmax).toBeGreaterThan(0.6);
    expect(s.cutoff.balancedAccuracy).toBeGreaterThan(0.6);
    // the digest covers the AUCs only: links made before the cut-off columns still reproduce
    expect(f1.digest).toBe(youden.digest);
  }, 120_000);

  it('runs the tuned GBDT as a teacher and leaves the TFM untuned unless asked', async () => {
    const api = createTabularEngine();
    const ds = await api.loadShared('breast-cancer-wisconsin', enc(readShared('breast-cancer-wisconsin.csv')));
    await api.setTask(ds.suggested);
    const plain = await api.runTeachers({ teachers: ['tuned-gbdt', 'tfm'], folds: 2, seed: 0 });
    const [gbdt, tfm] = plain.scores;
    expect(gbdt.teacher).toBe('tuned-gbdt');
    expect(gbdt.aucMean).toBeGreaterThan(0.97);
    expect(gbdt.cutoff).toMatchObject({ status: 'tuned', criterion: 'youden' });
    expect(tfm.cutoff).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/ONNX TFMs/) });
    expect(tfm.minorityRecallArgmax).toBeGreaterThan(0.8);
    const asked = await api.runTeachers({ teachers: ['tfm'], folds: 2, seed: 0, cutoff: { onnxTeachers: true } });
    expect(asked.scores[0].cutoff).toMatchObject({ status: 'tuned', thresholds: [expect.any(Number), expect.any(Number)] });
    expect(asked.scores[0].foldAuc).toEqual(tfm.foldAuc);
  }, 300_000);

  it('gives a multiclass task argmax figures and a reason instead of a cut-off', async () => {
    const api = createTabularEngine();
    const rows = Array.from({ length: 90 }, (_, i) => `${(i % 3) + ((i * 7) % 5) / 10},${((i * 3) % 7) / 7},${['a', 'b', 'c'][i % 3]}`);
    await api.loadFile('three.csv', enc(['x1,x2,label', ...rows].join('\n')));
    await api.setTask({ target: 'label' });
    const r = await api.runTeachers({ teachers: ['logreg'], folds: 3, seed: 0 });
    expect(r.scores[0].cutoff).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/binary tasks; this one has 3 classes/) });
    expect(r.scores[0].balancedAccuracyArgmax).toBeGreaterThan(0.9);
  });
});
