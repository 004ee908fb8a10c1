// The engine's loadFile on files as they come from UCI / OpenML mirrors: headerless, repeated names, NaN and ±inf
// cells. Each case here once went wrong silently (a lost first row, the wrong target, a numeric column turned into
// ~200 categories and an AUC of 0.5), so each checks the numbers the user would see.
import { describe, expect, it } from 'vitest';
import { createTabularEngine } from './api';
import { readShared } from './data/testData';

const enc = (s: string) => new TextEncoder().encode(s);

describe('loadFile on headerless and messy CSVs', () => {
  it('reads the headerless pima file with all 768 rows, says no header was found, and takes the last column by position', async () => {
    const api = createTabularEngine();
    const ds = await api.loadFile('pima-indians-diabetes.csv', enc(readShared('pima-indians-diabetes.csv')));
    expect(ds.rows).toBe(768);
    expect(ds.header).toEqual({ mode: 'auto', present: false });
    expect(ds.warnings.map((w) => w.kind)).toContain('header');
    const task = await api.setTask({ target: -1 });
    expect(task).toMatchObject({ target: 'x8', targetIndex: 8, classNames: ['0', '1'], classCounts: [500, 268], features: 8 });
    // forcing a header reads the first row as names again
    const forced = await api.loadFile('pima-indians-diabetes.csv', enc(readShared('pima-indians-diabetes.csv')), { header: true });
    expect(forced.rows).toBe(767);
    expect(forced.header).toEqual({ mode: true, present: true });
  });

  it('renames a repeated header name so the suggested target is the last column, not the first of that name', async () => {
    const api = createTabularEngine();
    const rows = Array.from({ length: 200 }, (_, i) => `${(i * 0.37).toFixed(2)},${i % 5},${i % 2}`);
    const ds = await api.loadFile('dup.csv', enc(['v,w,v', ...rows].join('\n')));
    expect(ds.columns.map((c) => c.name)).toEqual(['v', 'w', 'v_2']);
    expect(ds.warnings.find((w) => w.kind === 'renamed')?.message).toMatch(/"v" → "v_2"/);
    const task = await api.setTask(ds.suggested);
    expect(task).toMatchObject({ target: 'v_2', targetIndex: 2, classNames: ['0', '1'], classCounts: [100, 100] });
  });

  it('one NaN and one inf in 200 numeric rows keep the column numeric and the teacher scores well', async () => {
    const api = createTabularEngine();
    const rows = Array.from({ length: 200 }, (_, i) => {
      const y = i % 2;
      // ~200 distinct values: as categories, no test row's level would have been seen in training
      const x = i === 57 ? 'NaN' : i === 90 ? 'inf' : (y + ((i * 37) % 199) / 150).toFixed(4);
      return `${x},${y}`;
    });
    const ds = await api.loadFile('nan.csv', enc(['signal,label', ...rows].join('\n')));
    expect(ds.columns[0]).toMatchObject({ name: 'signal', kind: 'numeric', missing: 2, infinite: 1 });
    expect(ds.warnings.map((w) => w.kind)).toEqual(expect.arrayContaining(['missing', 'infinite']));
    await api.setTask({ target: 'label' });
    const report = await api.runTeachers({ teachers: ['logreg'], folds: 2, seed: 1 });
    expect(report.scores[0].aucMean).toBeGreaterThan(0.8);
  });
});
