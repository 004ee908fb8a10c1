// The assurance evidence of a finished circuits run (src/core/assurance/emit/circuits.ts): a computed graph's
// circuits evidence record (written in the worker, which hashes the graph JSON and knows the weights' sha256) as
// attribution-graph / activation-patching drafts, the probes as a linear-probe draft. Imported graphs, attention
// and the logit lens are not evidence about a property.
import type { EvidenceDraft } from '../../core/assurance/types';
import { emitCircuitsEvidence, emitCircuitsProbes } from '../../core/assurance/emit/circuits';
import type { EvidenceRecord, LoadedCircuitModel } from '../../core/circuits/types';
import type { CircuitsSpec } from '../../state/specs/circuits';
import type { GraphResult, Results } from './useCircuitsEngine';

export async function circuitsEvidence(tab: CircuitsSpec['tab'], results: Results, spec: CircuitsSpec, model: LoadedCircuitModel | null,
  recordOf: (g: GraphResult) => Promise<EvidenceRecord>): Promise<EvidenceDraft[]> {
  if (tab === 'graph' || tab === 'refusal') {
    const g = results[tab];
    if (!g || g.origin === 'import') return [];
    // the one-click refusal circuit always draws held-out harmful/benign pairs
    return emitCircuitsEvidence(await recordOf(g), { pairs: tab === 'refusal' || spec.pairs.source === 'heldout' ? 'heldout' : 'custom' });
  }
  if (tab === 'probes' && results.probes) {
    return emitCircuitsProbes(results.probes.result, { id: spec.model, ...(model?.id === spec.model ? { sha256: model.weightsSha256 } : {}) });
  }
  return [];
}
