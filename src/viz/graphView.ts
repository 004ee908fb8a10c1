// What the layered graph view draws of a large attribution graph (16–30 layers × 9–32 heads: 100k–500k edges):
//  * aggregation: the heads of a layer collapse into one node per layer, or per block of heads (a KV group of a
//    GQA model), unless that layer is expanded. An aggregated edge stands for all the edges between its ends
//    (q, k and v inputs merged): its |score| is the sum of their |score| (or, on request, the mean: a merged edge
//    of 243 weak edges then no longer outweighs one strong edge), its sign that of their signed sum.
//  * filters: layer range, node kind (attention / MLP), in-circuit only, |score| threshold, then the top N by
//    |score|, never more than EDGE_CAP (the view is SVG: it must never hold hundreds of thousands of elements).
// Pure functions, memoised by the component and unit-tested (graphView.test.ts).
import type { CircuitEdge, CircuitGraph, CircuitNode, GraphConfig } from '../core/circuits/types';

/** How attention heads are drawn: one node each, blocks of `size` consecutive heads, or one node per layer. */
export type HeadGrouping = { kind: 'head' } | { kind: 'block'; size: number } | { kind: 'layer' };

export interface ViewNode extends CircuitNode {
  /** original nodes this one stands for (absent = 1) */
  members?: number;
  /** heads [first, last] of an aggregated attention node */
  heads?: readonly [number, number];
}

export interface ViewEdge extends CircuitEdge {
  /** original edges this one stands for (absent = 1) */
  members?: number;
  /** signed sum of the members' scores (absent = score) */
  net?: number;
}

export interface ViewGraph {
  cfg: GraphConfig;
  nodes: ViewNode[];
  edges: ViewEdge[];
  meta: CircuitGraph['meta'];
  /** original node id → the view node drawing it (only for nodes that were merged) */
  mergedInto: ReadonlyMap<string, string>;
}

/** The most edges the view ever draws, whatever N asks for. */
export const EDGE_CAP = 5000;

/** Graphs with more attention heads than this open aggregated per layer. */
export const AUTO_AGGREGATE_HEADS = 64;

/** Per-position feature graphs (circuit-tracer) have no heads to group. */
export const isFeatureGraph = (g: { nodes: readonly CircuitNode[] }): boolean => g.nodes.some((n) => n.ctxIdx !== undefined);

export function defaultGrouping(g: CircuitGraph): HeadGrouping {
  return !isFeatureGraph(g) && g.cfg.nLayers * g.cfg.nHeads > AUTO_AGGREGATE_HEADS ? { kind: 'layer' } : { kind: 'head' };
}

/**
 * Query heads per KV head of a grouped-query model (head h reads KV head ⌊h / group⌋), or null when the graph's
 * config does not say (older files) or every head has its own KV head. Reads an optional `nKvHeads`.
 */
export function kvGroupSize(cfg: GraphConfig): number | null {
  const kv = cfg.nKvHeads;
  if (!kv || !Number.isInteger(kv) || kv <= 0 || kv >= cfg.nHeads || cfg.nHeads % kv !== 0) return null;
  return cfg.nHeads / kv;
}

/** The view node an attention head is drawn as, or null when it stays a node of its own. */
function headGroup(n: CircuitNode, grouping: HeadGrouping, nHeads: number, expanded: ReadonlySet<number>): { id: string; heads: [number, number] } | null {
  if (n.kind !== 'attn' || n.head === undefined || n.ctxIdx !== undefined || grouping.kind === 'head' || expanded.has(n.layer)) return null;
  const size = grouping.kind === 'layer' ? nHeads : Math.max(1, Math.floor(grouping.size));
  if (size <= 1) return null;
  if (size >= nHeads) return { id: `a${n.layer}`, heads: [0, nHeads - 1] };
  const lo = Math.floor(n.head / size) * size;
  const hi = Math.min(nHeads, lo + size) - 1;
  return { id: `a${n.layer}.h${lo}-${hi}`, heads: [lo, hi] };
}

/** How a merged edge's |score| is formed from its members': their sum, or their mean. */
export type MergedWeight = 'sum' | 'mean';

