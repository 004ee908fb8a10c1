// The engine: loading, one run at a time, cancel() aborting only the run in flight.
import { describe, expect, it } from 'vitest';
import { createEnsemblesEngine } from './api';
import { poolToCsv } from './parse';
import { syntheticPool } from './synthetic';

const small = { datasets: 3, rowsOof: 60, rowsTest: 60, seed: 4 };

describe('ensembles engine', () => {
  it('refuses to analyse before a pool is loaded', async () => {
    await expect(createEnsemblesEngine().analyse()).rejects.toThrow(/no prediction pool loaded/);
  });

  it('loads a CSV file and summarises it', async () => {
    const engine = createEnsemblesEngine();
    const csv = new TextEncoder().encode(poolToCsv(syntheticPool(small)));
    const s = await engine.loadPool('pool.csv', csv);
    expect(s.datasets.map((d) => [d.k, d.nOof, d.nTest])).toEqual([[2, 60, 60], [2, 60, 60], [2, 60, 60]]);
    expect(s.models).toHaveLength(6);
  });

  it('cancel() aborts the run in flight and the next run still works', async () => {
    const engine = createEnsemblesEngine();
    await engine.loadSyntheticPool(small);
    let first = true;
    const a = engine.analyse({ metrics: ['auc'] }, () => { if (first) { first = false; engine.cancel(); } });
    const b = engine.analyse({ metrics: ['auc'] });
    await expect(a).rejects.toThrow(/abort/i);
    const report = await b;
    expect(report.datasets).toHaveLength(3);
  });
});
