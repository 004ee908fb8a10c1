// ACDC (Conmy et al. 2023, "Towards Automated Circuit Discovery"): circuit discovery by real patching instead of
// a gradient estimate. Start from the full graph; visit nodes from the logits back to the input and, for each
// incoming edge of a node that still reaches the logits, patch that edge to its corrupted value on top of the
// edges already removed. Keep it removed when the metric drops by less than τ — measured, as faithfulness is, in
// units of (metric(full) − metric(empty)), so τ = 0.01 allows 1 % of the clean/corrupted gap per edge and the
// same τ means the same thing for every metric and model. Edges of a node with no remaining path to the logits
// cannot move the metric (nothing downstream reads them), so they go without a forward pass.
// Cost: one patched forward over all pairs per edge tested (≤ the number of edges), versus one backward for EAP;
// what it buys is that every kept or dropped edge was decided on the model itself, in the context of the others.
import { checkpoint, type RunControl } from './attribute';
import { prune } from './extract';
import { baseline, circuitMetric, circuitPoint } from './faithfulness';
import type { PreparedPairs } from './pairs';
import type { CircuitRunner } from './runner';
import type { CircuitEdge, CircuitGraph, FaithfulnessPoint } from './types';
import { CircuitsInputError } from './errors';

type Prep = Omit<PreparedPairs, 'refusal'>;

/** Default τ: 2 % of the clean/corrupted gap per removed edge (also the UI's default). */
export const DEFAULT_ACDC_TAU = 0.02;

export interface AcdcOptions {
  /** Largest allowed drop per removed edge, as a fraction of metric(full) − metric(empty) (default 0.02). */
  tau?: number;
}

export interface AcdcResult {
  /**
   * The graph with the discovered circuit marked inGraph (pruned). Each tested edge's `score` is the metric change
   * its removal caused when tested, metric(without) − metric(with), in metric units (negative = the edge carries
   * the behaviour); edges dropped without a test (no path to the logits any more) score 0.
   */
  graph: CircuitGraph;
  /**
   * The circuit's faithfulness: edges kept after pruning (`size`), recovered fraction
   * (metric(circuit) − metric(empty)) / (metric(full) − metric(empty)), and random circuits of its size (3 seeds).
   */
  point: FaithfulnessPoint;
  /** Patched forward passes run (edges tested), not counting the two baseline runs. */
  evaluations: number;
  tau: number;
}

/**
 * Node ids that have a kept path to the logits. `byFromDesc` = edge indices by source node, latest first: nodes are
 * in forward order, so one sweep in that order settles reachability.
 */
function reachesLogits(g: CircuitGraph, kept: boolean[], byFromDesc: readonly number[]): Set<string> {
  const out = new Set<string>(['logits']);
  for (const i of byFromDesc) if (kept[i] && out.has(g.edges[i].to)) out.add(g.edges[i].from);
  return out;
}

