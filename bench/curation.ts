// The curation study (issue #22 item 6): `nice -n 10 npx tsx bench/curation.ts` on the shipped handbook corpus
// (public/samples/curation/clinic-handbook.md), writing bench/results/curation.json.
//   gates     one run per generator × seed with every gate judging every first attempt (format, dedup, lexical
//             claims on the cited chunk and by retrieval, the grounding model on the cited chunk / retrieval / no
//             source, the reward gate): per-gate verdict counts, injection recall and precision (overall and per
//             failure mode), and the Jaccard overlap of the rejected sets — the paper's "do grounded judges help"
//             and "are hallucination and reward gates disjoint".
//   recovery  gate set × recovery strategy (none / naive / adaptive with and without its hint line) × generator ×
//             seed: yield, recovery rate, injection recall/precision of the whole pipeline, cost in model calls, and
//             which recovery actions ran and how many of each were accepted.
// Models: the forge's curation generators (curation-gen-s, curation-gen-l) and grounding model when their folders
// exist; otherwise the embedded target generates (and writes no Question/Answer pairs: the figures then show the
// failure counting, not a study) and the grounding gates are left out; the JSON says which ran. The reward gate is
// −refusal − P(unsafe) of models/judge. Generation samples (top-k 5, temperature 0.7) so naive resampling can
// differ; a memo of identical model calls (same prompt, options and seed) is shared by the runs of one generator
// and seed, so first attempts are generated once per cell (model calls are still counted per run: cost is logical).
// One cell's curated dataset is exported (Alpaca/ShareGPT/messages/DPO, rejected.jsonl, manifest, card, checksums)
// to bench/results/curation-dataset/ (CURATION_EXPORT = "generator|gate set|arm|seed").
// Env: CURATION_CHUNKS (default all), CURATION_SEEDS (default 1,2,3), CURATION_RATE (injection, default 0.3),
// CURATION_ATTEMPTS (recovery budget per sample, default 2), CURATION_GENERATORS / CURATION_GROUNDING (model folder
// ids under models/, overriding the defaults above).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execSync } from 'node:child_process';
import type { CausalLM } from '../src/core/lm/causalLm';
import { loadCausalLMFolder } from '../src/core/lm/causalLmNode';
import { defaultRewardRegistry } from '../src/core/experiments/rewards/registry';
import { chunkDocuments } from '../src/core/curation/chunk';
import { causalTextLm, type Generator } from '../src/core/curation/generate';
import { dedupGate } from '../src/core/curation/gates/dedup';
import { formatGate } from '../src/core/curation/gates/format';
import { groundingGate, type Retriever } from '../src/core/curation/gates/grounding';
import { lexicalClaimGate } from '../src/core/curation/gates/lexicalClaims';
import { curationRewardGate } from '../src/core/curation/gates/reward';
import { ingestText } from '../src/core/curation/ingest';
import { injectFailures } from '../src/core/curation/inject';
import { runMetrics, type RunMetrics } from '../src/core/curation/metrics';
import { runPipeline } from '../src/core/curation/pipeline';
import type { RecoveryStrategy } from '../src/core/curation/recovery';
import { bm25Retriever } from '../src/core/curation/retrieval';
import type { Gate } from '../src/core/curation/types';
import { meanOrNull, memoised, modelFolder, round } from './curationShared';
import { fileSha256, modelSha256, writeCurationExport } from '../src/core/curation/exportNode';
import { exportDataset } from '../src/core/curation/export';
import type { PipelineResult } from '../src/core/curation/pipeline';

