// Graph structure in the EAP-IG convention, JSON in the public formats, extraction and pruning. No engine.
import { describe, expect, it } from 'vitest';
import { backwardIndex, buildGraph, forwardIndex, nBackward, nForward, scoreMatrix, withScores } from './graph';
import { circuitSize, danglingNodes, extract, nodeScores, prune } from './extract';
import { exportGraphJson, importGraphJson } from './json';
import { GraphJsonError } from './errors';
import type { CircuitGraph } from './types';

const cfg = { nLayers: 2, nHeads: 2, dModel: 8, parallelAttnMlp: false };

/** Deterministic pseudo-random scores so extraction has something to rank. */
function scored(g: CircuitGraph, seed = 1): CircuitGraph {
  let s = seed;
  return withScores(g, g.edges.map(() => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1), {});
}

describe('EAP-IG graph', () => {
  it('has the nodes, edges and index layout of eap/graph.py', () => {
    const g = buildGraph(cfg);
    expect(g.nodes.map((n) => n.id)).toEqual(['input', 'a0.h0', 'a0.h1', 'm0', 'a1.h0', 'a1.h1', 'm1', 'logits']);
    // per layer l: (1 + l(H+1)) sources × 3H head inputs + (1 + l(H+1) + H) into the MLP; then every source → logits
    expect(g.edges.length).toBe(1 * 6 + 3 + 4 * 6 + 6 + 7);
    expect(g.edges.slice(0, 3).map((e) => e.id)).toEqual(['input->a0.h0<q>', 'input->a0.h0<k>', 'input->a0.h0<v>']);
    const ids = new Set(g.edges.map((e) => e.id));
    for (const id of ['a0.h1->m0', 'a0.h1->a1.h0<k>', 'm0->a1.h1<v>', 'm1->logits', 'input->logits']) expect(ids.has(id)).toBe(true);
    for (const id of ['a1.h0->m0', 'a0.h0->a0.h1<q>', 'm0->m0']) expect(ids.has(id)).toBe(false);
    expect(nForward(cfg)).toBe(7);
    expect(nBackward(cfg)).toBe(2 * 7 + 1);
    expect(forwardIndex(cfg, 'm1')).toBe(6);
    expect(backwardIndex(cfg, 'a1.h1', 'k')).toBe(7 + 2 + 1);
    expect(backwardIndex(cfg, 'logits')).toBe(14);
    // every edge has its own cell of the score matrix
    const cells = new Set(g.edges.map((e) => forwardIndex(cfg, e.from) * nBackward(cfg) + backwardIndex(cfg, e.to, e.qkv)));
    expect(cells.size).toBe(g.edges.length);
    const m = scoreMatrix(scored(g));
    expect(m.filter((v) => v !== 0).length).toBe(g.edges.length);
  });
});

