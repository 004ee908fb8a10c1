// EAP-IG graph JSON against the public library's own reader and writer (hannamw/EAP-IG src/eap/graph.py, read at
// commit 795f5607b25638935aec89aee3c1cb4bd9ed72f1). Python and torch cannot be installed in this workspace, so the
// fixture fixtures/eapig-to-json-2l2h.json was written by following `Graph.to_json` line by line for
// `Graph.from_model({'n_layers': 2, 'n_heads': 2, 'parallel_attn_mlp': False, 'd_model': 4})` with float32 edge scores
// (`edge.score.item()`, so doubles like -1.499527931213379) and one NaN score, which json.dump writes as a bare
// `NaN`; json.dump's default separators (", " and ": "), node order input, a0.h0, a0.h1, m0, a1.h0, … logits, edge
// order as `from_model` adds them. That to_json writes node scores / neurons only when the graph has them, and
// then crashes on the logits node (its forward index is n_forward, one past the end of nodes_scores and
// neurons_in_graph), so the file from the real library is an edge-level one like this.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportGraphJson, importGraphJson } from './json';
import { GraphJsonError } from './errors';
import { buildGraph, graphConfigForLm, kvHeadOf, nBackward, nForward, scoreMatrix } from './graph';
import { normalizeConfig } from '../lm/families';
import { replicaConfig } from '../lm/replicas/specs';

type Obj = Record<string, unknown>;

/**
 * What `Graph.from_json` assigns into a torch tensor, and where it would fail: it reads cfg, then per node (except
 * logits) `in_graph`, and if present `score`, `neurons`, `neurons_scores`; per edge `score` and `in_graph`. A null
 * there raises "can't assign a NoneType to a torch.FloatTensor"; a bare NaN is not JSON for a strict reader.
 */
function fromJsonProblems(text: string): string[] {
  const problems: string[] = [];
  let d: Obj;
  try {
    d = JSON.parse(text) as Obj;
  } catch (e) {
    return [`not strict JSON: ${(e as Error).message}`];
  }
  for (const k of ['cfg', 'nodes', 'edges']) if (!(k in d)) problems.push(`missing key ${k}`);
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  for (const [name, nd] of Object.entries(d.nodes as Record<string, Obj>)) {
    if (name === 'logits') continue;
    if (typeof nd.in_graph !== 'boolean') problems.push(`nodes.${name}.in_graph`);
    if ('score' in nd && !num(nd.score)) problems.push(`nodes.${name}.score = ${String(nd.score)}`);
    if ('neurons' in nd && !(nd.neurons as unknown[]).every((x) => typeof x === 'boolean')) problems.push(`nodes.${name}.neurons`);
    if ('neurons_scores' in nd && !(nd.neurons_scores as unknown[]).every(num)) problems.push(`nodes.${name}.neurons_scores`);
  }
  for (const [name, ed] of Object.entries(d.edges as Record<string, Obj>)) {
    if (!num(ed.score)) problems.push(`edges.${name}.score = ${String(ed.score)}`);
    if (typeof ed.in_graph !== 'boolean') problems.push(`edges.${name}.in_graph`);
  }
  return problems;
}

const toJsonFile = readFileSync(new URL('./fixtures/eapig-to-json-2l2h.json', import.meta.url), 'utf8');

