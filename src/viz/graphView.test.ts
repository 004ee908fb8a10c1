// Aggregation and filtering of the layered graph view on real-shape graphs: sums are exact, nothing is lost or
// double-counted, the filters compose, and the cap holds on a Llama-3.2-1B-shaped graph (16 layers × 32 heads).
import { describe, expect, it } from 'vitest';
import { buildGraph, nBackward, nForward } from '../core/circuits/graph';
import type { CircuitGraph, GraphConfig } from '../core/circuits/types';
import { mulberry32 } from '../core/numeric/random';
import {
  aggregateGraph, aggregateNodeScores, defaultGrouping, EDGE_CAP, filterEdges, fullFilter, kvGroupSize, nodeShown, topByAbs, type ViewEdge,
} from './graphView';
import { rankEdges } from './layeredGraphLayout';

const smol: GraphConfig = { nLayers: 30, nHeads: 9, dModel: 576, parallelAttnMlp: false };

/** A full graph with seeded scores in (−1, 1) and every 7th edge in the circuit. */
function scored(cfg: GraphConfig, seed = 1): CircuitGraph {
  const g = buildGraph(cfg);
  const rnd = mulberry32(seed);
  g.edges.forEach((e, i) => {
    e.score = 2 * rnd() - 1;
    e.inGraph = i % 7 === 0;
  });
  return g;
}

const sumAbs = (es: readonly { score: number }[]) => es.reduce((s, e) => s + Math.abs(e.score), 0);
const byId = (g: { nodes: readonly { id: string }[] }) => new Map(g.nodes.map((n) => [n.id, n as never]));

describe('graph view aggregation', () => {
  const g = scored(smol);

  it('per layer: one attention node per layer, every edge merged into exactly one, |score| sums exact', () => {
    const v = aggregateGraph(g, { kind: 'layer' });
    expect(v.nodes.filter((n) => n.kind === 'attn')).toHaveLength(30);
    expect(v.nodes).toHaveLength(1 + 30 * 2 + 1);
    expect(v.nodes.find((n) => n.id === 'a12')).toMatchObject({ layer: 12, members: 9, heads: [0, 8] });
    expect(v.edges.reduce((s, e) => s + (e.members ?? 1), 0)).toBe(g.edges.length);
    // sequential blocks: a source feeds each later attention layer (q/k/v merged), each later MLP, the logits
    expect(new Set(v.edges.map((e) => e.id)).size).toBe(v.edges.length);
    expect(sumAbs(v.edges)).toBeCloseTo(sumAbs(g.edges), 6);
    const members = g.edges.filter((e) => e.from.startsWith('a3.') && e.to.startsWith('a7.'));
    const merged = v.edges.find((e) => e.id === 'a3->a7')!;
    expect(merged.members).toBe(9 * 9 * 3);
    expect(Math.abs(merged.score)).toBeCloseTo(sumAbs(members), 9);
    const net = members.reduce((s, e) => s + e.score, 0);
    expect(merged.net).toBeCloseTo(net, 9);
    expect(Math.sign(merged.score)).toBe(Math.sign(net));
    expect(merged.inGraph).toBe(members.some((e) => e.inGraph));
    // the mean instead: a merged edge no longer grows with its member count
    const mean = aggregateGraph(g, { kind: 'layer' }, new Set(), 'mean').edges.find((e) => e.id === 'a3->a7')!;
    expect(Math.abs(mean.score)).toBeCloseTo(sumAbs(members) / members.length, 9);
    expect(Math.sign(mean.score)).toBe(Math.sign(net));
    // into an unmerged node the edge keeps its own name: MLPs and logits read whole layers
    expect(v.edges.find((e) => e.id === 'a3->m3')!.members).toBe(9);
    // and an edge between unmerged nodes is the original edge object
    expect(v.edges.find((e) => e.id === 'm2->logits')).toBe(g.edges.find((e) => e.id === 'm2->logits'));
  });

  it('an expanded layer keeps its heads and their q/k/v inputs; its neighbours stay merged', () => {
    const v = aggregateGraph(g, { kind: 'layer' }, new Set([5]));
    expect(v.nodes.filter((n) => n.kind === 'attn')).toHaveLength(29 + 9);
    expect(v.nodes.some((n) => n.id === 'a5.h4')).toBe(true);
    expect(v.nodes.some((n) => n.id === 'a5')).toBe(false);
    const into = v.edges.filter((e) => e.to === 'a5.h4' && e.from === 'a2');
    expect(into.map((e) => e.qkv).sort()).toEqual(['k', 'q', 'v']);
    for (const e of into) expect(e.members).toBe(9);
    expect(v.edges.find((e) => e.id === 'a5.h4->a9')!.members).toBe(27);
    expect(v.edges.reduce((s, e) => s + (e.members ?? 1), 0)).toBe(g.edges.length);
  });

  it('KV groups of a GQA config (SmolLM2: 9 query heads on 3 KV heads) and head blocks', () => {
    expect(kvGroupSize({ ...smol, nKvHeads: 3 })).toBe(3);
    expect(kvGroupSize(smol)).toBeNull();
    expect(kvGroupSize({ ...smol, nKvHeads: 9 })).toBeNull();
    const v = aggregateGraph(g, { kind: 'block', size: 3 });
    expect(v.nodes.filter((n) => n.kind === 'attn' && n.layer === 0).map((n) => n.id)).toEqual(['a0.h0-2', 'a0.h3-5', 'a0.h6-8']);
    // blocks that do not divide H: the last is short
    const b4 = aggregateGraph(g, { kind: 'block', size: 4 });
    expect(b4.nodes.filter((n) => n.kind === 'attn' && n.layer === 0).map((n) => [n.id, n.members])).toEqual([['a0.h0-3', 4], ['a0.h4-7', 4], ['a0.h8-8', 1]]);
    expect(sumAbs(b4.edges)).toBeCloseTo(sumAbs(g.edges), 6);
  });

  it('per head is the graph itself (no copy); large graphs open per layer, small ones per head', () => {
    const v = aggregateGraph(g, { kind: 'head' });
    expect(v.edges).toBe(g.edges);
    expect(v.mergedInto.size).toBe(0);
    expect(defaultGrouping(g)).toEqual({ kind: 'layer' });
    expect(defaultGrouping(buildGraph({ nLayers: 4, nHeads: 4, dModel: 64, parallelAttnMlp: false }))).toEqual({ kind: 'head' });
  });

  it('node scores of merged nodes are their members\' sums', () => {
    const v = aggregateGraph(g, { kind: 'layer' });
    const s = new Map(g.nodes.map((n, i) => [n.id, i] as const));
    const agg = aggregateNodeScores(s, v);
    const heads = g.nodes.filter((n) => n.kind === 'attn' && n.layer === 4).map((n) => s.get(n.id)!);
    expect(agg.get('a4')).toBe(heads.reduce((a, b) => a + b, 0));
    expect(agg.get('m4')).toBe(s.get('m4'));
    expect(agg.has('a4.h0')).toBe(false);
  });
});

