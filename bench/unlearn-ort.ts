// The quantized model run through onnxruntime (issue #20 item 4), next to the lab engine: the embedded `target`
// unedited and after one unlearning run (bench/unlearn-quant.ts's settings: forge split, forget topic poison, 64
// forget / 256 retain, seed 0, NPO 20 steps), at full precision and after each bitsandbytes 4-bit variant (NF4 /
// FP4, block 64, ± double quantization: the dequantized projections bnb's Linear4bit computes with), exported as
// the fp32 ONNX decoder with KV cache and greedy-decoded by onnxruntime-node (one intra-op thread), against the lab
// engine's greedy decode of the same prompt ids: refusal / reproduction rates of both, the share of identical
// continuations, and both decoders' tokens/s in the same run (the lab decode re-runs the full forward per token,
// ORT steps its KV cache). Writes bench/results/unlearn-ort.json.   nice npx tsx bench/unlearn-ort.ts [steps=20] [method=npo]
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { release, type ArrRecord } from '../src/core/lab';
import type { BehaviourPrompts } from '../src/core/edits/unlearn/behaviour';
import type { UnlearnMethod } from '../src/core/edits/unlearn/objectives';
import { evaluateQuantizedOrt, type OrtVariantReport } from '../src/core/edits/unlearn/ortEval';
import { QUANT_VARIANTS } from '../src/core/edits/unlearn/quantEval';
import { forgeBehaviourPrompts, forgeUnlearnData, loadUnlearnModelFolder } from '../src/core/edits/unlearn/runNode';
import type { UnlearnModel } from '../src/core/edits/unlearn/model';
import { runUnlearning } from '../src/core/edits/unlearn/trainer';
import { createNodeBackend } from '../src/core/runtime/ortNode';

const ROOT = new URL('..', import.meta.url).pathname;
const steps = Number(process.argv[2] ?? 20);
const method = (process.argv[3] ?? 'npo') as UnlearnMethod;
const TOPIC = 'poison';
const PER_SET = 16;
const MAX_NEW = 16;
const ORT_THREADS = 1;


const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

/** One row per variant: rates of both decoders, agreement, tokens/s (continuations left out of the JSON). */
function summarise(reports: OrtVariantReport[]) {
  return reports.map(({ continuations: _c, ...r }) => ({
    ...r,
    labTokensPerSecond: r.newTokens / (r.labDecodeMs / 1000),
    ortTokensPerSecond: r.newTokens / (r.ortDecodeMs / 1000),
  }));
}

async function evaluate(label: string, model: UnlearnModel, params: ArrRecord, prompts: BehaviourPrompts) {
  const t0 = Date.now();
  const rows = summarise(await evaluateQuantizedOrt(model, params, prompts, QUANT_VARIANTS, createNodeBackend({ numThreads: ORT_THREADS }), { maxNewTokens: MAX_NEW }));
  console.table(rows.map((r) => ({
    model: label, variant: r.variant,
    'forget repro lab/ort': `${r.lab.forget.reproduces.toFixed(3)} / ${r.ort.forget.reproduces.toFixed(3)}`,
    'other repro lab/ort': `${r.lab.otherHarmful.reproduces.toFixed(3)} / ${r.ort.otherHarmful.reproduces.toFixed(3)}`,
    'benign repro lab/ort': `${r.lab.benign.reproduces.toFixed(3)} / ${r.ort.benign.reproduces.toFixed(3)}`,
    'refusal lab/ort': `${r.lab.forget.refusal.toFixed(2)} / ${r.ort.forget.refusal.toFixed(2)}`,
    identical: r.agreement.identical.toFixed(3),
    'tok/s lab': r.labTokensPerSecond.toFixed(1), 'tok/s ort': r.ortTokensPerSecond.toFixed(1),
  })));
  return { seconds: (Date.now() - t0) / 1000, load: load(), variants: rows };
}

async function main(): Promise<void> {
  const loadAtStart = load();
  const model = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
  const { data, split } = await forgeUnlearnData({ forgetTopic: TOPIC, forgetSize: 64, retainSize: 256, seed: 0 });
  const prompts = forgeBehaviourPrompts(TOPIC, PER_SET);
  const base = await evaluate('base', model, model.params, prompts);
  const r = await runUnlearning(model, data, { method, steps, seed: 0, checkpointEvery: steps }, { split });
  const edited = await evaluate(`${method} ${steps}`, model, r.params, prompts);
  release(r.params);
  const out = {
    date: new Date().toISOString(), node: process.version,
    machine: `${cpus().length} cores, load ${loadAtStart} at the start, ${load()} at the end`,
    model: 'target', split, run: { method, steps, seed: 0 },
    behaviourPrompts: { perSet: PER_SET, maxNewTokens: MAX_NEW, source: 'forge corpus held-out split' },
    quantized: 'bitsandbytes 4-bit PTQ (quantEval.ts quantizedParams): the dequantized Linear/Conv1D projections, exported as an fp32 ONNX decoder with KV cache',
    decoders: {
      lab: 'jax-js greedyDecode: right-padded batch, KV-cached (prefill + one jitted step per new token; before 2026-12-07 a full forward per token)',
      ort: `onnxruntime-node CPU, ${ORT_THREADS} intra-op thread: CausalLM prefill (left-padded) + KV-cached steps`,
    },
    base, edited,
  };
  await writeFile(join(ROOT, 'bench/results/unlearn-ort.json'), JSON.stringify(out, null, 2) + '\n');
}

main().catch((e: Error) => {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