describe('EAP-IG Graph.to_json / from_json interop', () => {
  it('reads the file to_json writes, NaN edge score included', () => {
    const g = importGraphJson(toJsonFile);
    expect(g.cfg).toEqual({ nLayers: 2, nHeads: 2, dModel: 4, parallelAttnMlp: false });
    expect(g.edges).toHaveLength(46);
    expect(g.edges.find((e) => e.id === 'input->a0.h0<q>')).toMatchObject({ score: -1.499527931213379, inGraph: true });
    expect(g.edges.find((e) => e.id === 'input->logits')).toMatchObject({ score: 2, inGraph: true });
    expect(g.edges.find((e) => e.id === 'a0.h1->m0')!.score).toBeNaN();
    expect(g.nodes.find((n) => n.id === 'm1')!.inGraph).toBe(false);
    expect(g.nodes.every((n) => n.score === undefined)).toBe(true);
  });

  it('writes what from_json accepts: no null or NaN where it assigns into a tensor, every finite value unchanged', () => {
    const g = importGraphJson(toJsonFile);
    const text = exportGraphJson(g);
    expect(fromJsonProblems(text)).toEqual([]);
    const out = JSON.parse(text) as { cfg: Obj; nodes: Obj; edges: Record<string, Obj>; non_finite?: Obj };
    const original = JSON.parse(toJsonFile.replace(/\bNaN\b/g, 'null')) as { cfg: Obj; nodes: Obj; edges: Record<string, Obj> };
    expect(out.cfg).toEqual(original.cfg);
    expect(Object.keys(out.cfg)).toEqual(['n_layers', 'n_heads', 'parallel_attn_mlp', 'd_model']);
    expect(out.nodes).toEqual(original.nodes);
    expect(Object.keys(out.edges)).toEqual(Object.keys(original.edges));
    for (const [name, e] of Object.entries(original.edges)) {
      if (e.score === null) expect(out.edges[name]).toEqual({ score: 0, in_graph: e.in_graph });
      else expect(out.edges[name]).toEqual(e);
    }
    // from_json ignores the extra key; this reader restores the NaN from it
    expect(out.non_finite).toEqual({ edges: ['a0.h1->m0'] });
    expect(importGraphJson(text)).toEqual(g);
  });

  it('node scores: unscored nodes get no "score" key (from_json keeps its own NaN), scored ones keep theirs', () => {
    const g = importGraphJson(toJsonFile);
    g.nodes.find((n) => n.id === 'a0.h1')!.score = -0.75;
    g.nodes.find((n) => n.id === 'm0')!.score = NaN;
    const text = exportGraphJson(g);
    expect(fromJsonProblems(text)).toEqual([]);
    const nodes = (JSON.parse(text) as { nodes: Record<string, Obj> }).nodes;
    expect(nodes['a0.h1']).toEqual({ in_graph: true, score: -0.75 });
    expect(nodes.m0).toEqual({ in_graph: true });
    expect(nodes.input).toEqual({ in_graph: true });
  });
});

describe('EAP-IG neuron-level graphs and hand-written files', () => {
  // Hand-written: neuron-level nodes as from_json reads them, with a null and a bare NaN among the neuron scores
  // (an older export of this workbench and Python's json.dump), and null scores on a node and an edge.
  const handWritten = `{"cfg": {"n_layers": 1, "n_heads": 1, "parallel_attn_mlp": false, "d_model": 3},
    "nodes": {"input": {"in_graph": true, "score": null, "neurons": [true, false, true], "neurons_scores": [0.5, null, -2.0]},
              "a0.h0": {"in_graph": true, "score": 0.25, "neurons": [false, false, true], "neurons_scores": [0.125, NaN, 1.0]},
              "m0": {"in_graph": false, "neurons": [false, false, false], "neurons_scores": [0.0, 0.0, 0.0]},
              "logits": {"in_graph": true}},
    "edges": {"input->a0.h0<q>": {"score": 0.75, "in_graph": true}, "input->a0.h0<k>": {"score": null, "in_graph": false},
              "a0.h0->logits": {"score": 1.5, "in_graph": true}}}`;

  it('keeps neurons and neurons_scores through import and export; nulls read as unscored', () => {
    const g = importGraphJson(handWritten);
    const input = g.nodes.find((n) => n.id === 'input')!;
    expect(input.score).toBeUndefined();
    expect(input.neurons).toEqual([true, false, true]);
    expect(input.neuronsScores).toEqual([0.5, NaN, -2]);
    expect(g.nodes.find((n) => n.id === 'a0.h0')!.neuronsScores).toEqual([0.125, NaN, 1]);
    expect(g.edges.find((e) => e.id === 'input->a0.h0<k>')!.score).toBeNaN();
    const text = exportGraphJson(g);
    expect(fromJsonProblems(text)).toEqual([]);
    const out = JSON.parse(text) as { nodes: Record<string, Obj>; non_finite: Obj };
    expect(out.nodes.input).toEqual({ in_graph: true, neurons: [true, false, true], neurons_scores: [0.5, 0, -2] });
    expect(out.non_finite).toEqual({ edges: ['input->a0.h0<k>'], neurons_scores: { input: [1], 'a0.h0': [1] } });
    expect(importGraphJson(text)).toEqual(g);
  });

  it('a neuron row of the wrong length names the node and d_model', () => {
    const bad = handWritten.replace('"neurons": [false, false, true]', '"neurons": [false, true]');
    expect(() => importGraphJson(bad)).toThrow(GraphJsonError);
    expect(() => importGraphJson(bad)).toThrow(/nodes\["a0.h0"\].neurons has 2 entries but cfg.d_model is 3/);
  });
});

