// The mechanistic evidence record handed to the assurance module: which model (weights hash), which method and
// metric on how many pairs, how faithful the circuit is against a random baseline, what ablating it did to
// refusals, and the sha256 of the graph's EAP-IG JSON so the record pins the exact graph it describes.
import { sha256Hex } from '../runtime/loaders';
import { circuitSize } from './extract';
import { exportGraphJson } from './json';
import type { AblationResult, CircuitGraph, EvidenceRecord, FaithfulnessCurve, FaithfulnessPoint } from './types';

export async function evidenceRecord(g: CircuitGraph, faithfulness: FaithfulnessCurve | FaithfulnessPoint | null,
  ablation?: AblationResult, opts: { modelSha256?: string; now?: Date; extraction?: EvidenceRecord['extraction'] } = {}): Promise<EvidenceRecord> {
  const size = circuitSize(g);
  const point = faithfulness === null ? undefined
    : 'points' in faithfulness ? faithfulness.points.find((p) => p.size === size) : faithfulness;
  const method = g.meta.method ?? 'eap-ig';
  return {
    kind: 'mechanistic',
    evidenceClass: method === 'patching' ? 'activation-patching' : 'attribution-graph',
    model: g.meta.model ?? 'unknown',
    modelSha256: opts.modelSha256,
    method,
    metric: g.meta.metric ?? 'logit_diff',
    pairs: g.meta.pairs ?? 0,
    faithfulness: point ? { edges: point.size, totalEdges: g.edges.length, recovered: point.recovered, randomRecovered: point.randomRecovered } : null,
    ablation,
    ...(opts.extraction ? { extraction: opts.extraction } : {}),
    graphSha256: await sha256Hex(new TextEncoder().encode(exportGraphJson(g))),
    createdAt: (opts.now ?? new Date()).toISOString(),
  };
}
