// Training-time vs decoding-time safety in one harness (`nice -n 10 npx tsx bench/dpo-vs-alignbeam.ts`, issue #21
// item 5). The target is DPO-trained in Node with the experiments trainer (full fine-tuning) on pairs from the forge
// corpus's TRAIN split only (safetyPairs.ts: refusal over compliance on harmful prompts, the helpful answer over a
// refusal on task / edgy / chat prompts, 1 : 1), then measured with bench/alignbeam-ablations.ts's suites, limit,
// detectors and settings (bench/alignbeamSuites.ts, evaluateMethods): target-only before and after DPO (the
// checkpoint folder loaded through the ORT CausalLM the app uses), ALIGNBEAM at its default settings (cross pair) with
// the original target and with the DPO'd one. The training budget is fixed before any evaluation (TRAINING below);
// DPO accuracy on a validation slice of the training pairs (never trained on) is reported, not used to stop.
// Contamination: every evaluated prompt is checked against the training prompts (exact after normalisation, and
// near duplicates by word 5-grams). Decoding cost: tokens/s of generation per arm, measured in the same run.
// Env: DPO_MODELS=v4 (default; v3 = models/target on corpus v3, or v4,v3), ALIGNBEAM_ABLATION_LIMIT (items per
// suite, default 40 as the ablations), ALIGNBEAM_GROUPS (default generated,hand-written,external), DPO_STEPS (a smoke
// run only: the reported figures use the fixed 200), DPO_OUT (checkpoint folder, default a temp folder).
// Writes bench/results/dpo-vs-alignbeam.json. `… dpo-vs-alignbeam.ts preference` recomputes the validation-pair
// diagnostic (preference below) for the checkpoints that file records, without training or evaluating again;
// `… sft-first` adds SFT → DPO (the usual order) on the same pairs and rule, target-only (sftFirstOnRecordedRun).
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCausalLMFolder } from '../src/core/lm/causalLmNode';
import { evaluateMethods } from '../src/core/alignbeam/evaluate';
import { AlignbeamPair } from '../src/core/alignbeam/pair';
import { DEFAULT_ALIGNBEAM_SETTINGS, type EvalResult } from '../src/core/alignbeam/types';
import { fromF32, fromI32, initEngine, keep, release, takeF32, type ArrRecord } from '../src/core/lab';
import { maskedBatch } from '../src/core/experiments/train/batches';
import { checkpointFolderName, loadTrainModelFolder, trainFromSpec } from '../src/core/experiments/train/node';
import { sequenceLogp } from '../src/core/experiments/train/objectives';
import { buildSafetyPairs, promptOverlap, type SafetyPair } from '../src/core/experiments/train/safetyPairs';
import { parseTrainSpec, type TrainSpec } from '../src/core/experiments/train/spec';
import { encodeRows, type TrainModel } from '../src/core/experiments/train/trainer';
import { corpusFor } from '../models/forge/train/data';
import { suiteGroups, summary } from './alignbeamSuites';

const ROOT = new URL('..', import.meta.url).pathname;
const RESULTS = join(ROOT, 'bench/results');
const LIMIT = Number(process.env.ALIGNBEAM_ABLATION_LIMIT ?? 40);
const GROUPS = (process.env.ALIGNBEAM_GROUPS ?? 'generated,hand-written,external').split(',');
const SETS = (process.env.DPO_MODELS ?? 'v4').split(',') as Array<'v3' | 'v4'>;
const OUT = process.env.DPO_OUT ?? join(tmpdir(), 'dpo-vs-alignbeam');
const uptime = () => execSync('uptime').toString().trim();

/**
 * The training rule, fixed before any evaluation: 512 harmful + 512 benign pairs (10 % held back for validation),
 * full fine-tuning (LoRA is slower per step at this width: README's Training section), 200 steps of batch 8
 * (~1.7 epochs), lr 5e-4 (1/8 of the target's pretraining peak 4e-3) with 20 warmup steps and cosine decay, TRL's
 * β 0.1, no label smoothing, seed 0.
 */
