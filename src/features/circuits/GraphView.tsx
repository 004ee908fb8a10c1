// The layered graph with its view controls for graphs of any size: how attention heads are grouped (per head,
// per KV group of a GQA model, blocks of heads, per layer — graphs of more than 64 heads open per layer), how a
// merged edge is weighed (Σ|score| of its edges, or their mean), and which layers are expanded back into heads; filters (layer range, attention / MLP, circuit only, |score| threshold; the
// top-N slider lives with the spec in GraphResults). View state only: not in the spec or the share link. Mounted
// per graph shape (key), so a graph of another size starts from its own defaults.
import { useMemo, useState } from 'react';
import type { CircuitGraph } from '../../core/circuits/types';
import {
  aggregateGraph, aggregateNodeScores, defaultGrouping, fullFilter, isFeatureGraph, kvGroupSize, type EdgeFilter, type HeadGrouping, type MergedWeight,
} from '../../viz/graphView';
import { LayeredGraph } from '../../viz/LayeredGraph';

export interface GraphViewProps {
  graph: CircuitGraph;
  topN: number;
  view: 'edges' | 'nodes';
  nodeScores: ReadonlyMap<string, number>;
  testId?: string;
}

const encode = (g: HeadGrouping) => (g.kind === 'block' ? `block:${g.size}` : g.kind);
const decode = (v: string): HeadGrouping => (v.startsWith('block:') ? { kind: 'block', size: Number(v.slice(6)) } : { kind: v === 'layer' ? 'layer' : 'head' });

function groupingOptions(graph: CircuitGraph): { value: string; label: string }[] {
  const H = graph.cfg.nHeads;
  const kv = kvGroupSize(graph.cfg);
  const out = [{ value: 'head', label: `one node per head (${H} per layer)` }];
  if (kv) out.push({ value: `block:${kv}`, label: `one node per KV group (${kv} heads, ${H / kv} per layer)` });
  for (const size of [2, 4, 8]) if (size < H && size !== kv) out.push({ value: `block:${size}`, label: `blocks of ${size} heads` });
  out.push({ value: 'layer', label: 'one node per layer' });
  return out;
}

export function GraphView({ graph, topN, view, nodeScores, testId = 'circuit-graph' }: GraphViewProps) {
  const lastLayer = Math.max(0, graph.cfg.nLayers - 1);
  const featureGraph = useMemo(() => isFeatureGraph(graph), [graph]);
  const [grouping, setGrouping] = useState<HeadGrouping>(() => defaultGrouping(graph));
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const [weight, setWeight] = useState<MergedWeight>('sum');
  const [filter, setFilter] = useState<Omit<EdgeFilter, 'topN'>>(() => fullFilter(graph.cfg, topN));
  const set = (p: Partial<EdgeFilter>) => setFilter((f) => ({ ...f, ...p }));

  const drawn = useMemo(() => aggregateGraph(graph, grouping, expanded, weight), [graph, grouping, expanded, weight]);
  const scores = useMemo(() => aggregateNodeScores(nodeScores, drawn), [nodeScores, drawn]);
  const fullFilterNow = useMemo((): EdgeFilter => {
    const [a, b] = filter.layers;
    return { ...filter, layers: [Math.min(a, b), Math.max(a, b)], topN };
  }, [filter, topN]);
  const aggregated = grouping.kind !== 'head';
  const toggleLayer = (l: number) => setExpanded((s) => {
    const next = new Set(s);
    if (!next.delete(l)) next.add(l);
    return next;
  });
  const layerInput = (which: 0 | 1) => (
    <input type="number" min={0} max={lastLayer} value={filter.layers[which]} data-testid={which === 0 ? 'layer-from' : 'layer-to'} style={{ width: '4em' }}
      aria-label={which === 0 ? 'first layer shown' : 'last layer shown'}
      onChange={(e) => {
        // each box keeps its own value while typing ("1" on the way to "12"); the filter reads them in order
        const v = Math.max(0, Math.min(lastLayer, Math.floor(Number(e.target.value) || 0)));
        set({ layers: which === 0 ? [v, filter.layers[1]] : [filter.layers[0], v] });
      }} />
  );

  return (
    <div data-testid={`${testId}-view`} data-grouping={encode(grouping)} data-expanded={[...expanded].sort((a, b) => a - b).join(',')}>
      <div className="card toolbar" role="group" aria-label="graph view">
        {!featureGraph && (
          <label>heads{' '}
            <select value={encode(grouping)} data-testid="head-grouping" onChange={(e) => { setGrouping(decode(e.target.value)); setExpanded(new Set()); }}>
              {groupingOptions(graph).map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </select>
          </label>
        )}
        {aggregated && (
          <label>merged edges{' '}
            <select value={weight} data-testid="merged-weight" onChange={(e) => setWeight(e.target.value === 'mean' ? 'mean' : 'sum')}>
              <option value="sum">Σ|score|</option>
              <option value="mean">mean |score|</option>
            </select>
          </label>
        )}
        {aggregated && (
          <label>expand layer{' '}
            <select value="" data-testid="expand-layer" onChange={(e) => { if (e.target.value !== '') toggleLayer(Number(e.target.value)); }}>
              <option value="">—</option>
              {Array.from({ length: graph.cfg.nLayers }, (_, l) => l).filter((l) => !expanded.has(l)).map((l) => <option key={l} value={l}>L{l}</option>)}
            </select>
          </label>
        )}
        {aggregated && [...expanded].sort((a, b) => a - b).map((l) => (
          <button key={l} type="button" data-testid={`collapse-layer-${l}`} aria-label={`collapse layer ${l}`} onClick={() => toggleLayer(l)}>L{l} ×</button>
        ))}
        <span>layers {layerInput(0)} to {layerInput(1)}</span>
        <label><input type="checkbox" checked={filter.kinds.attn} data-testid="kind-attn" onChange={(e) => set({ kinds: { ...filter.kinds, attn: e.target.checked } })} /> attention</label>
        <label><input type="checkbox" checked={filter.kinds.mlp} data-testid="kind-mlp" onChange={(e) => set({ kinds: { ...filter.kinds, mlp: e.target.checked } })} /> MLP</label>
        <label>|score| ≥ <input type="number" min={0} step="any" value={filter.threshold} data-testid="score-threshold" style={{ width: '7em' }}
          onChange={(e) => set({ threshold: Math.max(0, Number(e.target.value) || 0) })} /></label>
        <label><input type="checkbox" checked={filter.onlyCircuit} data-testid="only-circuit" onChange={(e) => set({ onlyCircuit: e.target.checked })} /> circuit edges only</label>
      </div>
      <LayeredGraph graph={drawn} filter={fullFilterNow} view={view} nodeScores={scores} testId={testId}
        onToggleLayer={aggregated ? toggleLayer : undefined} expandedLayers={expanded} />
    </div>
  );
}
