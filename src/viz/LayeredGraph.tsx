// An attribution graph as layers: input at the bottom, attention and MLP rows per layer, logits at the top (feature
// rows for circuit-tracer graphs). Edge view: the edges that pass the filters, best |score| first, at most N of them
// and never more than EDGE_CAP (width and opacity by magnitude, blue negative / red positive), the rest counted and
// summed; node view: nodes filled and sized by node score. The caller passes the graph as drawn (graphView.ts:
// heads merged per layer or KV group); double-click an attention node, or use its details card, to expand or
// collapse its layer. Zoom and pan: wheel about the pointer, drag, the buttons, or the keys (+ / −, arrows, 0 fits);
// strokes and labels keep their screen size, row labels stay pinned at the left, off-screen edges are not drawn.
// Hover highlights a node's (or an edge's) connections; click locks the selection and opens its details card.
// Pure props → SVG. Layout, filtering and paths are memoised on the graph and the view settings, and the edge and
// node layers are memo components fed only by them, so hovering redraws just the small overlay.
import { memo, useDeferredValue, useMemo, type MouseEvent } from 'react';
import {
  edgePath, edgeStyle, incident, layoutGraph, NEGATIVE, POSITIVE, rankEdges, rowRank, scoreFill, visibleNodes,
  type ArcShape, type EdgeStyle, type GraphLayout, type LayoutNode,
} from './layeredGraphLayout';
import { EDGE_CAP, filterEdges, nodeShown, type EdgeFilter, type ViewEdge, type ViewGraph, type ViewNode } from './graphView';
import { useHoverLock } from './useHoverLock';
import { useViewportWidth, useZoomPan } from './useZoomPan';
import { intersects, labelStep, visibleRect, type Rect } from './zoomPan';

export type GraphSelection = { kind: 'node' | 'edge'; id: string };

/** The graph as drawn: a CircuitGraph, or its aggregated view. */
export type DrawnGraph = Pick<ViewGraph, 'cfg' | 'nodes' | 'edges' | 'meta'>;

export interface LayeredGraphProps {
  graph: DrawnGraph;
  /** layer range, kinds, circuit only, |score| threshold, top N */
  filter: EdgeFilter;
  view: 'edges' | 'nodes';
  /** node-level scores for the node view and the details card (default: each node's own `score`) */
  nodeScores?: ReadonlyMap<string, number>;
  /** expand / collapse the heads of a layer (absent: heads are not aggregated) */
  onToggleLayer?: (layer: number) => void;
  expandedLayers?: ReadonlySet<number>;
  /** viewport height in px (default: from the number of rows, 420–900) */
  height?: number;
  testId?: string;
}

interface DrawnEdge {
  edge: ViewEdge;
  d: string;
  style: EdgeStyle;
  box: Rect;
}

const sameSelection = (a: GraphSelection, b: GraphSelection) => a.kind === b.kind && a.id === b.id;
const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));
const KIND_FILL = { input: '#d9dde5', attn: '#cfe0f3', mlp: '#d7ecd9', logits: '#f3e3b5' } as const;
/** Beyond this many nodes only the ends of drawn edges are laid out. */
const MAX_NODES = 400;
/** smallest on-screen node radius (px), however far out the view is zoomed */
const MIN_NODE_PX = 3;
const LABEL_WIDTH = 84;
const CSS = '.lg-dim .lg-edge{opacity:.08}.lg-edge{cursor:pointer}.lg-node{cursor:pointer}.lg-viewport{cursor:grab;touch-action:none;user-select:none;-webkit-user-select:none}.lg-viewport:focus-visible{outline:2px solid #e69f00}';

const EdgeLayer = memo(function EdgeLayer({ edges }: { edges: DrawnEdge[] }) {
  return (
    <g fill="none">
      {edges.map(({ edge, d, style }) => (
        <path key={edge.id} className="lg-edge" data-edge={edge.id} d={d} stroke={style.colour} strokeWidth={style.width} strokeOpacity={style.opacity} vectorEffect="non-scaling-stroke" />
      ))}
    </g>
  );
});

