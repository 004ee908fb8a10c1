// Attribution-graph JSON in the two public formats:
//  * EAP-IG `Graph.to_json` / `Graph.from_json` (hannamw/EAP-IG eap/graph.py):
//      {"cfg": {"n_layers", "n_heads", "parallel_attn_mlp", "d_model"},
//       "nodes": {"a0.h1": {"in_graph": true, "score"?: s}, ...},        (older dumps: "a0.h1": true)
//       "edges": {"input->a0.h1<q>": {"score": s, "in_graph": b}, ...}}
//    Edges or nodes a file leaves out get score 0 / in_graph false, as from_json does. Python's json writes NaN
//    for unscored nodes, which JSON.parse rejects: bare NaN / ±Infinity are read as null (no score).
//    A "meta" key carries this workbench's provenance (model, method, metric...); from_json ignores it.
//  * circuit-tracer / Neuronpedia attribution graphs (safety-research/circuit-tracer frontend/graph_models.py):
//      {"metadata": {...}, "qParams": {...}, "nodes": [{node_id, feature, layer, ctx_idx, feature_type, clerp,
//       influence, activation, ...}], "links": [{source, target, weight}]}
//    These are per-position feature graphs: embeddings → input, logit → logits, transcoder features and error
//    nodes → mlp at their layer; fields we do not model stay in `raw` and are written back on export.
import { buildGraph, edgeName, parseEdgeName } from './graph';
import { GraphJsonError } from './errors';
import type { CircuitEdge, CircuitGraph, CircuitNode, GraphConfig, GraphMeta, NodeKind } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseTolerant(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    // Python json.dump writes NaN / Infinity; replace those bare tokens (outside strings) with null
    const fixed = text.replace(/("(?:[^"\\]|\\.)*")|\b-?(?:NaN|Infinity)\b/g, (m, str: string | undefined) => (str ? m : 'null'));
    try {
      return JSON.parse(fixed);
    } catch {
      throw new GraphJsonError(`not valid JSON (${(first as Error).message})`);
    }
  }
}

export function importGraphJson(text: string): CircuitGraph {
  const json = parseTolerant(text);
  if (!isObj(json)) throw new GraphJsonError('the top level is not an object');
  if (Array.isArray(json.nodes) && Array.isArray(json.links)) return fromCircuitTracer(json);
  if (isObj(json.cfg) && isObj(json.nodes)) return fromEapIg(json);
  throw new GraphJsonError('neither {cfg, nodes, edges} nor {nodes: [...], links: [...]} at the top level');
}

export function exportGraphJson(g: CircuitGraph): string {
  return JSON.stringify(g.meta.source === 'circuit-tracer-json' ? toCircuitTracer(g) : toEapIg(g));
}

function fromEapIg(json: Obj): CircuitGraph {
  const cfgIn = json.cfg as Obj;
  const int = (k: string): number => {
    const v = cfgIn[k];
    if (!Number.isInteger(v) || (v as number) < 0) throw new GraphJsonError(`cfg.${k} is not a non-negative integer`);
    return v as number;
  };
  const cfg: GraphConfig = {
    nLayers: int('n_layers'),
    nHeads: int('n_heads'),
    dModel: Number.isInteger(cfgIn.d_model) ? (cfgIn.d_model as number) : 0,
    parallelAttnMlp: cfgIn.parallel_attn_mlp === true,
  };
  const g = buildGraph(cfg);
  for (const n of g.nodes) n.inGraph = n.kind === 'logits';
  for (const e of g.edges) {
    e.inGraph = false;
    e.score = 0;
  }
  const nodes = new Map(g.nodes.map((n) => [n.id, n]));
  for (const [name, v] of Object.entries(json.nodes as Obj)) {
    const n = nodes.get(name);
    if (!n) throw new GraphJsonError(`node "${name}" does not exist in a ${cfg.nLayers}-layer, ${cfg.nHeads}-head graph`);
    if (typeof v === 'boolean') {
      if (n.kind !== 'logits') n.inGraph = v;
      continue;
    }
    if (!isObj(v) || typeof v.in_graph !== 'boolean') throw new GraphJsonError(`nodes["${name}"] has no boolean in_graph`);
    if (n.kind !== 'logits') n.inGraph = v.in_graph;
    if (typeof v.score === 'number') n.score = v.score;
  }
  const edges = new Map(g.edges.map((e) => [e.id, e]));
  if (json.edges !== undefined && !isObj(json.edges)) throw new GraphJsonError('"edges" is not an object');
  for (const [name, v] of Object.entries((json.edges ?? {}) as Obj)) {
    const e = edges.get(name);
    if (!e) {
      parseEdgeName(name);
      throw new GraphJsonError(`edge "${name}" does not exist in a ${cfg.nLayers}-layer, ${cfg.nHeads}-head graph`);
    }
    if (!isObj(v) || typeof v.in_graph !== 'boolean') throw new GraphJsonError(`edges["${name}"] has no boolean in_graph`);
    e.inGraph = v.in_graph;
    e.score = typeof v.score === 'number' ? v.score : v.score === null ? NaN : 0;
  }
  const meta: GraphMeta = isObj(json.meta) ? { ...(json.meta as GraphMeta) } : {};
  g.meta = { ...meta, source: 'eap-ig-json' };
  return g;
}

