// The computational graph of a sequential GPT-2-style transformer in the EAP-IG convention (hannamw/EAP-IG,
// eap/graph.py): source ("forward") nodes are input, every attention head and every MLP; destination
// ("backward") inputs are each head's q, k and v input, each MLP input and the logits. An edge joins every
// source to every later destination that reads the residual stream after it. The index layout is EAP-IG's, so
// score matrices line up with `Graph.scores` [n_forward, n_backward] of the Python library.
import type { CircuitEdge, CircuitGraph, CircuitNode, GraphConfig, Qkv } from './types';
import { CircuitsInputError } from './errors';
import type { NormalizedLmConfig } from '../lm/families';

export const QKV: readonly Qkv[] = ['q', 'k', 'v'];

export const headName = (l: number, h: number): string => `a${l}.h${h}`;
export const mlpName = (l: number): string => `m${l}`;
export const edgeName = (from: string, to: string, qkv?: Qkv): string => (qkv ? `${from}->${to}<${qkv}>` : `${from}->${to}`);

/** Sources: input, then per layer its heads and its MLP. */
export const nForward = (c: GraphConfig): number => 1 + c.nLayers * (c.nHeads + 1);
/** Destinations: per layer 3·H head inputs (all q, then all k, then all v) and the MLP input; then logits. */
export const nBackward = (c: GraphConfig): number => c.nLayers * (3 * c.nHeads + 1) + 1;

export function forwardIndex(c: GraphConfig, node: string): number {
  if (node === 'input') return 0;
  const m = /^m(\d+)$/.exec(node);
  if (m) return 1 + Number(m[1]) * (c.nHeads + 1) + c.nHeads;
  const a = /^a(\d+)\.h(\d+)$/.exec(node);
  if (a) return 1 + Number(a[1]) * (c.nHeads + 1) + Number(a[2]);
  throw new CircuitsInputError(`"${node}" is not a source node (input, a{l}.h{h} or m{l})`);
}

export function backwardIndex(c: GraphConfig, node: string, qkv?: Qkv): number {
  if (node === 'logits') return nBackward(c) - 1;
  const m = /^m(\d+)$/.exec(node);
  if (m) return Number(m[1]) * (3 * c.nHeads + 1) + 3 * c.nHeads;
  const a = /^a(\d+)\.h(\d+)$/.exec(node);
  if (a) {
    if (!qkv) throw new CircuitsInputError(`an edge into attention head ${node} needs <q>, <k> or <v>`);
    return Number(a[1]) * (3 * c.nHeads + 1) + QKV.indexOf(qkv) * c.nHeads + Number(a[2]);
  }
  throw new CircuitsInputError(`"${node}" is not a destination node (a{l}.h{h}<qkv>, m{l} or logits)`);
}

/**
 * Number of sources that feed destination group of layer l (sequential blocks): heads of layer l read
 * 1 + l·(H+1) sources, the MLP of layer l also the heads of its own layer, the logits every source.
 */
export const attnUpstream = (c: GraphConfig, l: number): number => 1 + l * (c.nHeads + 1);
export const mlpUpstream = (c: GraphConfig, l: number): number => (c.parallelAttnMlp ? attnUpstream(c, l) : attnUpstream(c, l) + c.nHeads);

/** The full graph (every node and edge in, scores 0) in EAP-IG construction order. */
export function buildGraph(c: GraphConfig): CircuitGraph {
  const nodes: CircuitNode[] = [{ id: 'input', layer: 0, kind: 'input', inGraph: true }];
  const edges: CircuitEdge[] = [];
  const resid: string[] = ['input'];
  const add = (from: string, to: string, qkv?: Qkv) => edges.push({ id: edgeName(from, to, qkv), from, to, qkv, score: 0, inGraph: true });
  for (let l = 0; l < c.nLayers; l++) {
    const heads = Array.from({ length: c.nHeads }, (_, h) => headName(l, h));
    for (const [h, id] of heads.entries()) nodes.push({ id, layer: l, kind: 'attn', head: h, inGraph: true });
    nodes.push({ id: mlpName(l), layer: l, kind: 'mlp', inGraph: true });
    for (const u of resid) for (const a of heads) for (const x of QKV) add(u, a, x);
    if (c.parallelAttnMlp) {
      for (const u of resid) add(u, mlpName(l));
      resid.push(...heads);
    } else {
      resid.push(...heads);
      for (const u of resid) add(u, mlpName(l));
    }
    resid.push(mlpName(l));
  }
  nodes.push({ id: 'logits', layer: Math.max(0, c.nLayers - 1), kind: 'logits', inGraph: true });
  for (const u of resid) add(u, 'logits');
  return { cfg: { ...c }, nodes, edges, meta: {} };
}

export function parseEdgeName(name: string): { from: string; to: string; qkv?: Qkv } {
  const m = /^(.+?)->(.+?)(?:<([qkv])>)?$/.exec(name);
  if (!m) throw new CircuitsInputError(`"${name}" is not an edge name of the form from->to or from->to<q|k|v>`);
  return { from: m[1], to: m[2], qkv: m[3] as Qkv | undefined };
}

/** Edge scores as the EAP-IG score matrix [nForward, nBackward] (row-major), 0 where there is no edge. */
export function scoreMatrix(g: CircuitGraph): Float64Array {
  const nb = nBackward(g.cfg);
  const s = new Float64Array(nForward(g.cfg) * nb);
  for (const e of g.edges) s[forwardIndex(g.cfg, e.from) * nb + backwardIndex(g.cfg, e.to, e.qkv)] = e.score;
  return s;
}

/** A deep copy with new scores (same order as g.edges). */
export function withScores(g: CircuitGraph, scores: ArrayLike<number>, meta: CircuitGraph['meta']): CircuitGraph {
  if (scores.length !== g.edges.length) throw new Error(`${scores.length} scores for ${g.edges.length} edges`);
  return {
    cfg: { ...g.cfg },
    nodes: g.nodes.map((n) => ({ ...n })),
    edges: g.edges.map((e, i) => ({ ...e, score: scores[i] })),
    meta: { ...g.meta, ...meta },
  };
}

export const cloneGraph = (g: CircuitGraph): CircuitGraph => withScores(g, g.edges.map((e) => e.score), {});

/**
 * The graph config of a model of any family in the table (families.ts). GQA stays "ungrouped" as in EAP-IG: one
 * node per query head (nHeads = num_attention_heads); nKvHeads / dHead / modelType only travel as provenance.
 */
export function graphConfigForLm(c: NormalizedLmConfig): GraphConfig {
  const out: GraphConfig = { nLayers: c.numLayers, nHeads: c.numHeads, dModel: c.hiddenSize, parallelAttnMlp: false, modelType: c.modelType };
  if (c.numKvHeads !== c.numHeads) out.nKvHeads = c.numKvHeads;
  if (c.headDim * c.numHeads !== c.hiddenSize) out.dHead = c.headDim;
  return out;
}

/** The KV head whose keys and values query head h reads (h itself without GQA). */
export const kvHeadOf = (c: GraphConfig, h: number): number => (c.nKvHeads ? Math.floor(h / (c.nHeads / c.nKvHeads)) : h);
