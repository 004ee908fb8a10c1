// Tabular baselines bench (`npx tsx bench/tabular-baselines.ts`): on the shipped binary datasets, 5 stratified folds
// from seed 0 (the protocol of src/core/tabular/baselines/sklearnReference.ts), in one run:
// (1) the project's logistic regression against scikit-learn's defaults (the committed golden fixture made by
//     scripts/sklearn-reference.py): mean AUC, largest per-fold |ΔAUC| and largest |Δcoefficient|;
// (2) the tuned histogram GBDT (baselines/tunedGbdt.ts, default grid) against the untuned GBDT student defaults and
//     LR: test AUC mean ± sd, search seconds per fold, grid points chosen;
// (3) decision cut-offs (baselines/threshold.ts, Youden's J on training-fold out-of-fold scores) for LR and the
//     tuned GBDT: minority recall, precision and balanced accuracy at the tuned cut-off vs argmax.
// Writes bench/results/tabular-baselines.json.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { aucFromProbs } from '../src/core/metrics/classification';
import golden from '../src/core/tabular/baselines/fixtures/sklearn-logreg.json';
import { fitLogReg, predictLogReg } from '../src/core/tabular/baselines/logreg';
import { LR_REFERENCE_DATASETS, lrReferenceSplits } from '../src/core/tabular/baselines/sklearnReference';
import { compareCutoffs, type CutoffReport } from '../src/core/tabular/baselines/threshold';
import { tunedGbdtTeacher, tuneGbdt, DEFAULT_GBDT_GRID } from '../src/core/tabular/baselines/tunedGbdt';
import { labelWithTeachers } from '../src/core/tabular/distill/label';
import { loadSharedDataset, sharedDatasetSpec } from '../src/core/tabular/data/registry';
import { trainGbdt } from '../src/core/tabular/students/gbdt/gbdt';
import { oneHot } from '../src/core/tabular/students/types';
import { logRegTeacher } from '../src/core/tabular/teachers/logreg';
import type { LabelledMatrix } from '../src/core/tabular/matrix';

const DATA = new URL('../public/samples/tabular/', import.meta.url);
const OUT = new URL('./results/tabular-baselines.json', import.meta.url);
/** inner folds for the out-of-fold scores that tune the cut-off */
const CUTOFF_FOLDS = 3;

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]): number => { const m = mean(v); return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1)); };
const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

interface CutoffSummary { recallArgmax: number; recallTuned: number; precisionArgmax: number; precisionTuned: number; balAccArgmax: number; balAccTuned: number }

function summariseCutoffs(rs: CutoffReport[]): CutoffSummary {
  const m = (f: (r: CutoffReport) => number) => r4(mean(rs.map(f).map((v) => (Number.isNaN(v) ? 0 : v))));
  return {
    recallArgmax: m((r) => r.argmax.recall), recallTuned: m((r) => r.tuned.recall),
    precisionArgmax: m((r) => r.argmax.precision), precisionTuned: m((r) => r.tuned.precision),
    balAccArgmax: m((r) => r.argmax.balancedAccuracy), balAccTuned: m((r) => r.tuned.balancedAccuracy),
  };
}

