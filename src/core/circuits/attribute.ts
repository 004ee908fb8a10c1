// Edge attribution on clean/corrupted pairs (scores = change of the metric when an edge is patched to its
// corrupted value, mean over pairs; negative = the edge carries the clean behaviour):
//   EAP      one backward pass on the clean run: score(u→v) = Σ_{b,t} (c_u − a_u) · ∂metric/∂input_v.
//   EAP-IG   the same with ∂metric/∂input_v averaged over m runs whose embeddings are interpolated between the
//            corrupted and the clean ones, α = k/m for k = 0..m−1 (as the EAP-IG library's get_scores_eap_ig).
//   patching exact: one patched forward per edge, input_v' = input_v − a_u + c_u (graphForward with one P entry).
import { backwardIndex, buildGraph, forwardIndex, nBackward, nForward, withScores } from './graph';
import { CircuitsInputError } from './errors';
import type { CircuitModel } from './model';
import { actDiff, disposePairs, interpolatedEmbed, preparePairs, type PairBatch, type PreparedPairs } from './pairs';
import { CircuitRunner, type HostPatch } from './runner';
import type { AttributionRequest, CircuitEdge, CircuitGraph, CircuitsProgressCallback, GraphConfig, CircuitsPhase, IgGrid } from './types';
import { CancelledError } from '../runtime/errors';

export interface RunControl {
  onProgress?: CircuitsProgressCallback;
  signal?: AbortSignal;
}

