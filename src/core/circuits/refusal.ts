// One click: the refusal circuit of a model. Clean = a held-out harmful prompt, corrupted = a benign prompt of
// the same chat-token length (heldout.ts); metric = logit difference between the refusal opening token (read
// from the tokenizer: the first response token of "I can't help…"/"I'm sorry…") and the benign run's top
// non-refusal token (pairs.ts). EAP-IG (m = 5) scores every edge; the circuit is the best (by faithfulness)
// of top-n and greedy extraction from those scores and of ACDC (acdc.ts: patching-based discovery, its τ fitted to
// the budget), each with at most 5 % of the edges after pruning; the report adds the faithfulness
// curve against random circuits and the refusal rate on other held-out harmful prompts with the circuit ablated
// (corrupt-patched with length-matched benign prompts by default), next to random edge sets of the same size.
// Progress is one bar over the whole run: its stages are sized before the first pass (refusalPlan) and the stage
// names the phase, so the percentage never restarts.
import { PlannedProgress, type PlannedStage } from '../runtime/progress';
import { acdcMaxRuns, acdcWithinBudget } from './acdc';
import { ablateAndGenerate } from './ablation';
import { checkpoint, gradientScores, igAlphas, pairMetrics, type RunControl } from './attribute';
import { evidenceRecord } from './evidence';
import { circuitSize, extract } from './extract';
import { baseline, circuitPoint, defaultSizes, faithfulnessCurve } from './faithfulness';
import { buildGraph, withScores } from './graph';
import { refusalPairs, type HeldoutSuites } from './heldout';
import type { CircuitModel } from './model';
import { disposePairs, preparePairs } from './pairs';
import { CircuitRunner } from './runner';
import type { CircuitGraph, CircuitsPhase, ExtractMode, FaithfulnessPoint, RefusalCircuitOptions, RefusalCircuitResult } from './types';

/**
 * The largest extraction whose pruned circuit still has at most `budget` edges: pruning drops dangling edges, so
 * asking for exactly `budget` would leave part of the allowance unused.
 */
export function fillBudget(scored: CircuitGraph, mode: ExtractMode, budget: number): CircuitGraph {
  let best = extract(scored, { mode, n: Math.min(budget, scored.edges.length) });
  for (let n = budget + 1; n <= scored.edges.length; n++) {
    const c = extract(scored, { mode, n });
    if (circuitSize(c) > budget) break;
    best = c;
  }
  return best;
}

/** `scored`'s scores with the circuit (inGraph marks) of `circuit`, a graph of the same model. */
function withCircuitOf(scored: CircuitGraph, circuit: CircuitGraph): CircuitGraph {
  return {
    ...scored,
    nodes: scored.nodes.map((n, i) => ({ ...n, inGraph: circuit.nodes[i].inGraph })),
    edges: scored.edges.map((e, i) => ({ ...e, inGraph: circuit.edges[i].inGraph })),
  };
}

/** Random circuits each measured circuit is compared with (circuitPoint's seeds). */
const RANDOM_CIRCUITS = 3;
/** Random edge sets the ablation compares the circuit with (ablateAndGenerate's default). */
const ABLATION_RANDOM_SETS = 2;
/** Patched forwards of one ACDC run in the plan: the runs on the embedded anchor test a few dozen live edges. */
const ACDC_RUN_FORWARDS = 40;

type RefusalStage = 'attribute' | 'candidates' | 'acdc' | 'faithfulness' | 'ablation';
const PHASE: Record<RefusalStage, CircuitsPhase> = { attribute: 'attribute', candidates: 'faithfulness', acdc: 'patch', faithfulness: 'faithfulness', ablation: 'ablation' };

/**
 * The one click's stages sized in patched forward passes over the pairs, known before the first pass: a gradient
 * step ≈ 3 forwards (forward and backward), a faithfulness point 1 + RANDOM_CIRCUITS forwards, an ACDC run about
 * ACDC_RUN_FORWARDS (it tests a few dozen live edges, measured on the embedded anchor; the plan counts the most
 * runs there can be), a generated token one forward per generation.
 */
export function refusalPlan(o: { steps: number; acdc: boolean; edges: number; maxNewTokens: number; ablation: 'corrupt' | 'mean' }): (PlannedStage & { name: RefusalStage })[] {
  const point = 1 + RANDOM_CIRCUITS;
  return [
    { name: 'attribute', units: 3 * o.steps },
    { name: 'candidates', units: 2 * point },
    { name: 'acdc', units: o.acdc ? acdcMaxRuns() * ACDC_RUN_FORWARDS : 0 },
    { name: 'faithfulness', units: defaultSizes(o.edges).length * point },
    // unablated, ablated, the random sets, and in mean mode the benign checks unablated and ablated
    { name: 'ablation', units: (2 + ABLATION_RANDOM_SETS + (o.ablation === 'mean' ? 2 : 0)) * o.maxNewTokens },
  ];
}