function shortLabel(n: ViewNode): string {
  if (n.kind === 'attn') return n.heads ? (n.heads[0] === 0 && n.heads[1] === n.members! - 1 && n.id === `a${n.layer}` ? `×${n.members}` : `h${n.heads[0]}–${n.heads[1]}`) : `h${n.head ?? ''}`;
  return n.kind === 'mlp' && n.ctxIdx === undefined ? `m${n.layer}` : '';
}

const NodeLayer = memo(function NodeLayer({ layout, view, scores, maxNodeAbs, k }: { layout: GraphLayout; view: 'edges' | 'nodes'; scores: ReadonlyMap<string, number>; maxNodeAbs: number; k: number }) {
  return (
    <g>
      {layout.nodes.map((n) => {
        const node = n.node as ViewNode;
        const s = scores.get(n.id);
        const base = view === 'nodes' && s !== undefined && maxNodeAbs > 0 ? n.r * (0.55 + 0.75 * Math.min(1, Math.abs(s) / maxNodeAbs)) : n.r;
        const r = Math.max(base, MIN_NODE_PX / k);
        const fill = view === 'nodes' ? scoreFill(s, maxNodeAbs) : KIND_FILL[node.kind];
        const short = shortLabel(node);
        // labels keep a legible screen size: 8–12 px inside the node, 11 px beside input and logits
        const fontPx = Math.min(12, r * k * 0.75);
        return (
          <g key={n.id} className="lg-node" data-node={n.id} data-in-graph={node.inGraph} data-members={node.members ?? 1}>
            <title>{`${n.id}${node.label ? ` — ${node.label}` : ''}${s !== undefined ? ` (score ${fmt(s)})` : ''}`}</title>
            <circle cx={n.x} cy={n.y} r={r} fill={fill} stroke={node.inGraph ? '#1d2330' : '#aab2c0'} strokeWidth={node.inGraph ? 1.4 : 0.8} vectorEffect="non-scaling-stroke" />
            {short && fontPx >= 8 && <text x={n.x} y={n.y + (fontPx * 0.35) / k} fontSize={fontPx / k} textAnchor="middle" pointerEvents="none">{short}</text>}
            {(node.kind === 'input' || node.kind === 'logits') && node.ctxIdx === undefined && (
              <text x={n.x + r + 4 / k} y={n.y + 4 / k} fontSize={11 / k} pointerEvents="none">{n.id}</text>
            )}
          </g>
        );
      })}
    </g>
  );
});

/** Drawing-space box of an edge (an arc between nodes of one column reaches 0.75 × its bulge sideways). */
function edgeBox(a: LayoutNode, b: LayoutNode, arc: ArcShape): Rect {
  const reach = Math.abs(a.x - b.x) < 0.5 ? 0.75 * arc.max : 0;
  return { x0: Math.min(a.x, b.x) - reach - b.r, x1: Math.max(a.x, b.x) + reach + b.r, y0: Math.min(a.y, b.y) - 40, y1: Math.max(a.y, b.y) + 40 };
}

