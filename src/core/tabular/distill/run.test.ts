import { describe, expect, it } from 'vitest';
import type { LabelledMatrix } from '../matrix';
import { gaussian, makeRng } from '../students/rng';
import { knnTeacher } from '../teachers/knn';
import { runDistillation } from './run';

function blobs(n: number, seed: number): LabelledMatrix {
  const rand = makeRng(seed);
  const d = 4;
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rand() < 0.3 ? 1 : 0;
    for (let f = 0; f < d; f++) x[i * d + f] = gaussian(rand) + (f < 2 && y[i] ? 1.5 : 0);
  }
  return { x, n, d, names: ['a', 'b', 'c', 'e'], y, k: 2, classNames: ['0', '1'] };
}

describe('runDistillation', () => {
  it('labels out of fold, trains the three students and reports retention, agreement, fairness and speedup', async () => {
    const train = blobs(400, 1);
    const test = blobs(200, 2);
    const groups = Array.from({ length: test.n }, (_, i) => (i % 2 ? 'g1' : 'g2'));
    const run = await runDistillation(knnTeacher({ neighbours: 15 }), train, test, {
      students: { gbdt: { nRounds: 50 }, mlp: { epochs: 20 }, logreg: {} }, testGroups: groups, latencyRows: 20, teacherLatencyRows: 4,
    });
    expect(run.students.map((s) => s.kind)).toEqual(['gbdt', 'mlp', 'logreg']);
    expect(run.labels.fold).not.toBeNull();
    expect(run.teacher.report.auc).toBeGreaterThan(0.8);
    for (const s of run.students) {
      expect(s.retention).toBeGreaterThan(0.9);
      expect(s.agreement).toBeGreaterThan(0.8);
      expect(s.fairness?.aucGap).toBeGreaterThanOrEqual(0);
      expect(s.speedupBatch1).toBeGreaterThan(0);
    }
    expect(run.collapse.shareConfident).toBeLessThan(0.9);
  });
});