const ROOT = new URL('..', import.meta.url).pathname;
const CORPUS = join(ROOT, 'public/samples/curation/clinic-handbook.md');
const CHUNKS = Number(process.env.CURATION_CHUNKS ?? Infinity);
const SEEDS = (process.env.CURATION_SEEDS ?? '1,2,3').split(',').map(Number);
const RATE = Number(process.env.CURATION_RATE ?? 0.3);
const ATTEMPTS = Number(process.env.CURATION_ATTEMPTS ?? 2);
/** Recovery arms: the adaptive one with and without the hint line (the forge generators never saw hints). */
const STRATEGIES: { name: string; recovery: RecoveryStrategy; hints?: boolean }[] = [
  { name: 'none', recovery: 'none' }, { name: 'naive', recovery: 'naive' },
  { name: 'adaptive', recovery: 'adaptive', hints: true }, { name: 'adaptive-nohint', recovery: 'adaptive', hints: false },
];
const SAMPLING = { topK: 5, temperature: 0.7, maxNewTokens: 48 };
/** The cell whose dataset is exported to bench/results/curation-dataset/ (generator|gate set|arm|seed). */
const EXPORT_CELL = process.env.CURATION_EXPORT ?? 'curation-gen-s|lexical|adaptive-nohint|1';

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const t0 = performance.now();
  const docs = ingestText('clinic-handbook.md', readFileSync(CORPUS, 'utf8'));
  const chunks = chunkDocuments(docs, { maxChars: 320 }).chunks.filter((c) => /[.!?]/.test(c.text)).slice(0, CHUNKS);
  const retrieve: Retriever = bm25Retriever(chunks);

  const present = (id: string) => existsSync(join(modelFolder(id), 'config.json'));
  const curationGens = ['curation-gen-s', 'curation-gen-l'].filter(present);
  const genIds = process.env.CURATION_GENERATORS?.split(',') ?? (curationGens.length ? curationGens : ['target']);
  const groundingId = process.env.CURATION_GROUNDING ?? (present('curation-grounding') ? 'curation-grounding' : null);
  const loaded: CausalLM[] = [];
  const load = async (id: string) => { const m = await loadCausalLMFolder(modelFolder(id)); loaded.push(m); return m; };
  const judge = await load('judge');
  const grounding = groundingId ? memoised(causalTextLm(await load(groundingId))) : null;
  const models = [...genIds.map((id) => ({ id, role: 'generator' })), ...(groundingId ? [{ id: groundingId, role: 'grounding' }] : []), { id: 'judge', role: 'reward judge' }];
  const modelHashes = await Promise.all(models.map(async (m) => ({ ...m, sha256: await modelSha256(modelFolder(m.id)) })));

  const reward = () => curationRewardGate(defaultRewardRegistry(), { judge });
  const allGates = (): Gate[] => [
    formatGate(), dedupGate(), lexicalClaimGate({ grounding: 'cited-chunk' }), lexicalClaimGate({ grounding: 'retrieval' }),
    ...(grounding ? (['cited-chunk', 'retrieval', 'none'] as const).map((mode) => groundingGate({ lm: grounding, mode, retrieve })) : []),
    reward(),
  ];
  const gateSets: Record<string, () => Gate[]> = {
    lexical: () => [formatGate(), lexicalClaimGate(), reward(), dedupGate()],
    ...(grounding ? {
      grounded: () => [formatGate(), groundingGate({ lm: grounding, mode: 'cited-chunk', retrieve }), reward(), dedupGate()],
      both: () => [formatGate(), lexicalClaimGate(), groundingGate({ lm: grounding, mode: 'cited-chunk', retrieve }), reward(), dedupGate()],
    } : {}),
  };

  const gatesStudy: unknown[] = [];
  let exported: { run: PipelineResult; metrics: RunMetrics; config: Record<string, unknown> } | null = null;
  const recoveryStudy: { generator: string; gates: string; recovery: string; seed: number; metrics: RunMetrics; seconds: number; actions: Record<string, number> }[] = [];
  for (const genId of genIds) {
    const lm = await load(genId);
    for (const seed of SEEDS) {
      const gen: Generator = { lm: memoised(causalTextLm(lm)), ...SAMPLING };
      const base = { generators: [gen], injectionRate: RATE, injector: injectFailures, attemptsPerSample: ATTEMPTS, retrieve, seed };
      let t = performance.now();
      const all = await runPipeline(chunks, { ...base, gates: allGates(), recovery: 'none' });
      const m = runMetrics(all);
      gatesStudy.push({ generator: genId, seed, seconds: round((performance.now() - t) / 1000, 1), samples: m.samples, generated: m.samples - m.statuses['generation-failed'],
        injected: m.injected, gates: m.gates.map((g) => ({ ...g, injectionRecall: round(g.injectionRecall), injectionPrecision: round(g.injectionPrecision),
          recallByMode: Object.fromEntries(Object.entries(g.recallByMode).map(([k, v]) => [k, round(v ?? null)])) })),
        overlap: m.overlap.map((o) => ({ ...o, jaccard: round(o.jaccard) })), cost: m.cost });
      console.log(`gates  ${genId} seed ${seed}: ${m.samples - m.statuses['generation-failed']}/${m.samples} parsed, ${m.injected} injected; `
        + m.gates.map((g) => `${g.gate} R ${round(g.injectionRecall, 2)} P ${round(g.injectionPrecision, 2)}`).join(' | '));
      for (const [setName, gates] of Object.entries(gateSets)) {
        for (const arm of STRATEGIES) {
          const recovery = arm.name;
          t = performance.now();
          const run = await runPipeline(chunks, { ...base, gates: gates(), recovery: arm.recovery, ...(arm.hints !== undefined ? { hints: arm.hints } : {}) });
          const rm = runMetrics(run);
          if (`${genId}|${setName}|${recovery}|${seed}` === EXPORT_CELL) exported = { run, metrics: rm, config: { generator: genId, gates: gates().map((g) => g.name), recovery, hints: arm.hints ?? null, seed, injectionRate: RATE, attemptsPerSample: ATTEMPTS, sampling: SAMPLING } };
          // which recovery actions ran, and how many of each ended accepted
          const actions: Record<string, number> = {};
          for (const tr of run.traces) for (const a of tr.attempts.slice(1)) {
            actions[a.action] = (actions[a.action] ?? 0) + 1;
            if (a.sample && !a.rejectedBy && a.verdicts.length) actions[`${a.action}:accepted`] = (actions[`${a.action}:accepted`] ?? 0) + 1;
          }
          recoveryStudy.push({ generator: genId, gates: setName, recovery, seed, metrics: rm, seconds: round((performance.now() - t) / 1000, 1)!, actions });
          console.log(`recov  ${genId} ${setName} ${recovery} seed ${seed}: yield ${round(rm.yield, 3)} recovery ${round(rm.recoveryRate, 3)} `
            + `any-gate R ${round(rm.anyGate.injectionRecall, 2)} P ${round(rm.anyGate.injectionPrecision, 2)} calls ${rm.cost.calls}`);
        }
      }
    }
  }
  // means over seeds per (generator, gate set, strategy)
  const cells = new Map<string, typeof recoveryStudy>();
  for (const r of recoveryStudy) { const k = `${r.generator}|${r.gates}|${r.recovery}`; cells.set(k, [...(cells.get(k) ?? []), r]); }
  const summary = [...cells.entries()].map(([k, rs]) => {
    const [generator, gates, recovery] = k.split('|');
    return { generator, gates, recovery, seeds: rs.length, yield: meanOrNull(rs.map((r) => r.metrics.yield)), recoveryRate: meanOrNull(rs.map((r) => r.metrics.recoveryRate)),
      injectionRecall: meanOrNull(rs.map((r) => r.metrics.anyGate.injectionRecall)), injectionPrecision: meanOrNull(rs.map((r) => r.metrics.anyGate.injectionPrecision)),
      calls: meanOrNull(rs.map((r) => r.metrics.cost.calls)), callsPerAccepted: meanOrNull(rs.map((r) => r.metrics.cost.perAccepted)) };
  });
  for (const m of loaded) await m.dispose();

  const out = {
    bench: 'curation', version: 1, date: new Date().toISOString(),
    git: execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim(),
    machine: { cpus: cpus().length, loadavgBefore: loadBefore.map((x) => round(x, 2)), loadavgAfter: loadavg().map((x) => round(x, 2)) },
    conditions: { corpus: { file: 'public/samples/curation/clinic-handbook.md', sha256: await fileSha256(CORPUS), chunks: chunks.length, maxChars: 320 },
      seeds: SEEDS, injectionRate: RATE, attemptsPerSample: ATTEMPTS, sampling: SAMPLING, strategies: STRATEGIES.map((a) => a.name), gateSets: Object.keys(gateSets),
      models: modelHashes, generators: genIds, groundingModel: groundingId,
      note: genIds.every((id) => id.startsWith('curation-')) ? 'forge curation generators' : `generators ${genIds.join(', ')} (not trained for the generator format: parse failures expected)` },
    seconds: round((performance.now() - t0) / 1000, 1),
    gatesStudy, summary,
    runs: recoveryStudy.map((r) => ({ generator: r.generator, gates: r.gates, recovery: r.recovery, seed: r.seed, seconds: r.seconds,
      yield: round(r.metrics.yield), recoveryRate: round(r.metrics.recoveryRate), statuses: r.metrics.statuses, injected: r.metrics.injected,
      anyGate: { injectionRecall: round(r.metrics.anyGate.injectionRecall), injectionPrecision: round(r.metrics.anyGate.injectionPrecision) }, cost: r.metrics.cost,
      actions: r.actions })),
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  if (exported) {
    const files = exportDataset({ ...exported, name: `handbook QA (${EXPORT_CELL})`, models: modelHashes.filter((m) => m.role !== 'generator' || m.id === exported!.config.generator),
      data: [{ id: 'clinic-handbook.md', sha256: out.conditions.corpus.sha256 }] });
    await writeCurationExport(join(ROOT, 'bench/results/curation-dataset'), files);
    console.log(`exported ${EXPORT_CELL} to bench/results/curation-dataset/ (${exported.metrics.statuses.accepted} accepted)`);
  }
  writeFileSync(join(ROOT, 'bench/results/curation.json'), JSON.stringify(out, null, 2) + '\n');
  console.table(summary);
  console.log(`wrote bench/results/curation.json in ${out.seconds} s (load ${out.machine.loadavgBefore.join(' ')} → ${out.machine.loadavgAfter.join(' ')})`);
}

await main();
