// The circuits tab's attribution job as one engine run: score the graph (EAP, EAP-IG, exact patching) and cut the
// circuit, or let ACDC find it; then measure that circuit against random circuits of its size and draw the
// faithfulness curve, all on one set of prepared pairs. Its progress is one bar over the whole job: the stages are
// sized in forward passes over the pairs before the first one (attributionPlan) and the phase names the stage, so
// the percentage does not restart at each stage (as it did when the panel chained four engine calls).
import { PlannedProgress, type PlannedStage } from '../runtime/progress';
import { acdc, type AcdcResult } from './acdc';
import { pairMetrics, scoreGraph, type RunControl } from './attribute';
import { circuitRequestSize, extract } from './extract';
import { defaultSizes, faithfulnessCurve } from './faithfulness';
import { buildGraph } from './graph';
import type { CircuitModel } from './model';
import { disposePairs, preparePairs, type PreparedPairs } from './pairs';
import { CircuitRunner } from './runner';
import type {
  AttributeCircuitRequest, AttributeCircuitResult, CircuitGraph, CircuitsPhase, Metric,
} from './types';

/** faithfulnessCurve's random circuits per size when the request gives none. */
const RANDOM_CIRCUITS = 3;

type JobStage = 'score' | 'circuit' | 'curve';

/**
 * The job's stages in forward passes over all pairs, known before the first pass: a gradient step ≈ 3 (forward
 * and backward), exact patching one per edge and per source node plus the unpatched run, ACDC at most one per
 * edge plus its baseline and its circuit's point; a faithfulness point 1 + randomSeeds after a 2-pass baseline.
 */
export function attributionPlan(o: { method: AttributeCircuitRequest['method']; steps?: number; graph: { edges: number; sourceNodes: number };
  sizes: number; randomSeeds: number }): (PlannedStage & { name: JobStage })[] {
  const point = 1 + o.randomSeeds;
  const steps = o.method === 'eap-ig' ? Math.max(1, Math.floor(o.steps ?? 5)) : 1;
  const score = o.method === 'patching' ? 1 + o.graph.edges + o.graph.sourceNodes
    : o.method === 'acdc' ? 2 + o.graph.edges + point
      : 3 * steps;
  return [
    { name: 'score', units: score },
    // ACDC measures its own circuit while it runs
    { name: 'circuit', units: o.method === 'acdc' ? 0 : 2 + point },
    { name: 'curve', units: 2 + o.sizes * point },
  ];
}

/** ACDC's graph labelled as computed by patching on these pairs (the metric change each removal caused as scores). */
export function labelAcdcGraph(model: CircuitModel, prep: Omit<PreparedPairs, 'refusal'>, r: AcdcResult, metric: Metric): AcdcResult {
  const pm = pairMetrics(prep);
  r.graph.meta = { model: model.id, method: 'patching', acdcTau: r.tau, metric, pairs: prep.n, cleanMetric: pm.clean, corruptedMetric: pm.corrupted, source: 'computed' };
  return r;
}

export async function attributeCircuit(model: CircuitModel, req: AttributeCircuitRequest, ctl: RunControl = {}): Promise<AttributeCircuitResult> {
  const runner = new CircuitRunner(model, req.metric);
  const prep = preparePairs(model, runner, req.pairs, req.metric, { batchSize: req.batchSize, chatTemplate: req.chatTemplate });
  try {
    const full = buildGraph(model.graphCfg);
    const sizes = req.faithfulness.sizes ?? defaultSizes(full.edges.length);
    const randomSeeds = req.faithfulness.randomSeeds ?? RANDOM_CIRCUITS;
    const plan = attributionPlan({
      method: req.method, steps: req.steps, sizes: sizes.length, randomSeeds,
      graph: { edges: full.edges.length, sourceNodes: full.nodes.filter((n) => n.kind !== 'logits').length },
    });
    const phase: Record<JobStage, CircuitsPhase> = { score: req.method === 'eap' || req.method === 'eap-ig' ? 'attribute' : 'patch', circuit: 'faithfulness', curve: 'faithfulness' };
    const progress = new PlannedProgress(plan, (e) => ctl.onProgress?.({ phase: phase[e.stage as JobStage], done: e.done, total: e.total, label: e.label }));
    // each stage reports its own done/total; `within` places it inside the one bar
    const within = (stage: JobStage, prefix = ''): RunControl => ({ signal: ctl.signal, onProgress: (p) => progress.step(stage, p.done, p.total, prefix + p.label) });
    const fOpts = { mode: req.faithfulness.mode, seed: req.faithfulness.seed, randomSeeds };
    let scored: CircuitGraph;
    let graph: CircuitGraph;
    let circuit: AttributeCircuitResult['circuit'];
    if (req.method === 'acdc') {
      const found = labelAcdcGraph(model, prep, await acdc(runner, prep, full, { tau: req.tau }, within('score')), req.metric);
      scored = graph = found.graph;
      circuit = found.point;
    } else {
      scored = await scoreGraph(model, runner, prep, { method: req.method, metric: req.metric, steps: req.steps, igGrid: req.igGrid }, within('score'));
      graph = extract(scored, req.extract);
      const one = await faithfulnessCurve(runner, prep, scored, { ...fOpts, sizes: [circuitRequestSize(req.extract, scored.edges)] },
        within('circuit', 'the extracted circuit: '));
      circuit = one.points[0] ?? null;
    }
    const faithfulness = await faithfulnessCurve(runner, prep, scored, { ...fOpts, sizes }, within('curve', 'faithfulness curve: '));
    progress.end();
    return { scored, graph, circuit, faithfulness };
  } finally {
    disposePairs(prep);
    runner.dispose();
  }
}
