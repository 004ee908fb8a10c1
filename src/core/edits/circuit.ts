// Reads a circuit in the public EAP-IG `Graph.to_json` format and reduces it to what a weight edit needs:
// the attention heads and MLP layers in the circuit. A node counts when its own `in_graph` is true or when
// an in-graph edge touches it (older EAP-IG dumps store nodes as plain booleans, newer ones as
// {in_graph, score}; both are read). `input` and `logits` own no editable weights and are ignored.
// Edge keys look like "a0.h1->m3" or "m2->a5.h3<q>"; the <q>/<k>/<v> suffix names the head input the edge
// feeds, and this tool edits all of q, k, v and o of a selected head (documented in sidecar/README.md).

import { CircuitFormatError } from './errors';

export interface CircuitSelection {
  /** Attention heads as [layer, head], sorted. */
  heads: [number, number][];
  /** MLP layers, sorted. */
  mlps: number[];
  /**
   * Single MLP neurons as [layer, index] (a finer cut than `mlps`, made by code: EAP-IG Graph JSON has no neuron
   * nodes, so parseCircuit never sets it). What a neuron owns: archMap.ts.
   */
  neurons?: [number, number][];
  /** From the JSON's cfg when present (n_layers, n_heads, and for GQA models n_key_value_heads, model_type). */
  nLayers?: number;
  nHeads?: number;
  nKvHeads?: number;
  modelType?: string;
  nodesInGraph: number;
  edgesInGraph: number;
}

type NodeRef = { kind: 'head'; layer: number; head: number } | { kind: 'mlp'; layer: number } | { kind: 'io' };

const HEAD = /^a(\d+)\.h(\d+)$/;
const MLP = /^m(\d+)$/;

export function parseNodeName(name: string): NodeRef {
  if (name === 'input' || name === 'logits') return { kind: 'io' };
  let m = HEAD.exec(name);
  if (m) return { kind: 'head', layer: Number(m[1]), head: Number(m[2]) };
  m = MLP.exec(name);
  if (m) return { kind: 'mlp', layer: Number(m[1]) };
  throw new CircuitFormatError(`unknown node name "${name}"`);
}

function inGraph(v: unknown, where: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'object' && v !== null && 'in_graph' in v) {
    const f = (v as { in_graph: unknown }).in_graph;
    if (typeof f !== 'boolean') throw new CircuitFormatError(`${where}.in_graph is not a boolean`);
    return f;
  }
  throw new CircuitFormatError(`${where} is neither a boolean nor an object with "in_graph"`);
}

export function parseCircuit(json: unknown): CircuitSelection {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CircuitFormatError('top level is not an object');
  const { nodes, edges, cfg } = json as Record<string, unknown>;
  if (typeof nodes !== 'object' || nodes === null || Array.isArray(nodes)) throw new CircuitFormatError('missing "nodes" object');
  if (edges !== undefined && (typeof edges !== 'object' || edges === null || Array.isArray(edges))) throw new CircuitFormatError('"edges" is not an object');
  const selected = new Set<string>();
  let nodesInGraph = 0;
  for (const [name, v] of Object.entries(nodes as Record<string, unknown>)) {
    parseNodeName(name);
    if (inGraph(v, `nodes["${name}"]`)) {
      selected.add(name);
      nodesInGraph++;
    }
  }
  let edgesInGraph = 0;
  for (const [key, v] of Object.entries((edges ?? {}) as Record<string, unknown>)) {
    const m = /^(.+)->(.+?)(<[qkv]>)?$/.exec(key);
    if (!m) throw new CircuitFormatError(`edge key "${key}" is not "src->dst" or "src->dst<q|k|v>"`);
    parseNodeName(m[1]);
    parseNodeName(m[2]);
    if (inGraph(v, `edges["${key}"]`)) {
      edgesInGraph++;
      selected.add(m[1]);
      selected.add(m[2]);
    }
  }
  const heads: [number, number][] = [];
  const mlps: number[] = [];
  for (const name of selected) {
    const r = parseNodeName(name);
    if (r.kind === 'head') heads.push([r.layer, r.head]);
    else if (r.kind === 'mlp') mlps.push(r.layer);
  }
  heads.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  mlps.sort((a, b) => a - b);
  const c = (typeof cfg === 'object' && cfg !== null ? cfg : {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
  const out: CircuitSelection = { heads, mlps, nodesInGraph, edgesInGraph };
  const nLayers = num(c.n_layers);
  const nHeads = num(c.n_heads);
  if (nLayers !== undefined) out.nLayers = nLayers;
  if (nHeads !== undefined) out.nHeads = nHeads;
  const nKvHeads = num(c.n_key_value_heads);
  if (nKvHeads !== undefined) out.nKvHeads = nKvHeads;
  if (typeof c.model_type === 'string' && c.model_type) out.modelType = c.model_type;
  return out;
}
