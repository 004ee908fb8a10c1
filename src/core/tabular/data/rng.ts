// Seeded randomness for splits, folds and context strategies. Every sampling decision in tabular goes through
// this so a run is reproducible from its seed (the seed travels in share links).

import { mulberry32 } from '../../numeric/random';

export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform integer in [0, n) */
  int(n: number): number;
}

/** The shared generator with the seed mixed first, so seed 0 and small seeds do not start near each other. */
export function makeRng(seed: number): Rng {
  const next = mulberry32((Math.floor(seed) ^ 0x9e3779b9) >>> 0);
  return { next, int: (n) => Math.floor(next() * n) };
}

/** Fisher–Yates in place; returns the same array. */
export function shuffle<T>(a: T[], rng: Rng): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** Row indices grouped by class (0..k-1), in ascending row order. */
export function rowsByClass(y: Int32Array, k: number): number[][] {
  const out: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < y.length; i++) out[y[i]].push(i);
  return out;
}
