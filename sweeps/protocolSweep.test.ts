// The tabular protocol on the job queue's engine: one job per dataset (the tabular spec's 'protocol' view), run
// through the same runSweepJob every backend uses, then the run records merged into the cross-dataset analyses.
// The merge must equal one single-process runProtocol over the same datasets with the same settings (timings
// aside), so a grid split over workers reports what the bench reports. The in-process loop stands for the queue:
// sweeps.test.ts checks the BullMQ backend gives the loop's digests job for job.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExperimentError } from '../src/core/experiments/errors';
import { protocolFromRecords, protocolOfRecord } from '../src/core/experiments/runners/tabularProtocolRecords';
import { expandSweep, type SweepSpec } from '../src/core/experiments/sweep';
import { loadSharedDataset } from '../src/core/tabular/data/registry';
import { readShared } from '../src/core/tabular/data/testData';
import { DEFAULT_PROTOCOL, runProtocol } from '../src/core/tabular/study/protocol';
import { protocolBaseline } from '../src/core/tabular/study/protocolRun';
import { shippedSensitive } from '../src/core/tabular/study/protocolSources';
import { knnTeacher } from '../src/core/tabular/teachers/knn';
import { logRegTeacher } from '../src/core/tabular/teachers/logreg';
import { SPEC_CATALOGUE } from '../src/state/experiments';
import { InProcessBackend } from './backend';

const SEED = 2;
const sweep: SweepSpec = {
  format: 'workbench-sweep', version: 1, title: 'protocol per dataset',
  experiment: {
    format: 'workbench-experiment', version: 1, module: 'tabular', specVersion: 6, seed: SEED,
    spec: {
      view: 'protocol', teachers: ['knn', 'logreg'], folds: 3, strategies: ['uniform', 'balanced'], contextSizes: [32],
      protocol: { baseline: 'plain', foldsRun: 2, labelFolds: 2, study: true, studyFolds: 2 },
    },
  },
  axes: [{ path: 'dataset.id', values: ['pima', 'breast-cancer-wisconsin'] }],
} as unknown as SweepSpec;

/** Deep equality with numbers equal within `tol` (records hold numbers rounded to 1e-9); timing fields skipped. */
function closeDiff(a: unknown, b: unknown, path = '', tol = 1e-7): string[] {
  if (/(Ms|MsMean|UsPerRow|[sS]peedupBatch1)$/.test(path)) return [];
  if (typeof a === 'number' && typeof b === 'number') {
    return (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= tol * Math.max(1, Math.abs(a)) ? [] : [`${path}: ${a} vs ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: length ${a.length} vs ${b.length}`];
    return a.flatMap((x, i) => closeDiff(x, b[i], `${path}[${i}]`, tol));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => (a as Record<string, unknown>)[k] !== undefined || (b as Record<string, unknown>)[k] !== undefined);
    return keys.flatMap((k) => closeDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k, tol));
  }
  return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

describe('the protocol as a sweep, one job per dataset', () => {
  it('merges the jobs\' run records into the single-process result', async () => {
    const backend = new InProcessBackend();
    const expanded = expandSweep(sweep, SPEC_CATALOGUE);
    expect(expanded.jobs).toHaveLength(2);
    const { sweepId } = await backend.submit(expanded);
    for await (const p of backend.watch(sweepId, { intervalMs: 50 })) if (p.finished) break;
    const { records, deadLetters } = await backend.results(sweepId);
    expect(deadLetters).toEqual([]);
    // through JSON, as the CLI's --out file is read
    const merged = protocolFromRecords(JSON.parse(JSON.stringify(records.map((r) => r.record))));
    await backend.close();

    const pima = await loadSharedDataset('pima', readShared('pima-indians-diabetes.csv'));
    const bcw = await loadSharedDataset('breast-cancer-wisconsin', readShared('breast-cancer-wisconsin.csv'));
    const direct = await runProtocol([
      { id: 'pima', task: pima, source: 'shipped', sensitive: shippedSensitive('pima', pima) },
      { id: 'breast-cancer-wisconsin', task: bcw, source: 'shipped' },
    ], [knnTeacher(), logRegTeacher()], protocolBaseline('plain', SEED), {
      ...DEFAULT_PROTOCOL, folds: 3, foldsRun: 2, labelFolds: 2, seed: SEED,
      study: { strategies: ['uniform', 'balanced'], sizes: [32], folds: 2 }, latencyRows: 256, teacherLatencyRows: 4, latencyRepeats: 2,
    });
    expect(closeDiff(merged, direct)).toEqual([]);
    expect(merged.analyses.rankTransfer?.perDataset).toHaveLength(2);
    expect(merged.datasets.map((d) => [d.id, d.sensitive?.name ?? null])).toEqual([['pima', 'age band'], ['breast-cancer-wisconsin', null]]);
    // the latency records came back from the records' measurements
    expect(merged.latency).toHaveLength(4);
    for (const l of merged.latency) expect(l.speedupBatch1).toBeGreaterThan(0);
  }, 240_000);

  it('the shipped example expands to one protocol job per bundled dataset', () => {
    const example = JSON.parse(readFileSync(new URL('examples/tabular-protocol.json', import.meta.url), 'utf8')) as SweepSpec;
    const expanded = expandSweep(example, SPEC_CATALOGUE);
    expect(expanded.jobs.map((j) => (j.experiment.spec as { dataset: { id: string } }).dataset.id)).toEqual(['german', 'pima', 'breast-cancer-wisconsin', 'mammography', 'phoneme', 'breast_cancer']);
    for (const j of expanded.jobs) expect((j.experiment.spec as { view: string }).view).toBe('protocol');
  });

  it('refuses to merge a record of another view, by name', () => {
    const record = { experiment: { module: 'tabular', title: 'teachers' }, results: { view: 'teacher', report: {} } };
    expect(() => protocolOfRecord(record as never)).toThrow(ExperimentError);
    expect(() => protocolOfRecord(record as never)).toThrow(/not a run of the tabular protocol view/);
  });
});
