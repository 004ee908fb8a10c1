// A curation pipeline run (src/core/curation: generate → gates → recovery, with injected faults) →
// 'data-provenance' (outside-the-box: it needs the training data and the code that made it). The evidence is about
// the curated dataset the run produced, and names the pipeline's models as the subject; its data are the source
// documents by sha256. Metrics, each a count over the run's samples (Wilson): yield (accepted / started),
// recovery rate (failed first attempts ending accepted), and per gate and for any gate the injection recall
// (injected samples rejected / injected) and precision (injected among its rejections). A cancelled run emits
// nothing: its counts describe a pipeline stopped part-way.
import type { CurationRunOutput } from '../../curation/engine';
import type { CorpusDocument } from '../../curation/types';
import type { EvidenceDraft, EvidenceMetric } from '../types';
import { finiteMetrics, pointMetric, proportionMetric } from './intervals';

const SHA256 = /^[0-9a-f]{64}$/;

export function emitCuration(run: CurationRunOutput & { documents: readonly Pick<CorpusDocument, 'id' | 'sourceSha256'>[] }, o: { corpus: string; modelHashes?: Record<string, string> }): EvidenceDraft[] {
  if (run.result.cancelled) return [];
  const m = run.metrics;
  const started = m.samples - m.statuses.cancelled;
  const rate = (name: string, v: number | null, n: number, higher: boolean): EvidenceMetric | null => (v === null || n === 0 ? null : proportionMetric(name, v, n, higher));
  const metrics = finiteMetrics([
    rate('yield (accepted / started samples)', m.yield, started, true),
    rate('recovery rate (failed first attempts ending accepted)', m.recoveryRate, m.failedFirst, true),
    rate('injection recall, any gate', m.anyGate.injectionRecall, m.injected, true),
    m.anyGate.injectionPrecision === null ? null : pointMetric('injection precision, any gate', m.anyGate.injectionPrecision, { higherIsBetter: true }),
    ...m.gates.flatMap((g) => [
      rate(`injection recall, gate ${g.gate}`, g.injectionRecall, m.injected, true),
      rate(`injection precision, gate ${g.gate}`, g.injectionPrecision, g.rejected, true),
    ]),
    m.cost.perAccepted === null ? null : pointMetric('model calls per accepted sample', m.cost.perAccepted, { higherIsBetter: false }),
  ]);
  if (metrics.length === 0) return [];
  const generators = run.models.filter((x) => x.role === 'generator').map((x) => x.id);
  const only = generators.length === 1 ? o.modelHashes?.[generators[0]] : undefined;
  const sources = [...new Map(run.documents.map((d) => [`${d.id.split('#')[0]}|${d.sourceSha256}`, { id: d.id.split('#')[0], sha256: d.sourceSha256 }])).values()]
    .map((d) => ({ id: `source ${d.id}`.slice(0, 300), ...(SHA256.test(d.sha256) ? { sha256: d.sha256 } : {}) }));
  const recall = m.anyGate.injectionRecall;
  return [{
    evidenceClass: 'data-provenance', access: 'outside-the-box', module: 'curation',
    model: { id: `curation pipeline (${run.models.map((x) => `${x.role} ${x.id}`).join(', ')})`.slice(0, 300), ...(only && SHA256.test(only) ? { sha256: only } : {}) },
    data: sources,
    scope: { behaviour: `which generated training samples the gates accept, and whether they catch injected faults, on ${o.corpus}`.slice(0, 300), suite: o.corpus.slice(0, 300), sampleSize: started, properties: ['data-governance'] },
    metrics,
    claim: `Of ${started} samples generated from ${o.corpus}, ${m.statuses.accepted} were accepted; the gates caught ${recall === null ? 'no injected faults (none injected)' : `${(100 * recall).toFixed(1)} % of ${m.injected} injected faults`}.`.slice(0, 500),
  }];
}
