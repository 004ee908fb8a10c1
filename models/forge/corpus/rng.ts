// Seeded PRNG (mulberry32) and sampling helpers, so the corpus is a pure function of its seed.
// Math.random is never used in the forge: same seed, same bytes, same data hash.

import { mulberry32 } from '../../../src/core/numeric/random';

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  /** Uniform element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

export function makeRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(next() * items.length)];
  };
  return { next, int, pick };
}

/** Fill `{slot}` placeholders; a missing slot is a bug in a template, so it throws. */
export function fill(text: string, slots: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = slots[name];
    if (value === undefined) throw new Error(`template slot {${name}} has no value in "${text}"`);
    return String(value);
  });
}

/** Capitalise the first letter (templates may start with a slot). */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
