// Tabular fidelity bench (issue #25 item 5, one run: `npx tsx bench/tabular-fidelity.ts`). On each shipped dataset:
//  A. 5-fold stratified CV (seed 0, preprocessing fitted on the training fold): the embedded tfm, logistic
//     regression at sklearn's defaults (C = 1) and tuned (C by inner CV), and the tuned GBDT — AUC mean ± sd over
//     the folds, minority recall at argmax, ms per teacher call;
//  B. distillation of the tfm on a stratified 75/25 split: naive (the tfm scores its own context) vs out-of-fold
//     soft targets — the share of rows with max probability > 0.99 and the mean normalised entropy (collapse is the
//     label leakage of in-context teachers) — and a GBDT student trained on OOF targets, naive targets and hard
//     labels (test AUC), its retention (student AUC / tfm AUC) and batch-1 latency per row against the tfm's.
// TFM_BASELINE_ONNX=path/model.onnx adds an earlier tfm to A and B in the same run (e.g. the model before a retrain),
// fed the old way unless TFM_BASELINE_FEED=default.
// FIDELITY_DATASETS=a,b limits the datasets; FIDELITY_TAG=x writes tabular-fidelity-x.json; TFM_EXTRA_CONTEXT=2048 adds the tfm at that context cap to A. Writes bench/results/tabular-fidelity.json.
// Feeding ablation (issue #25): A also runs the tfm fed the old way (`tfm-legacy`: one-hot, stratified draws) and
// with one option of DEFAULT_TFM_FEED changed at a time (TFM_ABLATION=0 skips them); B runs tfm and tfm-legacy,
// so the naive-vs-OOF collapse is reported for both feeds. The defaults were chosen on bench/tfm-feeding.ts
// (synthetic tasks), not here.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { aucFromProbs, perClassRecall } from '../src/core/metrics/classification';
import { tunedGbdtTeacher } from '../src/core/tabular/baselines/tunedGbdt';
import { tunedLogRegTeacher } from '../src/core/tabular/baselines/tunedLogReg';
import { preprocessSplit } from '../src/core/tabular/data/preprocess';
import { loadSharedDataset, sharedDatasetSpec } from '../src/core/tabular/data/registry';
import { stratifiedKFold, stratifiedSplit } from '../src/core/tabular/data/split';
import { minorityClass, type TabularTask } from '../src/core/tabular/data/task';
import { collapseStats, type CollapseStats } from '../src/core/tabular/distill/collapse';
import { labelWithTeachers } from '../src/core/tabular/distill/label';
import { runDistillation } from '../src/core/tabular/distill/run';
import { trainGbdt } from '../src/core/tabular/students/gbdt/gbdt';
import { oneHot } from '../src/core/tabular/students/types';
import { logRegTeacher } from '../src/core/tabular/teachers/logreg';
import type { Teacher } from '../src/core/tabular/teachers/teacher';
import { DEFAULT_TFM_ONNX, nodeTfmRuntime } from '../src/core/tabular/tfm/nodeRuntime';
import { DEFAULT_TFM_FEED, LEGACY_TFM_FEED, tfmTeacher, type TfmTeacherOptions } from '../src/core/tabular/tfm/tfmTeacher';

const DATA = new URL('../public/samples/tabular/', import.meta.url);
/** FIDELITY_TAG=x writes results/tabular-fidelity-x.json (a side run that must not replace the main results) */
const OUT = new URL(`./results/tabular-fidelity${process.env.FIDELITY_TAG ? `-${process.env.FIDELITY_TAG}` : ''}.json`, import.meta.url);
const DATASETS = (process.env.FIDELITY_DATASETS ?? 'german,pima,breast-cancer-wisconsin,mammography,phoneme').split(',');
const FOLDS = 5;
const SEED = 0;
const BASELINE = process.env.TFM_BASELINE_ONNX ?? null;
/** TFM_BASELINE_FEED=default feeds the earlier tfm as the current one is fed (a like-for-like retrain comparison); else the old feed */
const BASELINE_FEED: TfmTeacherOptions = process.env.TFM_BASELINE_FEED === 'default' ? {} : LEGACY_TFM_FEED;
const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const sd = (v: number[]): number => { const m = mean(v); return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1)); };

