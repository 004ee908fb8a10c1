// Attribution-graph JSON in the two public formats:
//  * EAP-IG `Graph.to_json` / `Graph.from_json` (hannamw/EAP-IG src/eap/graph.py, read at commit
//    795f5607b25638935aec89aee3c1cb4bd9ed72f1):
//      {"cfg": {"n_layers", "n_heads", "parallel_attn_mlp", "d_model"},
//       "nodes": {"a0.h1": {"in_graph": true, "score"?: s, "neurons"?: [bool × d_model], "neurons_scores"?: [s × d_model]}, ...},
//       "edges": {"input->a0.h1<q>": {"score": s, "in_graph": b}, ...}}
//    Reading is tolerant: older dumps with boolean nodes ("a0.h1": true), bare NaN / ±Infinity (Python's json.dump
//    writes them; JSON.parse rejects them) and null (older exports of this workbench) all mean "no score"; edges
//    or nodes a file leaves out get score 0 / in_graph false, as from_json does.
//    Writing targets from_json, which assigns every value it finds straight into a torch tensor: a null there
//    raises "can't assign a NoneType to a torch.FloatTensor", and a bare NaN is not JSON for any other reader.
//    So no null or NaN is written where from_json reads: an unscored node has no "score" key (from_json then keeps
//    its own NaN = unscored); a non-finite edge or neuron score is written as 0 and its place listed under the
//    top-level "non_finite" key, which from_json ignores and this reader turns back into NaN.
//    A "meta" key carries this workbench's provenance (model, method, metric...); from_json ignores it too.
//    GQA models (Llama 3, SmolLM2, Qwen, Gemma, Mistral): the library runs them "ungrouped" (README: "please ungroup
//    the GQA by setting `model.cfg.ungroup_grouped_query_attention = True`"; attribute.py asserts it when
//    `model.cfg.n_key_value_heads is not None`), so the graph has one node per query head with its own q/k/v inputs
//    and n_heads is the number of query heads; head h's k/v inputs reach KV head ⌊h / (n_heads / n_kv)⌋. The
//    layout is therefore the GPT-2 one with n_heads = num_attention_heads. cfg may carry more keys than the four:
//        graph.cfg.update(model_or_config)          # from_model, reached by from_json(d) as from_model(d['cfg'], ...)
//        d = {'cfg': dict(self.cfg)}                # to_json
//    so extra keys survive a round trip through the Python library. For a GQA graph this writer adds, under
//    TransformerLens's HookedTransformerConfig names, "n_key_value_heads", "d_head" (when it is not
//    d_model / n_heads, as in Qwen3 and Gemma) and "ungroup_grouped_query_attention": true (the convention the
//    scores were computed in), plus the Hugging Face "model_type" when known. Note that from_json builds its graph
//    with neuron_level=True, which allocates (n_forward, d_model): d_model must be there even for edge-level files.
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
    ...readGqaCfg(cfgIn),
  };
  const g = buildGraph(cfg);
  for (const n of g.nodes) n.inGraph = n.kind === 'logits';
  for (const e of g.edges) {
    e.inGraph = false;
    e.score = 0;
  }
  const nonFinite = readNonFinite(json.non_finite);
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
    if (v.neurons !== undefined) n.neurons = neuronRow(name, 'neurons', v.neurons, cfg.dModel).map((x) => x === true || x === 1);
    if (v.neurons_scores !== undefined) {
      const row = neuronRow(name, 'neurons_scores', v.neurons_scores, cfg.dModel).map((x) => (typeof x === 'number' ? x : NaN));
      for (const i of nonFinite.neuronsScores[name] ?? []) if (i < row.length) row[i] = NaN;
      n.neuronsScores = row;
    }
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
  for (const name of nonFinite.edges) {
    const e = edges.get(name);
    if (e) e.score = NaN;
  }
  const meta: GraphMeta = isObj(json.meta) ? { ...(json.meta as GraphMeta) } : {};
  g.meta = { ...meta, source: 'eap-ig-json' };
  return g;
}

