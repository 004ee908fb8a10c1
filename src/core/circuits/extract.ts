// Circuit extraction from a scored graph, as EAP-IG's Graph.apply_topn / apply_threshold / apply_greedy / prune:
//   topn       the n edges with the largest |score|
//   threshold  every edge with |score| ≥ threshold
//   greedy     grow from the logits: repeatedly add the best-scoring edge whose child is already in the circuit
//              (a new parent brings its own incoming edges into the candidate pool)
// then prune: drop nodes without an in-circuit incoming edge (input excepted) or outgoing edge (logits excepted),
// and edges whose ends were dropped, until nothing changes. After pruning every circuit edge lies on a path
// from input to logits. Pure functions on the CircuitGraph value; the result is a new graph.
import { cloneGraph } from './graph';
import { CircuitsInputError } from './errors';
import type { CircuitEdge, CircuitGraph, ExtractOptions } from './types';

const key = (absolute: boolean) => (e: CircuitEdge): number => (absolute ? Math.abs(e.score) : e.score);

/** Edges ordered best first (stable: ties keep graph order). */
function ranked(edges: CircuitEdge[], absolute: boolean): CircuitEdge[] {
  const k = key(absolute);
  return edges.map((e, i) => ({ e, i })).sort((a, b) => k(b.e) - k(a.e) || a.i - b.i).map((x) => x.e);
}

export function extract(g: CircuitGraph, opts: ExtractOptions): CircuitGraph {
  const out = cloneGraph(g);
  const absolute = opts.absolute ?? true;
  for (const e of out.edges) e.inGraph = false;
  if (opts.mode === 'threshold') {
    if (opts.threshold === undefined || !Number.isFinite(opts.threshold)) throw new CircuitsInputError('threshold extraction needs a finite `threshold`');
    const k = key(absolute);
    for (const e of out.edges) e.inGraph = k(e) >= opts.threshold;
  } else {
    const n = opts.n ?? NaN;
    if (!Number.isInteger(n) || n < 0) throw new CircuitsInputError(`${opts.mode} extraction needs an integer n ≥ 0 (got ${opts.n})`);
    if (n > out.edges.length) throw new CircuitsInputError(`n = ${n} is more than the ${out.edges.length} edges of the graph`);
    if (opts.mode === 'topn') for (const e of ranked(out.edges, absolute).slice(0, n)) e.inGraph = true;
    else if (opts.mode === 'greedy') greedy(out, n, absolute);
    else throw new CircuitsInputError(`unknown extraction mode "${String(opts.mode)}" (topn, threshold or greedy)`);
  }
  markNodesFromEdges(out);
  return opts.prune === false ? out : prune(out);
}

function greedy(g: CircuitGraph, n: number, absolute: boolean): void {
  const k = key(absolute);
  const inEdges = new Map<string, CircuitEdge[]>();
  for (const e of g.edges) inEdges.set(e.to, [...(inEdges.get(e.to) ?? []), e]);
  const inGraph = new Set<string>(['logits']);
  const pool = [...(inEdges.get('logits') ?? [])];
  const order = new Map(g.edges.map((e, i) => [e.id, i]));
  for (let added = 0; added < n && pool.length > 0; added++) {
    // pick the best candidate (pools are small: a few hundred edges)
    let best = 0;
    for (let i = 1; i < pool.length; i++) {
      const d = k(pool[i]) - k(pool[best]);
      if (d > 0 || (d === 0 && order.get(pool[i].id)! < order.get(pool[best].id)!)) best = i;
    }
    const e = pool.splice(best, 1)[0];
    e.inGraph = true;
    if (!inGraph.has(e.from)) {
      inGraph.add(e.from);
      pool.push(...(inEdges.get(e.from) ?? []));
    }
  }
}

