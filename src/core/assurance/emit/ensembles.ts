// Ensembles runs → 'predictive-performance' drafts (black-box: scored from the pool's test-split predictions), one
// per dataset × strategy (best single model, averages, Caruana selection, stacking…): each metric the run scored on
// the test split, accuracy with its Wilson interval over the test rows (a count), AUC / log-loss / ECE without one
// (the report keeps no per-row scores to resample), and the strategy's cost against the best single model.
// The pool file's sha256 identifies the predictions the scores come from (a seeded demo pool has none).
import type { EnsembleReport } from '../../ensembles/analyse';
import { METRICS, type MetricId } from '../../ensembles/metrics';
import type { EvidenceDraft, EvidenceMetric } from '../types';
import { finiteMetrics, pointMetric, proportionMetric } from './intervals';

export interface EnsemblePool { id: string; sha256?: string }

function metricOf(id: MetricId, value: number | null | undefined, n: number): EvidenceMetric | null {
  if (value === null || value === undefined) return null;
  const higher = METRICS[id].direction === 'higher';
  return id === 'accuracy' ? proportionMetric('accuracy on the test split', value, n, higher) : pointMetric(`${METRICS[id].label} on the test split`, value, { n, higherIsBetter: higher });
}

export function emitEnsembles(report: EnsembleReport, pool: EnsemblePool): EvidenceDraft[] {
  const label = new Map(report.strategies.map((s) => [s.id, s.label]));
  const poolData = { id: `prediction pool ${pool.id}`, ...(pool.sha256 ? { sha256: pool.sha256 } : {}) };
  const out: EvidenceDraft[] = [];
  for (const d of report.perDataset) {
    for (const [id, cell] of Object.entries(d.strategies)) {
      if (!cell) continue;
      const metrics = finiteMetrics([
        ...Object.entries(cell.scores).map(([m, v]) => metricOf(m as MetricId, v, d.nTest)),
        pointMetric('models called per row', cell.modelCalls, { higherIsBetter: false }),
        pointMetric('cost ÷ best single model', cell.costMultiple, { higherIsBetter: false }),
      ]);
      const name = label.get(id as keyof typeof d.strategies) ?? id;
      const auc = cell.scores.auc;
      out.push({
        evidenceClass: 'predictive-performance', access: 'black-box', module: 'ensembles',
        model: { id: `ensemble ${name} (${cell.used.join(' + ')})`.slice(0, 300) },
        data: [poolData, { id: `dataset ${d.dataset}` }],
        scope: { behaviour: `classification on ${d.dataset} by ${name}`, suite: `${d.dataset} test split`, sampleSize: d.nTest, properties: ['accuracy-performance'] },
        metrics,
        claim: `${name} on ${d.dataset}: ${typeof auc === 'number' ? `ROC-AUC ${auc.toFixed(3)}, ` : ''}best single model ${d.bestSingle}, over ${d.nTest} test rows.`,
      });
    }
  }
  return out;
}
