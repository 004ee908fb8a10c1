// Circuits runner: executes circuitsPlan(spec) (circuitsPlan.ts, the plan the panel builds its requests from) on
// the circuits engine (src/core/circuits/api.ts), in-thread, in pure TypeScript on jax-js (no ONNX session: the
// backend factory records 'js'). The model's files (config, tokenizer, tokenizer config, model.safetensors) are read
// through ctx.loadInput as `<model>/<file>` and the held-out suites as models/forge/heldout/<suite>.jsonl, so every
// byte the run reads is hashed into the record. Runs every tab: the graph tab (attribution — EAP, EAP-IG, exact
// patching or ACDC — the cut circuit, its faithfulness and the curve), the one-click refusal circuit (also how the
// circuit was found and the ablation check), attention patterns and the logit lens on the tab's prompt, and the
// linear probes. moduleDigest is the panel's link digest of the same result.
import { createCircuitsEngine, type CircuitsEngineDeps } from '../../circuits/api';
import { parseHeldout } from '../../circuits/heldout';
import type { CircuitsApi, CircuitsProgress } from '../../circuits/types';
import { ExperimentError } from '../errors';
import type { Runner, RunContext, RunOutput } from '../runner';
import { suiteInputId } from './alignbeam';
import { attentionPayload, digestOf, graphPayload, lensPayload, probesPayload } from './circuitsDigest';
import { circuitsPlan, faithfulnessSizes, type CircuitsRunSpec } from './circuitsPlan';

export type { CircuitsRunSpec } from './circuitsPlan';

async function runCircuits(createEngine: (deps: CircuitsEngineDeps) => CircuitsApi, spec: CircuitsRunSpec, ctx: RunContext): Promise<RunOutput> {
  const plan = circuitsPlan(spec);
  const { run } = plan;
  const decoder = new TextDecoder();
  const engine = createEngine({
    readModelFiles: async (id, files) => {
      const out = new Map<string, Uint8Array>();
      for (const f of files) out.set(f, await ctx.loadInput({ role: 'model', id: `${id}/${f}` }));
      return out;
    },
    heldout: async () => {
      const read = async (name: 'harmful' | 'benign' | 'tasks') => decoder.decode(await ctx.loadInput({ role: 'data', id: suiteInputId(name) }));
      return parseHeldout({ harmful: await read('harmful'), benign: await read('benign'), tasks: await read('tasks') });
    },
  });
  const progress = (p: CircuitsProgress) => ctx.onProgress({ done: p.done, total: p.total, label: p.phase });
  const abort = () => void engine.cancel();
  ctx.signal.addEventListener('abort', abort);
  try {
    const model = await engine.loadModel(plan.model, progress);
    if (run.tab === 'refusal') {
      const r = await engine.refusalCircuit(plan.model, run.options, progress);
      // the evidence record is derived from these (and stamped when it is made): not part of the result
      return {
        results: { tab: run.tab, model, graph: r.graph, circuit: r.circuit, faithfulness: r.faithfulness, extraction: r.extraction, ablation: r.ablation },
        moduleDigest: await digestOf(graphPayload(r.graph, r.faithfulness, r.ablation, r.circuit)),
      };
    }
    if (run.tab === 'probes') {
      const r = await engine.probes({ modelId: plan.model, seed: run.seed }, progress);
      return { results: { tab: run.tab, model, probes: r }, moduleDigest: await digestOf(probesPayload(r)) };
    }
    const pairs = plan.pairs.source === 'heldout' ? await engine.heldoutPairs(plan.model, plan.pairs.n, plan.pairs.seed) : plan.pairs.items;
    if (run.tab === 'attention' || run.tab === 'lens') {
      // the panel's rule (features/circuits/requests.ts lensPrompt): the spec's prompt, else the first clean prompt
      const prompt = run.prompt.trim() ? run.prompt : pairs[0]?.clean;
      if (prompt === undefined) throw new ExperimentError('invalid-spec', 'prompt: empty, and there is no pair whose clean prompt could stand in');
      if (run.tab === 'lens') {
        const rows = await engine.logitLens({ modelId: plan.model, prompt, topK: run.topK });
        return { results: { tab: run.tab, model, prompt, rows }, moduleDigest: await digestOf(lensPayload(rows)) };
      }
      const patterns = await engine.attention({ modelId: plan.model, prompt });
      return { results: { tab: run.tab, model, prompt, patterns }, moduleDigest: await digestOf(attentionPayload(patterns)) };
    }
    const r = await engine.attributeCircuit({
      modelId: plan.model, pairs, metric: run.metric, method: run.method, steps: run.steps, tau: run.tau, extract: run.extract,
      faithfulness: { sizes: faithfulnessSizes(model.nEdges), ...run.faithfulness },
    }, progress);
    return {
      results: { tab: run.tab, model, pairs, graph: r.graph, circuit: r.circuit, faithfulness: r.faithfulness },
      moduleDigest: await digestOf(graphPayload(r.scored, r.faithfulness, undefined, r.circuit)),
    };
  } finally {
    ctx.signal.removeEventListener('abort', abort);
  }
}

/** The circuits runner over `createEngine` (default the real engine; a test wraps it to record the calls it gets). */
export function makeCircuitsRunner(createEngine: (deps: CircuitsEngineDeps) => CircuitsApi = createCircuitsEngine): Runner<CircuitsRunSpec> {
  return { module: 'circuits', run: (spec, ctx) => runCircuits(createEngine, spec, ctx) };
}

export const circuitsRunner: Runner<CircuitsRunSpec> = makeCircuitsRunner();
