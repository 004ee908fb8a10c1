import { describe, expect, it } from 'vitest';
import { createTabularEngine, type TabularProgress } from './api';
import { readShared } from './data/testData';
import { writeParquet } from '../ensembles/fixtures/parquetWriter';
import { toyCsv } from './toyCsv.fixture';

const enc = (s: string) => new TextEncoder().encode(s);

describe('tabular engine', () => {
  it('loads a CSV, summarises columns and classes, and cross-validates teachers reproducibly', async () => {
    const api = createTabularEngine();
    const ds = await api.loadFile('toy.csv', enc(toyCsv()));
    expect(ds.rows).toBe(120);
    expect(ds.columns.map((c) => [c.name, c.kind])).toEqual([['x1', 'numeric'], ['x2', 'numeric'], ['colour', 'categorical'], ['label', 'categorical']]);
    expect(ds.suggested.target).toBe('label');
    const task = await api.setTask({ target: 'label' });
    // classes in order of first appearance: row 0 is 'yes'
    expect(task.classNames).toEqual(['yes', 'no']);
    expect(task.classCounts).toEqual([30, 90]);
    expect(task.minorityClass).toBe('yes');

    const events: TabularProgress[] = [];
    const a = await api.runTeachers({ teachers: ['knn', 'logreg', 'nope'], folds: 3, seed: 1 }, (p) => events.push(p));
    expect(a.scores.map((s) => s.teacher)).toEqual(['knn', 'logreg']);
    expect(a.skipped[0].teacher).toBe('nope');
    for (const s of a.scores) {
      expect(s.foldAuc).toHaveLength(3);
      expect(s.aucMean).toBeGreaterThan(0.8);
    }
    // per fold and teacher: its call (1 unit) and the out-of-fold scores of the tuned cut-off ((folds − 1) units)
    expect(events.at(-1)).toMatchObject({ done: 18, total: 18 });
    expect(events.every((e, i) => i === 0 || e.done >= events[i - 1].done)).toBe(true);
    const b = await api.runTeachers({ teachers: ['knn', 'logreg'], folds: 3, seed: 1 });
    expect(b.digest).toBe(a.digest);
  });

  it('runs a small strategy study and a distillation on a shared dataset', async () => {
    const api = createTabularEngine();
    const ds = await api.loadShared('pima', enc(readShared('pima-indians-diabetes.csv')));
    expect(ds.rows).toBe(768);
    expect(ds.columns.find((c) => c.name === 'insulin')!.missing).toBeGreaterThan(300);
    await api.setTask(ds.suggested);
    const study = await api.runStudy({ teachers: ['knn'], strategies: ['uniform', 'balanced'], sizes: [32, 64], folds: 2, seed: 3 });
    expect(study.result.summary).toHaveLength(4);
    expect(study.result.summary.every((r) => r.aucMean > 0.6)).toBe(true);
    expect(study.digest).toMatch(/^[0-9a-f]{64}$/);

    const d = await api.runDistill({ teachers: ['knn'], students: ['logreg'], labelling: 'oof', folds: 3, temperature: 1, hardLabelMix: 0, seed: 3 });
    expect(d.students).toHaveLength(1);
    expect(d.students[0].retention).toBeGreaterThan(0.85);
    expect(d.trainRows + d.testRows).toBe(768);

    const ex = await api.exportStudent('logreg');
    expect(ex.onnx.byteLength).toBeGreaterThan(100);
    const manifest = JSON.parse(ex.manifest) as { classNames: string[]; preprocessing: unknown[]; onnx: { inputColumns: string[] } };
    expect(manifest.classNames).toEqual(['0', '1']);
    expect(manifest.preprocessing).toHaveLength(8);
    expect(manifest.onnx.inputColumns).toHaveLength(8);
    await expect(api.exportStudent('gbdt')).rejects.toThrow(/No gbdt student/);
  });

  it('reads ARFF (declared nominal levels), Parquet (by magic) and semicolon CSVs through loadFile', async () => {
    const api = createTabularEngine();
    const arff = await api.loadFile('t.arff', enc('@relation t\n@attribute x numeric\n@attribute c {lo,hi}\n@data\n1,lo\n2,hi\n?,hi\n'));
    expect(arff).toMatchObject({ format: 'arff', rows: 3, suggested: { target: 'c' } });
    expect(arff.columns[0]).toMatchObject({ kind: 'numeric', missing: 1 });
    const pq = await api.loadFile('no-extension', writeParquet([
      { name: 'age', type: 'int32', values: [31, 45, 27, 50] },
      { name: 'label', type: 'string', values: ['a', 'b', 'a', 'b'] },
    ]));
    expect(pq).toMatchObject({ format: 'parquet', rows: 4 });
    expect((await api.setTask({ target: 'label' })).classCounts).toEqual([2, 2]);
    const semi = await api.loadFile('eu.csv', enc('a;b;y\n1,5;2;0\n3;4;1\n'));
    expect(semi.columns.map((c) => c.name)).toEqual(['a', 'b', 'y']);
  });

  it('refuses a one-class target and a ragged file with messages the panel can show', async () => {
    const api = createTabularEngine();
    await api.loadFile('one.csv', enc('a,b,label\n1,2,x\n3,4,x\n5,6,x\n'));
    await expect(api.setTask({ target: 'label' })).rejects.toThrow(/single class/);
    await expect(api.runTeachers({ teachers: ['knn'], folds: 2, seed: 1 })).rejects.toThrow(/No task yet/);
    await expect(api.loadFile('ragged.csv', enc('a,b,label\n1,2,x\n3,y\n'))).rejects.toThrow(/Ragged CSV/);
  });

  it('cancel aborts the run in flight', async () => {
    const api = createTabularEngine();
    await api.loadFile('toy.csv', enc(toyCsv(400)));
    await api.setTask({ target: 'label' });
    let cancelled = false;
    // cancel once the run is in flight (a cancel before it starts has nothing to abort)
    const run = api.runStudy({ teachers: ['knn', 'logreg'], strategies: ['uniform', 'smote', 'balanced'], sizes: [32, 64, 128], folds: 5, seed: 1 }, (p) => {
      if (p.done >= 1 && !cancelled) { cancelled = true; void api.cancel(); }
    });
    await expect(run).rejects.toThrow(/abort/i);
  });
});
