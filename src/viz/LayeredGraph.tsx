// An attribution graph as layers: input at the bottom, attention and MLP rows per layer, logits at the top (feature
// rows for circuit-tracer graphs). Edge view: the top N edges by |score| (width and opacity by magnitude, blue
// negative / red positive), the rest counted and summed; node view: nodes filled and sized by node score.
// Hover highlights a node's (or an edge's) connections; click locks the selection and opens its details card.
// Pure props → SVG. Layout, edge selection and paths are memoised on the graph and the view settings, and the
// edge and node layers are memo components fed only by them, so hovering redraws just the small overlay.
import { memo, useDeferredValue, useMemo, type MouseEvent } from 'react';
import type { CircuitEdge, CircuitGraph } from '../core/circuits/types';
import {
  edgePath, edgeStyle, incident, layoutGraph, NEGATIVE, POSITIVE, rankEdges, scoreFill, selectEdges, visibleNodes,
  type EdgeStyle, type GraphLayout,
} from './layeredGraphLayout';
import { useHoverLock } from './useHoverLock';

export type GraphSelection = { kind: 'node' | 'edge'; id: string };

export interface LayeredGraphProps {
  graph: CircuitGraph;
  /** edges drawn (best |score| first) */
  topN: number;
  view: 'edges' | 'nodes';
  /** draw only edges marked inGraph (the extracted circuit) */
  onlyCircuit: boolean;
  /** node-level scores for the node view and the details card (default: each node's own `score`) */
  nodeScores?: ReadonlyMap<string, number>;
  width?: number;
  testId?: string;
}

interface DrawnEdge {
  edge: CircuitEdge;
  d: string;
  style: EdgeStyle;
}

const sameSelection = (a: GraphSelection, b: GraphSelection) => a.kind === b.kind && a.id === b.id;
const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));
const KIND_FILL = { input: '#d9dde5', attn: '#cfe0f3', mlp: '#d7ecd9', logits: '#f3e3b5' } as const;
/** Beyond this many nodes only the ends of drawn edges are laid out. */
const MAX_NODES = 400;
const CSS = '.lg-dim .lg-edge{opacity:.08}.lg-edge{cursor:pointer}.lg-node{cursor:pointer}';

const EdgeLayer = memo(function EdgeLayer({ edges }: { edges: DrawnEdge[] }) {
  return (
    <g fill="none">
      {edges.map(({ edge, d, style }) => (
        <path key={edge.id} className="lg-edge" data-edge={edge.id} d={d} stroke={style.colour} strokeWidth={style.width} strokeOpacity={style.opacity} />
      ))}
    </g>
  );
});

const NodeLayer = memo(function NodeLayer({ layout, view, scores, maxNodeAbs }: { layout: GraphLayout; view: 'edges' | 'nodes'; scores: ReadonlyMap<string, number>; maxNodeAbs: number }) {
  return (
    <g>
      {layout.rows.map((r) => <text key={r.label} x={6} y={r.y + 4} fontSize={11} fill="#5d6678">{r.label}</text>)}
      {layout.nodes.map((n) => {
        const s = scores.get(n.id);
        const r = view === 'nodes' && s !== undefined && maxNodeAbs > 0 ? n.r * (0.55 + 0.75 * Math.min(1, Math.abs(s) / maxNodeAbs)) : n.r;
        const fill = view === 'nodes' ? scoreFill(s, maxNodeAbs) : KIND_FILL[n.node.kind];
        const short = n.node.kind === 'attn' ? `h${n.node.head ?? ''}` : n.node.kind === 'mlp' && n.node.ctxIdx === undefined ? `m${n.node.layer}` : '';
        return (
          <g key={n.id} className="lg-node" data-node={n.id} data-in-graph={n.node.inGraph}>
            <title>{`${n.id}${n.node.label ? ` — ${n.node.label}` : ''}${s !== undefined ? ` (score ${fmt(s)})` : ''}`}</title>
            <circle cx={n.x} cy={n.y} r={r} fill={fill} stroke={n.node.inGraph ? '#1d2330' : '#aab2c0'} strokeWidth={n.node.inGraph ? 1.4 : 0.8} />
            {short && n.r >= 8 && <text x={n.x} y={n.y + 3} fontSize={8} textAnchor="middle" pointerEvents="none">{short}</text>}
            {(n.node.kind === 'input' || n.node.kind === 'logits') && n.node.ctxIdx === undefined && (
              <text x={n.x + n.r + 4} y={n.y + 4} fontSize={11} pointerEvents="none">{n.id}</text>
            )}
          </g>
        );
      })}
    </g>
  );
});

