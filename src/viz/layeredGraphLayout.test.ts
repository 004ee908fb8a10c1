import { describe, expect, it } from 'vitest';
import { buildGraph } from '../core/circuits/graph';
import { importGraphJson } from '../core/circuits/json';
import type { CircuitEdge } from '../core/circuits/types';
import { edgePath, edgeStyle, layoutGraph, rankEdges, scoreFill, selectEdges, visibleNodes } from './layeredGraphLayout';

const cfg = { nLayers: 3, nHeads: 4, dModel: 96, parallelAttnMlp: false };

/** A full graph with distinct, sign-alternating scores (edge i gets ±(i+1)/1000). */
function scored() {
  const g = buildGraph(cfg);
  g.edges.forEach((e, i) => (e.score = (i % 2 ? -1 : 1) * (i + 1) / 1000));
  return g;
}

describe('layered graph layout', () => {
  it('puts the input at the bottom, the logits at the top, and each layer\'s attention row below its MLP row', () => {
    const g = buildGraph(cfg);
    const L = layoutGraph(g.nodes);
    expect(L.rows.map((r) => r.label)).toEqual(['input', 'L0 attn', 'L0 MLP', 'L1 attn', 'L1 MLP', 'L2 attn', 'L2 MLP', 'logits']);
    const y = (id: string) => L.byId.get(id)!.y;
    expect(y('input')).toBeGreaterThan(y('a0.h0'));
    expect(y('a0.h3')).toBeGreaterThan(y('m0'));
    expect(y('m0')).toBeGreaterThan(y('a1.h0'));
    expect(y('m2')).toBeGreaterThan(y('logits'));
    // every node placed once, inside the drawing, heads of a layer left to right
    expect(L.nodes).toHaveLength(g.nodes.length);
    expect(new Set(L.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(g.nodes.length);
    for (const n of L.nodes) {
      expect(n.x - n.r).toBeGreaterThan(0);
      expect(n.x + n.r).toBeLessThan(L.width);
      expect(n.y - n.r).toBeGreaterThan(0);
      expect(n.y + n.r).toBeLessThan(L.height);
    }
    expect(L.byId.get('a1.h0')!.x).toBeLessThan(L.byId.get('a1.h3')!.x);
  });

  it('ranks edges by |score|, keeps the top N and summarises the rest exactly', () => {
    const g = scored();
    const ranked = rankEdges(g.edges);
    expect(ranked[0]).toBe(g.edges[g.edges.length - 1]);
    for (let i = 1; i < ranked.length; i++) expect(Math.abs(ranked[i - 1].score)).toBeGreaterThanOrEqual(Math.abs(ranked[i].score));
    const sel = selectEdges(ranked, 10, false);
    expect(sel.shown).toEqual(ranked.slice(0, 10));
    expect(sel.hiddenCount).toBe(g.edges.length - 10);
    const total = g.edges.reduce((s, e) => s + Math.abs(e.score), 0);
    const shownSum = sel.shown.reduce((s, e) => s + Math.abs(e.score), 0);
    expect(sel.hiddenAbsScore + shownSum).toBeCloseTo(total, 9);
    expect(selectEdges(ranked, 1e9, false).hiddenCount).toBe(0);
  });

  it('draws only circuit edges when asked, and puts unscored (NaN) edges last', () => {
    const g = scored();
    for (const e of g.edges) e.inGraph = false;
    g.edges[5].inGraph = true;
    g.edges[40].inGraph = true;
    const sel = selectEdges(rankEdges(g.edges), 1, true);
    expect(sel.candidates).toBe(2);
    expect(sel.shown).toEqual([g.edges[40]]);
    expect(sel.hiddenCount).toBe(1);
    const withNaN: CircuitEdge[] = [{ ...g.edges[0], score: NaN }, g.edges[1], g.edges[2]];
    expect(rankEdges(withNaN)[2].id).toBe(g.edges[0].id);
    expect(edgeStyle(NaN, 1).colour).toBe('#888');
  });

  it('styles by sign and magnitude: negative blue, positive red, wider when larger', () => {
    const weak = edgeStyle(-0.1, 1);
    const strong = edgeStyle(-1, 1);
    expect(strong.colour).toBe(weak.colour);
    expect(edgeStyle(0.5, 1).colour).not.toBe(weak.colour);
    expect(strong.width).toBeGreaterThan(weak.width);
    expect(strong.opacity).toBeGreaterThan(weak.opacity);
    expect(scoreFill(0, 1)).toBe('rgb(255,255,255)');
    expect(scoreFill(undefined, 1)).toBe('#eceff3');
  });

  it('routes an edge from the top of its source to the bottom of its destination, q/k/v side by side', () => {
    const L = layoutGraph(buildGraph(cfg).nodes);
    const a = L.byId.get('input')!;
    const b = L.byId.get('a1.h2')!;
    const nums = (p: string) => p.match(/-?\d+(\.\d+)?/g)!.map(Number);
    const q = nums(edgePath(a, b, 'q'));
    const v = nums(edgePath(a, b, 'v'));
    expect(q[0]).toBeCloseTo(a.x, 1);
    expect(q[1]).toBeCloseTo(a.y - a.r, 1);
    expect(q[7]).toBeCloseTo(b.y + b.r, 1);
    expect(q[6]).toBeLessThan(v[6]);
  });

  it('lays out a circuit-tracer feature graph by layer and position, and thins huge graphs to drawn ends', () => {
    const nodes = [{ node_id: 'E_1_0', feature_type: 'embedding', layer: 'E', ctx_idx: 0 }, { node_id: 'E_2_1', feature_type: 'embedding', layer: 'E', ctx_idx: 1 }];
    for (let i = 0; i < 500; i++) nodes.push({ node_id: `${i % 4}_${i}_1`, feature_type: 'cross layer transcoder', layer: String(i % 4) as 'E', ctx_idx: 1 });
    nodes.push({ node_id: '27_9_1', feature_type: 'logit', layer: '27' as 'E', ctx_idx: 1 });
    const links = [{ source: 'E_2_1', target: '0_0_1', weight: 2 }, { source: '0_0_1', target: '27_9_1', weight: -1 }, { source: 'E_1_0', target: '3_3_1', weight: 0.1 }];
    const g = importGraphJson(JSON.stringify({ metadata: { prompt: 'x', prompt_tokens: ['a', 'b'] }, nodes, links }));
    const L = layoutGraph(g.nodes);
    expect(L.rows.map((r) => r.label)).toEqual(['embeddings', 'L0 features', 'L1 features', 'L2 features', 'L3 features', 'logits']);
    expect(L.byId.get('E_1_0')!.x).toBeLessThan(L.byId.get('E_2_1')!.x);
    const shown = selectEdges(rankEdges(g.edges), 2, false).shown;
    const vis = visibleNodes(g.nodes, shown);
    expect(vis.map((n) => n.id).sort()).toEqual(['0_0_1', '27_9_1', 'E_1_0', 'E_2_1'].sort());
    expect(visibleNodes(g.nodes.slice(0, 10), shown)).toHaveLength(10);
  });
});