export function LayeredGraph({ graph, filter, view, nodeScores, onToggleLayer, expandedLayers, height: heightProp, testId = 'layered-graph' }: LayeredGraphProps) {
  const { active, locked, setHover, toggleLock, clear } = useHoverLock<GraphSelection>(sameSelection);
  const ranked = useMemo(() => rankEdges(graph.edges), [graph]);
  const nodesById = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph]);
  // dragging the top-N slider over a large graph: redraw at the latest value the browser has time for
  const shownFilter = useDeferredValue(filter);
  const sel = useMemo(() => filterEdges(ranked, nodesById, shownFilter), [ranked, nodesById, shownFilter]);
  const inRange = useMemo(() => graph.nodes.filter((n) => nodeShown(n, shownFilter)), [graph, shownFilter]);
  // small graphs keep every node (the layout then depends on the graph alone); huge ones only the drawn ends
  const thinBy = inRange.length > MAX_NODES ? sel.shown : null;
  const nodes = useMemo(() => (thinBy ? visibleNodes(inRange, thinBy, MAX_NODES) : inRange), [inRange, thinBy]);
  const rowCount = useMemo(() => new Set(nodes.map(rowRank)).size, [nodes]);
  const rowHeight = rowCount > 24 ? 44 : 60;
  const fullHeight = 48 + Math.max(0, rowCount - 1) * rowHeight;
  // small graphs at their own size; a 30-layer graph fitted into 900 px keeps ~14 px between rows
  const height = heightProp ?? Math.max(300, Math.min(900, fullHeight + 16));
  const vp = useViewportWidth();
  // a drawing taller than the viewport widens to its aspect, so the fitted graph fills the width instead of a strip
  const layoutWidth = fullHeight > height ? Math.max(860, Math.round((fullHeight * vp.width) / height)) : 860;
  const layout = useMemo(() => layoutGraph(nodes, { rowHeight, width: layoutWidth }), [nodes, rowHeight, layoutWidth]);
  const viewport = useMemo(() => ({ width: vp.width, height }), [vp.width, height]);
  const zp = useZoomPan(layout, viewport, vp.el);
  const { t } = zp;
  // arcs within a column spread over the drawing's half-width, in proportion to the rows they span
  const arc = useMemo((): ArcShape => {
    const max = (0.9 * (layout.width - 116)) / 2 / 0.75;
    return { max, perPx: max / Math.max(1, layout.height - 48) };
  }, [layout]);
  const drawn = useMemo((): DrawnEdge[] => {
    const maxAbs = Math.max(0, ...sel.shown.map((e) => (Number.isFinite(e.score) ? Math.abs(e.score) : 0)));
    return sel.shown.flatMap((edge) => {
      const a = layout.byId.get(edge.from);
      const b = layout.byId.get(edge.to);
      return a && b ? [{ edge, d: edgePath(a, b, edge.qkv, arc), style: edgeStyle(edge.score, maxAbs), box: edgeBox(a, b, arc) }] : [];
    });
  }, [sel, layout, arc]);
  // culling follows the view a frame behind, so a drag moves one transform instead of re-listing every edge
  const cullT = useDeferredValue(t);
  const onScreen = useMemo(() => {
    const vis = visibleRect(cullT, viewport, 40);
    const kept = drawn.filter((d) => intersects(d.box, vis));
    return kept.length === drawn.length ? drawn : kept;
  }, [drawn, cullT, viewport]);
  const scores = useMemo(() => nodeScores ?? new Map(graph.nodes.flatMap((n) => (n.score !== undefined && Number.isFinite(n.score) ? [[n.id, n.score] as const] : []))), [graph, nodeScores]);
  const maxNodeAbs = useMemo(() => Math.max(0, ...[...scores.values()].map(Math.abs)), [scores]);
  const edgeById = useMemo(() => new Map(graph.edges.map((e) => [e.id, e])), [graph]);

  // the overlay: connections of the active node, or the active edge, drawn over the dimmed layer
  const highlighted = useMemo(() => {
    if (!active) return [];
    return onScreen.filter((d) => (active.kind === 'edge' ? d.edge.id === active.id : d.edge.from === active.id || d.edge.to === active.id));
  }, [active, onScreen]);
  const ringed = active ? (active.kind === 'node' ? [active.id] : [edgeById.get(active.id)?.from, edgeById.get(active.id)?.to]) : [];

  const itemOf = (e: MouseEvent): GraphSelection | null => {
    const el = (e.target as Element).closest('[data-node],[data-edge]');
    if (!el) return null;
    const node = el.getAttribute('data-node');
    return node !== null ? { kind: 'node', id: node } : { kind: 'edge', id: el.getAttribute('data-edge')! };
  };
  const onDoubleClick = (e: MouseEvent) => {
    const it = itemOf(e);
    const n = it?.kind === 'node' ? nodesById.get(it.id) : undefined;
    if (n?.kind === 'attn' && onToggleLayer) onToggleLayer(n.layer);
  };
  const totalAbs = sel.hiddenAbsScore + sel.shown.reduce((s, e) => s + (Number.isFinite(e.score) ? Math.abs(e.score) : 0), 0);
  const showEdges = view === 'edges';
  const step = labelStep((layout.rows.length > 1 ? Math.abs(layout.rows[0].y - layout.rows[1].y) : 60) * t.k);
  const merged = graph.nodes.some((n: ViewNode) => (n.members ?? 1) > 1);

  return (
    <figure className="card" data-testid={testId} data-state="done" data-nodes={layout.nodes.length} data-edges={showEdges ? onScreen.length : 0}
      data-filtered-edges={showEdges ? drawn.length : 0} data-hidden-edges={sel.hiddenCount} data-cap={EDGE_CAP} data-zoom={t.k.toFixed(4)}>
      <figcaption className="toolbar">
        <span data-testid={`${testId}-summary`}>
          {showEdges
            ? <>Drawing {drawn.length} of {sel.candidates} {filter.onlyCircuit ? 'circuit ' : ''}edges{sel.candidates < graph.edges.length ? ` that pass the filters (of ${graph.edges.length}${merged ? ' merged' : ''})` : merged ? ' (merged)' : ''}{sel.hiddenCount > 0 && <>; {sel.hiddenCount} hidden edges carry Σ|score| = {fmt(sel.hiddenAbsScore)} ({totalAbs > 0 ? ((100 * sel.hiddenAbsScore) / totalAbs).toFixed(1) : '0'} % of the total)</>}. At most {EDGE_CAP} edges are ever drawn{drawn.length > onScreen.length ? `; ${drawn.length - onScreen.length} are off screen` : ''}.</>
            : <>Node view: fill and size by node score (blue negative, red positive); {layout.nodes.length} nodes.</>}
        </span>
        <span className="muted">
          <svg width={70} height={10} aria-hidden="true"><line x1={0} y1={5} x2={30} y2={5} stroke={NEGATIVE} strokeWidth={3} /><line x1={38} y1={5} x2={68} y2={5} stroke={POSITIVE} strokeWidth={3} /></svg>
          {' '}score &lt; 0 (patching lowers the metric) / &gt; 0; bold outline = in the circuit. Click to lock, click empty space to unlock{onToggleLayer ? '; double-click an attention node to expand or collapse its layer' : ''}.
        </span>
        <span className="toolbar" role="group" aria-label="zoom">
          <button type="button" data-testid={`${testId}-zoom-out`} aria-label="zoom out" onClick={zp.zoomOut}>−</button>
          <span data-testid={`${testId}-zoom`} aria-live="polite">{Math.round(t.k * 100)} %</span>
          <button type="button" data-testid={`${testId}-zoom-in`} aria-label="zoom in" onClick={zp.zoomIn}>+</button>
          <button type="button" data-testid={`${testId}-fit`} onClick={zp.fit}>Fit</button>
        </span>
      </figcaption>
      <div ref={vp.ref} className="lg-viewport" data-testid={`${testId}-viewport`} tabIndex={0} style={{ position: 'relative', height, overflow: 'hidden' }}
        aria-label="attribution graph view: + and − zoom, arrow keys pan, 0 fits the whole graph"
        onKeyDown={zp.onKeyDown} onPointerDown={zp.onPointerDown} onPointerMove={zp.onPointerMove} onPointerUp={zp.onPointerUp} onPointerCancel={zp.onPointerUp}>
        <svg width="100%" height={height} role="img" aria-label="attribution graph"
          onMouseOver={(e) => setHover(itemOf(e))} onMouseLeave={() => setHover(null)} onDoubleClick={onDoubleClick}
          onClick={(e) => { if (zp.consumeDrag()) return; const it = itemOf(e); if (it) toggleLock(it); else clear(); }}>
          <style>{CSS}</style>
          <g transform={`translate(${t.x},${t.y}) scale(${t.k})`}>
            {/* faint row guides under the edges, so a row can be followed to its pinned label */}
            <g stroke="#eef1f5" pointerEvents="none">
              {layout.rows.map((r) => <line key={r.label} x1={0} x2={layout.width} y1={r.y} y2={r.y} vectorEffect="non-scaling-stroke" />)}
            </g>
            <g className={active && showEdges ? 'lg-dim' : ''}>{showEdges && <EdgeLayer edges={onScreen} />}</g>
            <g fill="none" pointerEvents="none" data-testid={`${testId}-highlight`}>
              {highlighted.map(({ edge, d, style }) => <path key={edge.id} d={d} stroke={style.colour} strokeWidth={Math.max(1.5, style.width)} strokeOpacity={1} vectorEffect="non-scaling-stroke" />)}
            </g>
            <NodeLayer layout={layout} view={view} scores={scores} maxNodeAbs={maxNodeAbs} k={t.k} />
            <g pointerEvents="none">
              {ringed.map((id) => {
                const n = id ? layout.byId.get(id) : undefined;
                return n && <circle key={id} cx={n.x} cy={n.y} r={Math.max(n.r, MIN_NODE_PX / t.k) + 3 / t.k} fill="none" stroke="#e69f00" strokeWidth={2} vectorEffect="non-scaling-stroke" />;
              })}
            </g>
          </g>
          {/* row labels pinned at the left edge at a fixed size, thinned so they never overlap */}
          <g pointerEvents="none" data-testid={`${testId}-row-labels`}>
            <rect x={0} y={0} width={LABEL_WIDTH} height={height} fill="#fff" fillOpacity={0.8} />
            {layout.rows.map((r, i) => {
              const y = t.y + t.k * r.y;
              return i % step === 0 && y > -10 && y < height + 10 && <text key={r.label} x={6} y={y + 4} fontSize={11} fill="#5d6678">{r.label}</text>;
            })}
          </g>
        </svg>
      </div>
      {locked && <Details graph={graph} selection={locked} scores={scores} shown={sel.shown} ranked={ranked} testId={`${testId}-details`} onClose={clear}
        onToggleLayer={onToggleLayer} expandedLayers={expandedLayers} />}
    </figure>
  );
}

