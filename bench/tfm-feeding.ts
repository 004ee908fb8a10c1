// How the tfm teacher is FED, decided on synthetic tasks only (`npx tsx bench/tfm-feeding.ts`), so that the
// defaults in src/core/tabular/tfm/tfmTeacher.ts (DEFAULT_TFM_FEED) are not picked on the shipped datasets:
//  A. categorical encoding: held-out tasks of the tfm's own prior (v2, seeds 3.5e9 + i, never drawn by the forge)
//     with at least one categorical column, run through the project's preprocessing (one-hot design matrix,
//     fitted on the context rows) and fed to the tfm as context-fitted codes vs one-hot;
//  B. contexts beyond 1,024 rows with a rare class: bayesFamily members (known AUC*) at 1–5 % positives and
//     held-out prior-v2 tasks filtered to a 0.5–10 % minority, 6,000 context rows: stratified draws (the old rule)
//     vs minority-complete draws with and without the label-shift correction, and with draws covering the context;
//  C. softmax temperature 1 vs 0.9 and 8 vs 4 members on held-out prior-v2 tasks within one context;
//  D. the order of categorical codes: fixed vs shuffled per member (TabPFN v2's `ordinal_shuffled`), on A's tasks
//     at the default feed otherwise.
// FEEDING_STUDIES=D (any of ABCD) runs only those studies and writes tfm-feeding-<letters>.json instead.
// Reported per variant: mean AUC, mean log-loss, ECE, paired wins against the first variant. FEEDING_TASKS scales
// the task counts (default 1). Writes bench/results/tfm-feeding.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { aucFromProbs, calibration, logLoss, type ProbMatrix } from '../src/core/metrics/classification';
import { bayesTask, type BayesFamilyKind } from '../src/core/tabular/data/bayesFamily';
import type { FeatureMatrix } from '../src/core/tabular/matrix';
import { sampleTask } from '../src/core/tabular/tfm/prior';
import { DEFAULT_TFM_ONNX, nodeTfmRuntime } from '../src/core/tabular/tfm/nodeRuntime';
import { tfmTeacher, type TfmTeacherOptions } from '../src/core/tabular/tfm/tfmTeacher';
import { categoricalCases, HELD_OUT, priorCase, type Case } from './tfmPriorCases';

const STUDIES = (process.env.FEEDING_STUDIES ?? 'ABCD').toUpperCase();
const OUT = new URL(`./results/tfm-feeding${STUDIES === 'ABCD' ? '' : `-${STUDIES}`}.json`, import.meta.url);
const SCALE = Number(process.env.FEEDING_TASKS ?? 1);
const runtime = nodeTfmRuntime(DEFAULT_TFM_ONNX, 1);
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

interface Variant { id: string; options: TfmTeacherOptions }
interface Score { auc: number; logLoss: number; ece: number }

async function score(c: Case, v: Variant): Promise<Score> {
  // 8 members unless a variant names a count: the studies ran before the default gave inputs with codes 32
  // (bench/tfm-categorical.ts), so they keep measuring what they decided
  const p: ProbMatrix = await tfmTeacher({ runtime, seed: 0, members: 8, ...v.options }).predict(c.xc, c.yc, c.k, c.xq);
  return { auc: aucFromProbs(p, c.yq), logLoss: logLoss(p, c.yq), ece: calibration(p, c.yq).ece };
}

