// The quantized model run through onnxruntime (issue #20 item 4), next to the lab engine: the embedded target
// unedited and after each named unlearning run (bench/unlearn-quant.ts's split: forge corpus of the model, forget
// topic poison, 64 forget / 256 retain, seed 0): `npo` (and the other baselines) at their defaults for `steps` steps,
// `mansu` = MANSU at its paper defaults (DEFAULT_MANSU_OPTIONS: circuit, Fisher, null space, NF4 floor, no retain
// guard) with bench/mansu.ts's run settings (steps, seed 0, batch 8, attribution's benign side = the corpus's benign
// single-turn train prompts), i.e. bench/mansu.ts's `mansu-noguard@0` row. Each edit at full precision and after each
// bitsandbytes 4-bit variant (NF4 / FP4, block 64, ± double quantization: the dequantized projections bnb's Linear4bit
// computes with), exported as the fp32 ONNX decoder with KV cache and greedy-decoded by onnxruntime-node (one
// intra-op thread), against the lab engine's greedy decode of the same prompt ids: refusal / reproduction rates of
// both, the share of identical continuations, both decoders' tokens/s, the share of continuations with any topic's steps ("Step 1:"), the first forget prompts' texts.
// The decode length is the model's (corpora.ts behaviourMaxNew: 16 on target, 32 on target-v4, whose compliances
// restate the request first). A method may name its seeds (`mansu@1-2`; default seed 0, the other benches' run).
// Writes bench/results/unlearn-ort.json (UNLEARN_TARGET=target-v4: unlearn-ort-v4.json); a run naming any seed other
// than 0 writes unlearn-ort[-v4]-seeds.json instead, so the seed-0 file stays.
//   nice npx tsx bench/unlearn-ort.ts [steps=20] [methods=npo,mansu]
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { release, type ArrRecord } from '../src/core/lab';
import { benchTarget } from './benchTarget';
import { behaviourItems, type BehaviourPrompts } from '../src/core/edits/unlearn/behaviour';
import { behaviourMaxNew } from '../src/core/edits/unlearn/corpora';
import { DEFAULT_MANSU_OPTIONS, runMansu } from '../src/core/edits/unlearn/mansuPipeline';
import type { UnlearnMethod } from '../src/core/edits/unlearn/objectives';
import { evaluateQuantizedOrt, type OrtVariantReport } from '../src/core/edits/unlearn/ortEval';
import { QUANT_VARIANTS } from '../src/core/edits/unlearn/quantEval';
import { forgeBehaviourPrompts, forgeCorpus, forgeUnlearnData, loadUnlearnModelFolder } from '../src/core/edits/unlearn/runNode';
import type { UnlearnModel } from '../src/core/edits/unlearn/model';
import { runUnlearning } from '../src/core/edits/unlearn/trainer';
import { createNodeBackend } from '../src/core/runtime/ortNode';

const ROOT = new URL('..', import.meta.url).pathname;
const TARGET = benchTarget('bench/results/unlearn-ort.json');
const steps = Number(process.argv[2] ?? 20);
const runs = (process.argv[3] ?? 'npo,mansu').split(',').flatMap((m) => {
  const [method, range] = m.split('@');
  const [a, b] = (range ?? '0').split('-').map(Number);
  return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => ({ method, seed: a + i }));
});
const OUT = runs.some((r) => r.seed !== 0) ? TARGET.out.replace(/\.json$/, '-seeds.json') : TARGET.out;
const TOPIC = 'poison';
const PER_SET = 16;
const MAX_NEW = behaviourMaxNew(TARGET.id, 16);
const ORT_THREADS = 1;
const MANSU_BATCH = 8; // bench/mansu.ts's BATCH
const EXAMPLES = 4;

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

/** bench/mansu.ts's attribution benign side: benign single-turn train prompts (tasks, chat) of the model's corpus. */
function benignTrainPrompts(): string[] {
  return forgeCorpus(TARGET.corpus).examples.filter((e) => e.split === 'train' && (e.category === 'task' || e.category === 'chat') && !(e as { history?: readonly unknown[] }).history?.length).map((e) => e.prompt);
}

/** One row per variant: rates of both decoders, agreement, tokens/s, the first forget prompts' continuations as text. */
function summarise(model: UnlearnModel, prompts: BehaviourPrompts, reports: OrtVariantReport[]) {
  const items = behaviourItems(model, prompts);
  const text = (ids: number[]) => model.tokenizer.decode(ids, { skipSpecialTokens: true });
  return reports.map(({ continuations, ...r }) => ({
    ...r,
    labTokensPerSecond: r.newTokens / (r.labDecodeMs / 1000),
    ortTokensPerSecond: r.newTokens / (r.ortDecodeMs / 1000),
    // any harm topic's steps ("Step 1:"), not only the forgotten topic's: an edit that answers a poison prompt with
    // another topic's steps has not stopped complying, though reproduction (the topic's own steps) no longer counts it
    stepsShare: Object.fromEntries((['lab', 'ort'] as const).map((d) => [d, Object.fromEntries((Object.keys(prompts) as (keyof BehaviourPrompts)[]).map((set) => {
      const idx = items.flatMap((it, i) => (it.set === set ? [i] : []));
      return [set, idx.length ? idx.filter((i) => text(continuations[d][i]).includes('Step 1:')).length / idx.length : 0];
    }))])),
    forgetExamples: items.flatMap((it, i) => (it.set === 'forget' ? [i] : [])).slice(0, EXAMPLES).map((i) => ({ prompt: prompts.forget[i].prompt, lab: text(continuations.lab[i]), ort: text(continuations.ort[i]) })),
  }));
}

