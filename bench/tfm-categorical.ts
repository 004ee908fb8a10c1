// Why categorical codes cost the embedded tfm AUC on german (issue #25) and whether a named variant helps
// (`nice -n 10 npx tsx bench/tfm-categorical.ts`; CATEG_PARTS=PGS picks parts, CATEG_TASKS scales S's task count):
//  P. the prior's categorical widths: distinct levels of the categorical columns of 400 held-out prior-v2 tasks,
//     beside german's levels per column (fold 0's design matrix);
//  G. german, 5-fold stratified CV, seed 0 (the folds of bench/tabular-fidelity.ts): the default feed, fixed-order
//     codes, one-hot, the feature-count budget (one-hot's 61 columns run as 2 blocks of ~30, each member seeing
//     part of every categorical's indicators: codes split into 2 blocks, one-hot with half the members), more
//     members, a hybrid (one-hot up to k levels), target-ordered codes, categoricals dropped, and per column:
//     only that column one-hot (the rest coded) and only that column coded (the rest one-hot);
//  R. the same german folds with the teacher's seed 0–4 (member feature/class/code permutations, feature blocks):
//     how much of G's differences is the ensemble's own seed noise;
//  S. the variants that could become options, on held-out prior-v2 tasks with categoricals (the tasks of
//     bench/tfm-feeding.ts studies A and D, seeds from 3.5e9: dev data; options are chosen here, never on G);
//  D. (not in the default parts; CATEG_PARTS=D) the shipped datasets once, 5-fold CV as G: the default feed (32
//     members on inputs with codes), v4's default (8 members), v4's feed with one-hot categoricals, the old feed.
//  T. confirmation on fresh held-out tasks (seeds from 3.5e9 + 60,000, CATEG_CONFIRM tasks, default 180) for the
//     variants S left standing: default vs 16 and 32 members. The rule, fixed before T ran: a variant replaces the
//     default only if its mean ΔAUC is above 0 by 2 standard errors and it wins more tasks than it loses.
//     Per-task AUC on 256 query rows is volatile (a few tasks swing ±0.3), so the median Δ is reported too.
// Every variant of P–T runs 8 members unless it names a count: the diagnosis is of v4's default (8 members), which
// T then replaced (DEFAULT_TFM_FEED.membersWithCodes).
// Writes bench/results/tfm-categorical.json (CATEG_TAG=x: tfm-categorical-x.json).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { aucFromProbs, logLoss } from '../src/core/metrics/classification';
import { preprocessSplit } from '../src/core/tabular/data/preprocess';
import { loadSharedDataset, sharedDatasetSpec } from '../src/core/tabular/data/registry';
import { stratifiedKFold } from '../src/core/tabular/data/split';
import type { CategoricalGroup, FeatureMatrix } from '../src/core/tabular/matrix';
import { TFM_LIMITS, withinLimits, type Teacher } from '../src/core/tabular/teachers/teacher';
import { withCategoricalCodes } from '../src/core/tabular/tfm/categoricalCodes';
import { DEFAULT_TFM_ONNX, nodeTfmRuntime } from '../src/core/tabular/tfm/nodeRuntime';
import { sampleTask } from '../src/core/tabular/tfm/prior';
import { DEFAULT_TFM_FEED, LEGACY_TFM_FEED, TFM_FEEDS, tfmOnnxTeacher, tfmTeacher, type TfmTeacherOptions } from '../src/core/tabular/tfm/tfmTeacher';
import { categoricalCases, distinctLevels, HELD_OUT, priorFrame, type Case } from './tfmPriorCases';

