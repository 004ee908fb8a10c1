// Ensembles emitter on a real analysis (analysePool over a small seeded synthetic pool): one predictive-performance
// draft per dataset × strategy, accuracy with its Wilson interval over the test rows, the other metrics without
// one, and the pool file's sha256 passed through.
import { describe, expect, it } from 'vitest';
import { analysePool } from '../../ensembles/analyse';
import { syntheticPool } from '../../ensembles/synthetic';
import { completeAll } from './drafts.fixture';
import { emitEnsembles } from './ensembles';
import { wilsonInterval } from './intervals';

describe('emitEnsembles', () => {
  it('emits one draft per dataset × strategy with the scores of the report', async () => {
    const report = await analysePool(syntheticPool({ datasets: 3, rowsOof: 80, rowsTest: 60, seed: 5 }), { strategies: ['best-single', 'avg-uniform'] });
    const SHA = '7'.repeat(64);
    const records = completeAll(emitEnsembles(report, { id: 'pool.csv', sha256: SHA }));
    expect(records).toHaveLength(3 * 2);
    const first = records[0];
    const d = report.perDataset[0];
    const cell = d.strategies['best-single']!;
    expect(first).toMatchObject({
      evidenceClass: 'predictive-performance', access: 'black-box', module: 'ensembles',
      data: [{ id: 'prediction pool pool.csv', sha256: SHA }, { id: `dataset ${d.dataset}` }],
      scope: { sampleSize: d.nTest, properties: ['accuracy-performance'] },
    });
    expect(first.model.id).toContain(cell.used[0]);
    const acc = first.metrics.find((m) => m.name === 'accuracy on the test split')!;
    expect(acc).toMatchObject({ value: cell.scores.accuracy, n: 60, method: 'wilson', higherIsBetter: true });
    expect(acc.ci).toEqual(wilsonInterval(Math.round(cell.scores.accuracy! * 60), 60));
    const ll = first.metrics.find((m) => m.name.startsWith('Log-loss'))!;
    expect(ll).toMatchObject({ value: cell.scores.logloss, method: 'none', higherIsBetter: false });
  });
});