const TRAINING = { harmfulPairs: 512, validationShare: 0.1, pairSeed: 0, steps: 200, batchSize: 8, lr: 5e-4, warmupSteps: 20, beta: 0.1, seed: 0 };
const STEPS = Number(process.env.DPO_STEPS ?? TRAINING.steps);

const SET_MODELS = {
  v4: { target: 'target-v4', anchor: 'anchor-v4', judge: 'judge-v4' },
  v3: { target: 'target', anchor: 'anchor', judge: 'judge' },
} as const;

/**
 * On the validation pairs, per kind: DPO accuracy (the implicit reward β·(Δ log π − Δ log πref) ranks chosen first,
 * what DPO optimises) and the absolute preference log π(chosen) > log π(rejected) of the base and of the trained
 * model (what greedy decoding needs, roughly), with the mean per-sequence log-probs.
 */
function preference(base: TrainModel, trainedParams: ArrRecord, spec: Pick<TrainSpec, 'method' | 'template' | 'completionOnly' | 'beta'>, pairs: readonly SafetyPair[]) {
  const data = encodeRows(base, spec, pairs.map((p, i) => ({ line: i + 1, row: { prompt: p.prompt, chosen: p.chosen, rejected: p.rejected } })), 'validation');
  const pad = base.tokenizer.padId ?? base.tokenizer.eosId ?? 0;
  const logp = (params: ArrRecord, seqs: typeof data.dpo[number]['chosen'][]): Float32Array => {
    const T = Math.min(Math.max(...seqs.map((s) => s.tokens.length)), base.maxPositions + 1) - 1;
    const b = maskedBatch(seqs, T, pad);
    const logits = base.forward(keep(params), fromI32(b.tokens, [b.B, b.T])).logits;
    return takeF32(sequenceLogp(logits, fromI32(b.targets, [b.B, b.T]), fromF32(b.mask, [b.B, b.T])));
  };
  type Tally = { n: number; dpoRight: number; margin: number; baseAbs: number; trainedAbs: number; base: [number, number]; trained: [number, number] };
  const byKind: Record<string, Tally> = {};
  for (let i = 0; i < data.dpo.length; i += 16) {
    const chunk = data.dpo.slice(i, i + 16);
    const [pc, pr, rc, rr] = [logp(trainedParams, chunk.map((d) => d.chosen)), logp(trainedParams, chunk.map((d) => d.rejected)),
      logp(base.params, chunk.map((d) => d.chosen)), logp(base.params, chunk.map((d) => d.rejected))];
    chunk.forEach((_, j) => {
      const z = spec.beta * ((pc[j] - rc[j]) - (pr[j] - rr[j]));
      const e = (byKind[pairs[i + j].kind] ??= { n: 0, dpoRight: 0, margin: 0, baseAbs: 0, trainedAbs: 0, base: [0, 0], trained: [0, 0] });
      e.n++;
      e.dpoRight += z > 0 ? 1 : 0;
      e.margin += z;
      e.baseAbs += rc[j] > rr[j] ? 1 : 0;
      e.trainedAbs += pc[j] > pr[j] ? 1 : 0;
      e.base = [e.base[0] + rc[j], e.base[1] + rr[j]];
      e.trained = [e.trained[0] + pc[j], e.trained[1] + pr[j]];
    });
  }
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const fmt = (e: Tally) => ({
    dpoAccuracy: `${e.dpoRight}/${e.n}`, meanMargin: Math.round((e.margin / e.n) * 1000) / 1000,
    chosenAboveRejected: { base: `${e.baseAbs}/${e.n}`, trained: `${e.trainedAbs}/${e.n}` },
    meanLogp: { base: { chosen: r1(e.base[0] / e.n), rejected: r1(e.base[1] / e.n) }, trained: { chosen: r1(e.trained[0] / e.n), rejected: r1(e.trained[1] / e.n) } },
  });
  const all = Object.values(byKind).reduce((a, e) => ({
    n: a.n + e.n, dpoRight: a.dpoRight + e.dpoRight, margin: a.margin + e.margin, baseAbs: a.baseAbs + e.baseAbs, trainedAbs: a.trainedAbs + e.trainedAbs,
    base: [a.base[0] + e.base[0], a.base[1] + e.base[1]] as [number, number], trained: [a.trained[0] + e.trained[0], a.trained[1] + e.trained[1]] as [number, number],
  }), { n: 0, dpoRight: 0, margin: 0, baseAbs: 0, trainedAbs: 0, base: [0, 0] as [number, number], trained: [0, 0] as [number, number] });
  return { pairs: data.dpo.length, all: fmt(all), byKind: Object.fromEntries(Object.entries(byKind).map(([k, e]) => [k, fmt(e)])) };
}