const PARTS = (process.env.CATEG_PARTS ?? 'PGRST').toUpperCase();
const OUT = new URL(`./results/tfm-categorical${process.env.CATEG_TAG ? `-${process.env.CATEG_TAG}` : ''}.json`, import.meta.url);
const TASKS = Math.round(60 * Number(process.env.CATEG_TASKS ?? 1));
const CONFIRM = Number(process.env.CATEG_CONFIRM ?? 180);
const DATA = new URL('../public/samples/tabular/', import.meta.url);
const FOLDS = 5;
const SEED = 0;
const runtime = nodeTfmRuntime(DEFAULT_TFM_ONNX, 1);
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const sd = (v: number[]): number => { const m = mean(v); return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1)); };
const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

const V4 = TFM_FEEDS['shuffled-codes-minority-complete'];
const tfm = (options: TfmTeacherOptions = {}): Teacher => tfmTeacher({ runtime, seed: SEED, ...V4, ...options });

const REPEAT_SEEDS = [0, 1, 2, 3, 4];

/** `inner` with the one-hot groups that `keep` rejects left one-hot (withCategoricalCodes codes only listed groups). */
function groupsKept(inner: Teacher, keep: (g: CategoricalGroup) => boolean): Teacher {
  const filter = (m: FeatureMatrix): FeatureMatrix => ({ ...m, categoricalGroups: (m.categoricalGroups ?? []).filter(keep) });
  return { id: inner.id, predict: (xc, yc, k, xq, signal, onProgress) => inner.predict(filter(xc), yc, k, filter(xq), signal, onProgress) };
}

/** `inner` without any categorical column (numeric columns only). */
function categoricalsDropped(inner: Teacher): Teacher {
  const drop = (m: FeatureMatrix): FeatureMatrix => {
    const inGroup = new Set((m.categoricalGroups ?? []).flatMap((g) => g.columns));
    const cols = Array.from({ length: m.d }, (_, j) => j).filter((j) => !inGroup.has(j));
    const x = new Float64Array(m.n * cols.length);
    for (let i = 0; i < m.n; i++) cols.forEach((c, j) => { x[i * cols.length + j] = m.x[i * m.d + c]; });
    return { x, n: m.n, d: cols.length, names: cols.map((c) => m.names[c]) };
  };
  return { id: inner.id, predict: (xc, yc, k, xq, signal, onProgress) => inner.predict(drop(xc), yc, k, drop(xq), signal, onProgress) };
}

/** Default feed, but the coded matrix split into feature blocks of ≤ maxFeatures (the budget one-hot forces). */
function codesInBlocks(maxFeatures: number): Teacher {
  const raw = tfmOnnxTeacher({ runtime, seed: SEED, softmaxTemperature: DEFAULT_TFM_FEED.softmaxTemperature, codeOrder: DEFAULT_TFM_FEED.codeOrder });
  return withCategoricalCodes(withinLimits(raw, { ...TFM_LIMITS, maxFeatures }, SEED, DEFAULT_TFM_FEED.contextDraw));
}

function priorWidths() {
  const levels: number[] = [];
  let tasks = 0;
  for (let s = 0; s < 400; s++) {
    const t = sampleTask(HELD_OUT + 50_000 + s, { nRows: 768, version: 2, maxClasses: 4 });
    if (priorFrame(t).categorical === 0) continue;
    tasks++;
    for (let j = 0; j < t.d; j++) { const l = distinctLevels(t, j); if (l >= 2 && l <= 24) levels.push(l); }
  }
  const histogram: Record<number, number> = {};
  for (const l of levels) histogram[l] = (histogram[l] ?? 0) + 1;
  const share = (f: (l: number) => boolean): number => r4(levels.filter(f).length / Math.max(1, levels.length));
  return { tasksWithCategoricals: tasks, categoricalColumns: levels, summary: { columns: levels.length, histogram, shareAtMost4: share((l) => l <= 4), share5to10: share((l) => l >= 5 && l <= 10), shareAbove10: share((l) => l > 10) } };
}

async function germanSplits() {
  const task = await loadSharedDataset('german', readFileSync(new URL(sharedDatasetSpec('german').file, DATA), 'utf8'));
  const k = task.classNames.length;
  return { k, splits: stratifiedKFold(task.y, k, FOLDS, SEED).map((f) => preprocessSplit(task, f.train, f.test)) };
}