const EXTRA_CONTEXT = process.env.TFM_EXTRA_CONTEXT ? Number(process.env.TFM_EXTRA_CONTEXT) : null;
const ABLATION = process.env.TFM_ABLATION !== '0';
const tfmOf = (id: string, onnx: string, maxContext?: number, feed: TfmTeacherOptions = {}): Teacher => ({ ...tfmTeacher({ runtime: nodeTfmRuntime(onnx, 1), seed: SEED, maxContext, ...feed }), id });
/** The tfm with the default feed, the old feed, and (A only) each default option switched back / the alternatives. */
const ABLATIONS: { id: string; feed: TfmTeacherOptions }[] = [
  { id: 'tfm-onehot', feed: { categorical: 'onehot' } },
  { id: 'tfm-fixed-code-order', feed: { codeOrder: 'fixed' } },
  { id: 'tfm-stratified-draws', feed: { contextDraw: { draw: 'stratified' } } },
  { id: 'tfm-draws-uncorrected', feed: { contextDraw: { ...DEFAULT_TFM_FEED.contextDraw, priorCorrection: false } } },
  { id: 'tfm-8-covering-draws', feed: { contextMembers: 8, members: 4 } },
  { id: 'tfm-T1', feed: { softmaxTemperature: 1 } },
  { id: 'tfm-16-members', feed: { members: 16 } },
];
const tfms = (ablation: boolean): Teacher[] => [tfmOf('tfm', DEFAULT_TFM_ONNX), tfmOf('tfm-legacy', DEFAULT_TFM_ONNX, undefined, LEGACY_TFM_FEED),
  ...(ablation && ABLATION ? ABLATIONS.map((a) => tfmOf(a.id, DEFAULT_TFM_ONNX, undefined, a.feed)) : []),
  ...(BASELINE ? [tfmOf('tfm-baseline', BASELINE, undefined, BASELINE_FEED)] : [])];

async function load(id: string): Promise<TabularTask> {
  return loadSharedDataset(id, readFileSync(new URL(sharedDatasetSpec(id).file, DATA), 'utf8'));
}

async function crossValidated(task: TabularTask) {
  const k = task.classNames.length;
  const minority = minorityClass(task.y, k);
  const splits = stratifiedKFold(task.y, k, FOLDS, SEED).map((f) => preprocessSplit(task, f.train, f.test));
  const teachers: Teacher[] = [...tfms(true), ...(EXTRA_CONTEXT ? [tfmOf(`tfm-ctx${EXTRA_CONTEXT}`, DEFAULT_TFM_ONNX, EXTRA_CONTEXT)] : []), logRegTeacher(), tunedLogRegTeacher({ seed: SEED }), tunedGbdtTeacher({ seed: SEED })];
  const rows = [];
  for (const teacher of teachers) {
    const aucs: number[] = [];
    const recalls: number[] = [];
    const ms: number[] = [];
    for (const { train, test } of splits) {
      const t0 = performance.now();
      const p = await teacher.predict(train, train.y, k, test);
      ms.push(performance.now() - t0);
      aucs.push(aucFromProbs(p, test.y));
      recalls.push(perClassRecall(p, test.y)[minority]);
    }
    rows.push({ teacher: teacher.id, aucMean: r4(mean(aucs)), aucSd: r4(sd(aucs)), aucByFold: aucs.map(r4), minorityRecallAtArgmax: r4(mean(recalls)), msPerCall: Math.round(mean(ms)) });
  }
  return rows;
}

function meanMaxProb(p: { probs: Float64Array; n: number; k: number }): number {
  let s = 0;
  for (let i = 0; i < p.n; i++) { let m = 0; for (let c = 0; c < p.k; c++) m = Math.max(m, p.probs[i * p.k + c]); s += m; }
  return s / Math.max(1, p.n);
}

const collapse = (c: CollapseStats) => ({ shareAbove099: r4(c.shareConfident), meanNormalisedEntropy: r4(c.meanNormalisedEntropy) });