describe('EAP-IG graph JSON of a GQA llama-family model (SmolLM2-135M config)', () => {
  // HuggingFaceTB/SmolLM2-135M config.json (the keys graph building reads): 30 layers, 9 query heads over 3 KV heads.
  const smollm2 = normalizeConfig({
    model_type: 'llama', num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, hidden_size: 576,
    intermediate_size: 1536, vocab_size: 49152, max_position_embeddings: 8192, rms_norm_eps: 1e-5, rope_theta: 100000, tie_word_embeddings: true,
  });

  /**
   * Graph.from_model and the index functions of hannamw/EAP-IG src/eap/graph.py (795f5607), transliterated:
   *     graph.n_forward = 1 + graph.cfg['n_layers'] * (graph.cfg['n_heads'] + 1)
   *     graph.n_backward = graph.cfg['n_layers'] * (3 * graph.cfg['n_heads'] + 1) + 1
   *     _forward_index:  'm{l}' -> 1 + layer * (cfg.n_heads + 1) + cfg.n_heads;  'a{l}.h{h}' -> 1 + layer * (cfg.n_heads + 1) + head
   *     _backward_index: 'logits' -> -1;  'm{l}' -> layer * (3 * cfg['n_heads'] + 1) + 3 * cfg['n_heads']
   *                      'a{l}.h{h}' -> layer * (3 * cfg['n_heads'] + 1) + ('qkv'.index(qkv) * cfg['n_heads']) + head
   *     for layer in range(n_layers):            # parallel_attn_mlp False
   *         for node in residual_stream: for attn_node in attn_nodes: for letter in 'qkv': add_edge(node, attn_node, qkv=letter)
   *         residual_stream += attn_nodes
   *         for node in residual_stream: add_edge(node, mlp_node)
   *         residual_stream.append(mlp_node)
   *     for node in residual_stream: add_edge(node, logit_node)
   * Only n_layers and n_heads (query heads) enter: the library's GQA graph is the ungrouped one.
   */
  function pythonFromModel(cfg: { n_layers: number; n_heads: number }): { nodes: string[]; edges: Map<string, [number, number]> } {
    const H = cfg.n_heads;
    const nBackward = cfg.n_layers * (3 * H + 1) + 1;
    const fwd = (n: string): number => {
      if (n === 'input') return 0;
      const [l, h] = n.slice(1).split('.h').map(Number);
      return n[0] === 'm' ? 1 + l * (H + 1) + H : 1 + l * (H + 1) + h;
    };
    const bwd = (n: string, qkv?: string): number => {
      if (n === 'logits') return nBackward - 1;
      const [l, h] = n.slice(1).split('.h').map(Number);
      return n[0] === 'm' ? l * (3 * H + 1) + 3 * H : l * (3 * H + 1) + 'qkv'.indexOf(qkv!) * H + h;
    };
    const nodes = ['input'];
    const edges = new Map<string, [number, number]>();
    const add = (p: string, c: string, qkv?: string) => edges.set(qkv ? `${p}->${c}<${qkv}>` : `${p}->${c}`, [fwd(p), bwd(c, qkv)]);
    const resid = ['input'];
    for (let l = 0; l < cfg.n_layers; l++) {
      const attn = Array.from({ length: H }, (_, h) => `a${l}.h${h}`);
      nodes.push(...attn, `m${l}`);
      for (const n of resid) for (const a of attn) for (const q of 'qkv') add(n, a, q);
      resid.push(...attn);
      for (const n of resid) add(n, `m${l}`);
      resid.push(`m${l}`);
    }
    for (const n of resid) add(n, 'logits');
    nodes.push('logits');
    return { nodes, edges };
  }

  const cfg = graphConfigForLm(smollm2);
  const g = buildGraph(cfg);
  g.edges.forEach((e, i) => {
    e.score = ((i * 7919) % 1000) / 1000 - 0.5;
    e.inGraph = i % 3 === 0;
  });
  g.meta = { model: 'HuggingFaceTB/SmolLM2-135M', method: 'eap-ig', metric: 'logit_diff', steps: 5 };
  const text = exportGraphJson(g);
  const out = JSON.parse(text) as { cfg: Obj; nodes: Record<string, Obj>; edges: Record<string, Obj> };

  it('cfg: the four keys from_model needs (n_heads = query heads), then the GQA provenance keys', () => {
    expect(out.cfg).toEqual({ n_layers: 30, n_heads: 9, parallel_attn_mlp: false, d_model: 576, n_key_value_heads: 3, ungroup_grouped_query_attention: true, model_type: 'llama' });
    expect(Object.keys(out.cfg).slice(0, 4)).toEqual(['n_layers', 'n_heads', 'parallel_attn_mlp', 'd_model']);
    expect(fromJsonProblems(text)).toEqual([]);
  });

  it('nodes, edges and their [n_forward, n_backward] indices are the ones from_model builds for that cfg', () => {
    const py = pythonFromModel(out.cfg as { n_layers: number; n_heads: number });
    expect(Object.keys(out.nodes)).toEqual(py.nodes);
    expect(Object.keys(out.edges)).toEqual([...py.edges.keys()]);
    expect(py.edges.size).toBe(123_211);
    const nb = nBackward(cfg);
    expect([nForward(cfg), nb]).toEqual([301, 30 * 28 + 1]);
    const m = scoreMatrix(g);
    const misplaced = g.edges.filter((e) => {
      const [f, b] = py.edges.get(e.id)!;
      return m[f * nb + b] !== e.score;
    });
    expect(misplaced.map((e) => e.id)).toEqual([]);
  });

  it('round-trips, GQA fields included; k/v inputs of a head belong to its KV group', () => {
    const back = importGraphJson(text);
    expect(back.cfg).toEqual({ nLayers: 30, nHeads: 9, dModel: 576, parallelAttnMlp: false, nKvHeads: 3, modelType: 'llama' });
    expect(back.edges.map((e) => [e.id, e.score, e.inGraph])).toEqual(g.edges.map((e) => [e.id, e.score, e.inGraph]));
    expect(back.meta).toMatchObject({ ...g.meta, source: 'eap-ig-json' });
    expect([0, 1, 2, 3, 5, 8].map((h) => kvHeadOf(back.cfg, h))).toEqual([0, 0, 0, 1, 1, 2]);
  });

  it('writes d_head where head_dim is not d_model / n_heads (Qwen3), and refuses a KV count that does not divide n_heads', () => {
    const q3 = graphConfigForLm(replicaConfig('qwen3'));
    const q3out = JSON.parse(exportGraphJson(buildGraph(q3))) as { cfg: Obj };
    expect(q3out.cfg).toMatchObject({ n_heads: 4, d_model: 32, n_key_value_heads: 2, d_head: 16, model_type: 'qwen3' });
    expect(importGraphJson(JSON.stringify(q3out)).cfg).toEqual(q3);
    const bad = { ...q3out, cfg: { ...q3out.cfg, n_key_value_heads: 3 } };
    expect(() => importGraphJson(JSON.stringify(bad))).toThrow(/n_key_value_heads \(3\) does not divide cfg.n_heads \(4\)/);
  });

  it('a file the Python library wrote for the same model (four cfg keys) reads as the same topology', () => {
    const { cfg: c, ...rest } = out;
    const plain = { ...rest, cfg: { n_layers: c.n_layers, n_heads: c.n_heads, parallel_attn_mlp: c.parallel_attn_mlp, d_model: c.d_model } };
    const back = importGraphJson(JSON.stringify(plain));
    expect(back.cfg).toEqual({ nLayers: 30, nHeads: 9, dModel: 576, parallelAttnMlp: false });
    expect(back.edges.map((e) => e.id)).toEqual(g.edges.map((e) => e.id));
  });
});
