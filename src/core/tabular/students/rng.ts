// Seeded randomness for the students and the distillation folds: every split, subsample and initialisation is
// reproducible from one integer seed (a run's seed travels in its share link).

import { mulberry32 } from '../../numeric/random';

export const makeRng = mulberry32;

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace(a: Uint32Array | Int32Array | number[], rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** Standard normal draw (Box–Muller), for weight initialisation. */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * Stratified split of rows 0..n-1 by `strata` (a class per row): each stratum is shuffled and its first
 * `round(fraction·size)` rows go to `b`. Keeps class shares on both sides, which matters at 2 % minority.
 */
export function stratifiedSplit(strata: ArrayLike<number>, fraction: number, seed: number): { a: Uint32Array; b: Uint32Array } {
  const rand = makeRng(seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < strata.length; i++) {
    const g = groups.get(strata[i]);
    if (g) g.push(i); else groups.set(strata[i], [i]);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (const key of [...groups.keys()].sort((p, q) => p - q)) {
    const g = groups.get(key) as number[];
    shuffleInPlace(g, rand);
    const nb = Math.round(fraction * g.length);
    for (let i = 0; i < g.length; i++) (i < nb ? b : a).push(g[i]);
  }
  a.sort((p, q) => p - q);
  b.sort((p, q) => p - q);
  return { a: Uint32Array.from(a), b: Uint32Array.from(b) };
}
