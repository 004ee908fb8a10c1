import { describe, expect, it } from 'vitest';
import { aucFromProbs } from '../../metrics/classification';
import { preprocessSplit } from '../data/preprocess';
import { loadSharedDataset } from '../data/registry';
import { stratifiedSplit } from '../data/split';
import { readShared } from '../data/testData';
import { DEFAULT_GBDT_GRID, gridPoints, tunedGbdtTeacher, tuneGbdt } from './tunedGbdt';

async function pimaSplit() {
  const task = await loadSharedDataset('pima', readShared('pima-indians-diabetes.csv'));
  const s = stratifiedSplit(task.y, 2, 0.25, 3);
  return preprocessSplit(task, s.train, s.test);
}

describe('tuned GBDT baseline', () => {
  it('the default grid is learning rate × depth × min child weight, 12 points in grid order', () => {
    const pts = gridPoints(DEFAULT_GBDT_GRID);
    expect(pts).toHaveLength(12);
    expect(pts[0]).toEqual({ learningRate: 0.03, maxDepth: 3, minChildWeight: 1 });
    expect(pts[11]).toEqual({ learningRate: 0.3, maxDepth: 6, minChildWeight: 10 });
  });

  it('selects by inner-CV AUC: a grid point that cannot split (min child weight 1e6) scores 0.5 and is never chosen', async () => {
    const { train } = await pimaSplit();
    const t = tuneGbdt(train, train.y, 2, { grid: { learningRate: [0.1], maxDepth: [3], minChildWeight: [1e6, 1] } });
    expect(t.innerFolds).toBe(3);
    expect(t.candidates[0].innerAuc).toBe(0.5);
    expect(t.candidates[1].innerAuc).toBeGreaterThan(0.75);
    expect(t.chosen.minChildWeight).toBe(1);
    expect(t.candidates[1].rounds.every((r) => r > 0 && r <= 500)).toBe(true);
  });

  it('is seeded (same choice and same probabilities twice) and, as a teacher, ranks held-out pima rows (AUC > 0.8)', async () => {
    const { train, test } = await pimaSplit();
    const a = tuneGbdt(train, train.y, 2, { seed: 5 });
    const b = tuneGbdt(train, train.y, 2, { seed: 5 });
    expect(a.chosen).toEqual(b.chosen);
    expect(a.candidates.map((c) => c.innerAuc)).toEqual(b.candidates.map((c) => c.innerAuc));
    expect(Array.from(a.student.predict(test).probs)).toEqual(Array.from(b.student.predict(test).probs));
    const best = Math.max(...a.candidates.map((c) => c.innerAuc));
    expect(a.candidates.find((c) => c.point === a.chosen)?.innerAuc).toBe(best);
    const teacher = tunedGbdtTeacher({ seed: 5 });
    expect(teacher.id).toBe('tuned-gbdt');
    const p = await teacher.predict(train, train.y, 2, test);
    expect(aucFromProbs(p, test.y)).toBeGreaterThan(0.8);
  });

  it('skips the search (and says why) when a class has a single row, still returning a model', async () => {
    const { train, test } = await pimaSplit();
    const keep = [...Array.from({ length: 60 }, (_, i) => i).filter((i) => train.y[i] === 0), train.y.indexOf(1)];
    const x = { ...train, x: Float64Array.from(keep.flatMap((r) => Array.from(train.x.subarray(r * train.d, (r + 1) * train.d)))), n: keep.length };
    const t = tuneGbdt(x, Int32Array.from(keep, (r) => train.y[r]), 2);
    expect(t.skipped).toMatch(/class 1 has 1 row/);
    expect(t.candidates).toEqual([]);
    expect(t.student.predict(test).n).toBe(test.n);
  });
});