describe('graph JSON', () => {
  // Hand-written in the format EAP-IG's Graph.to_json writes (json.dump: NaN for unscored nodes).
  const fixture = `{"cfg": {"n_layers": 1, "n_heads": 1, "parallel_attn_mlp": false, "d_model": 4},
    "nodes": {"input": {"in_graph": true, "score": NaN}, "a0.h0": {"in_graph": true, "score": 0.5},
              "m0": {"in_graph": false, "score": -0.25}, "logits": {"in_graph": true, "score": NaN}},
    "edges": {"input->a0.h0<q>": {"score": 0.75, "in_graph": true}, "input->a0.h0<k>": {"score": -0.125, "in_graph": false},
              "input->a0.h0<v>": {"score": 0.0625, "in_graph": false}, "input->m0": {"score": 0.5, "in_graph": false},
              "a0.h0->m0": {"score": -1.5, "in_graph": false}, "input->logits": {"score": 2.0, "in_graph": true},
              "a0.h0->logits": {"score": 1.25, "in_graph": true}, "m0->logits": {"score": -0.5, "in_graph": false}}}`;

  it('reads a hand-written EAP-IG Graph.to_json file and writes it back unchanged', () => {
    const g = importGraphJson(fixture);
    expect(g.cfg).toEqual({ nLayers: 1, nHeads: 1, dModel: 4, parallelAttnMlp: false });
    expect(g.edges.find((e) => e.id === 'a0.h0->m0')).toMatchObject({ from: 'a0.h0', to: 'm0', score: -1.5, inGraph: false });
    expect(g.edges.find((e) => e.id === 'input->a0.h0<q>')).toMatchObject({ qkv: 'q', score: 0.75, inGraph: true });
    expect(g.nodes.find((n) => n.id === 'a0.h0')).toMatchObject({ inGraph: true, score: 0.5 });
    expect(g.nodes.find((n) => n.id === 'input')!.score).toBeUndefined();
    const back = JSON.parse(exportGraphJson(g)) as Record<string, Record<string, unknown>>;
    const original = JSON.parse(fixture.replace(/NaN/g, 'null')) as Record<string, Record<string, unknown>>;
    expect(back.cfg).toEqual(original.cfg);
    expect(back.edges).toEqual(original.edges);
    // an unscored node is written without "score" (Graph.from_json cannot assign null into its tensor)
    const scoredOnly = Object.fromEntries(Object.entries(original.nodes as Record<string, { score: unknown }>)
      .map(([k, { score, ...rest }]) => [k, score === null ? rest : { ...rest, score }]));
    expect(back.nodes).toEqual(scoredOnly);
    expect(importGraphJson(exportGraphJson(g))).toEqual(g);
  });

  it('round-trips a computed graph with provenance', () => {
    const g = extract(scored(buildGraph(cfg)), { mode: 'topn', n: 6 });
    g.meta = { model: 'anchor', method: 'eap-ig', metric: 'logit_diff', pairs: 3, steps: 5, source: 'computed' };
    const back = importGraphJson(exportGraphJson(g));
    expect(back.edges).toEqual(g.edges);
    expect(back.nodes.map((n) => [n.id, n.inGraph])).toEqual(g.nodes.map((n) => [n.id, n.inGraph]));
    expect(back.meta).toMatchObject({ model: 'anchor', method: 'eap-ig', steps: 5, source: 'eap-ig-json' });
  });

  it('reads older dumps with boolean nodes', () => {
    const g = importGraphJson('{"cfg":{"n_layers":1,"n_heads":1},"nodes":{"a0.h0":true,"m0":false},"edges":{"input->logits":{"score":1,"in_graph":true}}}');
    expect(g.nodes.find((n) => n.id === 'a0.h0')!.inGraph).toBe(true);
    expect(g.edges.filter((e) => e.inGraph).map((e) => e.id)).toEqual(['input->logits']);
  });

  it('reads and writes a circuit-tracer / Neuronpedia graph', () => {
    const ct = {
      metadata: { slug: 'demo', scan: 'gemma-2-2b', transcoder_list: [], prompt_tokens: ['<bos>', 'Hi'], prompt: 'Hi' },
      qParams: { pinnedIds: [], supernodes: [], linkType: 'both', clickedId: '', sg_pos: '' },
      nodes: [
        { node_id: 'E_651_1', feature: 1, layer: 'E', ctx_idx: 1, feature_type: 'embedding', jsNodeId: 'E_651-1', clerp: '', influence: 0.9 },
        { node_id: '3_1234_1', feature: 4455, layer: '3', ctx_idx: 1, feature_type: 'cross layer transcoder', jsNodeId: '3_1234-0', clerp: 'greeting', activation: 2.5 },
        { node_id: '27_9_1', feature: 9, layer: '27', ctx_idx: 1, feature_type: 'logit', jsNodeId: 'L_9-1', clerp: 'Output "!"', is_target_logit: true, token_prob: 0.4 },
      ],
      links: [{ source: 'E_651_1', target: '3_1234_1', weight: 0.7 }, { source: '3_1234_1', target: '27_9_1', weight: -0.2 }],
    };
    const g = importGraphJson(JSON.stringify(ct));
    expect(g.nodes.map((n) => [n.id, n.kind, n.layer, n.label])).toEqual([
      ['E_651_1', 'input', 0, 'Hi'], ['3_1234_1', 'mlp', 3, 'greeting'], ['27_9_1', 'logits', 27, 'Output "!"'],
    ]);
    expect(g.edges.map((e) => [e.id, e.score])).toEqual([['E_651_1->3_1234_1', 0.7], ['3_1234_1->27_9_1', -0.2]]);
    expect(JSON.parse(exportGraphJson(g))).toEqual(ct);
  });

  it('rejects malformed files with a named error', () => {
    expect(() => importGraphJson('{')).toThrow(GraphJsonError);
    expect(() => importGraphJson('{"foo": 1}')).toThrow(/neither/);
    expect(() => importGraphJson('{"cfg":{"n_layers":1,"n_heads":1},"nodes":{},"edges":{"a5.h0->m0":{"score":1,"in_graph":true}}}')).toThrow(/does not exist/);
    expect(() => importGraphJson('{"nodes":[{"node_id":"a"}],"links":[{"source":"a","target":"b","weight":1}]}')).toThrow(/unknown node "b"/);
  });
});

