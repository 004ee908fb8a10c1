// Distillation bench (`npx tsx bench/distill.ts`): on each bundled dataset (stratified 75/25 split, preprocessing
// fitted on the training rows) pick the best in-tree teacher by out-of-fold AUC on the training rows, label the
// training rows out of fold, train the GBDT / MLP / logistic-regression students on the soft targets and compare
// them with the teacher on the test rows: AUC, retention, latency at batch 1 and batched, speedup. Also shows
// naive vs out-of-fold soft-target collapse and what a GBDT trained on naive targets loses, and a Wilcoxon test
// across datasets. Teachers are the registry's in-context ones (IN_CONTEXT_TEACHER_FACTORIES: tfm, kNN, logistic
// regression) and their average: the figures are about distilling in-context teachers (their label leakage, their
// latency), so fitted baselines such as the tuned GBDT (registered too, kind 'fitted-baseline') are never chosen
// here; bench/tabular-protocol.ts compares against it. Writes bench/results/distill.json.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aucFromProbs } from '../src/core/metrics/classification';
import { loadSharedDataset, sharedDatasetSpec } from '../src/core/tabular/data/registry';
import { preprocessSplit } from '../src/core/tabular/data/preprocess';
import { stratifiedSplit } from '../src/core/tabular/data/split';
import { collapseStats, type CollapseStats } from '../src/core/tabular/distill/collapse';
import { labelWithTeachers, type LabelResult } from '../src/core/tabular/distill/label';
import { runDistillation } from '../src/core/tabular/distill/run';
import { wilcoxonSignedRank } from '../src/core/ensembles/wilcoxon'; // the one Wilcoxon of the project
import { trainGbdt, type GbdtStudent } from '../src/core/tabular/students/gbdt/gbdt';
import { oneHot } from '../src/core/tabular/students/types';
import { knnTeacher } from '../src/core/tabular/teachers/knn';
import { IN_CONTEXT_TEACHER_FACTORIES } from '../src/core/tabular/teachers/registry';
import type { Teacher } from '../src/core/tabular/teachers/teacher';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = resolve(ROOT, 'public/samples/tabular');
const DATASETS = ['german', 'pima', 'breast-cancer-wisconsin', 'mammography', 'phoneme'];
const SEED = 0;
const FOLDS = 5;
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
const r2 = (v: number) => Math.round(v * 100) / 100;

function collapseSummary(c: CollapseStats) {
  return { meanEntropy: r4(c.meanEntropy), meanNormalisedEntropy: r4(c.meanNormalisedEntropy), shareMaxProbAbove099: r4(c.shareConfident), maxProbHistogram: c.maxProbHistogram.map((b) => b.count) };
}