/** The optional GQA / provenance keys of cfg (see the header); TransformerLens writes null for "no GQA". */
function readGqaCfg(cfgIn: Obj): Pick<GraphConfig, 'nKvHeads' | 'dHead' | 'modelType'> {
  const out: Pick<GraphConfig, 'nKvHeads' | 'dHead' | 'modelType'> = {};
  const optInt = (k: string): number | undefined => {
    const v = cfgIn[k];
    if (v === undefined || v === null) return undefined;
    if (!Number.isInteger(v) || (v as number) <= 0) throw new GraphJsonError(`cfg.${k} is not a positive integer`);
    return v as number;
  };
  const kv = optInt('n_key_value_heads');
  const nHeads = cfgIn.n_heads as number;
  if (kv !== undefined && nHeads % kv !== 0) throw new GraphJsonError(`cfg.n_key_value_heads (${kv}) does not divide cfg.n_heads (${nHeads})`);
  if (kv !== undefined && kv !== nHeads) out.nKvHeads = kv;
  const dHead = optInt('d_head');
  if (dHead !== undefined && (!Number.isInteger(cfgIn.d_model) || dHead * nHeads !== cfgIn.d_model)) out.dHead = dHead;
  if (typeof cfgIn.model_type === 'string' && cfgIn.model_type) out.modelType = cfgIn.model_type;
  return out;
}

/** cfg as to_json writes it (dict(self.cfg) of a HookedTransformer-built graph, that key order), then the GQA keys. */
function writeCfg(c: GraphConfig): Obj {
  const cfg: Obj = { n_layers: c.nLayers, n_heads: c.nHeads, parallel_attn_mlp: c.parallelAttnMlp, d_model: c.dModel };
  if (c.nKvHeads !== undefined && c.nKvHeads !== c.nHeads) {
    cfg.n_key_value_heads = c.nKvHeads;
    cfg.ungroup_grouped_query_attention = true;
  }
  if (c.dHead !== undefined && c.dHead * c.nHeads !== c.dModel) cfg.d_head = c.dHead;
  if (c.modelType) cfg.model_type = c.modelType;
  return cfg;
}

/** Neuron rows as from_json reads them: `torch.tensor(row).float()` of d_model booleans / scores (null and bare
 * NaN tolerated here: they are an unscored neuron). */
function neuronRow(node: string, key: string, v: unknown, dModel: number): unknown[] {
  const ok = Array.isArray(v) && v.every((x) => x === null || typeof x === 'number' || typeof x === 'boolean');
  if (!ok) throw new GraphJsonError(`nodes["${node}"].${key} is not a list of numbers or booleans`);
  if (dModel > 0 && v.length !== dModel) throw new GraphJsonError(`nodes["${node}"].${key} has ${v.length} entries but cfg.d_model is ${dModel}`);
  return v;
}

interface NonFinite {
  edges: string[];
  neuronsScores: Record<string, number[]>;
}

/** The "non_finite" key this workbench writes: where a NaN stood before it was written as 0 (see the header). */
function readNonFinite(v: unknown): NonFinite {
  if (!isObj(v)) return { edges: [], neuronsScores: {} };
  const edges = Array.isArray(v.edges) ? v.edges.filter((x): x is string => typeof x === 'string') : [];
  const neuronsScores: Record<string, number[]> = {};
  if (isObj(v.neurons_scores)) {
    for (const [k, idx] of Object.entries(v.neurons_scores)) {
      if (Array.isArray(idx)) neuronsScores[k] = idx.filter((i): i is number => Number.isInteger(i));
    }
  }
  return { edges, neuronsScores };
}

function toEapIg(g: CircuitGraph): Obj {
  const nonFinite: NonFinite = { edges: [], neuronsScores: {} };
  const nodes: Obj = {};
  for (const n of g.nodes) {
    const out: Obj = { in_graph: n.inGraph };
    if (n.score !== undefined && Number.isFinite(n.score)) out.score = n.score;
    if (n.neurons) out.neurons = n.neurons;
    if (n.neuronsScores) {
      out.neurons_scores = n.neuronsScores.map((s, i) => {
        if (Number.isFinite(s)) return s;
        (nonFinite.neuronsScores[n.id] ??= []).push(i);
        return 0;
      });
    }
    nodes[n.id] = out;
  }
  const edges: Obj = {};
  for (const e of g.edges) {
    if (!Number.isFinite(e.score)) nonFinite.edges.push(e.id);
    edges[e.id] = { score: Number.isFinite(e.score) ? e.score : 0, in_graph: e.inGraph };
  }
  const { raw: _raw, ...meta } = g.meta;
  void _raw;
  const out: Obj = { cfg: writeCfg(g.cfg), nodes, edges };
  const listed: Obj = {};
  if (nonFinite.edges.length) listed.edges = nonFinite.edges;
  if (Object.keys(nonFinite.neuronsScores).length) listed.neurons_scores = nonFinite.neuronsScores;
  if (Object.keys(listed).length) out.non_finite = listed;
  if (Object.keys(meta).length) out.meta = meta;
  return out;
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
