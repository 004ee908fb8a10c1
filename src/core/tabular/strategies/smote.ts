// SMOTE (Chawla et al. 2002) for context construction: classes get equal quotas; a class short of its quota in the
// stratified draw keeps its drawn rows and is topped up with synthetic rows x = a + u·(b − a), u ~ U[0,1), where a is
// a drawn row of that class and b one of a's `neighbours` nearest same-class rows in the whole pool. Rows are
// interpolated in the preprocessed space, so one-hot columns take fractional values (SMOTE-NC is not attempted).

import type { LabelledMatrix } from '../matrix';
import { makeRng, rowsByClass, shuffle } from '../data/rng';
import { stratifiedRows } from './simple';
import { equalQuotas, sampleWithout } from './sampling';
import { checkArgs, checkImputed, type ContextResult } from './types';

/** imbalanced-learn's default k_neighbors */
export const SMOTE_NEIGHBOURS = 5;

function sqDist(x: Float64Array, d: number, i: number, j: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) { const v = x[i * d + t] - x[j * d + t]; s += v * v; }
  return s;
}

/** The `m` nearest rows to `a` among `candidates` (excluding `a` itself). */
function nearest(pool: LabelledMatrix, a: number, candidates: number[], m: number): number[] {
  return candidates.filter((r) => r !== a)
    .map((r) => [sqDist(pool.x, pool.d, a, r), r])
    .sort((p, q) => p[0] - q[0] || p[1] - q[1])
    .slice(0, m)
    .map((p) => p[1]);
}

export function smote(pool: LabelledMatrix, size: number, seed: number): ContextResult {
  checkArgs(pool, size);
  checkImputed(pool, 'smote');
  const rng = makeRng(seed + 3);
  const byClass = rowsByClass(pool.y, pool.k);
  const drawn = stratifiedRows(pool, size, seed);
  const q = equalQuotas(size, byClass.map((r) => r.length), rng);
  const d = pool.d;
  const xs: number[][] = [];
  const ys: number[] = [];
  const src: (number | null)[] = [];
  const neighbourCache = new Map<number, number[]>();
  for (let c = 0; c < pool.k; c++) {
    // A class the draw missed (only when size < number of classes) seeds from one random pool row.
    const base = drawn[c].length ? drawn[c] : sampleWithout(byClass[c], 1, rng);
    const real = sampleWithout(base, Math.min(q[c], base.length), rng);
    for (const r of real) { xs.push(Array.from(pool.x.subarray(r * d, (r + 1) * d))); ys.push(c); src.push(r); }
    for (let s = real.length; s < q[c]; s++) {
      const a = base[rng.int(base.length)];
      let nb = neighbourCache.get(a);
      if (!nb) { nb = nearest(pool, a, byClass[c], SMOTE_NEIGHBOURS); neighbourCache.set(a, nb); }
      if (!nb.length) {
        // A class with a single pool row has no neighbour to interpolate towards: repeat the row.
        xs.push(Array.from(pool.x.subarray(a * d, (a + 1) * d))); ys.push(c); src.push(a);
        continue;
      }
      const b = nb[rng.int(nb.length)];
      const u = rng.next();
      xs.push(Array.from({ length: d }, (_, t) => pool.x[a * d + t] + u * (pool.x[b * d + t] - pool.x[a * d + t])));
      ys.push(c);
      src.push(null);
    }
  }
  const order = shuffle(Array.from({ length: xs.length }, (_, i) => i), rng);
  const x = new Float64Array(order.length * d);
  order.forEach((o, i) => x.set(xs[o], i * d));
  return {
    context: { ...pool, x, n: order.length, y: Int32Array.from(order, (o) => ys[o]) },
    sourceRows: order.map((o) => src[o]),
  };
}
