// MANSU vs the four unlearning baselines on the embedded `target` (issue #20 item 7), one run: each method's four
// properties (forgetting, retain, PTQ gap after NF4, structural erasure by CAD) over seeds, its |update| / NF4 bin
// width, parameters touched, behaviour after quantization, and its compute cost relative to one epoch of
// fine-tuning (one pass over forget + retain = |forget ∪ retain| / (2 × batch) GradDiff steps, timed in this run).
// Ablations switch MANSU's steps off one at a time (one seed each). The split, steps and margins are in the JSON.
// Seeds 0–2 are the dev seeds (MANSU's defaults were chosen on them), 3 and up are fresh: the summary reports the
// two groups apart. A method may name its own seeds: `mansu@0-5`, `npo@3-5`; `mansu-noguard` is MANSU without its
// retain guard (the defaults before it). Writes bench/results/mansu.json (or the file named by MANSU_OUT).
// MANSU_TARGET=target-v4 runs on the Llama-family target instead, with the split, attribution prompts and behaviour
// prompts from its own corpus (v4), and writes bench/results/mansu-v4.json unless MANSU_OUT names another file;
// the v4 run never writes mansu.json.
//   nice npx tsx bench/mansu.ts [steps=20] [seeds=3] [topic=poison] [methods=grad_ascent,grad_diff,npo,rmu,mansu] [ablations=1]
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { release, type ArrRecord } from '../src/core/lab';
import { benchTarget } from './benchTarget';
import { behaviourMaxNew } from '../src/core/edits/unlearn/corpora';
import { circuitAttributionDivergence, forgetAttribution, forgetTokenPairs } from '../src/core/edits/unlearn/forgetCircuit';
import { DEFAULT_MANSU_OPTIONS, runMansu, type MansuGiven, type MansuReport } from '../src/core/edits/unlearn/mansuPipeline';
import type { UnlearnMethod } from '../src/core/edits/unlearn/objectives';
import { DEFAULT_MARGINS, fourProperties, summarizeSeeds, type FourProperties } from '../src/core/edits/unlearn/properties';
import { evaluateQuantized } from '../src/core/edits/unlearn/quantEval';
import { forgeBehaviourPrompts, forgeCorpus, forgeUnlearnData, loadUnlearnModelFolder } from '../src/core/edits/unlearn/runNode';
import { runUnlearning } from '../src/core/edits/unlearn/trainer';

const ROOT = new URL('..', import.meta.url).pathname;
const steps = Number(process.argv[2] ?? 20);
const seeds = Number(process.argv[3] ?? 3);
const topic = process.argv[4] ?? 'poison';
const methodSpecs = (process.argv[5] ?? 'grad_ascent,grad_diff,npo,rmu,mansu').split(',').map((m) => {
  const [name, range] = m.split('@');
  const [a, b] = (range ?? `0-${seeds - 1}`).split('-').map(Number);
  return { name, seedList: Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i) };
});
const methods = methodSpecs.map((m) => m.name);
const DEV_SEEDS = 3;
const { id: MODEL_ID, corpus: CORPUS, out: defaultOut } = benchTarget('bench/results/mansu.json', 'MANSU_TARGET');
const OUT = process.env.MANSU_OUT ?? defaultOut;
if (MODEL_ID !== 'target' && /(^|\/)mansu\.json$/.test(OUT)) throw new Error(`${MODEL_ID} results must not overwrite ${OUT} (the target's); name another MANSU_OUT`);
const ablations = (process.argv[6] ?? '1') === '1';
const PER_SET = 12;
// 12 new tokens on target; on target-v4 its corpus's length (corpora.ts behaviourMaxNew: runs before 2026-12-07 11:00 UTC used 12)
const MAX_NEW = behaviourMaxNew(MODEL_ID, 12);
const BATCH = 8;

/** The attribution's corrupted side: benign single-turn train prompts (tasks and chat) of the model's corpus, never a harmful one. */
function benignTrainPrompts(): string[] {
  return forgeCorpus(CORPUS).examples.filter((e) => e.split === 'train' && (e.category === 'task' || e.category === 'chat') && !(e as { history?: readonly unknown[] }).history?.length).map((e) => e.prompt);
}