async function german() {
  const { k, splits } = await germanSplits();
  const groups = splits[0].train.categoricalGroups ?? [];
  const columnLevels = groups.map((g) => ({ column: g.name, levels: g.columns.length }));
  const variants: { id: string; teacher: Teacher }[] = [
    { id: 'default (codes shuffled per member, 8 members)', teacher: tfm() },
    { id: 'codes, fixed order', teacher: tfm({ codeOrder: 'fixed' }) },
    { id: 'one-hot (2 blocks × 8 members = 16 forwards)', teacher: tfm({ categorical: 'onehot' }) },
    { id: 'one-hot, 4 members (2 blocks × 4 = 8 forwards)', teacher: tfm({ categorical: 'onehot', members: 4 }) },
    { id: 'codes in 2 feature blocks of 10 (16 forwards)', teacher: codesInBlocks(10) },
    { id: 'codes, 16 members', teacher: tfm({ members: 16 }) },
    { id: 'codes, 32 members', teacher: tfm({ members: 32 }) },
    ...[2, 3, 4, 5].map((kk) => ({ id: `hybrid: one-hot ≤ ${kk} levels, codes above`, teacher: tfm({ oneHotMaxLevels: kk }) })),
    { id: 'codes ordered by target share (fixed order)', teacher: tfm({ codeLevelOrder: 'target', codeOrder: 'fixed' }) },
    { id: 'categoricals dropped (7 numeric columns)', teacher: categoricalsDropped(tfm()) },
    ...groups.map((g) => ({ id: `one-hot only ${g.name} (${g.columns.length} levels)`, teacher: groupsKept(tfm(), (h) => h.name !== g.name) })),
    ...groups.map((g) => ({ id: `codes only ${g.name} (${g.columns.length} levels)`, teacher: groupsKept(tfm(), (h) => h.name === g.name) })),
  ];
  const rows = [];
  let base: number[] = [];
  for (const v of variants) {
    const aucs: number[] = [];
    for (const { train, test } of splits) aucs.push(aucFromProbs(await v.teacher.predict(train, train.y, k, test), test.y));
    if (!base.length) base = aucs;
    const delta = aucs.map((a, f) => a - base[f]);
    rows.push({ variant: v.id, aucMean: r4(mean(aucs)), aucSd: r4(sd(aucs)), aucByFold: aucs.map(r4), deltaVsDefault: r4(mean(delta)), deltaSdOverFolds: r4(sd(delta)) });
    console.log(`  ${v.id.padEnd(52)} AUC ${mean(aucs).toFixed(4)} ± ${sd(aucs).toFixed(4)}  Δ ${mean(delta) >= 0 ? '+' : ''}${mean(delta).toFixed(4)} (sd over folds ${sd(delta).toFixed(4)})`);
  }
  return { columnLevels, rows };
}