/** Rates as k/n beside the percentages, plus generation speed. */
function figures(r: EvalResult) {
  const items = r.items;
  const harmful = items.filter((i) => i.harmful);
  const safe = items.filter((i) => !i.harmful);
  const tasks = items.filter((i) => i.correct !== null);
  return {
    ...summary(r.metrics),
    refusedHarmful: `${harmful.filter((i) => i.refused).length}/${harmful.length}`,
    overRefusedSafe: `${safe.filter((i) => i.refused).length}/${safe.length}`,
    tasksCorrect: `${tasks.filter((i) => i.correct).length}/${tasks.length}`,
    tokensPerSecond: Math.round(r.metrics.tokensPerSecond * 10) / 10,
  };
}

/** The same items across the arms: the trained arm's failures first (harmful not refused, safe refused, tasks it broke). */
function failureSamples(arms: Record<string, EvalResult>, afterArm = 'target-only after DPO', perKind = 3) {
  const key = (i: { suite: string; id: string }) => `${i.suite}/${i.id}`;
  const before = new Map(arms['target-only'].items.map((i) => [key(i), i]));
  const after = arms[afterArm].items;
  const pick = new Map<string, string>();
  const add = (why: string, xs: typeof after) => xs.slice(0, perKind).forEach((i) => pick.has(key(i)) || pick.set(key(i), why));
  add(`harmful, not refused by ${afterArm}`, after.filter((i) => i.harmful && !i.refused));
  add(`safe, refused by ${afterArm} (over-refusal)`, after.filter((i) => !i.harmful && i.refused));
  add(`task right by target-only, wrong by ${afterArm}`, after.filter((i) => i.correct === false && before.get(key(i))?.correct === true));
  add(`harmful, refused by ${afterArm}`, after.filter((i) => i.harmful && i.refused));
  add(`task right by ${afterArm}`, after.filter((i) => i.correct === true));
  return [...pick].map(([k, why]) => ({
    item: k, why, prompt: before.get(k)?.prompt ?? after.find((i) => key(i) === k)?.prompt,
    arms: Object.fromEntries(Object.entries(arms).map(([arm, r]) => {
      const i = r.items.find((x) => key(x) === k);
      return [arm, i ? { response: i.response, refused: i.refused, correct: i.correct } : null];
    })),
  }));
}

/** The set's training and validation pairs: single-turn records of the corpus's train split only. */
function safetyPairsOf(set: 'v3' | 'v4') {
  const records = corpusFor(set).examples.filter((e) => e.split === 'train' && !(e as { history?: unknown }).history);
  return buildSafetyPairs(records, { harmful: TRAINING.harmfulPairs, validationShare: TRAINING.validationShare, seed: TRAINING.pairSeed });
}

