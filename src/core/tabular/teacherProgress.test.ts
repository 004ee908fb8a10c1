// The teacher tab's progress with the committed TFM (models/tfm): events per query batch of each TFM forward,
// across folds, against a total fixed up front, so the bar moves during the first fold instead of staying at
// "0 % — starting" until a whole predict call has finished.
import { describe, expect, it } from 'vitest';
import { checkRunProgress } from '../runtime/progress';
import { createTabularEngine, type TabularProgress } from './api';
import { readShared } from './data/testData';

describe('tabular teacher progress', () => {
  it('moves within each TFM call: monotone, many steps before the end, ending at 100 %', async () => {
    const api = createTabularEngine();
    const ds = await api.loadShared('breast-cancer-wisconsin', new TextEncoder().encode(readShared('breast-cancer-wisconsin.csv')));
    await api.setTask(ds.suggested);
    const events: TabularProgress[] = [];
    // The first report that is not the start must come before the first teacher call has finished.
    let firstMoveAt = -1;
    await api.runTeachers({ teachers: ['tfm'], folds: 2, seed: 0 }, (p) => {
      if (firstMoveAt < 0 && p.done > 0) firstMoveAt = events.length;
      events.push(p);
    });
    expect(checkRunProgress(events)).toEqual([]);
    const before = new Set(events.filter((e) => e.done < e.total).map((e) => e.done / e.total));
    expect(before.size).toBeGreaterThan(5);
    expect(events[firstMoveAt].done).toBeLessThan(1);
  }, 300_000);

  it('moves within each TFM labelling call of a distillation', async () => {
    const api = createTabularEngine();
    const ds = await api.loadShared('breast-cancer-wisconsin', new TextEncoder().encode(readShared('breast-cancer-wisconsin.csv')));
    await api.setTask(ds.suggested);
    const events: TabularProgress[] = [];
    await api.runDistill({ teachers: ['tfm'], students: ['logreg'], labelling: 'oof', folds: 2, temperature: 1, hardLabelMix: 0, seed: 0 }, (p) => events.push(p));
    expect(checkRunProgress(events)).toEqual([]);
    expect(new Set(events.filter((e) => e.done < e.total).map((e) => e.done / e.total)).size).toBeGreaterThan(5);
  }, 300_000);
});