export async function acdc(runner: CircuitRunner, prep: Prep, full: CircuitGraph, opts: AcdcOptions = {},
  ctl: RunControl = {}): Promise<AcdcResult> {
  const tau = opts.tau ?? DEFAULT_ACDC_TAU;
  if (!Number.isFinite(tau) || tau < 0) throw new CircuitsInputError(`ACDC threshold τ must be a finite number ≥ 0 (got ${tau})`);
  const b = baseline(runner, prep, full);
  const range = b.full - b.empty;
  if (!(Math.abs(range) > 1e-9)) {
    throw new CircuitsInputError('the clean and corrupted runs give the same metric, so no edge can matter: choose pairs whose behaviour differs');
  }
  const kept = full.edges.map(() => true);
  const scores = full.edges.map(() => 0);
  const order = new Map(full.nodes.map((n, i) => [n.id, i]));
  // children from the logits backwards; within a child, parents from the latest backwards (as ACDC)
  const visit = full.edges.map((_, i) => i).sort((x, y) => {
    const [a, c] = [full.edges[x], full.edges[y]];
    return order.get(c.to)! - order.get(a.to)! || order.get(c.from)! - order.get(a.from)! || x - y;
  });
  const byFromDesc = full.edges.map((_, i) => i).sort((x, y) => order.get(full.edges[y].from)! - order.get(full.edges[x].from)!);
  const edgeIndex = new Map(full.edges.map((e, i) => [e, i]));
  const keepFn = (set: boolean[]) => (e: CircuitEdge) => set[edgeIndex.get(e)!];
  let current = b.full;
  let evaluations = 0;
  let live = reachesLogits(full, kept, byFromDesc);
  for (const [done, i] of visit.entries()) {
    const e = full.edges[i];
    if (!live.has(e.to)) {
      kept[i] = false;
    } else {
      kept[i] = false;
      const m = circuitMetric(runner, prep, full, keepFn(kept));
      evaluations++;
      scores[i] = m - current;
      if ((current - m) / range < tau) {
        current = m;
        live = reachesLogits(full, kept, byFromDesc);
      } else {
        kept[i] = true;
      }
    }
    await checkpoint(ctl, 'patch', done + 1, visit.length, `ACDC ${e.id}`);
  }
  const marked: CircuitGraph = {
    ...full,
    nodes: full.nodes.map((n) => ({ ...n, inGraph: true })),
    edges: full.edges.map((e, i) => ({ ...e, score: scores[i], inGraph: kept[i] })),
  };
  const graph = prune(marked);
  return { graph, point: circuitPoint(runner, prep, graph, b, 3, 0), evaluations, tau };
}

/** ACDC runs `acdcWithinBudget` makes at most (the progress total): 8 doublings of τ, then the bisection steps. */
export const acdcMaxRuns = (refine = 2): number => 8 + refine;

/**
 * ACDC at the smallest τ (lowest tolerated loss) whose circuit fits `budget` edges: τ doubles from `startTau` until
 * the circuit fits, then `refine` bisection steps between the last τ that did not fit and the first that did.
 * Progress (phase 'patch') counts ACDC runs against the most there can be, each run moving through its edges, so
 * it stays monotone across runs; finding the fit early jumps to the end.
 */
export async function acdcWithinBudget(runner: CircuitRunner, prep: Prep, full: CircuitGraph, budget: number,
  opts: { startTau?: number; refine?: number } = {}, ctl: RunControl = {}): Promise<AcdcResult & { runs: number }> {
  const refine = opts.refine ?? 2;
  const maxRuns = acdcMaxRuns(refine);
  let runs = 0;
  const run = async (tau: number) => {
    await checkpoint(ctl, 'patch', runs, maxRuns, `ACDC τ = ${tau}`);
    runs++;
    const inner: RunControl = {
      signal: ctl.signal,
      onProgress: ctl.onProgress && ((p) => ctl.onProgress!({ ...p, done: runs - 1 + (p.total > 0 ? p.done / p.total : 1), total: maxRuns, label: `ACDC τ = ${tau}: ${p.label}` })),
    };
    return acdc(runner, prep, full, { tau }, inner);
  };
  let lo = 0;
  let tau = opts.startTau ?? DEFAULT_ACDC_TAU;
  let fit = await run(tau);
  while (fit.point.size > budget && runs < 8) {
    lo = tau;
    tau *= 2;
    fit = await run(tau);
  }
  if (fit.point.size > budget) {
    throw new CircuitsInputError(`ACDC found no circuit within ${budget} edges up to τ = ${tau}: allow more edges`);
  }
  for (let i = 0; i < refine && lo > 0; i++) {
    const mid = (lo + fit.tau) / 2;
    const r = await run(mid);
    if (r.point.size <= budget) fit = r;
    else lo = mid;
  }
  await checkpoint(ctl, 'patch', maxRuns, maxRuns, `ACDC τ = ${fit.tau}: ${fit.point.size} edges`);
  return { ...fit, runs };
}