describe('graph view filters', () => {
  const g = scored(smol, 7);
  const ranked: ViewEdge[] = rankEdges(g.edges);
  const nodes = byId(g);

  it('top N by |score| with the rest counted and summed; N never past the cap', () => {
    const sel = filterEdges(ranked, nodes, fullFilter(g.cfg, 150));
    expect(sel.shown).toEqual(ranked.slice(0, 150));
    expect(sel.candidates).toBe(g.edges.length);
    expect(sel.hiddenCount).toBe(g.edges.length - 150);
    expect(sel.hiddenAbsScore).toBeCloseTo(sumAbs(ranked.slice(150)), 6);
    const big = filterEdges(ranked, nodes, fullFilter(g.cfg, 1e9));
    expect(big.shown).toHaveLength(EDGE_CAP);
    expect(big.limit).toBe(EDGE_CAP);
  });

  it('threshold, layer range, kinds and circuit-only compose', () => {
    const f = { ...fullFilter(g.cfg, EDGE_CAP), threshold: 0.5, layers: [10, 14] as const, kinds: { attn: true, mlp: false }, onlyCircuit: true };
    const sel = filterEdges(ranked, nodes, f);
    const layerOk = (id: string) => {
      const n = g.nodes.find((x) => x.id === id)!;
      return n.kind === 'input' || n.kind === 'logits' || (n.kind === 'attn' && n.layer >= 10 && n.layer <= 14);
    };
    const expected = ranked.filter((e) => e.inGraph && Math.abs(e.score) >= 0.5 && layerOk(e.from) && layerOk(e.to));
    expect(expected.length).toBeGreaterThan(0);
    expect(sel.candidates).toBe(expected.length);
    expect(sel.shown).toEqual(expected.slice(0, EDGE_CAP));
    expect(nodeShown(g.nodes.find((n) => n.id === 'm12')!, f)).toBe(false);
    expect(nodeShown(g.nodes.find((n) => n.id === 'input')!, f)).toBe(true);
  });

  it('topByAbs is the head of the full ranking, ties and NaN included', () => {
    expect(topByAbs(g.edges, 10)).toEqual(ranked.slice(0, 10));
    const ties = buildGraph({ nLayers: 2, nHeads: 2, dModel: 8, parallelAttnMlp: false });
    ties.edges.forEach((e, i) => (e.score = i % 5 === 0 ? NaN : (i % 3) - 1));
    expect(topByAbs(ties.edges, 7)).toEqual(rankEdges(ties.edges).slice(0, 7));
    expect(topByAbs(ties.edges, 1000)).toEqual(rankEdges(ties.edges));
  });

  it('an unscored (NaN) edge passes no threshold but is still drawable without one', () => {
    const es: ViewEdge[] = [{ id: 'input->m0', from: 'input', to: 'm0', score: NaN, inGraph: true }];
    const n = byId(buildGraph({ nLayers: 1, nHeads: 1, dModel: 4, parallelAttnMlp: false }));
    const base = fullFilter({ nLayers: 1, nHeads: 1, dModel: 4, parallelAttnMlp: false }, 10);
    expect(filterEdges(es, n, base).shown).toHaveLength(1);
    expect(filterEdges(es, n, { ...base, threshold: 1e-9 }).candidates).toBe(0);
  });

  it('Llama-3.2-1B shape (16 × 32, ~390k edges): per layer ≤ a few thousand edges, drawing stays under the cap', () => {
    const cfg: GraphConfig = { nLayers: 16, nHeads: 32, dModel: 2048, parallelAttnMlp: false };
    const big = scored(cfg, 3);
    expect(big.edges.length).toBeGreaterThan(380_000);
    expect(nForward(cfg) * nBackward(cfg)).toBeGreaterThan(big.edges.length);
    const v = aggregateGraph(big, { kind: 'layer' });
    expect(v.edges.length).toBeLessThan(EDGE_CAP);
    expect(sumAbs(v.edges)).toBeCloseTo(sumAbs(big.edges), 4);
    const sel = filterEdges(rankEdges(big.edges), byId(big), fullFilter(cfg, 1e9));
    expect(sel.shown).toHaveLength(EDGE_CAP);
    expect(sel.hiddenCount).toBe(big.edges.length - EDGE_CAP);
  });
});