export function LayeredGraph({ graph, topN, view, onlyCircuit, nodeScores, width, testId = 'layered-graph' }: LayeredGraphProps) {
  const { active, locked, setHover, toggleLock, clear } = useHoverLock<GraphSelection>(sameSelection);
  const ranked = useMemo(() => rankEdges(graph.edges), [graph]);
  // dragging the top-N slider over a large graph: redraw at the latest value the browser has time for
  const shownN = useDeferredValue(topN);
  const sel = useMemo(() => selectEdges(ranked, shownN, onlyCircuit), [ranked, shownN, onlyCircuit]);
  // small graphs keep every node (the layout then depends on the graph alone); huge ones only the drawn ends
  const thinBy = graph.nodes.length > MAX_NODES ? sel.shown : null;
  const nodes = useMemo(() => (thinBy ? visibleNodes(graph.nodes, thinBy, MAX_NODES) : graph.nodes), [graph, thinBy]);
  const layout = useMemo(() => layoutGraph(nodes, { width }), [nodes, width]);
  const drawn = useMemo((): DrawnEdge[] => {
    const maxAbs = Math.max(0, ...sel.shown.map((e) => (Number.isFinite(e.score) ? Math.abs(e.score) : 0)));
    return sel.shown.flatMap((edge) => {
      const a = layout.byId.get(edge.from);
      const b = layout.byId.get(edge.to);
      return a && b ? [{ edge, d: edgePath(a, b, edge.qkv), style: edgeStyle(edge.score, maxAbs) }] : [];
    });
  }, [sel, layout]);
  const scores = useMemo(() => nodeScores ?? new Map(graph.nodes.flatMap((n) => (n.score !== undefined && Number.isFinite(n.score) ? [[n.id, n.score] as const] : []))), [graph, nodeScores]);
  const maxNodeAbs = useMemo(() => Math.max(0, ...[...scores.values()].map(Math.abs)), [scores]);
  const edgeById = useMemo(() => new Map(graph.edges.map((e) => [e.id, e])), [graph]);

  // the overlay: connections of the active node, or the active edge, drawn over the dimmed layer
  const highlighted = useMemo(() => {
    if (!active) return [];
    return drawn.filter((d) => (active.kind === 'edge' ? d.edge.id === active.id : d.edge.from === active.id || d.edge.to === active.id));
  }, [active, drawn]);
  const ringed = active ? (active.kind === 'node' ? [active.id] : [edgeById.get(active.id)?.from, edgeById.get(active.id)?.to]) : [];

  const itemOf = (e: MouseEvent): GraphSelection | null => {
    const el = (e.target as Element).closest('[data-node],[data-edge]');
    if (!el) return null;
    const node = el.getAttribute('data-node');
    return node !== null ? { kind: 'node', id: node } : { kind: 'edge', id: el.getAttribute('data-edge')! };
  };
  const totalAbs = sel.hiddenAbsScore + sel.shown.reduce((s, e) => s + (Number.isFinite(e.score) ? Math.abs(e.score) : 0), 0);
  const showEdges = view === 'edges';

  return (
    <figure className="card" data-testid={testId} data-state="done" data-nodes={layout.nodes.length} data-edges={showEdges ? drawn.length : 0} data-hidden-edges={sel.hiddenCount}>
      <figcaption className="toolbar">
        <span data-testid={`${testId}-summary`}>
          {showEdges
            ? <>Drawing {drawn.length} of {sel.candidates} {onlyCircuit ? 'circuit ' : ''}edges{sel.hiddenCount > 0 && <>; {sel.hiddenCount} hidden edges carry Σ|score| = {fmt(sel.hiddenAbsScore)} ({totalAbs > 0 ? ((100 * sel.hiddenAbsScore) / totalAbs).toFixed(1) : '0'} % of the total)</>}.</>
            : <>Node view: fill and size by node score (blue negative, red positive); {layout.nodes.length} nodes.</>}
        </span>
        <span className="muted">
          <svg width={70} height={10} aria-hidden="true"><line x1={0} y1={5} x2={30} y2={5} stroke={NEGATIVE} strokeWidth={3} /><line x1={38} y1={5} x2={68} y2={5} stroke={POSITIVE} strokeWidth={3} /></svg>
          {' '}score &lt; 0 (patching lowers the metric) / &gt; 0; bold outline = in the circuit. Click to lock, click empty space to unlock.
        </span>
      </figcaption>
      <div style={{ overflow: 'auto', maxHeight: 760 }}>
        <svg width={layout.width} height={layout.height} role="img" aria-label="attribution graph"
          onMouseOver={(e) => setHover(itemOf(e))} onMouseLeave={() => setHover(null)}
          onClick={(e) => { const it = itemOf(e); if (it) toggleLock(it); else clear(); }}>
          <style>{CSS}</style>
          <g className={active && showEdges ? 'lg-dim' : ''}>{showEdges && <EdgeLayer edges={drawn} />}</g>
          <g fill="none" pointerEvents="none" data-testid={`${testId}-highlight`}>
            {highlighted.map(({ edge, d, style }) => <path key={edge.id} d={d} stroke={style.colour} strokeWidth={Math.max(1.5, style.width)} strokeOpacity={1} />)}
          </g>
          <NodeLayer layout={layout} view={view} scores={scores} maxNodeAbs={maxNodeAbs} />
          <g pointerEvents="none">
            {ringed.map((id) => {
              const n = id ? layout.byId.get(id) : undefined;
              return n && <circle key={id} cx={n.x} cy={n.y} r={n.r + 3} fill="none" stroke="#e69f00" strokeWidth={2} />;
            })}
          </g>
        </svg>
      </div>
      {locked && <Details graph={graph} selection={locked} scores={scores} shown={sel.shown} ranked={ranked} testId={`${testId}-details`} onClose={clear} />}
    </figure>
  );
}