async function cutoffOf(teacher: Parameters<typeof labelWithTeachers>[0], train: LabelledMatrix, test: LabelledMatrix, testProbs: Parameters<typeof compareCutoffs>[2]) {
  const oof = await labelWithTeachers(teacher, train, { mode: 'oof', folds: CUTOFF_FOLDS, seed: 0 });
  return compareCutoffs(oof.teacher, train.y, testProbs, test.y);
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const rows = [];
  for (const id of LR_REFERENCE_DATASETS) {
    const task = await loadSharedDataset(id, readFileSync(new URL(sharedDatasetSpec(id).file, DATA), 'utf8'));
    const ref = golden.datasets.find((d) => d.id === id);
    if (!ref) throw new Error(`The sklearn fixture has no "${id}": rerun scripts/sklearn-reference.py.`);
    const lrAuc: number[] = []; const tunedAuc: number[] = []; const defaultAuc: number[] = [];
    let maxFoldDelta = 0; let maxCoefDelta = 0;
    const searchSeconds: number[] = []; const chosen: string[] = [];
    const lrCut: CutoffReport[] = []; const gbdtCut: CutoffReport[] = [];
    for (const [f, { train, test }] of lrReferenceSplits(task).entries()) {
      const lr = fitLogReg(train, train.y, 2);
      const lrProbs = predictLogReg(lr, test);
      lrAuc.push(aucFromProbs(lrProbs, test.y));
      maxFoldDelta = Math.max(maxFoldDelta, Math.abs(lrAuc[f] - ref.folds[f].default.auc));
      for (let j = 0; j < train.d; j++) maxCoefDelta = Math.max(maxCoefDelta, Math.abs(lr.w[2 * j + 1] - lr.w[2 * j] - ref.folds[f].converged.coef[j]));
      const t0 = performance.now();
      const tuned = tuneGbdt(train, train.y, 2);
      searchSeconds.push((performance.now() - t0) / 1000);
      const gbdtProbs = tuned.student.predict(test);
      tunedAuc.push(aucFromProbs(gbdtProbs, test.y));
      chosen.push(`η ${tuned.chosen.learningRate} depth ${tuned.chosen.maxDepth} mcw ${tuned.chosen.minChildWeight} × ${tuned.student.model.rounds}`);
      defaultAuc.push(aucFromProbs(trainGbdt(train, oneHot(train.y, 2)).predict(test), test.y));
      lrCut.push(await cutoffOf(logRegTeacher(), train, test, lrProbs));
      gbdtCut.push(await cutoffOf(tunedGbdtTeacher(), train, test, gbdtProbs));
      process.stderr.write(`${id} fold ${f + 1}/5\n`);
    }
    rows.push({
      dataset: id,
      logreg: { auc: r4(mean(lrAuc)), sklearnAuc: r4(ref.meanAuc), meanDelta: mean(lrAuc) - ref.meanAuc, maxFoldDelta, maxCoefDelta },
      tunedGbdt: { auc: r4(mean(tunedAuc)), aucSd: r4(sd(tunedAuc)), searchSecondsPerFold: r4(mean(searchSeconds)), chosen },
      defaultGbdt: { auc: r4(mean(defaultAuc)), aucSd: r4(sd(defaultAuc)) },
      cutoffs: { logreg: summariseCutoffs(lrCut), tunedGbdt: summariseCutoffs(gbdtCut) },
    });
  }

  console.log('\nLogistic regression vs scikit-learn (make_pipeline(StandardScaler(), LogisticRegression()), 5 seeded folds)');
  console.log('dataset                  ours    sklearn  Δmean      max|Δ| fold  max|Δcoef|');
  for (const r of rows) {
    console.log(`${r.dataset.padEnd(24)} ${r.logreg.auc.toFixed(4)}  ${r.logreg.sklearnAuc.toFixed(4)}   ${r.logreg.meanDelta.toExponential(1).padStart(8)}   ` +
      `${r.logreg.maxFoldDelta.toExponential(1).padStart(8)}     ${r.logreg.maxCoefDelta.toExponential(1)}`);
  }
  console.log('\nTuned GBDT (inner 3-fold CV over the grid) vs GBDT defaults vs LR: test AUC mean ± sd over 5 folds');
  for (const r of rows) {
    console.log(`${r.dataset.padEnd(24)} tuned ${r.tunedGbdt.auc.toFixed(4)} ± ${r.tunedGbdt.aucSd.toFixed(3)}  default ${r.defaultGbdt.auc.toFixed(4)} ± ${r.defaultGbdt.aucSd.toFixed(3)}  ` +
      `LR ${r.logreg.auc.toFixed(4)}  search ${r.tunedGbdt.searchSecondsPerFold.toFixed(1)} s/fold  [${r.tunedGbdt.chosen.join('; ')}]`);
  }
  console.log("\nMinority recall / precision / balanced accuracy: argmax → Youden cut-off tuned on training-fold OOF scores");
  for (const r of rows) for (const [name, c] of Object.entries(r.cutoffs)) {
    console.log(`${r.dataset.padEnd(24)} ${name.padEnd(10)} recall ${c.recallArgmax.toFixed(3)} → ${c.recallTuned.toFixed(3)}  ` +
      `precision ${c.precisionArgmax.toFixed(3)} → ${c.precisionTuned.toFixed(3)}  bal.acc ${c.balAccArgmax.toFixed(3)} → ${c.balAccTuned.toFixed(3)}`);
  }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(OUT, JSON.stringify({
    bench: 'tabular-baselines', started, finished: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg() },
    protocol: { folds: 5, seed: 0, sklearn: golden.versions, grid: DEFAULT_GBDT_GRID, innerFolds: 3, maxRounds: 500, cutoffFolds: CUTOFF_FOLDS, criterion: 'youden' },
    rows,
  }, null, 1));
  console.log(`\nwrote ${OUT.pathname}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