async function benchDataset(id: string) {
  const spec = sharedDatasetSpec(id);
  const task = await loadSharedDataset(id, readFileSync(resolve(DATA, spec.file)));
  const k = task.classNames.length;
  const split = stratifiedSplit(task.y, k, 0.25, SEED);
  const { train, test } = preprocessSplit(task, split.train, split.test, { encoding: 'onehot' });
  const testGroups = task.sensitive ? split.test.map((r) => task.sensitive!.levels[task.sensitive!.groups[r]] ?? 'missing') : undefined;

  // candidate teachers: every registered in-context teacher and their average; choose by out-of-fold AUC on the training rows
  const singles = IN_CONTEXT_TEACHER_FACTORIES.map((f) => f.create());
  const candidates: Teacher[][] = [...singles.map((t) => [t]), singles];
  const scored: { teachers: Teacher[]; labels: LabelResult; oofAuc: number }[] = [];
  for (const teachers of candidates) {
    const labels = await labelWithTeachers(teachers, train, { mode: 'oof', folds: FOLDS, seed: SEED });
    scored.push({ teachers, labels, oofAuc: aucFromProbs(labels.teacher, train.y) });
  }
  scored.sort((a, b) => b.oofAuc - a.oofAuc);
  const best = scored[0];

  const run = await runDistillation(best.teachers, train, test, {
    labels: best.labels, students: { gbdt: { seed: SEED }, mlp: { seed: SEED }, logreg: { seed: SEED } }, testGroups, latencyRows: test.n, teacherLatencyRows: 8, // every test row once: a short repeated set lets the branch predictor learn the paths
  });

  // leakage: naive vs out-of-fold targets, for the in-context kNN teacher and for the chosen teacher
  const knn = knnTeacher();
  const knnOof = collapseStats((await labelWithTeachers(knn, train, { mode: 'oof', folds: FOLDS, seed: SEED })).targets);
  const knnNaive = collapseStats((await labelWithTeachers(knn, train, { mode: 'naive' })).targets);
  const bestNaive = await labelWithTeachers(best.teachers, train, { mode: 'naive' });
  const gbdtNaive = trainGbdt(train, bestNaive.targets, { seed: SEED });
  const gbdtHard = trainGbdt(train, oneHot(train.y, k), { seed: SEED });
  const gbdt = run.students.find((s) => s.kind === 'gbdt')!;
  const gbdtModel = run.models.find((m) => m.kind === 'gbdt') as GbdtStudent;

  return {
    dataset: id, rows: { train: train.n, test: test.n }, features: train.d, classes: k,
    teacherCandidates: scored.map((s) => ({ teacher: s.teachers.map((t) => t.id).join('+'), oofAuc: r4(s.oofAuc) })),
    teacher: {
      id: run.teacherId, testAuc: r4(run.teacher.report.auc), logLoss: r4(run.teacher.report.logLoss), ece: r4(run.teacher.report.ece),
      batch1UsPerRow: r2(run.teacher.latency.batch1UsPerRow), batchedUsPerRow: r2(run.teacher.latency.batchedUsPerRow),
      fairness: run.teacher.fairness && { aucGap: r4(run.teacher.fairness.aucGap), tprGap: r4(run.teacher.fairness.tprGap) },
    },
    students: run.students.map((s) => ({
      kind: s.kind, testAuc: r4(s.report.auc), retention: r4(s.retention), agreement: r4(s.agreement), logLoss: r4(s.report.logLoss),
      brier: r4(s.report.brier), ece: r4(s.report.ece), accuracy: r4(s.report.accuracy), perClassRecall: s.report.perClassRecall.map(r4),
      fairness: s.fairness && { aucGap: r4(s.fairness.aucGap), tprGap: r4(s.fairness.tprGap) },
      trainMs: r2(s.trainMs), batch1UsPerRow: r2(s.latency.batch1UsPerRow), batchedUsPerRow: r2(s.latency.batchedUsPerRow),
      speedupBatch1: r2(s.speedupBatch1), speedupBatched: r2(s.speedupBatched),
    })),
    gbdtModel: { rounds: gbdtModel.model.rounds, nodes: gbdtModel.model.trees.reduce((a, t) => a + t.feature.length, 0) },
    leakage: {
      knnTeacher: { oof: collapseSummary(knnOof), naive: collapseSummary(knnNaive) },
      chosenTeacher: { oof: collapseSummary(run.collapse), naive: collapseSummary(collapseStats(bestNaive.targets)) },
      gbdtOnOofTargetsAuc: r4(gbdt.report.auc),
      gbdtOnNaiveTargetsAuc: r4(aucFromProbs(gbdtNaive.predict(test), test.y)),
      gbdtOnHardLabelsAuc: r4(aucFromProbs(gbdtHard.predict(test), test.y)),
    },
    warnings: run.labels.warnings,
  };
}