describe('extraction', () => {
  const g = scored(buildGraph({ nLayers: 3, nHeads: 3, dModel: 8, parallelAttnMlp: false }), 7);

  it('topn keeps the n largest |scores| before pruning', () => {
    const c = extract(g, { mode: 'topn', n: 10, prune: false });
    expect(circuitSize(c)).toBe(10);
    const cut = Math.min(...c.edges.filter((e) => e.inGraph).map((e) => Math.abs(e.score)));
    expect(c.edges.filter((e) => !e.inGraph).every((e) => Math.abs(e.score) <= cut)).toBe(true);
  });

  it('threshold keeps exactly the edges with |score| ≥ t before pruning', () => {
    const c = extract(g, { mode: 'threshold', threshold: 0.8, prune: false });
    expect(c.edges.every((e) => e.inGraph === Math.abs(e.score) >= 0.8)).toBe(true);
  });

  it('greedy grows a connected circuit from the logits', () => {
    const c = extract(g, { mode: 'greedy', n: 15, prune: false });
    expect(circuitSize(c)).toBe(15);
    // every chosen edge's child is logits or the parent of another chosen edge
    const parents = new Set(c.edges.filter((e) => e.inGraph).map((e) => e.from));
    expect(c.edges.filter((e) => e.inGraph).every((e) => e.to === 'logits' || parents.has(e.to))).toBe(true);
    // the first pick is the best edge into the logits
    const intoLogits = g.edges.filter((e) => e.to === 'logits').sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
    expect(c.edges.find((e) => e.id === intoLogits[0].id)!.inGraph).toBe(true);
  });

  it('pruning leaves no dangling nodes and never adds edges', () => {
    for (const mode of ['topn', 'greedy'] as const) {
      for (const n of [1, 3, 8, 20, 40, 80]) {
        const raw = extract(g, { mode, n, prune: false });
        const pruned = prune(raw);
        expect(danglingNodes(pruned)).toEqual([]);
        expect(pruned.edges.every((e, i) => !e.inGraph || raw.edges[i].inGraph)).toBe(true);
        // every in-graph node other than logits has an in-graph edge
        const used = new Set(pruned.edges.filter((e) => e.inGraph).flatMap((e) => [e.from, e.to]));
        expect(pruned.nodes.filter((x) => x.inGraph && x.kind !== 'logits').every((x) => used.has(x.id))).toBe(true);
      }
    }
    // a hand-made dangling edge: a1.h0 → logits with nothing into a1.h0 is removed
    const dangling = extract(withScores(g, g.edges.map((e) => (e.id === 'a1.h0->logits' ? 5 : 0)), {}), { mode: 'topn', n: 1, prune: false });
    expect(danglingNodes(dangling)).toEqual(['a1.h0']);
    expect(circuitSize(prune(dangling))).toBe(0);
  });

  it('the full graph survives pruning whole; bad options are named errors', () => {
    expect(circuitSize(extract(g, { mode: 'topn', n: g.edges.length }))).toBe(g.edges.length);
    expect(() => extract(g, { mode: 'topn', n: g.edges.length + 1 })).toThrow(/more than/);
    expect(() => extract(g, { mode: 'threshold' })).toThrow(/threshold/);
  });

  it('node view sums outgoing edge scores unless node scores exist', () => {
    const s = nodeScores(g);
    const want = g.edges.filter((e) => e.from === 'a0.h1').reduce((a, e) => a + e.score, 0);
    expect(s.get('a0.h1')).toBeCloseTo(want, 12);
  });
});
