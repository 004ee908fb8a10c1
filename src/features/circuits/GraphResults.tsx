// A graph on screen (attribution, refusal circuit or imported file): view controls (top-N edges, edge/node view;
// aggregation and filters in GraphView), the layered graph, the strongest edges, faithfulness vs circuit size against random circuits,
// the ablation check of the refusal circuit, and the exports (EAP-IG graph JSON, evidence record).
import { useMemo } from 'react';
import { nodeScores } from '../../core/circuits/extract';
import { CIRCUIT_LIMITS, type CircuitsSpec } from '../../state/specs/circuits';
import { topByAbs } from '../../viz/graphView';
import { FaithfulnessChart } from './FaithfulnessChart';
import { GraphView } from './GraphView';
import { DigestNote, fmt, methodLabel, pct, score } from './format';
import type { GraphResult } from './useCircuitsEngine';
import type { EvidenceRecord } from '../../core/circuits/types';

export interface GraphResultsProps {
  result: GraphResult;
  spec: CircuitsSpec;
  set: (p: Partial<CircuitsSpec>) => void;
  expectedDigest?: string;
  onExportGraph: () => void;
  onExportEvidence: () => void;
  busy: boolean;
}

const METRIC_LABEL = { logit_diff: 'logit difference', refusal_prob: 'refusal probability', kl: 'KL' } as const;

export function GraphResults({ result, spec, set, expectedDigest, onExportGraph, onExportEvidence, busy }: GraphResultsProps) {
  const { graph, faithfulness, circuit, ablation } = result;
  const top = useMemo(() => topByAbs(graph.edges, 10), [graph]);
  const scores = useMemo(() => nodeScores(graph), [graph]);
  const inCircuit = useMemo(() => graph.edges.filter((e) => e.inGraph).length, [graph]);
  const meta = graph.meta;
  const extraction = result.evidence?.extraction;
  const sliderMax = Math.max(CIRCUIT_LIMITS.topEdges.min, Math.min(CIRCUIT_LIMITS.topEdges.max, graph.edges.length));
  return (
    <div data-testid={`graph-results-${result.origin}`}>
      <div className="card">
        <h2>
          {result.origin === 'import' ? `Imported graph ${result.fileName ?? ''}` : result.origin === 'refusal' ? 'Refusal circuit' : 'Attribution graph'}
          {meta.model ? ` — ${meta.model}` : ''}
        </h2>
        <p data-testid="graph-stats" data-total-edges={graph.edges.length} data-circuit-edges={inCircuit} data-nodes={graph.nodes.length}>
          {graph.nodes.length} nodes, {graph.edges.length} edges, {inCircuit} in the circuit
          {meta.method && <> · <span data-testid="graph-method">{methodLabel(meta, extraction)}</span></>}
          {meta.metric && <> · metric {METRIC_LABEL[meta.metric]}</>}
          {meta.pairs !== undefined && <> · {meta.pairs} pairs</>}
          {meta.cleanMetric !== undefined && <> · clean {fmt(meta.cleanMetric)}, corrupted {fmt(meta.corruptedMetric)}</>}
          {meta.source && meta.source !== 'computed' && <> · from {meta.source}</>}
          {meta.prompt && <> · prompt “{meta.prompt}”</>}
        </p>
        <div className="toolbar">
          <label>edges drawn <input type="range" min={CIRCUIT_LIMITS.topEdges.min} max={sliderMax} value={Math.min(spec.topEdges, sliderMax)} data-testid="top-edges-slider"
            onChange={(e) => set({ topEdges: Number(e.target.value) })} /> {Math.min(spec.topEdges, graph.edges.length)}</label>
          <label><input type="radio" checked={spec.view === 'edges'} data-testid="view-edges" onChange={() => set({ view: 'edges' })} /> edges</label>
          <label><input type="radio" checked={spec.view === 'nodes'} data-testid="view-nodes" onChange={() => set({ view: 'nodes' })} /> nodes</label>
          <button disabled={busy} data-testid="export-graph" onClick={onExportGraph}>Export graph JSON</button>
          <button disabled={busy || result.origin === 'import'} data-testid="export-evidence" onClick={onExportEvidence}
            title={result.origin === 'import' ? 'an imported graph carries no measured faithfulness for this workbench' : 'the assurance module reads this'}>Export evidence record</button>
        </div>
      </div>
      <GraphView key={`${graph.cfg.nLayers}x${graph.cfg.nHeads}`} graph={graph} topN={spec.topEdges} view={spec.view} nodeScores={scores} testId="circuit-graph" />
      <div className="grid2">
        <div className="card">
          <h2>Strongest edges</h2>
          <table className="table" data-testid="top-edges">
            <thead><tr><th>#</th><th>edge</th><th>score</th><th>in circuit</th></tr></thead>
            <tbody>{top.map((e, i) => <tr key={e.id}><td>{i + 1}</td><td><code>{e.id}</code></td><td>{score(e.score)}</td><td>{e.inGraph ? 'yes' : ''}</td></tr>)}</tbody>
          </table>
        </div>
        {faithfulness && (
          <div>
            <FaithfulnessChart title={`Faithfulness: ${METRIC_LABEL[faithfulness.metric]} recovered vs circuit size (of ${faithfulness.totalEdges} edges)`}
              curve={faithfulness} circuit={circuit} testId="faithfulness-chart" />
            <p data-testid="circuit-faithfulness">
              {circuit
                ? <>Circuit of {circuit.size} edges recovers <strong>{pct(circuit.recovered)}</strong> of the metric (random edges of that size: {pct(circuit.randomRecovered)}){circuit.size !== inCircuit && ', measured on the circuit after pruning'}.{extraction && <span data-testid="circuit-extraction"> {extractionText(extraction)}</span>}</>
                : 'This circuit\'s faithfulness was not measured.'}
              {' '}Full graph {fmt(faithfulness.fullMetric)}, empty graph {fmt(faithfulness.emptyMetric)}.
            </p>
          </div>
        )}
      </div>
      {ablation && (
        <div className="card" data-testid="ablation">
          <h2>Ablation check</h2>
          <p>
            Refusal rate on {ablation.prompts} held-out harmful prompts: <strong data-testid="refusal-before">{pct(ablation.refusalBefore)}</strong> before,{' '}
            <strong data-testid="refusal-after">{pct(ablation.refusalAfter)}</strong> with the circuit ablated
            ({ablation.mode === 'corrupt' ? 'circuit edges patched to their values on matched benign prompts' : 'circuit edges set to their benign mean'}).
          </p>
        </div>
      )}
      <DigestNote digest={result.digest} expected={expectedDigest} />
    </div>
  );
}

/** How the one-click circuit was found (the edge scores drawn are the attribution scores either way). */
function extractionText(x: NonNullable<EvidenceRecord['extraction']>): string {
  if (x.mode === 'acdc') return `Found by ACDC (patching edge by edge, τ = ${x.tau} of the clean/corrupted gap, ${x.evaluations} patched runs); edge widths show the attribution scores.`;
  return `Found by ${x.mode === 'topn' ? 'top-n' : x.mode} extraction from the attribution scores.`;
}
