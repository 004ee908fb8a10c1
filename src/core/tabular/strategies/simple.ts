// The four sampling strategies that only reuse real rows: uniform, stratified, balanced and
// oversample_minority. They differ in how many rows each class gets and whether minority rows repeat.

import type { LabelledMatrix } from '../matrix';
import { makeRng, rowsByClass } from '../data/rng';
import { equalQuotas, fromRows, sampleDistinctThenPad, sampleWithout, stratifiedQuotas } from './sampling';
import { checkArgs, type ContextResult } from './types';

/** Uniform random rows without replacement: the natural class mix, minority possibly absent. */
export function uniform(pool: LabelledMatrix, size: number, seed: number): ContextResult {
  checkArgs(pool, size);
  const rng = makeRng(seed);
  const all = Array.from({ length: pool.n }, (_, i) => i);
  return fromRows(pool, sampleWithout(all, Math.min(size, pool.n), rng), rng);
}

/** Stratified rows for a budget (shared with the oversampling strategies, which start from this draw). */
export function stratifiedRows(pool: LabelledMatrix, size: number, seed: number): number[][] {
  const rng = makeRng(seed);
  const byClass = rowsByClass(pool.y, pool.k);
  const q = stratifiedQuotas(Math.min(size, pool.n), byClass.map((r) => r.length));
  return byClass.map((rows, c) => sampleWithout(rows, q[c], rng));
}

/** Class proportions of the pool (largest remainder), every present class at least once; no repeats. */
export function stratified(pool: LabelledMatrix, size: number, seed: number): ContextResult {
  checkArgs(pool, size);
  return fromRows(pool, stratifiedRows(pool, size, seed).flat(), makeRng(seed + 1));
}

/**
 * Equal rows per class (exactly size/k when k divides size, else within one). Each class uses distinct pool rows
 * while it has them and is padded with replacement beyond that, so small classes repeat.
 */
export function balanced(pool: LabelledMatrix, size: number, seed: number): ContextResult {
  checkArgs(pool, size);
  const rng = makeRng(seed);
  const byClass = rowsByClass(pool.y, pool.k);
  const q = equalQuotas(size, byClass.map((r) => r.length), rng);
  return fromRows(pool, byClass.flatMap((rows, c) => sampleDistinctThenPad(rows, q[c], rng)), rng);
}

/**
 * Random oversampling (imbalanced-learn's RandomOverSampler) applied to the stratified draw: classes get equal
 * quotas like `balanced`, but an under-quota class only repeats the rows the stratified draw gave it. It raises the
 * minority's weight without adding minority information, the contrast with `balanced` (more distinct rows) and
 * `smote` (synthetic rows).
 */
export function oversampleMinority(pool: LabelledMatrix, size: number, seed: number): ContextResult {
  checkArgs(pool, size);
  const rng = makeRng(seed + 2);
  const drawn = stratifiedRows(pool, size, seed);
  const byClass = rowsByClass(pool.y, pool.k);
  const q = equalQuotas(size, byClass.map((r) => r.length), rng);
  // A class the draw missed (only when size < number of classes) falls back to its pool rows.
  const rows = drawn.flatMap((d, c) => sampleDistinctThenPad(d.length ? d : byClass[c], q[c], rng));
  return fromRows(pool, rows, rng);
}
