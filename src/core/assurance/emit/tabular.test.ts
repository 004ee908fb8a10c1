// Tabular emitter on real runs of the tabular engine (a 120-row toy CSV, k-NN and logistic teachers, a logistic
// student): one predictive-performance draft per teacher, the distillation's teacher and student scored on the test
// split with accuracy's Wilson interval over the test rows, and non-discrimination only when the task named a
// sensitive attribute (the run then reports per-group metrics).
import { describe, expect, it } from 'vitest';
import { createTabularEngine } from '../../tabular/api';
import { completeAll } from './drafts.fixture';
import { emitTabularDistill, emitTabularTeachers } from './tabular';
import { wilsonInterval } from './intervals';
import { toyCsv } from '../../tabular/toyCsv.fixture';

const enc = (s: string) => new TextEncoder().encode(s);
const SHA = '9'.repeat(64);

describe('tabular emitters', () => {
  it('emits one draft per cross-validated teacher with the dataset sha256', async () => {
    const api = createTabularEngine();
    await api.loadFile('toy.csv', enc(toyCsv()));
    await api.setTask({ target: 'label' });
    const report = await api.runTeachers({ teachers: ['knn', 'logreg'], folds: 3, seed: 1 });
    const records = completeAll(emitTabularTeachers(report, { id: 'toy.csv', sha256: SHA, target: 'label' }));
    expect(records.map((r) => r.model.id)).toEqual(['tabular teacher knn', 'tabular teacher logreg']);
    for (const [i, r] of records.entries()) {
      expect(r).toMatchObject({ evidenceClass: 'predictive-performance', access: 'black-box', data: [{ id: 'toy.csv', sha256: SHA }], scope: { sampleSize: 120, properties: ['accuracy-performance'] } });
      expect(r.metrics[0]).toMatchObject({ value: report.scores[i].aucMean, n: 120, method: 'none' });
    }
  });

  it('scores the distillation on the test split; per-group metrics make it non-discrimination evidence', async () => {
    const api = createTabularEngine();
    await api.loadFile('toy.csv', enc(toyCsv()));
    await api.setTask({ target: 'label', sensitive: 'colour' });
    const report = await api.runDistill({ teachers: ['knn'], students: ['logreg'], labelling: 'oof', folds: 3, temperature: 1, hardLabelMix: 0, seed: 3 });
    const [teacher, student] = completeAll(emitTabularDistill(report, { id: 'toy.csv', sha256: SHA, target: 'label' }));
    expect(teacher.model.id).toBe('tabular teacher knn');
    expect(student.model.id).toBe('knn → logreg student');
    const n = report.testRows;
    const acc = student.metrics.find((m) => m.name === 'accuracy on the test split')!;
    const k = Math.round(report.students[0].report.accuracy * n);
    expect(acc).toMatchObject({ value: report.students[0].report.accuracy, n, method: 'wilson' });
    expect(acc.ci).toEqual(wilsonInterval(k, n));
    expect(student.scope.properties).toEqual(['accuracy-performance', 'non-discrimination']);
    expect(student.metrics.find((m) => m.name.startsWith('ROC-AUC gap'))!.value).toBe(report.students[0].fairness!.aucGap);

    await api.setTask({ target: 'label' });
    const plain = await api.runDistill({ teachers: ['knn'], students: ['logreg'], labelling: 'oof', folds: 3, temperature: 1, hardLabelMix: 0, seed: 3 });
    for (const r of completeAll(emitTabularDistill(plain, { id: 'toy.csv' }))) {
      expect(r.scope.properties).toEqual(['accuracy-performance']);
      expect(r.data).toEqual([{ id: 'toy.csv' }]);
    }
  });
});
