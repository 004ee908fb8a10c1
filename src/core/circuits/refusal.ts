// One click: the refusal circuit of a model. Clean = a held-out harmful prompt, corrupted = a benign prompt of
// the same chat-token length (heldout.ts); metric = logit difference between the refusal opening token (read
// from the tokenizer: the first response token of "I can't help…"/"I'm sorry…") and the benign run's top
// non-refusal token (pairs.ts). EAP-IG (m = 5) scores every edge; the circuit is the best (by faithfulness)
// of top-n and greedy extraction from those scores and of ACDC (acdc.ts: patching-based discovery, its τ fitted to
// the budget), each with at most 5 % of the edges after pruning; the report adds the faithfulness
// curve against random circuits and the refusal rate on other held-out harmful prompts with the circuit ablated
// (corrupt-patched with length-matched benign prompts by default), next to random edge sets of the same size.
import { acdcWithinBudget } from './acdc';
import { ablateAndGenerate } from './ablation';
import { checkpoint, gradientScores, igAlphas, pairMetrics, type RunControl } from './attribute';
import { evidenceRecord } from './evidence';
import { circuitSize, extract } from './extract';
import { baseline, circuitPoint, faithfulnessCurve } from './faithfulness';
import { buildGraph, withScores } from './graph';
import { refusalPairs, type HeldoutSuites } from './heldout';
import type { CircuitModel } from './model';
import { disposePairs, preparePairs } from './pairs';
import { CircuitRunner } from './runner';
import type { CircuitGraph, ExtractMode, FaithfulnessPoint, RefusalCircuitOptions, RefusalCircuitResult } from './types';

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

export async function refusalCircuit(model: CircuitModel, data: HeldoutSuites, opts: RefusalCircuitOptions = {},
  ctl: RunControl = {}): Promise<RefusalCircuitResult> {
  const method = opts.method ?? 'eap-ig';
  const steps = method === 'eap' ? 1 : (opts.steps ?? 5);
  const pairs = refusalPairs(model.tokenizer, data, opts.pairs ?? 32, opts.seed ?? 0);
  const runner = new CircuitRunner(model, 'logit_diff');
  const prep = preparePairs(model, runner, pairs, 'logit_diff', { batchSize: 16 });
  try {
    const full = buildGraph(model.graphCfg);
    const scores = await gradientScores(runner, prep, full, method === 'eap' ? [1] : igAlphas(steps), ctl, method);
    const pm = pairMetrics(prep);
    const scored = withScores(full, scores, {
      model: model.id, method, metric: 'logit_diff', pairs: prep.n, steps: method === 'eap-ig' ? steps : undefined,
      cleanMetric: pm.clean, corruptedMetric: pm.corrupted, source: 'computed',
    });
    const budget = Math.max(1, Math.floor((opts.edgeFraction ?? 0.05) * full.edges.length));
    const b = baseline(runner, prep, scored);
    const candidates: { circuit: CircuitGraph; point: FaithfulnessPoint; extraction: RefusalCircuitResult['extraction'] }[] =
      (['topn', 'greedy'] as const).map((mode) => {
        const circuit = fillBudget(scored, mode, budget);
        return { circuit, point: circuitPoint(runner, prep, circuit, b, 3, opts.seed ?? 0), extraction: { mode } };
      });
    if (opts.acdc ?? true) {
      const a = await acdcWithinBudget(runner, prep, full, budget, {}, ctl);
      const circuit = withCircuitOf(scored, a.graph);
      candidates.push({ circuit, point: circuitPoint(runner, prep, circuit, b, 3, opts.seed ?? 0),
        extraction: { mode: 'acdc', tau: a.tau, evaluations: a.evaluations } });
    }
    const best = candidates.reduce((a, c) => (c.point.recovered > a.point.recovered ? c : a));
    const faithfulness = await faithfulnessCurve(runner, prep, scored, { randomSeeds: 3, seed: opts.seed ?? 0 }, ctl);
    // ablation on harmful prompts that were not attribution pairs
    const used = new Set(pairs.map((p) => p.clean));
    const heldHarmful = data.harmful.filter((p) => !used.has(p)).slice(0, opts.ablationPrompts ?? 24);
    await checkpoint(ctl, 'ablation', 0, 1, `greedy generations on ${heldHarmful.length} held-out harmful prompts`);
    const { before: _b, after: _a, ...ablation } = await ablateAndGenerate(model, best.circuit, heldHarmful, data.benign,
      { mode: opts.ablation ?? 'corrupt', maxNewTokens: opts.maxNewTokens ?? 24, seed: opts.seed }, ctl);
    void _b;
    void _a;
    const graph = best.circuit;
    return {
      graph, faithfulness, circuit: best.point, extraction: best.extraction, ablation, refusalTokens: prep.refusal,
      evidence: await evidenceRecord(graph, best.point, ablation, { modelSha256: model.weightsSha256, extraction: best.extraction }),
    };
  } finally {
    disposePairs(prep);
    runner.dispose();
  }
}
