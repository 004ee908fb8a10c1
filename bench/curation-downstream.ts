// The downstream effect of each curation configuration (issue #22 item 7): `nice -n 10 npx tsx bench/curation-downstream.ts`
// → bench/results/curation-downstream.json. For each generator (curation-gen-s, curation-gen-l) × seed, the pipeline
// curates the shipped handbook (public/samples/curation/clinic-handbook.md) under each configuration:
//   raw        no injection, no gates: every parsed generation (the un-curated data)
//   lexical    injection at CURATION_RATE, then format + lexical claims (cited chunk) + reward + dedup, × recovery none / naive / adaptive
//   grounded   injection at CURATION_RATE, then format + grounding model (cited chunk) + reward + dedup, × recovery none / naive / adaptive
// (adaptive without its hint line: the better adaptive arm of bench/curation.ts with these generators). The
// accepted samples go through the real export (export.ts → alpaca.jsonl), are read back by the trainer's own reader
// (train/data.ts) and SFT the base model (default curation-gen-s, the smallest LM of the project: d64 × 2 layers,
// 16 steps/s in Node) with the experiments trainer, same steps for every dataset. The tuned model then answers the
// hand-written held-out QA suite data/curation/handbook-qa-heldout.jsonl (52 questions, written apart from the
// generator prompts, never used for tuning) greedily, scored by src/core/curation/downstream.ts: normalised exact
// match, reference contained in the reply, numeric correctness, and the rate of replies stating a number the
// handbook never states. The un-tuned base and SFT on the model-free extractive baseline (each chunk's first
// sentence: faithful by construction) are the reference rows; each run also asks the tuned model its first 26
// training questions (does SFT take at all, as phrased).
// Env: CURATION_SEEDS (default 1,2), CURATION_RATE (0.3), CURATION_ATTEMPTS (2), DOWNSTREAM_BASE (curation-gen-s),
// DOWNSTREAM_STEPS (80), DOWNSTREAM_LR (3e-3, the forge's rate for these models), DOWNSTREAM_BATCH (8), CURATION_GENERATORS.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execSync } from 'node:child_process';
import { initEngine, release, type ArrRecord } from '../src/core/lab';
import type { CausalLM } from '../src/core/lm/causalLm';
import { loadCausalLMFolder } from '../src/core/lm/causalLmNode';
import { defaultRewardRegistry } from '../src/core/experiments/rewards/registry';
import { readJsonRows } from '../src/core/experiments/train/data';
import { greedyReplies } from '../src/core/experiments/train/evalHooks';
import { loadTrainModelFolder } from '../src/core/experiments/train/node';
import { parseTrainSpec } from '../src/core/experiments/train/spec';
import { encodeRows, runTraining, type TrainModel } from '../src/core/experiments/train/trainer';
import { chunkDocuments } from '../src/core/curation/chunk';
import { datasetFabricatedNumbers, parseQaSuite, scoreAnswer, sourceNumberValues, summariseScores, type QaItem, type QaSummary } from '../src/core/curation/downstream';
import { exportDataset } from '../src/core/curation/export';
import { fileSha256, modelSha256 } from '../src/core/curation/exportNode';
import { causalTextLm, type Generator } from '../src/core/curation/generate';
import { dedupGate } from '../src/core/curation/gates/dedup';
import { formatGate } from '../src/core/curation/gates/format';
import { groundingGate } from '../src/core/curation/gates/grounding';
import { lexicalClaimGate } from '../src/core/curation/gates/lexicalClaims';
import { curationRewardGate } from '../src/core/curation/gates/reward';
import { extractiveSamples } from '../src/core/curation/extractive';
import { ingestText } from '../src/core/curation/ingest';
import { injectFailures } from '../src/core/curation/inject';
import { runMetrics } from '../src/core/curation/metrics';
import { runPipeline, type PipelineConfig } from '../src/core/curation/pipeline';
import { bm25Retriever } from '../src/core/curation/retrieval';
import type { Gate } from '../src/core/curation/types';
import { meanOrNull, memoised, modelFolder, round } from './curationShared';

