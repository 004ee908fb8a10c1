// Small scalars of a finished circuits run for the history list, and the digest a share link carries.
import type { RunResult } from '../../app/featureTypes';
import type { CircuitsSpec } from '../../state/specs/circuits';
import type { Results } from './useCircuitsEngine';

const r3 = (v: number) => Number(v.toFixed(3));

export function summaryOf(tab: CircuitsSpec['tab'], results: Results): RunResult | undefined {
  if (tab === 'graph' || tab === 'refusal') {
    const g = results[tab];
    if (!g) return undefined;
    const summary: RunResult['summary'] = {
      model: g.graph.meta.model ?? '—', method: g.graph.meta.method ?? '—', edges: g.graph.edges.length, 'circuit edges': g.graph.edges.filter((e) => e.inGraph).length,
    };
    if (g.circuit) summary.recovered = r3(g.circuit.recovered);
    if (g.ablation) summary['refusal before → after'] = `${r3(g.ablation.refusalBefore)} → ${r3(g.ablation.refusalAfter)}`;
    return { summary, digest: g.digest };
  }
  if (tab === 'attention') return results.attention && { summary: { heads: results.attention.patterns.length }, digest: results.attention.digest };
  if (tab === 'probes') {
    const p = results.probes;
    return p && { summary: { layers: p.result.length, 'best held-out acc': r3(Math.max(...p.result.map((l) => l.heldoutAcc))) }, digest: p.digest };
  }
  return results.lens && { summary: { layers: results.lens.rows.length }, digest: results.lens.digest };
}