async function study(name: string, cases: Case[], variants: Variant[]) {
  const scores = variants.map((): Score[] => []);
  for (const c of cases) {
    for (let v = 0; v < variants.length; v++) scores[v].push(await score(c, variants[v]));
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const rows = variants.map((v, i) => ({
    variant: v.id, auc: r4(mean(scores[i].map((s) => s.auc))), logLoss: r4(mean(scores[i].map((s) => s.logLoss))), ece: r4(mean(scores[i].map((s) => s.ece))),
    aucWinsVsFirst: scores[i].filter((s, t) => s.auc > scores[0][t].auc + 1e-9).length, aucLossesVsFirst: scores[i].filter((s, t) => s.auc < scores[0][t].auc - 1e-9).length,
    meanAucDeltaVsFirst: r4(mean(scores[i].map((s, t) => s.auc - scores[0][t].auc))),
  }));
  console.log(`${name} (${cases.length} tasks)`);
  for (const r of rows) console.log(`  ${r.variant.padEnd(34)} AUC ${r.auc.toFixed(4)}  logloss ${r.logLoss.toFixed(4)}  ECE ${r.ece.toFixed(4)}  ΔAUC ${r.meanAucDeltaVsFirst >= 0 ? '+' : ''}${r.meanAucDeltaVsFirst.toFixed(4)} (W/L ${r.aucWinsVsFirst}/${r.aucLossesVsFirst})`);
  return { study: name, tasks: cases.length, taskLabels: cases.map((c) => c.label), rows, perTask: variants.map((v, i) => ({ variant: v.id, auc: scores[i].map((s) => r4(s.auc)) })) };
}

function imbalancedCases(bayes: number, prior: number): Case[] {
  const out: Case[] = [];
  const kinds: { kind: BayesFamilyKind; bayesAuc: number }[] = [{ kind: 'linear', bayesAuc: 0.85 }, { kind: 'xor', bayesAuc: 0.9 }, { kind: 'rings', bayesAuc: 0.8 }];
  for (let i = 0; i < bayes; i++) {
    const cell = kinds[i % kinds.length];
    const positiveShare = i % 2 ? 0.01 : 0.03;
    const t = bayesTask({ ...cell, positiveShare, noiseFeatures: 4, rows: 8000, seed: 700 + i });
    const cut = (from: number, to: number): FeatureMatrix => ({ x: t.x.slice(from * t.d, to * t.d), n: to - from, d: t.d, names: t.names });
    out.push({ xc: cut(0, 6000), yc: t.y.slice(0, 6000), xq: cut(6000, 8000), yq: t.y.slice(6000), k: 2, label: `bayes ${cell.kind} ${positiveShare}` });
  }
  for (let s = 0, found = 0; found < prior && s < prior * 200; s++) {
    const t = sampleTask(HELD_OUT + 10_000 + s, { nRows: 8000, version: 2, nClasses: 2 });
    const pos = t.y.reduce((a, v) => a + v, 0) / t.n;
    const minority = Math.min(pos, 1 - pos);
    if (minority < 0.005 || minority > 0.1) continue;
    const c = priorCase(t, 6000, `prior-v2 seed ${HELD_OUT + 10_000 + s}: minority ${minority.toFixed(3)}`);
    if (c) { out.push(c); found++; }
  }
  return out;
}

function withinContextCases(count: number): Case[] {
  const out: Case[] = [];
  for (let s = 0; out.length < count && s < count * 5; s++) {
    const t = sampleTask(HELD_OUT + 20_000 + s, { nRows: 1024, version: 2, maxClasses: 4 });
    const c = priorCase(t, 512, `prior-v2 seed ${HELD_OUT + 20_000 + s}`);
    if (c) out.push(c);
  }
  return out;
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const load0 = loadavg()[0];
  const legacyCtx = { draw: 'stratified' } as const;
  const run = async (letter: string, go: () => Promise<Awaited<ReturnType<typeof study>>>) => (STUDIES.includes(letter) ? [await go()] : []);
  const a = await run('A', () => study('A. categorical encoding (held-out prior v2, 512 context rows)', categoricalCases(Math.round(60 * SCALE)), [
    { id: 'one-hot (old)', options: { categorical: 'onehot', softmaxTemperature: 1 } },
    { id: 'codes', options: { categorical: 'codes', softmaxTemperature: 1 } },
  ]));
  const b = await run('B', () => study('B. context draws, 6,000 context rows with a rare class', imbalancedCases(Math.round(6 * SCALE), Math.round(8 * SCALE)), [
    { id: 'stratified ×4 (old)', options: { contextDraw: legacyCtx, softmaxTemperature: 1 } },
    { id: 'minority-complete 0.5 ×4, corrected', options: { contextDraw: { draw: 'minority-complete', minorityShare: 0.5 }, softmaxTemperature: 1 } },
    { id: 'minority-complete 0.5 ×4, uncorrected', options: { contextDraw: { draw: 'minority-complete', minorityShare: 0.5, priorCorrection: false }, softmaxTemperature: 1 } },
    { id: 'minority-complete 0.25 ×4, corrected', options: { contextDraw: { draw: 'minority-complete', minorityShare: 0.25 }, softmaxTemperature: 1 } },
    { id: 'minority-complete 0.5 ×8 covering, corr.', options: { contextDraw: { draw: 'minority-complete', minorityShare: 0.5 }, contextMembers: 8, members: 4, softmaxTemperature: 1 } },
  ]));
  const c = await run('C', () => study('C. members and temperature (held-out prior v2, 512 context rows)', withinContextCases(Math.round(60 * SCALE)), [
    { id: '8 members, T = 1 (old)', options: { members: 8, softmaxTemperature: 1 } },
    { id: '8 members, T = 0.9', options: { members: 8, softmaxTemperature: 0.9 } },
    { id: '4 members, T = 1', options: { members: 4, softmaxTemperature: 1 } },
    { id: '16 members, T = 1', options: { members: 16, softmaxTemperature: 1 } },
  ]));
  const d = await run('D', () => study('D. categorical code order (held-out prior v2, 512 context rows)', categoricalCases(Math.round(60 * SCALE)), [
    { id: 'codes, fixed order', options: { categorical: 'codes', codeOrder: 'fixed' } },
    { id: 'codes, shuffled per member', options: { categorical: 'codes', codeOrder: 'shuffled-per-member' } },
  ]));
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(OUT, JSON.stringify({
    bench: 'tfm-feeding', started, finished: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown',
    loadAverage: { start: load0, end: loadavg()[0] }, heldOutSeedsFrom: HELD_OUT, studies: [...a, ...b, ...c, ...d],
  }, null, 1));
  console.log(`wrote ${OUT.pathname}`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