function toEapIg(g: CircuitGraph): Obj {
  const withScores = g.nodes.some((n) => n.score !== undefined);
  const nodes: Obj = {};
  for (const n of g.nodes) nodes[n.id] = withScores ? { in_graph: n.inGraph, score: n.score ?? null } : { in_graph: n.inGraph };
  const edges: Obj = {};
  for (const e of g.edges) edges[e.id] = { score: Number.isFinite(e.score) ? e.score : null, in_graph: e.inGraph };
  const { raw: _raw, ...meta } = g.meta;
  void _raw;
  const cfg = { n_layers: g.cfg.nLayers, n_heads: g.cfg.nHeads, parallel_attn_mlp: g.cfg.parallelAttnMlp, d_model: g.cfg.dModel };
  return Object.keys(meta).length ? { cfg, nodes, edges, meta } : { cfg, nodes, edges };
}

const CT_FIELDS = ['node_id', 'layer', 'ctx_idx', 'feature_type', 'clerp', 'influence'] as const;

function kindOf(featureType: string): NodeKind {
  if (featureType === 'embedding') return 'input';
  if (featureType === 'logit') return 'logits';
  return 'mlp';
}

function fromCircuitTracer(json: Obj): CircuitGraph {
  const metadata = isObj(json.metadata) ? json.metadata : {};
  const tokens = Array.isArray(metadata.prompt_tokens) ? (metadata.prompt_tokens as unknown[]).map(String) : [];
  const nodes: CircuitNode[] = (json.nodes as unknown[]).map((raw, i) => {
    if (!isObj(raw) || typeof raw.node_id !== 'string') throw new GraphJsonError(`nodes[${i}] has no string node_id`);
    const featureType = typeof raw.feature_type === 'string' ? raw.feature_type : '';
    const kind = kindOf(featureType);
    const layerNum = Number.parseInt(String(raw.layer), 10);
    const ctxIdx = Number.isInteger(raw.ctx_idx) ? (raw.ctx_idx as number) : undefined;
    const rest: Obj = {};
    for (const [k, v] of Object.entries(raw)) if (!(CT_FIELDS as readonly string[]).includes(k)) rest[k] = v;
    const clerp = typeof raw.clerp === 'string' && raw.clerp ? raw.clerp : undefined;
    return {
      id: raw.node_id, kind, layer: Number.isFinite(layerNum) ? layerNum : 0, inGraph: true, ctxIdx,
      score: typeof raw.influence === 'number' ? raw.influence : undefined,
      label: clerp ?? (kind === 'input' && ctxIdx !== undefined ? tokens[ctxIdx] : undefined),
      raw: { ...rest, layer: raw.layer, feature_type: featureType, clerp: raw.clerp },
    };
  });
  const ids = new Set(nodes.map((n) => n.id));
  const edges: CircuitEdge[] = (json.links as unknown[]).map((l, i) => {
    if (!isObj(l) || typeof l.source !== 'string' || typeof l.target !== 'string' || typeof l.weight !== 'number') {
      throw new GraphJsonError(`links[${i}] is not {source: string, target: string, weight: number}`);
    }
    for (const end of [l.source, l.target]) if (!ids.has(end)) throw new GraphJsonError(`links[${i}] refers to unknown node "${end}"`);
    return { id: edgeName(l.source, l.target), from: l.source, to: l.target, score: l.weight, inGraph: true };
  });
  const mlpLayers = nodes.filter((n) => n.kind === 'mlp').map((n) => n.layer);
  const { nodes: _n, links: _l, ...top } = json;
  void _n;
  void _l;
  return {
    cfg: { nLayers: mlpLayers.length ? Math.max(...mlpLayers) + 1 : 0, nHeads: 0, dModel: 0, parallelAttnMlp: false },
    nodes, edges,
    meta: { source: 'circuit-tracer-json', prompt: typeof metadata.prompt === 'string' ? metadata.prompt : undefined, raw: top },
  };
}

function toCircuitTracer(g: CircuitGraph): Obj {
  const nodes = g.nodes.map((n) => {
    const raw = n.raw ?? {};
    const out: Obj = { ...raw, node_id: n.id, layer: raw.layer ?? String(n.layer), feature_type: raw.feature_type ?? n.kind };
    if (n.ctxIdx !== undefined) out.ctx_idx = n.ctxIdx;
    if (n.score !== undefined) out.influence = n.score;
    if (raw.clerp !== undefined) out.clerp = raw.clerp;
    return out;
  });
  const links = g.edges.filter((e) => e.inGraph).map((e) => ({ source: e.from, target: e.to, weight: e.score }));
  return { ...(g.meta.raw ?? {}), nodes, links };
}