async function distilled(task: TabularTask) {
  const k = task.classNames.length;
  const s = stratifiedSplit(task.y, k, 0.25, SEED);
  const { train, test } = preprocessSplit(task, s.train, s.test, { encoding: 'onehot' });
  const out = [];
  for (const teacher of tfms(false)) {
    const oof = await labelWithTeachers(teacher, train, { mode: 'oof', folds: FOLDS, seed: SEED });
    const naive = await labelWithTeachers(teacher, train, { mode: 'naive' });
    const run = await runDistillation(teacher, train, test, { labels: oof, students: { gbdt: { seed: SEED } }, latencyRows: test.n, teacherLatencyRows: 8 });
    const student = run.students.find((x) => x.kind === 'gbdt')!;
    const onNaive = aucFromProbs(trainGbdt(train, naive.targets, { seed: SEED }).predict(test), test.y);
    const onHard = aucFromProbs(trainGbdt(train, oneHot(train.y, k), { seed: SEED }).predict(test), test.y);
    out.push({
      teacher: teacher.id, teacherTestAuc: r4(run.teacher.report.auc),
      collapse: { naive: collapse(collapseStats(naive.targets)), oof: collapse(collapseStats(oof.targets)) },
      maxProbMean: { naive: r4(meanMaxProb(naive.targets)), oof: r4(meanMaxProb(oof.targets)) },
      naiveTargetAucOnTrain: r4(aucFromProbs(naive.targets, train.y)), oofTargetAucOnTrain: r4(aucFromProbs(oof.targets, train.y)),
      gbdtStudentAuc: { oofTargets: r4(student.report.auc), naiveTargets: r4(onNaive), hardLabels: r4(onHard) },
      retention: r4(student.retention),
      batch1UsPerRow: { student: Math.round(student.latency.batch1UsPerRow * 100) / 100, teacher: Math.round(run.teacher.latency.batch1UsPerRow) },
      speedupBatch1: Math.round(student.speedupBatch1),
    });
  }
  return { rows: { train: train.n, test: test.n }, features: train.d, byTeacher: out };
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const loadAtStart = loadavg()[0];
  const results: { dataset: string; cv: Awaited<ReturnType<typeof crossValidated>>; distill: Awaited<ReturnType<typeof distilled>> }[] = [];
  for (const id of DATASETS) {
    const task = await load(id);
    const cv = await crossValidated(task);
    const distill = await distilled(task);
    results.push({ dataset: id, cv, distill });
    console.log(`${id.padEnd(24)} ${cv.map((r) => `${r.teacher} ${r.aucMean.toFixed(3)}±${r.aucSd.toFixed(3)}`).join(' · ')}`);
    for (const d of distill.byTeacher) {
      console.log(`${''.padEnd(24)} ${d.teacher}: share>0.99 naive ${d.collapse.naive.shareAbove099} vs oof ${d.collapse.oof.shareAbove099}; entropy ${d.collapse.naive.meanNormalisedEntropy} vs ${d.collapse.oof.meanNormalisedEntropy}; max p ${d.maxProbMean.naive} vs ${d.maxProbMean.oof}; ` +
        `gbdt student oof ${d.gbdtStudentAuc.oofTargets} naive ${d.gbdtStudentAuc.naiveTargets} hard ${d.gbdtStudentAuc.hardLabels}; retention ${(100 * d.retention).toFixed(1)} %; ` +
        `batch-1 ${d.batch1UsPerRow.student} µs/row vs ${d.batch1UsPerRow.teacher} µs (×${d.speedupBatch1})`);
    }
  }
  const tfmBeats = (other: string) => results.filter((r) => r.cv.find((c) => c.teacher === 'tfm')!.aucMean > r.cv.find((c) => c.teacher === other)!.aucMean).map((r) => r.dataset);
  const retention = results.map((r) => r.distill.byTeacher.find((d) => d.teacher === 'tfm')!.retention);
  const summary = {
    tfmBeatsTunedLogReg: tfmBeats('tuned-logreg'),
    legacyTfmBeatsTunedLogReg: results.filter((r) => r.cv.find((c) => c.teacher === 'tfm-legacy')!.aucMean > r.cv.find((c) => c.teacher === 'tuned-logreg')!.aucMean).map((r) => r.dataset), tfmBeatsLogReg: tfmBeats('logreg'), tfmBeatsTunedGbdt: tfmBeats('tuned-gbdt'),
    ...(BASELINE ? { tfmBeatsBaselineTfm: tfmBeats('tfm-baseline') } : {}),
    studentRetention: { min: r4(Math.min(...retention)), mean: r4(mean(retention)), targets: { everyDataset: 0.9, mean: 0.96 } },
    naiveCollapses: results.filter((r) => { const d = r.distill.byTeacher.find((x) => x.teacher === 'tfm')!; return d.collapse.naive.shareAbove099 > d.collapse.oof.shareAbove099 + 0.1; }).map((r) => r.dataset),
  };
  console.log(JSON.stringify(summary));
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(OUT, JSON.stringify({
    bench: 'tabular-fidelity', started, finished: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown',
    loadAverage: { start: loadAtStart, end: loadavg()[0] }, folds: FOLDS, seed: SEED, baselineOnnx: BASELINE,
    feed: { default: DEFAULT_TFM_FEED, legacy: LEGACY_TFM_FEED, ablations: ABLATION ? ABLATIONS : [] }, summary, results,
    notes: ['AUC: one-vs-rest mean for > 2 classes; fold spread is the sd over the 5 test folds.', 'Latencies are wall-clock on a shared machine; compare within this run only.'],
  }, null, 1));
  console.log(`wrote ${OUT.pathname}`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