const results: Awaited<ReturnType<typeof benchDataset>>[] = [];
for (const id of DATASETS) {
  const r = await benchDataset(id);
  results.push(r);
  const s = (kind: string) => r.students.find((x) => x.kind === kind)!;
  console.log(`${id.padEnd(24)} teacher ${r.teacher.id} AUC ${r.teacher.testAuc.toFixed(4)} | ` +
    ['gbdt', 'mlp', 'logreg'].map((kd) => `${kd} ${s(kd).testAuc.toFixed(4)} (${(100 * s(kd).retention).toFixed(1)} %)`).join(' | ') +
    ` | gbdt ${s('gbdt').batch1UsPerRow} µs/row b1, ${s('gbdt').batchedUsPerRow} batched, ×${s('gbdt').speedupBatch1} b1 speedup` +
    ` | kNN share>0.99 naive ${r.leakage.knnTeacher.naive.shareMaxProbAbove099} vs oof ${r.leakage.knnTeacher.oof.shareMaxProbAbove099}`);
}

const retention = (kind: string) => results.map((r) => r.students.find((s) => s.kind === kind)!.retention);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const gbdtAuc = results.map((r) => r.leakage.gbdtOnOofTargetsAuc);
const summary = {
  meanRetention: Object.fromEntries(['gbdt', 'mlp', 'logreg'].map((kd) => [kd, r4(mean(retention(kd)))])),
  minRetention: Object.fromEntries(['gbdt', 'mlp', 'logreg'].map((kd) => [kd, r4(Math.min(...retention(kd)))])),
  gbdtBatch1UsPerRowMax: Math.max(...results.map((r) => r.students.find((s) => s.kind === 'gbdt')!.batch1UsPerRow)),
  targets: { treeRetentionEveryDataset: 0.9, treeRetentionMean: 0.96, treeBatch1UsPerRow: 20 },
  wilcoxon: {
    note: 'two-sided test over the datasets with scipy.stats.wilcoxon defaults (zeros dropped; ≤ 13 pairs: exact, over all sign flips when there are ties); with 5 datasets the smallest attainable p is 0.0625',
    gbdtDistilledVsGbdtHardLabels: wilcoxonSignedRank(gbdtAuc, results.map((r) => r.leakage.gbdtOnHardLabelsAuc)),
    gbdtDistilledVsGbdtNaiveTargets: wilcoxonSignedRank(gbdtAuc, results.map((r) => r.leakage.gbdtOnNaiveTargetsAuc)),
    gbdtVsTeacher: wilcoxonSignedRank(gbdtAuc, results.map((r) => r.teacher.testAuc)),
  },
};
console.log('mean retention', summary.meanRetention, 'min', summary.minRetention, 'gbdt max batch-1 µs/row', summary.gbdtBatch1UsPerRowMax);
console.log('Wilcoxon p: distilled vs hard-label GBDT', summary.wilcoxon.gbdtDistilledVsGbdtHardLabels.p, '| vs naive-target GBDT', summary.wilcoxon.gbdtDistilledVsGbdtNaiveTargets.p);

mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
writeFileSync(resolve(ROOT, 'bench/results/distill.json'), JSON.stringify({
  bench: 'distill', date: new Date().toISOString(), node: process.version, seed: SEED, folds: FOLDS, split: 'stratified 75/25, preprocessing (median/mode imputation, one-hot, z-score) fitted on train',
  teacherChoice: 'best out-of-fold training AUC among registered teachers and their average', results, summary,
  notes: [
    'Teacher latency follows the in-context contract: every call reads the whole training context, and the logreg teacher refits on it, so batch-1 teacher latency is one full fit per row.',
    'Latencies on a shared 2-core machine (load ~10): batch 1 calls predictRow on every test row, timed in chunks of 64 rows, each chunk the best of 5 repeats; batched calls predict on all test rows, best of 5.',
    'Naive labelling with a kNN teacher collapses targets to one-hot (share > 0.99 = 1); with kNN+logreg averaged only the kNN half leaks. A GBDT on collapsed targets behaves like one trained on hard labels, which these baseline teachers do not beat, so leakage shows in the targets more than in student AUC here.',
  ],
}, null, 2));