async function runSet(set: 'v3' | 'v4') {
  const names = SET_MODELS[set];
  const pairs = safetyPairsOf(set);
  const groups = suiteGroups(set, GROUPS, LIMIT);
  const evalPrompts = groups.flatMap((g) => g.suites.flatMap((s) => s.items.map((i) => i.prompt)));
  const trainPrompts = pairs.train.map((p) => p.prompt);
  const overlap = {
    all: promptOverlap(trainPrompts, evalPrompts),
    byGroup: Object.fromEntries(groups.map((g) => [g.group, (({ exact, near, evalItems }) => ({ exact, near, evalItems }))(promptOverlap(trainPrompts, g.suites.flatMap((s) => s.items.map((i) => i.prompt))))])),
  };
  console.log(`[${set}] pairs: train ${pairs.train.length}, validation ${pairs.validation.length}; eval prompts in training: exact ${overlap.all.exact}/${overlap.all.evalItems}, near ${overlap.all.near}`);

  const dir = join(OUT, names.target);
  mkdirSync(dir, { recursive: true });
  const data = join(dir, 'pairs.jsonl');
  writeFileSync(data, pairs.train.map((p) => JSON.stringify({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected })).join('\n') + '\n');
  const spec = parseTrainSpec({
    method: 'dpo', model: join(ROOT, 'models', names.target), data, out: join(dir, 'run'), steps: STEPS, batchSize: TRAINING.batchSize,
    lr: TRAINING.lr, warmupSteps: TRAINING.warmupSteps, beta: TRAINING.beta, seed: TRAINING.seed,
  });
  const tTrain = performance.now();
  const trained = await trainFromSpec(spec, {
    onProgress: (p) => {
      if (p.kind === 'prepare') console.log(`[${set}] ${p.message}`);
      if (p.kind === 'step' && (p.step % 20 === 0 || p.step === 1)) console.log(`[${set}] step ${p.step}/${p.total} loss ${p.log.loss.toFixed(4)} margin ${p.log.margin!.toFixed(3)} acc ${p.log.accuracy!.toFixed(2)}`);
    },
  });
  const trainSeconds = Math.round((performance.now() - tTrain) / 100) / 10;
  const validation = preference(trained.model, trained.params, spec, pairs.validation);
  console.log(`[${set}] trained in ${trainSeconds} s; validation DPO accuracy ${validation.all.dpoAccuracy}, margin ${validation.all.meanMargin}`);
  release(trained.params);
  const logs = trained.logs;
  const checkpoint = join(spec.out, checkpointFolderName(trained.step));

  const [target, anchor, judge, dpoTarget] = await Promise.all([
    ...[names.target, names.anchor, names.judge].map((m) => loadCausalLMFolder(join(ROOT, 'models', m))), loadCausalLMFolder(checkpoint)]);
  const original = new AlignbeamPair({ target, anchor, judge });
  const tuned = new AlignbeamPair({ target: dpoTarget, anchor, judge }, { target: `${names.target} + DPO`, anchor: anchor.id, judge: judge.id });
  const out = [];
  for (const { group, suites, files } of groups) {
    console.log(`\n[${set}] == ${group}: ${suites.map((s) => `${s.name} ${s.items.length}`).join(', ')}`);
    const [base, beam] = await evaluateMethods(original, ['target-only', 'alignbeam'], suites, LIMIT, DEFAULT_ALIGNBEAM_SETTINGS);
    const [dpoBase, dpoBeam] = await evaluateMethods(tuned, ['target-only', 'alignbeam'], suites, LIMIT, DEFAULT_ALIGNBEAM_SETTINGS);
    const arms: Record<string, EvalResult> = { 'target-only': base, 'target-only after DPO': dpoBase, 'ALIGNBEAM (default)': beam, 'ALIGNBEAM (default) on the DPO target': dpoBeam };
    for (const [arm, r] of Object.entries(arms)) console.log(`${arm.padEnd(40)} ${JSON.stringify(figures(r))}`);
    out.push({
      group, suites: suites.map((s) => ({ name: s.name, items: s.items.length })), files,
      arms: Object.fromEntries(Object.entries(arms).map(([arm, r]) => [arm, { all: figures(r), bySuite: Object.fromEntries(Object.entries(r.bySuite).map(([k, m]) => [k, summary(m)])), skippedItems: r.skippedItems }])),
      samples: failureSamples(arms),
    });
  }
  for (const lm of [target, anchor, judge, dpoTarget]) await lm.dispose();
  return {
    set, models: { ...names, dpoCheckpoint: checkpoint },
    pairs: { available: pairs.available, train: pairs.train.length, validation: pairs.validation.length, byKind: Object.fromEntries(['harmful', 'task', 'edgy', 'chat'].map((k) => [k, pairs.train.filter((p) => p.kind === k).length])), examples: pairs.train.slice(0, 4) },
    overlap,
    training: { spec: { ...spec, data: 'pairs.jsonl (built above)', model: names.target, out: undefined }, seconds: trainSeconds, throughput: trained.throughput, truncated: trained.data.truncated, sequenceLength: trained.sequenceLength,
      first: logs[0], last: logs[logs.length - 1], every20: logs.filter((l) => l.step % 20 === 0), validation },
    groups: out,
  };
}