/** G's main variants at teacher seeds 0–4: the 5-fold mean per seed, and its spread over seeds. */
async function germanSeeds() {
  const { k, splits } = await germanSplits();
  const checking = (g: CategoricalGroup): boolean => g.name === 'checking_status';
  const variants: { id: string; teacher: (seed: number) => Teacher }[] = [
    { id: 'default (codes shuffled per member, 8 members)', teacher: (seed) => tfmTeacher({ runtime, seed, ...V4 }) },
    { id: 'codes, fixed order', teacher: (seed) => tfmTeacher({ runtime, seed, ...V4, codeOrder: 'fixed' }) },
    { id: 'one-hot', teacher: (seed) => tfmTeacher({ runtime, seed, ...V4, categorical: 'onehot' }) },
    { id: 'codes, 32 members', teacher: (seed) => tfmTeacher({ runtime, seed, ...V4, members: 32 }) },
    { id: 'codes ordered by target share (fixed order)', teacher: (seed) => tfmTeacher({ runtime, seed, ...V4, codeLevelOrder: 'target', codeOrder: 'fixed' }) },
    { id: 'one-hot only checking_status', teacher: (seed) => groupsKept(tfmTeacher({ runtime, seed, ...V4 }), (g) => !checking(g)) },
    { id: 'codes only checking_status', teacher: (seed) => groupsKept(tfmTeacher({ runtime, seed, ...V4 }), checking) },
  ];
  const rows = [];
  for (const v of variants) {
    const perSeed: number[] = [];
    for (const seed of REPEAT_SEEDS) {
      const t = v.teacher(seed);
      const aucs: number[] = [];
      for (const { train, test } of splits) aucs.push(aucFromProbs(await t.predict(train, train.y, k, test), test.y));
      perSeed.push(mean(aucs));
    }
    rows.push({ variant: v.id, seeds: REPEAT_SEEDS, cvAucBySeed: perSeed.map(r4), mean: r4(mean(perSeed)), sdOverSeeds: r4(sd(perSeed)) });
    console.log(`  ${v.id.padEnd(52)} 5-fold AUC over seeds ${mean(perSeed).toFixed(4)} ± ${sd(perSeed).toFixed(4)}  [${perSeed.map((a) => a.toFixed(4)).join(' ')}]`);
  }
  return rows;
}

const SHIPPED = ['german', 'pima', 'breast-cancer-wisconsin', 'mammography', 'phoneme'];

/** D: the shipped datasets, reported once after T chose the feed (nothing was tuned on them). */
async function shipped() {
  const variants: { id: string; options: TfmTeacherOptions }[] = [
    { id: 'default feed (32 members with codes)', options: {} },
    { id: 'v4 default (8 members)', options: V4 },
    { id: 'v4 feed, one-hot categoricals', options: { ...V4, categorical: 'onehot' } },
    { id: 'old feed (one-hot, stratified draws, T = 1)', options: LEGACY_TFM_FEED },
  ];
  const out = [];
  for (const id of SHIPPED) {
    const task = await loadSharedDataset(id, readFileSync(new URL(sharedDatasetSpec(id).file, DATA), 'utf8'));
    const k = task.classNames.length;
    const splits = stratifiedKFold(task.y, k, FOLDS, SEED).map((f) => preprocessSplit(task, f.train, f.test));
    console.log(`  ${id}`);
    const rows = [];
    for (const v of variants) {
      const t = tfmTeacher({ runtime, seed: SEED, ...v.options });
      const aucs: number[] = [];
      const ms: number[] = [];
      for (const { train, test } of splits) {
        const t0 = performance.now();
        aucs.push(aucFromProbs(await t.predict(train, train.y, k, test), test.y));
        ms.push(performance.now() - t0);
      }
      rows.push({ variant: v.id, aucMean: r4(mean(aucs)), aucSd: r4(sd(aucs)), aucByFold: aucs.map(r4), msPerCall: Math.round(mean(ms)) });
      console.log(`    ${v.id.padEnd(46)} AUC ${mean(aucs).toFixed(4)} ± ${sd(aucs).toFixed(4)}  ${Math.round(mean(ms))} ms/call`);
    }
    out.push({ dataset: id, rows });
  }
  return out;
}

type SyntheticVariant = { id: string; options: TfmTeacherOptions };
const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const S_VARIANTS: SyntheticVariant[] = [
  { id: 'default (codes shuffled per member, 8 members)', options: {} },
  { id: 'one-hot', options: { categorical: 'onehot' } },
  ...[2, 3, 4, 5].map((kk) => ({ id: `hybrid: one-hot ≤ ${kk} levels`, options: { oneHotMaxLevels: kk } })),
  { id: 'codes ordered by target share (fixed order)', options: { codeLevelOrder: 'target', codeOrder: 'fixed' } },
  { id: 'codes, 16 members', options: { members: 16 } },
  { id: 'codes, 32 members', options: { members: 32 } },
];
const T_VARIANTS: SyntheticVariant[] = [S_VARIANTS[0], ...S_VARIANTS.filter((v) => v.options.members)];