function Details({ graph, selection, scores, shown, ranked, testId, onClose }: {
  graph: CircuitGraph; selection: GraphSelection; scores: ReadonlyMap<string, number>; shown: CircuitEdge[]; ranked: CircuitEdge[]; testId: string; onClose: () => void;
}) {
  const drawnIds = useMemo(() => new Set(shown.map((e) => e.id)), [shown]);
  const rows = (edges: CircuitEdge[]) => edges.slice(0, 8).map((e) => (
    <tr key={e.id}><td><code>{e.id}</code></td><td>{fmt(e.score)}</td><td>{e.inGraph ? 'yes' : ''}</td><td>{drawnIds.has(e.id) ? 'yes' : ''}</td></tr>
  ));
  const head = <thead><tr><th>edge</th><th>score</th><th>in circuit</th><th>drawn</th></tr></thead>;
  if (selection.kind === 'edge') {
    const e = graph.edges.find((x) => x.id === selection.id);
    if (!e) return null;
    return (
      <div className="card" data-testid={testId}>
        <div className="toolbar"><strong>Edge <code>{e.id}</code></strong><button onClick={onClose}>Close</button></div>
        <dl className="kv">
          <dt>from → to</dt><dd>{e.from} → {e.to}{e.qkv ? ` (${e.qkv} input)` : ''}</dd>
          <dt>score</dt><dd data-testid={`${testId}-score`}>{fmt(e.score)}</dd>
          <dt>rank by |score|</dt><dd>{ranked.indexOf(e) + 1} of {ranked.length}</dd>
          <dt>in circuit</dt><dd>{e.inGraph ? 'yes' : 'no'}</dd>
        </dl>
      </div>
    );
  }
  const n = graph.nodes.find((x) => x.id === selection.id);
  if (!n) return null;
  const { incoming, outgoing } = incident(graph.edges, n.id);
  return (
    <div className="card" data-testid={testId}>
      <div className="toolbar"><strong>Node <code>{n.id}</code>{n.label ? ` — ${n.label}` : ''}</strong><button onClick={onClose}>Close</button></div>
      <dl className="kv">
        <dt>kind</dt><dd>{n.kind}{n.head !== undefined ? `, head ${n.head}` : ''}, layer {n.layer}{n.ctxIdx !== undefined ? `, position ${n.ctxIdx}` : ''}</dd>
        <dt>node score</dt><dd data-testid={`${testId}-score`}>{fmt(scores.get(n.id))}</dd>
        <dt>in circuit</dt><dd>{n.inGraph ? 'yes' : 'no'}</dd>
        <dt>edges</dt><dd>{incoming.length} in, {outgoing.length} out</dd>
      </dl>
      <div className="grid2">
        {incoming.length > 0 && <table className="table"><caption>strongest incoming</caption>{head}<tbody>{rows(incoming)}</tbody></table>}
        {outgoing.length > 0 && <table className="table"><caption>strongest outgoing</caption>{head}<tbody>{rows(outgoing)}</tbody></table>}
      </div>
    </div>
  );
}