const ROOT = new URL('..', import.meta.url).pathname;
const CORPUS = join(ROOT, 'public/samples/curation/clinic-handbook.md');
const SUITE = join(ROOT, 'data/curation/handbook-qa-heldout.jsonl');
const SEEDS = (process.env.CURATION_SEEDS ?? '1,2').split(',').map(Number);
const RATE = Number(process.env.CURATION_RATE ?? 0.3);
const ATTEMPTS = Number(process.env.CURATION_ATTEMPTS ?? 2);
const GENERATORS = (process.env.CURATION_GENERATORS ?? 'curation-gen-s,curation-gen-l').split(',');
const BASE = process.env.DOWNSTREAM_BASE ?? 'curation-gen-s';
const TRAIN = { steps: Number(process.env.DOWNSTREAM_STEPS ?? 80), batchSize: Number(process.env.DOWNSTREAM_BATCH ?? 8), lr: Number(process.env.DOWNSTREAM_LR ?? 3e-3), warmupSteps: 10 };
const SAMPLING = { topK: 5, temperature: 0.7, maxNewTokens: 48 };
const DECODE = { maxNewTokens: 16, batch: 52 };

/** The QA suite answered greedily by `params` (the base's own when training did not run). */
function evaluate(model: TrainModel, params: ArrRecord, items: readonly QaItem[], sourceValues: ReadonlySet<number>) {
  const { replies } = greedyReplies(model, params, items.map((q) => ({ id: q.id, prompt: q.prompt, harmful: false })), DECODE);
  const scores = items.map((q, i) => scoreAnswer(q, replies[i] ?? '', sourceValues));
  return { summary: summariseScores(scores), scores };
}

/**
 * Whether SFT took at all: the tuned model asked the first TRAIN_RECALL questions it was trained on, scored by
 * whether its reply contains the trained answer (normalised). Held-out accuracy near 0 with recall well above it
 * means the facts were memorised as phrased, not learned as facts.
 */
const TRAIN_RECALL = 26;
function trainRecall(model: TrainModel, params: ArrRecord, rows: readonly { instruction: string; output: string }[], sourceValues: ReadonlySet<number>) {
  const items = rows.slice(0, TRAIN_RECALL).map((r, i) => ({ id: `train-${i}`, prompt: r.instruction, answer: r.output }));
  const { contains, f1 } = evaluate(model, params, items, sourceValues).summary;
  return { ...contains, f1 };
}

