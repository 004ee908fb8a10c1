// Stratified K-fold assignment for out-of-fold teacher labelling: each class's rows are shuffled (seeded) and dealt
// round-robin, so every fold keeps the class shares and every other fold's rows form the context.

import { makeRng, shuffleInPlace } from '../students/rng';
import { checkLabels } from '../students/types';

export class DistillInputError extends Error {
  override name = 'DistillInputError';
}

export interface FoldPlan {
  /** fold index 0..K−1 per row */
  fold: Int32Array;
  K: number;
  /** conditions the caller should surface (e.g. a class too small to appear in every fold) */
  warnings: string[];
}

export function stratifiedFolds(y: ArrayLike<number>, k: number, K: number, seed = 0): FoldPlan {
  if (!Number.isInteger(K) || K < 2) throw new DistillInputError(`need at least 2 folds for out-of-fold labelling, got ${K}`);
  if (y.length < K) throw new DistillInputError(`${y.length} rows cannot fill ${K} folds`);
  checkLabels(y, k);
  const rand = makeRng(seed);
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]].push(i);
  const fold = new Int32Array(y.length);
  const warnings: string[] = [];
  // deal each class on from where the previous one stopped, so small classes do not all land in fold 0
  let next = 0;
  byClass.forEach((rows, c) => {
    if (rows.length > 0 && rows.length < K) {
      warnings.push(`class ${c} has ${rows.length} row(s) for ${K} folds: ${K - rows.length} fold(s) hold none of it, and a row whose class has no other member sees a context without its class`);
    }
    shuffleInPlace(rows, rand);
    for (const r of rows) { fold[r] = next; next = (next + 1) % K; }
  });
  return { fold, K, warnings };
}
