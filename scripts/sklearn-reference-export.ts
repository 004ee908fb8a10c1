// Exports what the scikit-learn logistic-regression reference needs (`npx tsx scripts/sklearn-reference-export.ts
// [out.json]`, default /tmp/sklearn-lr-input.json): for every shipped binary dataset, the project's seeded
// stratified 5-fold split and, per fold, the design matrix the project's preprocessing makes (median/mode
// imputation and one-hot levels fitted on the training fold, numeric columns z-scored) for the train and test rows.
// scripts/sklearn-reference.py reads it, so both sides fit on exactly the same numbers and folds.

import { readFileSync, writeFileSync } from 'node:fs';
import { LR_REFERENCE_DATASETS, LR_REFERENCE_FOLDS, LR_REFERENCE_SEED, lrReferenceSplits } from '../src/core/tabular/baselines/sklearnReference';
import { loadSharedDataset, sharedDatasetSpec } from '../src/core/tabular/data/registry';

const DATA = new URL('../public/samples/tabular/', import.meta.url);
const out = process.argv[2] ?? '/tmp/sklearn-lr-input.json';

async function main(): Promise<void> {
  const datasets = [];
  for (const id of LR_REFERENCE_DATASETS) {
    const task = await loadSharedDataset(id, readFileSync(new URL(sharedDatasetSpec(id).file, DATA), 'utf8'));
    const folds = lrReferenceSplits(task).map(({ train, test }) => ({
      d: train.d,
      names: train.names,
      trainX: Array.from(train.x), trainY: Array.from(train.y),
      testX: Array.from(test.x), testY: Array.from(test.y),
    }));
    datasets.push({ id, classNames: task.classNames, folds });
    process.stderr.write(`${id}: ${task.y.length} rows, ${folds[0].d} design columns\n`);
  }
  writeFileSync(out, JSON.stringify({ seed: LR_REFERENCE_SEED, folds: LR_REFERENCE_FOLDS, datasets }));
  process.stderr.write(`wrote ${out}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