/** Yields to the event loop (so cancel() can land) and throws when cancelled. */
export async function checkpoint(ctl: RunControl, phase: CircuitsPhase, done: number, total: number, label: string): Promise<void> {
  ctl.onProgress?.({ phase, done, total, label });
  await new Promise((r) => setTimeout(r, 0));
  if (ctl.signal?.aborted) throw new CancelledError(`circuits ${phase}`);
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export function pairMetrics(prep: Omit<PreparedPairs, 'refusal'>): { clean: number; corrupted: number } {
  return { clean: mean(prep.batches.flatMap((b) => b.cleanMetric)), corrupted: mean(prep.batches.flatMap((b) => b.corruptMetric)) };
}

export async function attribute(model: CircuitModel, req: AttributionRequest, ctl: RunControl = {}): Promise<CircuitGraph> {
  const runner = new CircuitRunner(model, req.metric);
  const prep = preparePairs(model, runner, req.pairs, req.metric, { batchSize: req.batchSize, chatTemplate: req.chatTemplate });
  try {
    return await scoreGraph(model, runner, prep, req, ctl);
  } finally {
    disposePairs(prep);
    runner.dispose();
  }
}

/**
 * The model's full graph scored by `req.method` on pairs the caller prepared (and disposes), so a job that goes
 * on to measure circuits on the same pairs prepares them once. Exact patching adds node scores.
 */
export async function scoreGraph(model: CircuitModel, runner: CircuitRunner, prep: Omit<PreparedPairs, 'refusal'>,
  req: Pick<AttributionRequest, 'method' | 'metric' | 'steps' | 'igGrid'>, ctl: RunControl = {}): Promise<CircuitGraph> {
  const g = buildGraph(model.graphCfg);
  if (req.method === 'patching') {
    const { edges, nodes } = await exactScores(runner, prep, g, ctl, true);
    const out = withScores(g, edges, { model: model.id, method: 'patching', metric: req.metric, pairs: prep.n, ...metaOf(prep), source: 'computed' });
    for (const n of out.nodes) if (nodes.has(n.id)) n.score = nodes.get(n.id);
    return out;
  }
  const steps = req.method === 'eap' ? 1 : Math.max(1, Math.floor(req.steps ?? 5));
  const grid = req.igGrid ?? 'left';
  const scores = await gradientScores(runner, prep, g, req.method === 'eap' ? [1] : igAlphas(steps, grid), ctl, req.method);
  return withScores(g, scores, {
    model: model.id, method: req.method, metric: req.metric, pairs: prep.n, steps: req.method === 'eap-ig' ? steps : undefined,
    ...(req.method === 'eap-ig' && grid !== 'left' ? { igGrid: grid } : {}), ...metaOf(prep), source: 'computed',
  });
}

/**
 * EAP-IG's interpolation points. 'left' (the default) as hannamw/EAP-IG get_scores_eap_ig: α = k/m for
 * k = 0..m−1 (corrupted end included, clean end not); 'right' k = 1..m; 'midpoint' (k + ½)/m.
 */
export function igAlphas(m: number, grid: IgGrid = 'left'): number[] {
  const shift = grid === 'left' ? 0 : grid === 'right' ? 1 : 0.5;
  return Array.from({ length: m }, (_, k) => (k + shift) / m);
}

/**
 * Edge scores of `g`'s edges (edge order, mean over pairs) with ∂metric/∂input_v averaged over runs whose
 * embeddings sit at corrupted + α·(clean − corrupted) for each α: EAP is alphas = [1] (the clean run),
 * EAP-IG `igAlphas(m)`.
 */
export async function gradientScores(runner: CircuitRunner, prep: Omit<PreparedPairs, 'refusal'>, g: CircuitGraph, alphas: number[],
  ctl: RunControl = {}, label = 'eap-ig'): Promise<number[]> {
  const steps = alphas.length;
  const nB = nBackward(g.cfg);
  const total = new Float64Array(nForward(g.cfg) * nB);
  const work = prep.batches.length * steps;
  let done = 0;
  await checkpoint(ctl, 'attribute', 0, work, `${label} on ${prep.n} pairs`);
  for (const [bi, b] of prep.batches.entries()) {
    const diff = actDiff(b); // C − A, the same at every step
    try {
      for (let k = 1; k <= steps; k++) {
        const s = runner.scores(interpolatedEmbed(b, alphas[k - 1]), diff.ref, b.metric);
        for (let i = 0; i < s.length; i++) total[i] += s[i] / steps;
        await checkpoint(ctl, 'attribute', ++done, work, `${label} batch ${bi + 1}/${prep.batches.length}, step ${k}/${steps}`);
      }
    } finally {
      diff.dispose();
    }
  }
  return g.edges.map((e) => total[forwardIndex(g.cfg, e.from) * nB + backwardIndex(g.cfg, e.to, e.qkv)] / prep.n);
}

/** Where edge u→v sits in the patch matrices. */
function patchSlot(c: GraphConfig, e: Pick<CircuitEdge, 'from' | 'to' | 'qkv'>): { group: 'attn' | 'mlp' | 'logits'; layer: number; row: number; col: number } {
  const row = forwardIndex(c, e.from);
  if (e.to === 'logits') return { group: 'logits', layer: 0, row, col: 0 };
  const b = backwardIndex(c, e.to, e.qkv);
  const per = 3 * c.nHeads + 1;
  const layer = Math.floor(b / per);
  const within = b % per;
  return within === 3 * c.nHeads ? { group: 'mlp', layer, row, col: 0 } : { group: 'attn', layer, row, col: within };
}

/** Patch matrices with a 1 for every edge in `edges` (those read the corrupted value). */
export function hostPatch(c: GraphConfig, edges: Iterable<Pick<CircuitEdge, 'from' | 'to' | 'qkv'>>): HostPatch {
  const H = c.nHeads;
  const p: HostPatch = {
    attn: Array.from({ length: c.nLayers }, (_, l) => new Float32Array((1 + l * (H + 1)) * 3 * H)),
    mlp: Array.from({ length: c.nLayers }, (_, l) => new Float32Array(1 + l * (H + 1) + H)),
    logits: new Float32Array(nForward(c)),
  };
  for (const e of edges) {
    const s = patchSlot(c, e);
    if (s.group === 'logits') p.logits[s.row] = 1;
    else if (s.group === 'mlp') {
      if (s.row >= p.mlp[s.layer].length) throw new CircuitsInputError(`${e.from} does not feed ${e.to}`);
      p.mlp[s.layer][s.row] = 1;
    } else {
      if (s.row * 3 * H >= p.attn[s.layer].length) throw new CircuitsInputError(`${e.from} does not feed ${e.to}`);
      p.attn[s.layer][s.row * 3 * H + s.col] = 1;
    }
  }
  return p;
}

/** Per-pair metric (real rows only) with the given edges patched, over all batches. */
export function patchedMetric(runner: CircuitRunner, prep: Omit<PreparedPairs, 'refusal'>, patch: HostPatch): number[] {
  return prep.batches.flatMap((b: PairBatch) => Array.from(runner.patched(b.clean, b.C, patch, b.metric).subarray(0, b.rows)));
}

export async function patchExact(model: CircuitModel, req: Omit<AttributionRequest, 'method' | 'steps'>, ctl: RunControl = {}): Promise<CircuitGraph> {
  return attribute(model, { ...req, method: 'patching' }, ctl);
}

/**
 * Exact patching effects (mean over pairs of metric(patched) − metric(unpatched)) of each edge of `g` in
 * `only` (default all; others get NaN), and with `withNodes` of each source node (all its out-edges at once).
 */
export async function exactScores(runner: CircuitRunner, prep: Omit<PreparedPairs, 'refusal'>, g: CircuitGraph, ctl: RunControl = {},
  withNodes = false, only?: Set<string>): Promise<{ edges: number[]; nodes: Map<string, number> }> {
  const sources = withNodes ? g.nodes.filter((n) => n.kind !== 'logits') : [];
  const todo = g.edges.filter((e) => !only || only.has(e.id));
  const work = todo.length + sources.length;
  let done = 0;
  const base = patchedMetric(runner, prep, hostPatch(g.cfg, []));
  const effect = (edges: CircuitEdge[]): number => mean(patchedMetric(runner, prep, hostPatch(g.cfg, edges)).map((v, i) => v - base[i]));
  const edges: number[] = [];
  for (const e of g.edges) {
    if (only && !only.has(e.id)) {
      edges.push(NaN);
      continue;
    }
    edges.push(effect([e]));
    await checkpoint(ctl, 'patch', ++done, work, `patching ${e.id}`);
  }
  const nodes = new Map<string, number>();
  for (const n of sources) {
    nodes.set(n.id, effect(g.edges.filter((e) => e.from === n.id)));
    await checkpoint(ctl, 'patch', ++done, work, `patching node ${n.id}`);
  }
  return { edges, nodes };
}

function metaOf(prep: Omit<PreparedPairs, 'refusal'>): { cleanMetric: number; corruptedMetric: number } {
  const pm = pairMetrics(prep);
  return { cleanMetric: pm.clean, corruptedMetric: pm.corrupted };
}
