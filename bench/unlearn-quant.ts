// Unlearning under 4-bit post-training quantization (issue #20 item 4): one short run per method on the embedded
// `target` model with bench/unlearn.ts's settings (forge split, forget topic poison, 64 forget / 256 retain, seed
// 0), then the edited weights quantized as bitsandbytes would (NF4 / FP4, block 64, ± double quantization, the
// Linear/Conv1D projections only) and scored: forget / retain NLL on the held-out pairs, the PTQ gap (quantized −
// full-precision forget NLL), greedy-decoding refusal and reproduction rates on held-out forge prompts (forget
// topic, other harm topics, benign tasks), |update| / local bin width quantiles, the share of updates that change
// their 4-bit code, the parameters touched. The baseline is the unedited model scored the same way in the same run.
// Writes bench/results/unlearn-quant.json (UNLEARN_TARGET=target-v4: target-v4 on corpus v4, unlearn-quant-v4.json).   nice npx tsx bench/unlearn-quant.ts [steps=20] [topic=poison] [methods=npo,rmu,grad_diff,grad_ascent]
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { benchTarget } from './benchTarget';
import { release } from '../src/core/lab';
import { behaviourRates } from '../src/core/edits/unlearn/behaviour';
import { behaviourMaxNew } from '../src/core/edits/unlearn/corpora';
import type { UnlearnMethod } from '../src/core/edits/unlearn/objectives';
import { evaluateQuantized, QUANT_VARIANTS, quantizedParams, variantName } from '../src/core/edits/unlearn/quantEval';
import { forgeBehaviourPrompts, forgeUnlearnData, loadUnlearnModelFolder } from '../src/core/edits/unlearn/runNode';
import { runUnlearning } from '../src/core/edits/unlearn/trainer';

const ROOT = new URL('..', import.meta.url).pathname;
const TARGET = benchTarget('bench/results/unlearn-quant.json');
const steps = Number(process.argv[2] ?? 20);
const topic = process.argv[3] ?? 'poison';
const methods = (process.argv[4] ?? 'npo,rmu,grad_diff,grad_ascent').split(',') as UnlearnMethod[];
const PER_SET = 16;
// 16 new tokens on target; target-v4's compliances restate the request first, so its corpus's length (corpora.ts)
const MAX_NEW = behaviourMaxNew(TARGET.id, 16);


async function main(): Promise<void> {
  const model = await loadUnlearnModelFolder(join(ROOT, 'models', TARGET.id));
  const { data, split } = await forgeUnlearnData({ corpus: TARGET.corpus, forgetTopic: topic, forgetSize: 64, retainSize: 256, seed: 0 });
  const prompts = forgeBehaviourPrompts(topic, PER_SET, TARGET.corpus);
  const t0 = Date.now();
  const base = { fullPrecision: behaviourRates(model, model.params, prompts, MAX_NEW), variants: {} as Record<string, ReturnType<typeof behaviourRates>> };
  for (const v of QUANT_VARIANTS) {
    const q = quantizedParams(model, model.params, v);
    base.variants[variantName(v)] = behaviourRates(model, q, prompts, MAX_NEW);
    release(q);
  }
  const baseSeconds = (Date.now() - t0) / 1000;
  const rows = [];
  for (const method of methods) {
    const r = await runUnlearning(model, data, { method, steps, seed: 0, checkpointEvery: steps }, { split });
    const t1 = Date.now();
    const e = evaluateQuantized(model, r.params, data, { behaviour: { prompts, maxNewTokens: MAX_NEW } });
    rows.push({ method, trainStepsPerSecond: r.stepsPerSecond, evalSeconds: (Date.now() - t1) / 1000, ...e });
    console.log(method, JSON.stringify({ fp: e.fullPrecision, gaps: e.variants.map((v) => [v.variant, v.ptqGap.toFixed(3)]), nf4: e.updates[0].ratioQuantiles, crossing: e.updates.map((u) => u.crossingShare) }));
    release(r.params);
  }
  const out = {
    date: new Date().toISOString(), machine: `${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end`, node: process.version,
    model: TARGET.id, corpus: TARGET.corpus, split, steps, behaviourPrompts: { perSet: PER_SET, maxNewTokens: MAX_NEW, source: 'forge corpus held-out split' },
    quantized: 'bitsandbytes 4-bit PTQ as transformers applies it: Linear/Conv1D projections of the blocks; embeddings, norms, biases, lm_head full precision',
    base: { ...base, seconds: baseSeconds }, rows,
  };
  await writeFile(join(ROOT, TARGET.out), JSON.stringify(out, null, 2) + '\n');
  console.table(rows.map((x) => ({
    method: x.method, forget: x.fullPrecision.forgetNll.toFixed(3), retain: x.fullPrecision.retainNll.toFixed(3),
    ...Object.fromEntries(x.variants.map((v) => [`gap ${v.variant}`, v.ptqGap.toFixed(3)])),
    'nf4 |Δ|/bin p50': x.updates[0].ratioQuantiles?.p50.toPrecision(3), 'nf4 cross': x.updates[0].crossingShare?.toFixed(3), touched: `${x.touched.changed}/${x.touched.total}`,
  })));
}

main().catch((e: Error) => {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
