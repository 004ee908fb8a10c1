// Pure layout for LayeredGraph: rows from the input (bottom) to the logits (top), one row per attention layer and
// one per MLP layer (EAP-IG graphs), or per feature layer (circuit-tracer graphs, whose transcoder features map to
// 'mlp' nodes); which edges to draw (the top N by |score|, the rest summarised); and SVG paths and styles.
// Kept apart from the component so it is computed once per graph/selection change and is unit-tested.
import type { CircuitEdge, CircuitNode, Qkv } from '../core/circuits/types';

export interface LayoutNode {
  id: string;
  x: number;
  y: number;
  r: number;
  row: number;
  node: CircuitNode;
}

export interface LayoutRow {
  y: number;
  label: string;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: LayoutNode[];
  byId: Map<string, LayoutNode>;
  rows: LayoutRow[];
}

export interface LayoutOptions {
  /** minimum drawing width in px; rows with many nodes widen it */
  width?: number;
  rowHeight?: number;
  /** left margin for the row labels */
  labelWidth?: number;
}

/** Vertical order: input, then per layer its attention row below its MLP row, then the logits. */
export function rowRank(n: CircuitNode): number {
  if (n.kind === 'input') return -1;
  if (n.kind === 'logits') return Number.MAX_SAFE_INTEGER;
  return 2 * n.layer + (n.kind === 'attn' ? 0 : 1);
}

function rowLabel(n: CircuitNode, featureGraph: boolean): string {
  if (n.kind === 'input') return featureGraph ? 'embeddings' : 'input';
  if (n.kind === 'logits') return 'logits';
  if (n.kind === 'attn') return `L${n.layer} attn`;
  return featureGraph ? `L${n.layer} features` : `L${n.layer} MLP`;
}

const MIN_SPACING = 9;

export function layoutGraph(nodes: readonly CircuitNode[], opts: LayoutOptions = {}): GraphLayout {
  const rowHeight = opts.rowHeight ?? 60;
  const labelWidth = opts.labelWidth ?? 92;
  const featureGraph = nodes.some((n) => n.ctxIdx !== undefined);
  const ranks = [...new Set(nodes.map(rowRank))].sort((a, b) => a - b);
  const rowOf = new Map(ranks.map((r, i) => [r, i]));
  const members: CircuitNode[][] = ranks.map(() => []);
  for (const n of nodes) members[rowOf.get(rowRank(n))!].push(n);
  // within a row: by position (feature graphs), then head, then name, so the same graph always lays out alike
  for (const m of members) m.sort((a, b) => (a.ctxIdx ?? 0) - (b.ctxIdx ?? 0) || (a.head ?? -1) - (b.head ?? -1) || a.id.localeCompare(b.id));
  const widest = Math.max(1, ...members.map((m) => m.length));
  const width = Math.max(opts.width ?? 860, labelWidth + 24 + widest * MIN_SPACING);
  const inner = width - labelWidth - 24;
  const top = 24;
  const height = top * 2 + Math.max(0, ranks.length - 1) * rowHeight;
  const out: LayoutNode[] = [];
  const rows: LayoutRow[] = [];
  members.forEach((m, row) => {
    // row 0 (input) at the bottom
    const y = height - top - row * rowHeight;
    rows.push({ y, label: rowLabel(m[0], featureGraph) });
    const spacing = inner / m.length;
    const r = Math.max(2.5, Math.min(11, spacing / 2.6));
    m.forEach((node, i) => out.push({ id: node.id, x: labelWidth + 12 + spacing * (i + 0.5), y, r, row, node }));
  });
  return { width, height, nodes: out, byId: new Map(out.map((n) => [n.id, n])), rows };
}

/**
 * Edges best first by |score| (ties keep graph order; NaN scores — unscored imports — last). Sorts an index array
 * over a typed array of magnitudes: real-model graphs have up to 500k edges (bench/graph-view.ts).
 */
export function rankEdges<E extends CircuitEdge>(edges: readonly E[]): E[] {
  const n = edges.length;
  const mag = new Float64Array(n);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const s = edges[i].score;
    mag[i] = Number.isFinite(s) ? Math.abs(s) : -1;
    idx[i] = i;
  }
  idx.sort((a, b) => mag[b] - mag[a] || a - b);
  const out = new Array<E>(n);
  for (let i = 0; i < n; i++) out[i] = edges[idx[i]];
  return out;
}

export interface EdgeSelection {
  shown: CircuitEdge[];
  /** edges eligible to draw but cut by the top-N limit */
  hiddenCount: number;
  hiddenAbsScore: number;
  /** edges eligible to draw (all, or only the circuit's) */
  candidates: number;
}