async function synthetic(cases: Case[], variants: SyntheticVariant[]) {
  const auc = variants.map((): number[] => []);
  const ll = variants.map((): number[] => []);
  for (const c of cases) {
    for (let v = 0; v < variants.length; v++) {
      const p = await tfm(variants[v].options).predict(c.xc, c.yc, c.k, c.xq);
      auc[v].push(aucFromProbs(p, c.yq));
      ll[v].push(logLoss(p, c.yq));
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  return variants.map((v, i) => {
    const d = auc[i].map((a, t) => a - auc[0][t]);
    const row = { variant: v.id, auc: r4(mean(auc[i])), logLoss: r4(mean(ll[i])), meanAucDeltaVsDefault: r4(mean(d)), deltaSe: r4(sd(d) / Math.sqrt(Math.max(1, d.length))), medianAucDelta: r4(median(d)),
      winsVsDefault: d.filter((x) => x > 1e-9).length, lossesVsDefault: d.filter((x) => x < -1e-9).length, perTaskAuc: auc[i].map(r4) };
    console.log(`  ${v.id.padEnd(46)} AUC ${row.auc.toFixed(4)}  logloss ${row.logLoss.toFixed(4)}  Δ ${row.meanAucDeltaVsDefault >= 0 ? '+' : ''}${row.meanAucDeltaVsDefault.toFixed(4)} ± ${row.deltaSe.toFixed(4)} (W/L ${row.winsVsDefault}/${row.lossesVsDefault}, median ${row.medianAucDelta.toFixed(4)})`);
    return row;
  });
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const load0 = loadavg()[0];
  const out: Record<string, unknown> = {};
  if (PARTS.includes('P')) { const p = priorWidths(); out.priorWidths = p; console.log('P. prior-v2 categorical widths', JSON.stringify(p.summary)); }
  if (PARTS.includes('G')) { console.log('G. german, 5-fold CV'); out.german = await german(); }
  if (PARTS.includes('R')) { console.log('R. german, teacher seeds 0–4'); out.germanSeeds = await germanSeeds(); }
  if (PARTS.includes('D')) { console.log('D. shipped datasets, 5-fold CV'); out.shipped = await shipped(); }
  if (PARTS.includes('S')) {
    const cases = categoricalCases(TASKS);
    console.log(`S. held-out prior-v2 tasks with categoricals (${cases.length})`);
    out.synthetic = { tasks: cases.length, taskLabels: cases.map((c) => c.label), rows: await synthetic(cases, S_VARIANTS) };
  }
  if (PARTS.includes('T')) {
    const cases = categoricalCases(CONFIRM, HELD_OUT + 60_000);
    console.log(`T. fresh held-out prior-v2 tasks with categoricals (${cases.length})`);
    const rows = await synthetic(cases, T_VARIANTS);
    const adopted = rows.slice(1).filter((r) => r.meanAucDeltaVsDefault > 2 * r.deltaSe && r.winsVsDefault > r.lossesVsDefault).map((r) => r.variant);
    console.log(`  passes the rule: ${adopted.length ? adopted.join(', ') : 'none'}`);
    out.confirmation = { tasks: cases.length, seedsFrom: HELD_OUT + 60_000, rule: 'mean ΔAUC > 2 SE and wins > losses', passes: adopted, taskLabels: cases.map((c) => c.label), rows };
  }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(OUT, JSON.stringify({ bench: 'tfm-categorical', started, finished: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown',
    loadAverage: { start: load0, end: loadavg()[0] }, folds: FOLDS, seed: SEED, heldOutSeedsFrom: HELD_OUT, ...out }, null, 1));
  console.log(`wrote ${OUT.pathname}`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
