// Seeded stratified splits: a hold-out split and K folds, each class spread evenly so every test fold contains
// every class (AUC is undefined otherwise). Rows are indices into the task.

import { TabularDataError } from './errors';
import { makeRng, rowsByClass, shuffle } from './rng';

export interface Split {
  train: number[];
  test: number[];
}

function classesOrThrow(y: Int32Array, k: number, perClass: number, what: string): number[][] {
  const byClass = rowsByClass(y, k);
  byClass.forEach((rows, c) => {
    if (rows.length < perClass) {
      throw new TabularDataError(`Class ${c} has ${rows.length} rows, too few for ${what} (needs ≥ ${perClass}).`);
    }
  });
  return byClass;
}

/** Stratified K-fold: fold f's test rows are its share of every class; train is the rest. Sorted ascending. */
export function stratifiedKFold(y: Int32Array, k: number, folds: number, seed: number): Split[] {
  if (!Number.isInteger(folds) || folds < 2) throw new TabularDataError(`folds must be an integer ≥ 2, got ${folds}.`);
  const byClass = classesOrThrow(y, k, folds, `${folds}-fold stratified CV`);
  const rng = makeRng(seed);
  const foldOf = new Int32Array(y.length);
  let offset = 0;
  for (const rows of byClass) {
    shuffle(rows, rng);
    // Continue the round-robin across classes so fold sizes differ by at most one overall.
    rows.forEach((r, i) => { foldOf[r] = (offset + i) % folds; });
    offset = (offset + rows.length) % folds;
  }
  return Array.from({ length: folds }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < y.length; i++) (foldOf[i] === f ? test : train).push(i);
    return { train, test };
  });
}

/** Stratified hold-out split with `round(testFraction · n_c)` test rows per class (at least one each side). */
export function stratifiedSplit(y: Int32Array, k: number, testFraction: number, seed: number): Split {
  if (!(testFraction > 0 && testFraction < 1)) throw new TabularDataError(`testFraction must be in (0, 1), got ${testFraction}.`);
  const byClass = classesOrThrow(y, k, 2, 'a train/test split');
  const rng = makeRng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of byClass) {
    shuffle(rows, rng);
    const nTest = Math.min(rows.length - 1, Math.max(1, Math.round(testFraction * rows.length)));
    test.push(...rows.slice(0, nTest));
    train.push(...rows.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
