// Cost of preparing the layered graph view of real-model-sized attribution graphs (`npx tsx bench/graph-view.ts`,
// issue #18 item 3): for each real shape (SmolLM2-135M 30 × 9, Qwen2.5-0.5B 24 × 14, Llama-3.2-1B 16 × 32,
// Gemma-3-1B 26 × 4; full EAP-IG graphs, seeded scores) the per-head path the view ran before (rank every edge by
// |score| with an object sort, take the top N) is the baseline, measured in the same run as the new steps: the
// typed-array ranking and top N per head, merging heads per layer, ranking and filtering the merged edges, and
// filtering per head with a threshold and layer range up to the 5000-edge cap. Median of 5
// (CPU time is not separated: the figures are wall-clock on a shared machine; the load average is recorded).
// Writes bench/results/graph-view.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildGraph } from '../src/core/circuits/graph';
import type { CircuitEdge, GraphConfig } from '../src/core/circuits/types';
import { mulberry32 } from '../src/core/numeric/random';
import { aggregateGraph, EDGE_CAP, filterEdges, fullFilter } from '../src/viz/graphView';
import { rankEdges, selectEdges } from '../src/viz/layeredGraphLayout';

const ROOT = new URL('..', import.meta.url).pathname;
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const SHAPES: { model: string; cfg: GraphConfig }[] = [
  { model: 'SmolLM2-135M', cfg: { nLayers: 30, nHeads: 9, dModel: 576, parallelAttnMlp: false } },
  { model: 'Qwen2.5-0.5B', cfg: { nLayers: 24, nHeads: 14, dModel: 896, parallelAttnMlp: false } },
  { model: 'Llama-3.2-1B', cfg: { nLayers: 16, nHeads: 32, dModel: 2048, parallelAttnMlp: false } },
  { model: 'Gemma-3-1B', cfg: { nLayers: 26, nHeads: 4, dModel: 1152, parallelAttnMlp: false } },
];

/** The ranking the view used before (an object per edge, sorted): the baseline. */
function rankEdgesBefore(edges: readonly CircuitEdge[]): CircuitEdge[] {
  const mag = (e: CircuitEdge) => (Number.isFinite(e.score) ? Math.abs(e.score) : -1);
  return edges.map((e, i) => ({ e, i, m: mag(e) })).sort((a, b) => b.m - a.m || a.i - b.i).map((x) => x.e);
}

function time<T>(f: () => T): { ms: number; out: T } {
  let out!: T;
  const ms = median(Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    out = f();
    return performance.now() - t0;
  }));
  return { ms: round(ms), out };
}

const rows = SHAPES.map(({ model, cfg }) => {
  const g = buildGraph(cfg);
  const rnd = mulberry32(18);
  for (const e of g.edges) e.score = 2 * rnd() - 1;
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const baseline = time(() => selectEdges(rankEdgesBefore(g.edges), 200, false));
  const perHead = time(() => filterEdges(rankEdges(g.edges), byId, fullFilter(cfg, 200)));
  if (perHead.out.shown.some((e, i) => e !== baseline.out.shown[i])) throw new Error(`${model}: the ranking differs from the baseline's`);
  const merge = time(() => aggregateGraph(g, { kind: 'layer' }));
  const mergedById = new Map(merge.out.nodes.map((n) => [n.id, n]));
  const mergedView = time(() => filterEdges(rankEdges(merge.out.edges), mergedById, fullFilter(cfg, 200)));
  const perHeadFiltered = time(() => filterEdges(rankEdges(g.edges), byId, { ...fullFilter(cfg, EDGE_CAP), threshold: 0.5, layers: [2, 8] }));
  const row = {
    model, layers: cfg.nLayers, heads: cfg.nHeads, nodes: g.nodes.length, edges: g.edges.length, mergedEdges: merge.out.edges.length,
    baselineRankTop200Ms: baseline.ms, perHeadRankTop200Ms: perHead.ms, mergePerLayerMs: merge.ms, mergedRankFilterMs: mergedView.ms, perHeadRankFilterCapMs: perHeadFiltered.ms,
    drawnPerHeadCap: perHeadFiltered.out.shown.length,
  };
  console.log(JSON.stringify(row));
  return row;
});

mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/graph-view.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, loadavg1: round(loadavg()[0]), cap: EDGE_CAP, rows }, null, 2));