interface Row {
  method: string;
  seed: number;
  seconds: number;
  costEpochs: number;
  properties: FourProperties;
  cad: ReturnType<typeof circuitAttributionDivergence>;
  eval: ReturnType<typeof evaluateQuantized>;
  mansu?: Omit<MansuReport, 'train' | 'options'> & { circuitJsonBytes?: number };
}

async function main(): Promise<void> {
  const model = await loadUnlearnModelFolder(join(ROOT, 'models', MODEL_ID));
  const { data, split } = await forgeUnlearnData({ corpus: CORPUS, forgetTopic: topic, forgetSize: 64, retainSize: 256, seed: 0 });
  const prompts = forgeBehaviourPrompts(topic, PER_SET, CORPUS);
  const benignPrompts = benignTrainPrompts();
  const pairs = forgetTokenPairs(model, data.forget, benignPrompts, 16, 0);
  const baseGraph = await forgetAttribution(model, model.params, pairs, 5);
  const baseEval = evaluateQuantized(model, model.params, data, { behaviour: { prompts, maxNewTokens: MAX_NEW } });
  const epochSteps = Math.ceil((data.forget.length + data.retain.length) / (2 * BATCH));
  let epochSeconds = 0;
  const rows: Row[] = [];
  const score = async (method: string, seed: number, params: ArrRecord, seconds: number, mansu?: MansuReport) => {
    const e = evaluateQuantized(model, params, data, { behaviour: { prompts, maxNewTokens: MAX_NEW } });
    const after = await forgetAttribution(model, params, pairs, 5);
    const cad = circuitAttributionDivergence(baseGraph, after, 64);
    const properties = fourProperties(e, cad, { baseReproduces: baseEval.fullPrecision.behaviour?.forget.reproduces });
    const { train: _t, options: _o, circuit, ...rest } = mansu ?? ({} as MansuReport);
    const row: Row = { method, seed, seconds, costEpochs: 0, properties, cad, eval: e, ...(mansu ? { mansu: { ...rest, circuit: circuit ? { ...circuit, json: '' } : null, circuitJsonBytes: circuit?.json.length } } : {}) };
    rows.push(row);
    // written after every row too, so a run cut short keeps what it measured (marked partial)
    await writeFile(join(ROOT, OUT), JSON.stringify({ partial: true, date: new Date().toISOString(), model: MODEL_ID, corpus: CORPUS, split, steps, margins: DEFAULT_MARGINS, base: { eval: baseEval }, rows }, null, 1) + '\n');
    const p = properties;
    console.log(method, seed, `forget drop ${p.forgetting.value.toFixed(3)} retain drop ${p.retain.value.toFixed(3)} ptq gap ${p.ptqGap.value.toFixed(4)} CAD ${cad.cad.toFixed(4)} all ${p.allPass} | ${seconds.toFixed(0)} s | load ${loadavg()[0].toFixed(1)}`);
  };
  // one epoch of fine-tuning, timed first: GradDiff's step (forward + backward on a forget and a retain batch)
  {
    const t0 = Date.now();
    const r = await runUnlearning(model, data, { method: 'grad_diff', steps: epochSteps, seed: 0, batchSize: BATCH, checkpointEvery: epochSteps, evalSize: 1 }, { split });
    epochSeconds = (Date.now() - t0) / 1000;
    release(r.params);
  }
  const givenOf = (m: string): MansuGiven | undefined => (m === 'mansu' ? { retainGuard: { enabled: true } } : m === 'mansu-noguard' ? { retainGuard: { enabled: false } } : undefined);
  const runs: { method: string; given?: MansuGiven; seedList: number[] }[] = methodSpecs.map((m) => ({ method: m.name, seedList: m.seedList, given: givenOf(m.name) }));
  if (ablations && methods.includes('mansu')) {
    // ablations of the guarded pipeline (the bench's 'mansu' row): each step switched off on its own
    for (const step of ['circuit', 'fisher', 'nullSpace', 'floor', 'retainGuard'] as const) runs.push({ method: `mansu −${step}`, seedList: [0], given: { retainGuard: { enabled: true }, [step]: { enabled: false } } });
    // MANSU's objective at MANSU's learning rate with every step off: what the four steps add to it
    const off = { enabled: false };
    runs.push({ method: 'mansu objective alone', seedList: [0], given: { circuit: off, fisher: off, nullSpace: off, floor: off, retainGuard: off } });
  }
  for (const run of runs) {
    for (const seed of run.seedList) {
      const t0 = Date.now();
      if (run.given) {
        const given = { ...run.given, objective: { ...DEFAULT_MANSU_OPTIONS.objective, steps, seed, batchSize: BATCH, checkpointEvery: steps } };
        const r = await runMansu(model, data, given, { benignPrompts });
        await score(run.method, seed, r.params, (Date.now() - t0) / 1000, r.report);
        release(r.params);
      } else {
        const r = await runUnlearning(model, data, { method: run.method as UnlearnMethod, steps, seed, batchSize: BATCH, checkpointEvery: steps }, { split });
        await score(run.method, seed, r.params, (Date.now() - t0) / 1000);
        release(r.params);
      }
      rows[rows.length - 1].costEpochs = rows[rows.length - 1].seconds / epochSeconds;
    }
  }
  // one summary per method and seed group: dev seeds (< DEV_SEEDS, defaults chosen on them) and fresh ones
  const group = (seed: number) => (seed < DEV_SEEDS ? 'dev' : 'fresh');
  const byMethod = [...new Set(rows.map((r) => `${r.method}|${group(r.seed)}`))].map((key) => {
    const [m, g] = key.split('|');
    const rs = rows.filter((r) => r.method === m && group(r.seed) === g);
    const q = rs.map((r) => r.eval.updates[0].ratioQuantiles?.p50 ?? 0);
    return {
      method: m, group: g, seedList: rs.map((r) => r.seed), seeds: rs.length, summary: summarizeSeeds(rs.map((r) => r.properties)),
      nf4RatioP50: q.reduce((a, b) => a + b, 0) / q.length,
      nf4CrossingShare: rs.reduce((a, r) => a + (r.eval.updates[0].crossingShare ?? 0), 0) / rs.length,
      touchedShare: rs.reduce((a, r) => a + r.eval.touched.changed / r.eval.touched.total, 0) / rs.length,
      costEpochs: rs.reduce((a, r) => a + r.costEpochs, 0) / rs.length,
    };
  });
  const out = {
    date: new Date().toISOString(), machine: `${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end`, node: process.version,
    model: MODEL_ID, corpus: CORPUS, split, steps, seeds: methodSpecs.map((m) => `${m.name}@${m.seedList.join(',')}`), devSeeds: `0–${DEV_SEEDS - 1} (MANSU's defaults chosen on them); higher seeds fresh`,
    mansuDefaults: DEFAULT_MANSU_OPTIONS, batchSize: BATCH, margins: DEFAULT_MARGINS,
    scores: 'S = exp(−token-mean NLL) of held-out forget / retain responses; PTQ gap = S_forget(NF4) − S_forget(fp), positive = recovery',
    cad: 'CAD = 1 − cos(EAP-IG edge scores before, after); logit_diff forget-response token vs refusal token; 16 forget/benign pairs, m = 5',
    epoch: { steps: epochSteps, seconds: epochSeconds }, behaviourPrompts: { perSet: PER_SET, maxNewTokens: MAX_NEW },
    base: { eval: baseEval }, byMethod, rows,
  };
  await writeFile(join(ROOT, OUT), JSON.stringify(out, null, 1) + '\n');
  const f = (s: { mean: number; sd: number }) => `${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)}`;
  console.table(byMethod.map((b) => ({
    method: b.method, group: `${b.group} ${b.seedList.join(',')}`, 'forget drop': f(b.summary.forgetting), 'retain drop': f(b.summary.retain), 'PTQ gap (NF4)': f(b.summary.ptqGap),
    CAD: b.summary.structural ? f(b.summary.structural) : '-', 'all four': `${b.summary.allPass}/${b.seeds}`, 'min margins f/r/ptq/cad': [b.summary.forgetting, b.summary.retain, b.summary.ptqGap, b.summary.structural].map((x) => x?.minMargin.toFixed(3) ?? '-').join(' '), '|Δ|/bin p50': b.nf4RatioP50.toPrecision(3),
    crossing: b.nf4CrossingShare.toFixed(3), touched: b.touchedShare.toFixed(3), epochs: b.costEpochs.toFixed(2),
  })));
}

main().catch((e: Error) => {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
