// Diversity-driven contexts: k-means++ (Arthur & Vassilvitskii 2007, seeded) with `size` clusters over the pool,
// then the real row nearest each centroid, so the context covers the feature space instead of its dense middle.
// Also exports the representative picker that hybrid_balanced_diverse uses for its fill.

import type { LabelledMatrix } from '../matrix';
import { makeRng, type Rng } from '../data/rng';
import { fromRows } from './sampling';
import { checkArgs, checkImputed, type ContextResult } from './types';

/** Lloyd iterations after k-means++ seeding; representatives stabilise long before full convergence. */
export const KMEANS_ITERATIONS = 10;

function sqDist(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) { const v = a[ai * d + t] - b[bi * d + t]; s += v * v; }
  return s;
}

/** Indices of `clusters` distinct rows among `candidates` that are nearest to k-means++/Lloyd centroids. */
export function kmeansRepresentatives(pool: LabelledMatrix, candidates: number[], clusters: number, rng: Rng): number[] {
  const n = candidates.length;
  const K = Math.min(clusters, n);
  if (K === n) return [...candidates];
  const d = pool.d;
  const X = new Float64Array(n * d);
  candidates.forEach((r, i) => X.set(pool.x.subarray(r * d, (r + 1) * d), i * d));
  // k-means++ seeding: first centre uniform, each next one with probability ∝ squared distance to the nearest centre.
  const C = new Float64Array(K * d);
  const best = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let c = 0; c < K; c++) {
    C.set(X.subarray(pick * d, (pick + 1) * d), c * d);
    let total = 0;
    for (let i = 0; i < n; i++) { best[i] = Math.min(best[i], sqDist(X, i, C, c, d)); total += best[i]; }
    if (c === K - 1) break;
    if (total === 0) { pick = rng.int(n); continue; } // all remaining rows duplicate a centre
    let u = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) { u -= best[i]; if (u < 0) { pick = i; break; } }
  }
  const assign = new Int32Array(n).fill(-1);
  for (let it = 0; it < KMEANS_ITERATIONS; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let bc = 0;
      let bd = Infinity;
      for (let c = 0; c < K; c++) { const v = sqDist(X, i, C, c, d); if (v < bd) { bd = v; bc = c; } }
      if (assign[i] !== bc) { assign[i] = bc; changed++; }
    }
    if (!changed) break;
    const sum = new Float64Array(K * d);
    const cnt = new Int32Array(K);
    for (let i = 0; i < n; i++) { cnt[assign[i]]++; for (let t = 0; t < d; t++) sum[assign[i] * d + t] += X[i * d + t]; }
    // An emptied cluster keeps its previous centre (still a meaningful point) rather than vanishing.
    for (let c = 0; c < K; c++) if (cnt[c]) for (let t = 0; t < d; t++) C[c * d + t] = sum[c * d + t] / cnt[c];
  }
  // Nearest unused row per centroid, so duplicates in the pool never yield a repeated representative.
  const used = new Uint8Array(n);
  const out: number[] = [];
  for (let c = 0; c < K; c++) {
    let bi = -1;
    let bd = Infinity;
    for (let i = 0; i < n; i++) if (!used[i]) { const v = sqDist(X, i, C, c, d); if (v < bd) { bd = v; bi = i; } }
    used[bi] = 1;
    out.push(candidates[bi]);
  }
  return out;
}

/** One representative row per k-means cluster; min(size, pool.n) distinct rows, class mix left to the data. */
export function diversityKmeans(pool: LabelledMatrix, size: number, seed: number): ContextResult {
  checkArgs(pool, size);
  checkImputed(pool, 'diversity_kmeans');
  const rng = makeRng(seed + 4);
  const all = Array.from({ length: pool.n }, (_, i) => i);
  return fromRows(pool, kmeansRepresentatives(pool, all, size, rng), rng);
}
