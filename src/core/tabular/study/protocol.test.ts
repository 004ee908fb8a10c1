// The protocol runner end to end on two bundled datasets (pima with its age band, breast-cancer-wisconsin without
// a person attribute), small sizes and two folds so it stays fast: every analysis is present and consistent with
// the records, progress keeps its invariants, and an abort stops the run.
import { describe, expect, it } from 'vitest';
import { checkRunProgress } from '../../runtime/progress';
import { loadSharedDataset } from '../data/registry';
import { readShared } from '../data/testData';
import { knnTeacher } from '../teachers/knn';
import { logRegTeacher } from '../teachers/logreg';
import { plainGbdtBaseline, runProtocol, type ProtocolConfig, type ProtocolEvent } from './protocol';
import { shippedSensitive, type ProtocolDataset } from './protocolSources';

const config: Partial<ProtocolConfig> = {
  folds: 3, foldsRun: 2, labelFolds: 3, seed: 1,
  study: { strategies: ['uniform', 'balanced'], sizes: [32, 64], folds: 2 },
  student: { nRounds: 60 }, latencyRows: 16, teacherLatencyRows: 2, latencyRepeats: 1,
};

async function datasets(): Promise<ProtocolDataset[]> {
  const pima = await loadSharedDataset('pima', readShared('pima-indians-diabetes.csv'));
  const bcw = await loadSharedDataset('breast-cancer-wisconsin', readShared('breast-cancer-wisconsin.csv'));
  return [
    { id: 'pima', task: pima, source: 'shipped', sensitive: shippedSensitive('pima', pima) },
    { id: 'breast-cancer-wisconsin', task: bcw, source: 'shipped' },
  ];
}

describe('runProtocol', () => {
  it('runs study, baseline, distillation and every analysis, with planned progress', async () => {
    const events: ProtocolEvent[] = [];
    const res = await runProtocol(await datasets(), [knnTeacher(), logRegTeacher()], plainGbdtBaseline({ nRounds: 60 }), config,
      { onProgress: (e) => events.push(e) });

    expect(checkRunProgress(events)).toEqual([]);
    // study calls (2 datasets × 2 folds × 2 sizes × 2 strategies × 2 teachers) + per fold a baseline unit and per
    // teacher 3 label calls + test call + student (+ latency on the first fold)
    expect(events[0].total).toBe(32 + 2 * (2 + 2 * 5 + 2 * 6));
    expect(res.datasets.map((d) => [d.id, d.features, d.sensitive?.name ?? null])).toEqual([['pima', 8, 'age band'], ['breast-cancer-wisconsin', 9, null]]);

    expect(res.distillRecords).toHaveLength(2 * 2 * 2);
    expect(res.baselineRecords).toHaveLength(2 * 2);
    for (const r of res.distillRecords) {
      expect(r.teacherAuc).toBeGreaterThan(0.75);
      expect(r.retention).toBeCloseTo(r.studentAuc / r.teacherAuc, 12);
      expect(r.retention).toBeGreaterThan(0.9);
      expect(r.teacherEce).toBeGreaterThanOrEqual(0);
      expect(r.teacherFairness === undefined).toBe(r.dataset !== 'pima');
    }
    const a = res.analyses;
    expect(a.variance.map((v) => v.scope)).toEqual(['pima', 'breast-cancer-wisconsin', 'all (dataset-centred)']);
    for (const v of a.variance) expect(v.strategy + v.teacher + v.size + v.strategyXTeacher + v.strategyXSize + v.residual).toBeCloseTo(1, 9);
    // balanced contexts move AUC on pima's 35 % minority little: the strategy share is a real number, not a constant
    expect(a.variance[0].strategy).toBeGreaterThanOrEqual(0);

    const knnPima = a.distill.find((d) => d.dataset === 'pima' && d.teacher === 'knn')!;
    const recs = res.distillRecords.filter((r) => r.dataset === 'pima' && r.teacher === 'knn');
    expect(knnPima.studentAuc).toBeCloseTo((recs[0].studentAuc + recs[1].studentAuc) / 2, 12);
    expect(a.retention.map((r) => r.teacher)).toEqual(['knn', 'logreg']);
    expect(a.rankTransfer?.perDataset).toHaveLength(2);
    expect(a.wilcoxon.map((w) => w.label)).toEqual(['student(knn) vs gbdt-hard-labels', 'teacher(knn) vs gbdt-hard-labels', 'student(logreg) vs gbdt-hard-labels', 'teacher(logreg) vs gbdt-hard-labels']);
    for (const w of a.wilcoxon) expect(w.wins + w.losses + w.ties).toBe(2);
    expect(a.fairness.map((f) => [f.dataset, f.attribute, f.teacher])).toEqual([['pima', 'age band (≤ 30 / > 30)', 'knn'], ['pima', 'age band (≤ 30 / > 30)', 'logreg']]);
    for (const f of a.fairness) expect(f.studentAucGap).toBeGreaterThanOrEqual(0);
    // both datasets have < 21 features: all gains fall on the low side
    for (const d of a.dimensionality) { expect(d.split.low.datasets).toHaveLength(2); expect(d.split.high.meanGain).toBeNaN(); }
    expect(a.dimensionality.map((d) => d.comparison)).toContain('context balanced − uniform');

    expect(res.latency).toHaveLength(2 * 2);
    for (const l of res.latency) expect(l.speedupBatch1).toBeCloseTo(l.teacherBatch1UsPerRow / l.studentBatch1UsPerRow, 9);

    const pool = a.diversity.perDataset[0];
    expect(pool.models).toEqual(['gbdt-hard-labels', 'knn', 'student(knn)', 'logreg', 'student(logreg)']);
    expect(pool.q.map((row, i) => row[i])).toEqual([1, 1, 1, 1, 1]);
    // kNN and LR err on many of the same rows: positively associated errors, as a near-redundant pool
    expect(pool.meanQTeachers).toBeGreaterThan(0);
    expect(pool.meanQTeachers).toBe(pool.q[1][3]);
    expect(JSON.parse(JSON.stringify(res)).distillRecords[0]).toEqual(JSON.parse(JSON.stringify(res.distillRecords[0])));
  }, 120_000);

  it('refuses a baseline id that collides with a teacher, and stops at an abort', async () => {
    const ds = await datasets();
    const clash = { ...plainGbdtBaseline(), teacher: { ...plainGbdtBaseline().teacher, id: 'knn' } };
    await expect(runProtocol(ds, [knnTeacher()], clash, config)).rejects.toThrow(/ids must differ/);
    const ctrl = new AbortController();
    let last = 0;
    const run = runProtocol(ds, [knnTeacher()], plainGbdtBaseline({ nRounds: 20 }), { ...config, study: false }, {
      signal: ctrl.signal, onProgress: (e) => { last = e.done; if (e.done >= 3 && !ctrl.signal.aborted) ctrl.abort(); },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(last).toBeLessThan(10);
  }, 60_000);
});
