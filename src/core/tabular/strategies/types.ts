// The context-strategy contract shared by the seven strategies: pick (or synthesise) `size` labelled rows from a
// preprocessed pool for an in-context teacher. `sourceRows` keeps provenance so a study can tell real, duplicated
// and synthetic context rows apart.

import type { LabelledMatrix } from '../matrix';

export const STRATEGY_NAMES = ['uniform', 'stratified', 'balanced', 'oversample_minority', 'smote', 'diversity_kmeans', 'hybrid_balanced_diverse'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface ContextResult {
  context: LabelledMatrix;
  /** pool row of each context row; null = synthetic (SMOTE) */
  sourceRows: (number | null)[];
}

/**
 * `(pool, size, seed) → context`. Strategies that only select real rows without replacement (uniform,
 * stratified, diversity_kmeans) return min(size, pool.n) rows; balanced, oversample_minority and smote return
 * exactly `size`; hybrid_balanced_diverse too unless the pool has fewer rows outside its core than the fill needs.
 */
export type ContextStrategy = (pool: LabelledMatrix, size: number, seed: number) => ContextResult;

/** Shared argument check so every strategy fails the same way. */
export function checkArgs(pool: LabelledMatrix, size: number): void {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`Context size must be a positive integer, got ${size}.`);
  if (pool.n === 0) throw new RangeError('The pool has no rows to build a context from.');
}

/** Distance-based strategies (smote, k-means) need complete rows: name the first missing cell. */
export function checkImputed(pool: LabelledMatrix, strategy: string): void {
  const i = pool.x.findIndex(Number.isNaN);
  if (i >= 0) {
    throw new RangeError(`Pool row ${Math.floor(i / pool.d)}, column "${pool.names[i % pool.d]}" is missing (NaN); ` +
      `${strategy} measures distances, so impute first (fitPreprocessor on the pool).`);
  }
}