function Details({ graph, selection, scores, shown, ranked, testId, onClose, onToggleLayer, expandedLayers }: {
  graph: DrawnGraph; selection: GraphSelection; scores: ReadonlyMap<string, number>; shown: ViewEdge[]; ranked: ViewEdge[]; testId: string; onClose: () => void;
  onToggleLayer?: (layer: number) => void; expandedLayers?: ReadonlySet<number>;
}) {
  const drawnIds = useMemo(() => new Set(shown.map((e) => e.id)), [shown]);
  const rows = (edges: ViewEdge[]) => edges.slice(0, 8).map((e) => (
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
          <dt>in circuit</dt><dd>{e.inGraph ? 'yes' : 'no'}{(e.members ?? 1) > 1 ? ' (any of its edges)' : ''}</dd>
          {(e.members ?? 1) > 1 && <><dt>merged</dt><dd data-testid={`${testId}-members`}>{e.members} edges: Σ|score| {fmt(Math.abs(e.score))}, signed sum {fmt(e.net)}</dd></>}
        </dl>
      </div>
    );
  }
  const n = graph.nodes.find((x) => x.id === selection.id);
  if (!n) return null;
  const { incoming, outgoing } = incident(graph.edges, n.id);
  return (
    <div className="card" data-testid={testId}>
      <div className="toolbar">
        <strong>Node <code>{n.id}</code>{n.label ? ` — ${n.label}` : ''}</strong>
        {n.kind === 'attn' && onToggleLayer && (
          <button data-testid={`${testId}-toggle-layer`} onClick={() => { onClose(); onToggleLayer(n.layer); }}>
            {expandedLayers?.has(n.layer) ? `Collapse layer ${n.layer}` : `Expand layer ${n.layer} into heads`}
          </button>
        )}
        <button onClick={onClose}>Close</button>
      </div>
      <dl className="kv">
        <dt>kind</dt><dd>{n.kind}{n.heads ? `, heads ${n.heads[0]}–${n.heads[1]} merged` : n.head !== undefined ? `, head ${n.head}` : ''}, layer {n.layer}{n.ctxIdx !== undefined ? `, position ${n.ctxIdx}` : ''}</dd>
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