/** The graph as drawn with `grouping`; layers in `expanded` keep their heads. Unchanged (no copy) when nothing merges. */
export function aggregateGraph(g: CircuitGraph, grouping: HeadGrouping, expanded: ReadonlySet<number> = new Set(), weight: MergedWeight = 'sum'): ViewGraph {
  const mergedInto = new Map<string, string>();
  const groups = new Map<string, ViewNode>();
  const nodes: ViewNode[] = [];
  for (const n of g.nodes) {
    const grp = headGroup(n, grouping, g.cfg.nHeads, expanded);
    if (!grp) {
      nodes.push(n);
      continue;
    }
    mergedInto.set(n.id, grp.id);
    const seen = groups.get(grp.id);
    if (seen) {
      seen.members = (seen.members ?? 1) + 1;
      seen.inGraph ||= n.inGraph;
      continue;
    }
    const agg: ViewNode = { id: grp.id, layer: n.layer, kind: 'attn', head: grp.heads[0], heads: grp.heads, members: 1, inGraph: n.inGraph, label: `heads ${grp.heads[0]}–${grp.heads[1]}` };
    groups.set(grp.id, agg);
    nodes.push(agg);
  }
  if (mergedInto.size === 0) return { cfg: g.cfg, nodes: g.nodes, edges: g.edges, meta: g.meta, mergedInto };

  interface Acc { edge: ViewEdge; abs: number; net: number; finite: number }
  const accs = new Map<string, Acc>();
  const edges: ViewEdge[] = [];
  for (const e of g.edges) {
    const from = mergedInto.get(e.from) ?? e.from;
    const toMerged = mergedInto.get(e.to);
    if (from === e.from && toMerged === undefined) {
      edges.push(e);
      continue;
    }
    const to = toMerged ?? e.to;
    // into a merged node the q/k/v inputs merge too; into a single head they stay apart
    const qkv = toMerged === undefined ? e.qkv : undefined;
    const id = qkv ? `${from}->${to}<${qkv}>` : `${from}->${to}`;
    let acc = accs.get(id);
    if (!acc) {
      acc = { edge: { id, from, to, qkv, score: NaN, inGraph: false, members: 0 }, abs: 0, net: 0, finite: 0 };
      accs.set(id, acc);
      edges.push(acc.edge);
    }
    acc.edge.members! += 1;
    acc.edge.inGraph ||= e.inGraph;
    if (Number.isFinite(e.score)) {
      acc.abs += Math.abs(e.score);
      acc.net += e.score;
      acc.finite += 1;
    }
  }
  for (const { edge, abs, net, finite } of accs.values()) {
    edge.net = finite > 0 ? net : NaN;
    const mag = weight === 'mean' ? abs / Math.max(1, finite) : abs;
    edge.score = finite > 0 ? (net < 0 ? -mag : mag) : NaN;
  }
  return { cfg: g.cfg, nodes, edges, meta: g.meta, mergedInto };
}

/** Node scores of the view: a merged node's score is the sum of its members' scores. */
export function aggregateNodeScores(scores: ReadonlyMap<string, number>, view: ViewGraph): Map<string, number> {
  if (view.mergedInto.size === 0) return new Map(scores);
  const out = new Map<string, number>();
  for (const [id, s] of scores) {
    const to = view.mergedInto.get(id) ?? id;
    out.set(to, (out.get(to) ?? 0) + s);
  }
  return out;
}

export interface EdgeFilter {
  /** edges drawn, best |score| first (clamped to EDGE_CAP) */
  topN: number;
  /** only edges with |score| ≥ threshold (0: all) */
  threshold: number;
  /** transformer layers shown, inclusive; input and logits are always shown */
  layers: readonly [number, number];
  kinds: { attn: boolean; mlp: boolean };
  /** only edges of the extracted circuit */
  onlyCircuit: boolean;
}

export const fullFilter = (cfg: GraphConfig, topN: number): EdgeFilter => ({
  topN, threshold: 0, layers: [0, Math.max(0, cfg.nLayers - 1)], kinds: { attn: true, mlp: true }, onlyCircuit: false,
});

/** Whether a node is on screen under the filter (layer range and kind; input and logits always). */
export function nodeShown(n: CircuitNode, f: EdgeFilter): boolean {
  if (n.kind === 'input' || n.kind === 'logits') return true;
  if (!f.kinds[n.kind]) return false;
  return n.layer >= f.layers[0] && n.layer <= f.layers[1];
}

export interface FilteredEdges {
  shown: ViewEdge[];
  /** edges that pass every filter but fall beyond the top N (or the cap): counted, not drawn */
  hiddenCount: number;
  hiddenAbsScore: number;
  /** edges that pass every filter */
  candidates: number;
  /** the N actually used: min(topN, EDGE_CAP) */
  limit: number;
}

/**
 * Filters edges already ranked best |score| first (rankEdges): both ends shown, in the circuit if asked,
 * |score| ≥ threshold; the first min(topN, EDGE_CAP) of those are drawn, the rest summed.
 */
export function filterEdges(ranked: readonly ViewEdge[], nodesById: ReadonlyMap<string, CircuitNode>, f: EdgeFilter): FilteredEdges {
  const limit = Math.max(0, Math.min(EDGE_CAP, Math.floor(f.topN)));
  const shownNode = new Map<string, boolean>();
  const ok = (id: string) => {
    let v = shownNode.get(id);
    if (v === undefined) {
      const n = nodesById.get(id);
      v = n ? nodeShown(n, f) : false;
      shownNode.set(id, v);
    }
    return v;
  };
  const shown: ViewEdge[] = [];
  let candidates = 0;
  let hiddenAbsScore = 0;
  for (const e of ranked) {
    if (f.onlyCircuit && !e.inGraph) continue;
    // ranked order puts unscored (NaN) edges last: a threshold above 0 drops them
    if (f.threshold > 0 && !(Math.abs(e.score) >= f.threshold)) continue;
    if (!ok(e.from) || !ok(e.to)) continue;
    candidates++;
    if (shown.length < limit) shown.push(e);
    else if (Number.isFinite(e.score)) hiddenAbsScore += Math.abs(e.score);
  }
  return { shown, hiddenCount: candidates - shown.length, hiddenAbsScore, candidates, limit };
}

/** The k best edges by |score| (rankEdges(edges).slice(0, k), ties in graph order) in one pass, without sorting all. */
export function topByAbs<E extends CircuitEdge>(edges: readonly E[], k: number): E[] {
  const best: { e: E; m: number }[] = [];
  for (const e of edges) {
    const m = Number.isFinite(e.score) ? Math.abs(e.score) : -1;
    if (best.length === k && m <= best[k - 1].m) continue;
    let i = best.length;
    while (i > 0 && best[i - 1].m < m) i--;
    best.splice(i, 0, { e, m });
    if (best.length > k) best.pop();
  }
  return best.map((x) => x.e);
}
