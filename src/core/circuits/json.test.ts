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