const rateOut = (s: QaSummary) => Object.fromEntries(Object.entries(s).map(([k, r]) => [k, typeof r === 'number' || r === null ? round(r) : { k: r.k, n: r.n, rate: round(r.rate) }]));

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const t0 = performance.now();
  await initEngine();
  const corpusText = readFileSync(CORPUS, 'utf8');
  const sourceValues = sourceNumberValues(corpusText);
  const corpusSha = await fileSha256(CORPUS);
  const items = parseQaSuite('handbook-qa-heldout.jsonl', readFileSync(SUITE, 'utf8'));
  const chunks = chunkDocuments(ingestText('clinic-handbook.md', corpusText), { maxChars: 320 }).chunks.filter((c) => /[.!?]/.test(c.text));
  const retrieve = bm25Retriever(chunks);

  const loaded: CausalLM[] = [];
  const load = async (id: string) => { const m = await loadCausalLMFolder(modelFolder(id)); loaded.push(m); return m; };
  const judge = await load('judge');
  const grounding = memoised(causalTextLm(await load('curation-grounding')));
  const reward = () => curationRewardGate(defaultRewardRegistry(), { judge });
  const gateSets: Record<string, () => Gate[]> = {
    lexical: () => [formatGate(), lexicalClaimGate(), reward(), dedupGate()],
    grounded: () => [formatGate(), groundingGate({ lm: grounding, mode: 'cited-chunk', retrieve }), reward(), dedupGate()],
  };
  const configs: { name: string; gates: string | null; recovery: PipelineConfig['recovery']; injection: boolean; extractive?: boolean }[] = [
    { name: 'raw', gates: null, recovery: 'none', injection: false },
    ...['lexical', 'grounded'].flatMap((g) => (['none', 'naive', 'adaptive'] as const).map((recovery) => ({ name: `${g}/${recovery}`, gates: g, recovery, injection: true }))),
  ];
  // the reference dataset: the model-free extractive baseline (each chunk's first sentence, exact span), faithful by construction
  const extractive = { name: 'extractive', gates: null, recovery: 'none' as const, injection: false, extractive: true };

  const base = await loadTrainModelFolder(modelFolder(BASE));
  const spec = parseTrainSpec({ method: 'sft', model: modelFolder(BASE), data: 'alpaca.jsonl', out: 'unused (no checkpoint sink)', ...TRAIN });
  const baseEval = evaluate(base, base.params, items, sourceValues);
  console.log(`base ${BASE}: exact ${baseEval.summary.exact.k}/${items.length} numeric ${baseEval.summary.numericCorrect.k}/${baseEval.summary.numericCorrect.n} fabricated ${baseEval.summary.fabricatedNumber.k}`);

  const runs: Record<string, unknown>[] = [];
  for (const genId of ['extractive', ...GENERATORS]) {
    const lm = genId === 'extractive' ? null : await load(genId);
    for (const seed of SEEDS) {
      const gen: Generator | null = lm ? { lm: memoised(causalTextLm(lm)), ...SAMPLING } : null;
      for (const c of gen ? configs : [extractive]) {
        const t = performance.now();
        const run = await runPipeline(chunks, {
          generators: gen ? [gen] : [], gates: c.gates ? gateSets[c.gates]() : [], recovery: c.recovery, hints: false, attemptsPerSample: ATTEMPTS, retrieve, seed,
          ...(c.injection ? { injectionRate: RATE, injector: injectFailures } : {}),
        }, gen ? {} : { extra: extractiveSamples(chunks) });
        const metrics = runMetrics(run);
        const files = exportDataset({ run, metrics, config: { generator: genId, config: c.name, seed }, models: [], data: [{ id: 'clinic-handbook.md', sha256: corpusSha }], name: `handbook QA (${genId} ${c.name} seed ${seed})` });
        const alpaca = files.find((f) => f.path === 'alpaca.jsonl')!.text;
        // no accepted sample → an empty file, which the trainer's reader refuses (empty-data): the base is scored instead
        const rows = alpaca.trim() === '' ? [] : readJsonRows(alpaca, 'alpaca.jsonl');
        const trainRows = rows.map((r) => r.row as { instruction: string; output: string });
        const pipelineSeconds = (performance.now() - t) / 1000;
        let result;
        let train: Record<string, unknown>;
        if (rows.length === 0) {
          result = baseEval;
          train = { skipped: 'no accepted samples: the base is scored' };
        } else {
          const data = encodeRows(base, spec, rows, 'alpaca.jsonl');
          const r = await runTraining(base, data, { ...spec, seed });
          result = evaluate(base, r.params, items, sourceValues);
          const recall = trainRecall(base, r.params, trainRows, sourceValues);
          train = { recall: { k: recall.k, n: recall.n, rate: round(recall.rate), f1: round(recall.f1) }, firstLoss: round(r.logs[0].loss), lastLoss: round(r.logs.at(-1)!.loss), stepsPerSecond: round(r.throughput?.stepsPerSecond ?? null, 1), dataSha256: data.sha256 };
          release(r.params);
        }
        const s = result.summary;
        runs.push({ generator: genId, seed, config: c.name, gates: c.gates ? gateSets[c.gates]().map((g) => g.name) : [], recovery: c.recovery, injection: c.injection ? RATE : 0,
          accepted: metrics.statuses.accepted, yield: round(metrics.yield), calls: metrics.cost.calls, injected: metrics.injected,
          datasetFabricated: datasetFabricatedNumbers(trainRows, sourceValues), train, qa: rateOut(s),
          seconds: round((performance.now() - t) / 1000, 1), pipelineSeconds: round(pipelineSeconds, 1), examples: result.scores.slice(0, 4).map((x) => ({ id: x.id, reply: x.reply })) });
        console.log(`${genId} seed ${seed} ${c.name.padEnd(17)} rows ${String(rows.length).padStart(3)} (data fabricated ${datasetFabricatedNumbers(trainRows, sourceValues).k}) → exact ${s.exact.k} contains ${s.contains.k} F1 ${round(s.f1, 2)} numeric ${s.numericCorrect.k}/${s.numericCorrect.n} fabricated ${s.fabricatedNumber.k}/${s.fabricatedNumber.n} train recall ${(train.recall as { k: number } | undefined)?.k ?? '-'} F1 ${(train.recall as { f1: number } | undefined)?.f1 ?? '-'} (${round((performance.now() - t) / 1000, 1)} s)`);
      }
    }
  }
  const baseAfter = evaluate(base, base.params, items, sourceValues);
  const baseUnchanged = baseAfter.scores.every((x, i) => x.reply === baseEval.scores[i].reply);

  // means over seeds per generator × configuration
  type Run = { generator: string; config: string; accepted: number; datasetFabricated: { rate: number | null }; qa: Record<string, { rate: number | null }> & { f1: number | null }; train: { recall?: { rate: number | null; f1: number | null } } };
  const summary = [['extractive', extractive] as const, ...GENERATORS.flatMap((g) => configs.map((c) => [g, c] as const))].map(([g, c]) => {
    const rs = (runs as Run[]).filter((r) => r.generator === g && r.config === c.name);
    return { generator: g, config: c.name, seeds: rs.length, accepted: meanOrNull(rs.map((r) => r.accepted)), datasetFabricated: meanOrNull(rs.map((r) => r.datasetFabricated.rate)),
      exact: meanOrNull(rs.map((r) => r.qa.exact.rate)), f1: meanOrNull(rs.map((r) => r.qa.f1)), contains: meanOrNull(rs.map((r) => r.qa.contains.rate)), numericCorrect: meanOrNull(rs.map((r) => r.qa.numericCorrect.rate)),
      fabricatedNumber: meanOrNull(rs.map((r) => r.qa.fabricatedNumber.rate)), withNumber: meanOrNull(rs.map((r) => r.qa.withNumber.rate)),
      trainRecall: meanOrNull(rs.map((r) => r.train.recall?.rate ?? null)), trainF1: meanOrNull(rs.map((r) => r.train.recall?.f1 ?? null)) };
  });
  const models = await Promise.all([BASE, ...GENERATORS, 'curation-grounding', 'judge'].map(async (id) => ({ id, sha256: await modelSha256(modelFolder(id)) })));
  for (const m of loaded) await m.dispose();
  const out = {
    bench: 'curation-downstream', version: 1, date: new Date().toISOString(),
    git: execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim(),
    machine: { cpus: cpus().length, loadavgBefore: loadBefore.map((x) => round(x, 2)), loadavgAfter: loadavg().map((x) => round(x, 2)) },
    conditions: {
      corpus: { file: 'public/samples/curation/clinic-handbook.md', sha256: corpusSha, chunks: chunks.length },
      suite: { file: 'data/curation/handbook-qa-heldout.jsonl', sha256: await fileSha256(SUITE), items: items.length },
      seeds: SEEDS, injectionRate: RATE, attemptsPerSample: ATTEMPTS, sampling: SAMPLING, adaptiveHints: false,
      base: BASE, train: { method: 'sft', ...TRAIN, template: spec.template, completionOnly: spec.completionOnly, data: 'the export\'s alpaca.jsonl' }, decode: { ...DECODE, greedy: true },
      models, configs: ['extractive (reference, no model)', ...configs.map((c) => c.name)], trainRecallItems: TRAIN_RECALL,
    },
    seconds: round((performance.now() - t0) / 1000, 1),
    base: { qa: rateOut(baseEval.summary), unchangedAfterRuns: baseUnchanged, examples: baseEval.scores.slice(0, 4).map((x) => ({ id: x.id, reply: x.reply })) },
    summary, runs,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/curation-downstream.json'), JSON.stringify(out, null, 2) + '\n');
  console.table(summary);
  console.log(`base unchanged after the runs: ${baseUnchanged}; wrote bench/results/curation-downstream.json in ${out.seconds} s (load ${out.machine.loadavgBefore.join(' ')} → ${out.machine.loadavgAfter.join(' ')})`);
}

await main();
