// Result digests that share links carry: what a reader compares, rounded so float noise below the shown
// precision does not break reproduction. Graph digests cover the edge scores and the faithfulness curve;
// the other tabs cover the numbers their charts and tables show. Shared by the circuits panel
// (features/circuits/digest.ts re-exports it) and the experiment runner (circuits.ts): a record's moduleDigest is
// the digest a share link of the same run carries.
import { sha256Hex } from '../../runtime/loaders';
import type { AblationResult, AttentionPattern, CircuitGraph, FaithfulnessCurve, FaithfulnessPoint, LogitLensRow, ProbeResult } from '../../circuits/types';

/** 6 significant digits: float32 scores agree to this across runs of the same build. */
const r6 = (v: number | undefined | null): number | null => (v === undefined || v === null || !Number.isFinite(v) ? null : Number(v.toPrecision(6)));

export function graphPayload(graph: CircuitGraph, faithfulness: FaithfulnessCurve | null, ablation?: AblationResult, circuit?: FaithfulnessPoint | null): unknown {
  return {
    circuit: circuit ? [circuit.size, r6(circuit.recovered), r6(circuit.randomRecovered)] : null,
    edges: graph.edges.map((e) => [e.id, r6(e.score)]),
    faithfulness: faithfulness?.points.map((p) => [p.size, r6(p.recovered), r6(p.randomRecovered)]) ?? null,
    ablation: ablation ? [r6(ablation.refusalBefore), r6(ablation.refusalAfter), ablation.prompts] : null,
  };
}

export const probesPayload = (p: ProbeResult): unknown => p.map((l) => [l.layer, r6(l.trainAcc), r6(l.heldoutAcc)]);
export const lensPayload = (rows: LogitLensRow[]): unknown => rows.map((r) => [r.layer, r.position, r.top.map((t) => [t.id, r6(t.prob)]), r6(r.targetProb)]);
export const attentionPayload = (ps: AttentionPattern[]): unknown => ps.map((p) => [p.layer, p.head, p.weights.map((row) => row.map(r6))]);

export async function digestOf(payload: unknown): Promise<string> {
  return sha256Hex(new TextEncoder().encode(JSON.stringify(payload)));
}
