// hybrid_balanced_diverse: a balanced core of round(0.7·size) rows (equal per class, padded with replacement
// for small classes), then the remaining slots filled with k-means representatives of the pool rows not already in
// the core, so fill and core never overlap. Rationale: the core fixes the class mix, the fill adds coverage.

import type { LabelledMatrix } from '../matrix';
import { makeRng, rowsByClass } from '../data/rng';
import { kmeansRepresentatives } from './diversity';
import { equalQuotas, fromRows, sampleDistinctThenPad } from './sampling';
import { checkArgs, checkImputed, type ContextResult } from './types';

export const HYBRID_CORE_FRACTION = 0.7;

export function hybridBalancedDiverse(pool: LabelledMatrix, size: number, seed: number): ContextResult {
  checkArgs(pool, size);
  checkImputed(pool, 'hybrid_balanced_diverse');
  const rng = makeRng(seed + 5);
  const byClass = rowsByClass(pool.y, pool.k);
  const coreSize = Math.round(HYBRID_CORE_FRACTION * size);
  const q = equalQuotas(coreSize, byClass.map((r) => r.length), rng);
  const core = byClass.flatMap((rows, c) => sampleDistinctThenPad(rows, q[c], rng));
  const inCore = new Set(core);
  const rest = Array.from({ length: pool.n }, (_, i) => i).filter((i) => !inCore.has(i));
  const fill = kmeansRepresentatives(pool, rest, size - coreSize, rng);
  return fromRows(pool, [...core, ...fill], rng);
}