/** The top `topN` of `ranked` (optionally only in-circuit edges); the rest are counted, not drawn. */
export function selectEdges(ranked: readonly CircuitEdge[], topN: number, onlyCircuit: boolean): EdgeSelection {
  const pool = onlyCircuit ? ranked.filter((e) => e.inGraph) : ranked;
  const n = Math.max(0, Math.min(pool.length, Math.floor(topN)));
  let hiddenAbsScore = 0;
  for (let i = n; i < pool.length; i++) if (Number.isFinite(pool[i].score)) hiddenAbsScore += Math.abs(pool[i].score);
  return { shown: pool.slice(0, n), hiddenCount: pool.length - n, hiddenAbsScore, candidates: pool.length };
}

/**
 * Nodes worth drawing: all of them for graphs of up to `maxNodes` nodes; beyond that (per-position feature
 * graphs run to thousands) only the ends of drawn edges, the circuit's nodes, input and logits.
 */
export function visibleNodes(nodes: readonly CircuitNode[], shown: readonly CircuitEdge[], maxNodes = 400): CircuitNode[] {
  if (nodes.length <= maxNodes) return [...nodes];
  const keep = new Set<string>();
  for (const e of shown) keep.add(e.from).add(e.to);
  return nodes.filter((n) => keep.has(n.id) || n.kind === 'input' || n.kind === 'logits');
}

const QKV_SHIFT: Record<Qkv, number> = { q: -0.65, k: 0, v: 0.65 };

/** Sideways bulge of arcs between nodes of one column: `perPx` × the vertical distance, at most `max` (px). */
export interface ArcShape {
  perPx: number;
  max: number;
}

/** A cubic from the top of the source to the bottom of the destination (q/k/v enter side by side). */
export function edgePath(a: LayoutNode, b: LayoutNode, qkv?: Qkv, arc: ArcShape = { perPx: 0.22, max: 380 }): string {
  const x1 = a.x;
  const x2 = b.x + (qkv ? QKV_SHIFT[qkv] * b.r : 0);
  if (a.row === b.row) {
    // same row (position-to-position links in feature graphs): arc above the row
    const lift = Math.min(40, 12 + Math.abs(x2 - x1) / 6);
    return `M${x1.toFixed(1)},${(a.y - a.r).toFixed(1)} C${x1.toFixed(1)},${(a.y - lift).toFixed(1)} ${x2.toFixed(1)},${(b.y - lift).toFixed(1)} ${x2.toFixed(1)},${(b.y - b.r).toFixed(1)}`;
  }
  const y1 = a.y - a.r;
  const y2 = b.y + b.r;
  if (Math.abs(x2 - x1) < 0.5 && b.row - a.row > 1) {
    // one node per row (heads aggregated per layer): an arc diagram, bulging by the rows skipped, so the edges of
    // a column do not lie on one line; into attention to the left, into MLPs and logits to the right
    const bulge = Math.min(arc.max, arc.perPx * (y1 - y2)) * (b.node.kind === 'attn' ? -1 : 1);
    return `M${x1.toFixed(1)},${y1.toFixed(1)} C${(x1 + bulge).toFixed(1)},${y1.toFixed(1)} ${(x2 + bulge).toFixed(1)},${y2.toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)}`;
  }
  const my = (y1 + y2) / 2;
  return `M${x1.toFixed(1)},${y1.toFixed(1)} C${x1.toFixed(1)},${my.toFixed(1)} ${x2.toFixed(1)},${my.toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)}`;
}

/** Negative scores (the edge carries the clean behaviour) blue, positive red; Okabe–Ito-safe pair. */
export const NEGATIVE = '#2166ac';
export const POSITIVE = '#b2182b';

export interface EdgeStyle {
  width: number;
  colour: string;
  opacity: number;
}

export function edgeStyle(score: number, maxAbs: number): EdgeStyle {
  if (!Number.isFinite(score)) return { width: 0.6, colour: '#888', opacity: 0.4 };
  const t = maxAbs > 0 ? Math.min(1, Math.abs(score) / maxAbs) : 0;
  return { width: 0.6 + 5.4 * t, colour: score < 0 ? NEGATIVE : POSITIVE, opacity: 0.25 + 0.65 * t };
}

/** Diverging fill for a node score in [-maxAbs, maxAbs]: blue → white → red. */
export function scoreFill(score: number | undefined, maxAbs: number): string {
  if (score === undefined || !Number.isFinite(score) || maxAbs <= 0) return '#eceff3';
  const t = Math.min(1, Math.abs(score) / maxAbs);
  const [r, g, b] = score < 0 ? [33, 102, 172] : [178, 24, 43];
  const mix = (c: number) => Math.round(255 + (c - 255) * t);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/** Incident edges of a node among `edges`, best first. */
export function incident(edges: readonly CircuitEdge[], id: string): { incoming: CircuitEdge[]; outgoing: CircuitEdge[] } {
  const incoming = rankEdges(edges.filter((e) => e.to === id));
  const outgoing = rankEdges(edges.filter((e) => e.from === id));
  return { incoming, outgoing };
}