export async function refusalCircuit(model: CircuitModel, data: HeldoutSuites, opts: RefusalCircuitOptions = {},
  ctl: RunControl = {}): Promise<RefusalCircuitResult> {
  const method = opts.method ?? 'eap-ig';
  const steps = method === 'eap' ? 1 : (opts.steps ?? 5);
  const pairs = refusalPairs(model.tokenizer, data, opts.pairs ?? 32, opts.seed ?? 0);
  const runner = new CircuitRunner(model, 'logit_diff');
  const prep = preparePairs(model, runner, pairs, 'logit_diff', { batchSize: 16 });
  try {
    const full = buildGraph(model.graphCfg);
    const maxNewTokens = opts.maxNewTokens ?? 24;
    const plan = refusalPlan({ steps, acdc: opts.acdc ?? true, edges: full.edges.length, maxNewTokens, ablation: opts.ablation ?? 'corrupt' });
    const progress = new PlannedProgress(plan, (e) => ctl.onProgress?.({ phase: PHASE[e.stage as RefusalStage], done: e.done, total: e.total, label: e.label }));
    // each stage reports its own done/total (restarting per stage); `within` places it inside the one bar
    const within = (stage: RefusalStage): RunControl => ({ signal: ctl.signal, onProgress: (p) => progress.step(stage, p.done, p.total, p.label) });
    const scores = await gradientScores(runner, prep, full, method === 'eap' ? [1] : igAlphas(steps), within('attribute'), method);
    const pm = pairMetrics(prep);
    const scored = withScores(full, scores, {
      model: model.id, method, metric: 'logit_diff', pairs: prep.n, steps: method === 'eap-ig' ? steps : undefined,
      cleanMetric: pm.clean, corruptedMetric: pm.corrupted, source: 'computed',
    });
    const budget = Math.max(1, Math.floor((opts.edgeFraction ?? 0.05) * full.edges.length));
    const b = baseline(runner, prep, scored);
    const candidates: { circuit: CircuitGraph; point: FaithfulnessPoint; extraction: RefusalCircuitResult['extraction'] }[] = [];
    for (const [i, mode] of (['topn', 'greedy'] as const).entries()) {
      await checkpoint(within('candidates'), 'faithfulness', i, 2, `measuring the ${mode} circuit of ${budget} edges`);
      const circuit = fillBudget(scored, mode, budget);
      candidates.push({ circuit, point: circuitPoint(runner, prep, circuit, b, RANDOM_CIRCUITS, opts.seed ?? 0), extraction: { mode } });
    }
    if (opts.acdc ?? true) {
      const a = await acdcWithinBudget(runner, prep, full, budget, {}, within('acdc'));
      const circuit = withCircuitOf(scored, a.graph);
      candidates.push({ circuit, point: circuitPoint(runner, prep, circuit, b, RANDOM_CIRCUITS, opts.seed ?? 0),
        extraction: { mode: 'acdc', tau: a.tau, evaluations: a.evaluations } });
    }
    const best = candidates.reduce((a, c) => (c.point.recovered > a.point.recovered ? c : a));
    const faithfulness = await faithfulnessCurve(runner, prep, scored, { randomSeeds: RANDOM_CIRCUITS, seed: opts.seed ?? 0 }, within('faithfulness'));
    // ablation on harmful prompts that were not attribution pairs
    const used = new Set(pairs.map((p) => p.clean));
    const heldHarmful = data.harmful.filter((p) => !used.has(p)).slice(0, opts.ablationPrompts ?? 24);
    await checkpoint(within('ablation'), 'ablation', 0, 1, `greedy generations on ${heldHarmful.length} held-out harmful prompts`);
    const { before: _b, after: _a, ...ablation } = await ablateAndGenerate(model, best.circuit, heldHarmful, data.benign,
      { mode: opts.ablation ?? 'corrupt', maxNewTokens, seed: opts.seed, randomSeeds: ABLATION_RANDOM_SETS }, within('ablation'));
    void _b;
    void _a;
    const graph = best.circuit;
    progress.end();
    return {
      graph, faithfulness, circuit: best.point, extraction: best.extraction, ablation, refusalTokens: prep.refusal,
      evidence: await evidenceRecord(graph, best.point, ablation, { modelSha256: model.weightsSha256, extraction: best.extraction }),
    };
  } finally {
    disposePairs(prep);
    runner.dispose();
  }
}