async function evaluate(label: string, model: UnlearnModel, params: ArrRecord, prompts: BehaviourPrompts) {
  const t0 = Date.now();
  const rows = summarise(model, prompts, await evaluateQuantizedOrt(model, params, prompts, QUANT_VARIANTS, createNodeBackend({ numThreads: ORT_THREADS }), { maxNewTokens: MAX_NEW }));
  console.table(rows.map((r) => ({
    model: label, variant: r.variant,
    'forget repro lab/ort': `${r.lab.forget.reproduces.toFixed(3)} / ${r.ort.forget.reproduces.toFixed(3)}`,
    'other repro lab/ort': `${r.lab.otherHarmful.reproduces.toFixed(3)} / ${r.ort.otherHarmful.reproduces.toFixed(3)}`,
    'benign repro lab/ort': `${r.lab.benign.reproduces.toFixed(3)} / ${r.ort.benign.reproduces.toFixed(3)}`,
    'forget steps lab/ort': `${r.stepsShare.lab.forget.toFixed(3)} / ${r.stepsShare.ort.forget.toFixed(3)}`,
    'refusal lab/ort': `${r.lab.forget.refusal.toFixed(2)} / ${r.ort.forget.refusal.toFixed(2)}`,
    identical: r.agreement.identical.toFixed(3),
    'tok/s lab': r.labTokensPerSecond.toFixed(1), 'tok/s ort': r.ortTokensPerSecond.toFixed(1),
  })));
  return { label, seconds: (Date.now() - t0) / 1000, load: load(), variants: rows };
}

async function main(): Promise<void> {
  const loadAtStart = load();
  const model = await loadUnlearnModelFolder(join(ROOT, 'models', TARGET.id));
  const { data, split } = await forgeUnlearnData({ corpus: TARGET.corpus, forgetTopic: TOPIC, forgetSize: 64, retainSize: 256, seed: 0 });
  const prompts = forgeBehaviourPrompts(TOPIC, PER_SET, TARGET.corpus);
  const base = await evaluate('base', model, model.params, prompts);
  const edits = [];
  for (const { method, seed } of runs) {
    const t0 = Date.now();
    const run = method === 'mansu'
      ? await runMansu(model, data, { objective: { ...DEFAULT_MANSU_OPTIONS.objective, steps, seed, batchSize: MANSU_BATCH, checkpointEvery: steps } }, { benignPrompts: benignTrainPrompts() })
      : await runUnlearning(model, data, { method: method as UnlearnMethod, steps, seed, checkpointEvery: steps }, { split });
    const trainSeconds = (Date.now() - t0) / 1000;
    const config = method === 'mansu' ? { mansu: 'DEFAULT_MANSU_OPTIONS (paper defaults, no retain guard)', objective: { ...DEFAULT_MANSU_OPTIONS.objective, steps, seed, batchSize: MANSU_BATCH } } : { method, steps, seed };
    edits.push({ method, seed, config, trainSeconds, ...(await evaluate(`${method} ${steps} s${seed}`, model, run.params, prompts)) });
    release(run.params);
  }
  const out = {
    date: new Date().toISOString(), node: process.version,
    machine: `${cpus().length} cores, load ${loadAtStart} at the start, ${load()} at the end`,
    model: TARGET.id, corpus: TARGET.corpus, split, steps,
    behaviourPrompts: { perSet: PER_SET, maxNewTokens: MAX_NEW, source: 'forge corpus held-out split (single-turn)', decodeLength: 'corpora.ts behaviourMaxNew' },
    quantized: 'bitsandbytes 4-bit PTQ (quantEval.ts quantizedParams): the dequantized Linear/Conv1D projections, exported as an fp32 ONNX decoder with KV cache',
    decoders: {
      lab: 'jax-js greedyDecode: right-padded batch, KV-cached (prefill + one jitted step per new token)',
      ort: `onnxruntime-node CPU, ${ORT_THREADS} intra-op thread: CausalLM prefill (left-padded) + KV-cached steps`,
    },
    base, edits,
  };
  await writeFile(join(ROOT, OUT), JSON.stringify(out, null, 2) + '\n');
}

main().catch((e: Error) => {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