/** `preference` mode: the validation-pair diagnostic again for the checkpoints a finished run recorded (same pairs). */
async function preferenceOfRecordedRun(): Promise<void> {
  await initEngine();
  const file = join(RESULTS, 'dpo-vs-alignbeam.json');
  const report = JSON.parse(readFileSync(file, 'utf8')) as { sets: Array<{ set: 'v3' | 'v4'; models: { target: string; dpoCheckpoint: string }; training: { validation: unknown } }> };
  for (const s of report.sets) {
    const [base, tuned] = await Promise.all([loadTrainModelFolder(join(ROOT, 'models', s.models.target)), loadTrainModelFolder(s.models.dpoCheckpoint)]);
    s.training.validation = preference(base, tuned.params, { method: 'dpo', template: 'auto', completionOnly: true, beta: TRAINING.beta }, safetyPairsOf(s.set).validation);
    console.log(s.set, JSON.stringify(s.training.validation));
  }
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

/** Fixed-rule training of one stage; returns the checkpoint folder, the step logs' ends, timing and (DPO) the diagnostic. */
async function trainStage(set: string, spec: TrainSpec, validation: readonly SafetyPair[]) {
  const t0 = performance.now();
  const r = await trainFromSpec(spec, {
    onProgress: (p) => {
      if (p.kind === 'prepare') console.log(`[${set} ${spec.method}] ${p.message}`);
      if (p.kind === 'step' && (p.step % 20 === 0 || p.step === 1)) console.log(`[${set} ${spec.method}] step ${p.step}/${p.total} loss ${p.log.loss.toFixed(4)}`);
    },
  });
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  const diagnostic = spec.method === 'dpo' ? preference(r.model, r.params, spec, validation) : null;
  release(r.params);
  return { checkpoint: join(spec.out, checkpointFolderName(r.step)), seconds, throughput: r.throughput, first: r.logs[0], last: r.logs[r.logs.length - 1], validation: diagnostic };
}

/**
 * `sft-first` mode, the usual pipeline's order (SFT on the preferred replies, then DPO with the SFT model as policy
 * and reference), same pairs and the same fixed rule per stage, target-only measured on the same suites; added to
 * the recorded run's sets as `sftFirst`. It answers whether training-time safety fails at this size or only DPO
 * from a reference that never refuses.
 */
async function sftFirstOnRecordedRun(): Promise<void> {
  await initEngine();
  const file = join(RESULTS, 'dpo-vs-alignbeam.json');
  const report = JSON.parse(readFileSync(file, 'utf8')) as { sets: Array<{ set: 'v3' | 'v4'; sftFirst?: unknown }> };
  for (const s of report.sets.filter((x) => SETS.includes(x.set))) {
    const names = SET_MODELS[s.set];
    const pairs = safetyPairsOf(s.set);
    const dir = join(OUT, names.target, 'sft-first');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'sft.jsonl'), pairs.train.map((p) => JSON.stringify({ prompt: p.prompt, completion: p.chosen })).join('\n') + '\n');
    writeFileSync(join(dir, 'pairs.jsonl'), pairs.train.map((p) => JSON.stringify({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected })).join('\n') + '\n');
    const rule = { steps: STEPS, batchSize: TRAINING.batchSize, lr: TRAINING.lr, warmupSteps: TRAINING.warmupSteps, seed: TRAINING.seed };
    const sft = await trainStage(s.set, parseTrainSpec({ method: 'sft', model: join(ROOT, 'models', names.target), data: join(dir, 'sft.jsonl'), out: join(dir, 'sft'), ...rule }), pairs.validation);
    const dpo = await trainStage(s.set, parseTrainSpec({ method: 'dpo', model: sft.checkpoint, data: join(dir, 'pairs.jsonl'), out: join(dir, 'dpo'), beta: TRAINING.beta, ...rule }), pairs.validation);
    const [target, anchor, judge, sftLm, dpoLm] = await Promise.all([
      ...[names.target, names.anchor, names.judge].map((m) => loadCausalLMFolder(join(ROOT, 'models', m))), loadCausalLMFolder(sft.checkpoint), loadCausalLMFolder(dpo.checkpoint)]);
    const only = async (lm: typeof target, suites: Parameters<typeof evaluateMethods>[2]) => (await evaluateMethods(new AlignbeamPair({ target: lm, anchor, judge }), ['target-only'], suites, LIMIT, DEFAULT_ALIGNBEAM_SETTINGS))[0];
    const groups = [];
    for (const { group, suites } of suiteGroups(s.set, GROUPS, LIMIT)) {
      const arms: Record<string, EvalResult> = { 'target-only': await only(target, suites), 'target-only after SFT': await only(sftLm, suites), 'target-only after SFT + DPO': await only(dpoLm, suites) };
      for (const [arm, r] of Object.entries(arms)) console.log(`[${s.set}] ${group}: ${arm.padEnd(28)} ${JSON.stringify(figures(r))}`);
      groups.push({
        group, arms: Object.fromEntries(Object.entries(arms).map(([arm, r]) => [arm, { all: figures(r), bySuite: Object.fromEntries(Object.entries(r.bySuite).map(([k, m]) => [k, summary(m)])) }])),
        samples: failureSamples(arms, 'target-only after SFT + DPO'),
      });
    }
    for (const lm of [target, anchor, judge, sftLm, dpoLm]) await lm.dispose();
    s.sftFirst = { date: new Date().toISOString(), load: uptime(), rule: { ...rule, sft: 'prompt → chosen reply (refusal on harmful, answer on benign)', dpo: { beta: TRAINING.beta, reference: 'the SFT model' } }, sft, dpo, groups };
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'preference') return preferenceOfRecordedRun();
  if (process.argv[2] === 'sft-first') return sftFirstOnRecordedRun();
  mkdirSync(RESULTS, { recursive: true });
  const loadBefore = uptime();
  const t0 = performance.now();
  await initEngine();
  const sets = [];
  // written after every model set, so a later set's failure keeps the earlier figures
  for (const set of SETS) {
    sets.push(await runSet(set));
    const report = {
      bench: 'dpo-vs-alignbeam', date: new Date().toISOString(), node: process.version, cores: cpus().length, loadBefore, loadAfter: uptime(),
      seconds: Math.round((performance.now() - t0) / 100) / 10, limitPerSuite: LIMIT, alignbeamSettings: DEFAULT_ALIGNBEAM_SETTINGS, pair: 'cross',
      trainingRule: { ...TRAINING, stepsRun: STEPS, method: 'dpo', fineTuning: 'full' }, sets,
    };
    writeFileSync(join(RESULTS, 'dpo-vs-alignbeam.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote bench/results/dpo-vs-alignbeam.json (${report.seconds} s; ${report.loadAfter})`);
  }
}

await main();