/** A node is in the graph when an in-graph edge touches it (logits always, as in EAP-IG). */
function markNodesFromEdges(g: CircuitGraph): void {
  const touched = new Set<string>(['logits']);
  for (const e of g.edges) if (e.inGraph) touched.add(e.from).add(e.to);
  for (const n of g.nodes) n.inGraph = touched.has(n.id);
}

/** Removes dangling nodes and the edges they leave hanging, to a fixed point (returns a new graph). */
export function prune(g: CircuitGraph): CircuitGraph {
  const out = cloneGraph(g);
  for (;;) {
    const hasIn = new Set<string>(['input']);
    const hasOut = new Set<string>(['logits']);
    const alive = new Set(out.nodes.filter((n) => n.inGraph).map((n) => n.id));
    alive.add('logits');
    for (const e of out.edges) {
      if (!e.inGraph) continue;
      hasOut.add(e.from);
      hasIn.add(e.to);
    }
    let changed = false;
    for (const n of out.nodes) {
      const keep = n.id === 'logits' || (alive.has(n.id) && hasIn.has(n.id) && hasOut.has(n.id));
      if (n.inGraph !== keep) {
        n.inGraph = keep;
        changed = true;
      }
    }
    const nodeIn = new Set(out.nodes.filter((n) => n.inGraph).map((n) => n.id));
    for (const e of out.edges) {
      if (e.inGraph && !(nodeIn.has(e.from) && nodeIn.has(e.to))) {
        e.inGraph = false;
        changed = true;
      }
    }
    if (!changed) return out;
  }
}

/**
 * Nodes that are dangling in `g`: in the graph but with no in-graph path from input or to logits. Empty after
 * `prune` (tests use it; the UI can highlight them in an unpruned view).
 */
export function danglingNodes(g: CircuitGraph): string[] {
  const fwd = new Map<string, string[]>();
  const bwd = new Map<string, string[]>();
  for (const e of g.edges) {
    if (!e.inGraph) continue;
    fwd.set(e.from, [...(fwd.get(e.from) ?? []), e.to]);
    bwd.set(e.to, [...(bwd.get(e.to) ?? []), e.from]);
  }
  const reach = (start: string, adj: Map<string, string[]>): Set<string> => {
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) for (const m of adj.get(stack.pop()!) ?? []) if (!seen.has(m)) { seen.add(m); stack.push(m); }
    return seen;
  };
  const fromInput = reach('input', fwd);
  const toLogits = reach('logits', bwd);
  const used = new Set<string>();
  for (const e of g.edges) if (e.inGraph) used.add(e.from).add(e.to);
  return g.nodes.filter((n) => n.kind !== 'logits' && (n.inGraph || used.has(n.id)) && !(fromInput.has(n.id) && toLogits.has(n.id))).map((n) => n.id);
}

/**
 * Node-level view: each source node's score is the sum of its outgoing edge scores — to first order the effect
 * of patching the whole node (exact for EAP, whose scores are linear in the patch) — unless the graph already
 * carries node scores (exact node patching).
 */
export function nodeScores(g: CircuitGraph): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of g.nodes) if (n.score !== undefined && Number.isFinite(n.score)) out.set(n.id, n.score);
  if (out.size > 0) return out;
  for (const e of g.edges) out.set(e.from, (out.get(e.from) ?? 0) + e.score);
  return out;
}

export const circuitSize = (g: CircuitGraph): number => g.edges.filter((e) => e.inGraph).length;

/**
 * The size to ask faithfulnessCurve for so that its circuit is exactly `extract(graph, opts)`: the curve cuts each
 * size as extract(mode, n) + prune, so top-n / greedy ask for n, and a threshold the number of edges at or above it
 * (the same |score| order).
 */
export function circuitRequestSize(opts: ExtractOptions, edges: readonly CircuitEdge[]): number {
  if (opts.mode === 'threshold') return edges.filter((e) => Math.abs(e.score) >= (opts.threshold ?? Infinity)).length;
  return Math.min(opts.n ?? 0, edges.length);
}
