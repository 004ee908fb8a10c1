// Sampling helpers shared by the strategies: per-class quotas and seeded draws with or without replacement.

import { takeRows, type LabelledMatrix } from '../matrix';
import { shuffle, type Rng } from '../data/rng';
import type { ContextResult } from './types';

/** Split `total` over classes proportionally to `weights` by largest remainder (sums exactly to total). */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let t = 0; left > 0; t++, left--) out[order[t % order.length][1]]++;
  return out;
}

/**
 * Stratified quotas: proportional to class frequency but at least one row for every present class when the
 * budget allows, so a 64-row context of a 2 % class still shows the teacher that class.
 */
export function stratifiedQuotas(total: number, counts: number[]): number[] {
  const q = apportion(total, counts);
  const present = counts.filter((c) => c > 0).length;
  if (total < present) return q;
  for (let c = 0; c < q.length; c++) {
    if (counts[c] > 0 && q[c] === 0) {
      // Take the row from the class with the largest quota (it has > 1, since total ≥ present classes).
      q[q.indexOf(Math.max(...q))]--;
      q[c] = 1;
    }
  }
  return q;
}

/** Equal quotas over present classes; remainder rows go to seeded-random classes so no class is always favoured. */
export function equalQuotas(total: number, counts: number[], rng: Rng): number[] {
  const present = counts.flatMap((c, i) => (c > 0 ? [i] : []));
  const q = counts.map(() => 0);
  const each = Math.floor(total / present.length);
  for (const c of present) q[c] = each;
  for (const c of shuffle([...present], rng).slice(0, total - each * present.length)) q[c]++;
  return q;
}

/** `m` of `rows` without replacement (seeded). */
export function sampleWithout(rows: number[], m: number, rng: Rng): number[] {
  return shuffle([...rows], rng).slice(0, m);
}

/** `m` rows: all distinct rows first (in random order) while they last, then padding drawn with replacement. */
export function sampleDistinctThenPad(rows: number[], m: number, rng: Rng): number[] {
  const out = sampleWithout(rows, Math.min(m, rows.length), rng);
  while (out.length < m) out.push(rows[rng.int(rows.length)]);
  return out;
}

/** Context made of real pool rows, shuffled so class blocks do not follow each other. */
export function fromRows(pool: LabelledMatrix, rows: number[], rng: Rng): ContextResult {
  const order = shuffle([...rows], rng);
  return { context: takeRows(pool, order), sourceRows: order };
}
