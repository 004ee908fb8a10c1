// Helpers shared by the curation benches (bench/curation.ts, bench/curation-downstream.ts): the model folders under
// models/, the memo that lets the cells of one generator and seed share their first attempts, and the rounding and
// mean-over-seeds of the JSON figures, so both benches load and report the same way.
import { join } from 'node:path';
import type { TextLm } from '../src/core/curation/generate';

const ROOT = new URL('..', import.meta.url).pathname;

/** A model folder under models/ (the forge's curation generators, grounding model, judge). */
export const modelFolder = (id: string) => join(ROOT, 'models', id);

export const round = (x: number | null, d = 3) => (x === null ? null : Number(x.toFixed(d)));

/** The mean of the non-null values, rounded; null when there are none. */
export function meanOrNull(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? round(v.reduce((a, b) => a + b, 0) / v.length) : null;
}

/**
 * A TextLm whose identical calls (same prompts, options) are answered from a memo, so the cells of one generator and
 * seed share their first attempts (model calls are still counted per run by the pipeline: cost stays logical).
 */
export function memoised(lm: TextLm): TextLm {
  const done = new Map<string, Promise<unknown>>();
  const memo = <T>(key: string, f: () => Promise<T>): Promise<T> => {
    if (!done.has(key)) done.set(key, f());
    return done.get(key) as Promise<T>;
  };
  return { ...lm,
    complete: (p, o) => memo(JSON.stringify(['c', p, o]), () => lm.complete(p, o)),
    nextWordProbs: (p, w) => memo(JSON.stringify(['p', p, w]), () => lm.nextWordProbs(p, w)) };
}
