// Prior v2: the knobs by which prior.ts's version 2 differs from version 1 (the committed tfm's prior, whose
// draws never change). Real tables have what v1 lacked or made rare, and a TFM fitted on v1 therefore never met:
//  - extreme imbalance: a quarter of tasks get one class at 0.3–8 % of the rows (fraud, rare diagnoses);
//  - many and wide categoricals: up to every feature, with up to 24 levels;
//  - more missingness, sometimes informative (a value goes missing more often when it is high, as with lab tests
//    nobody orders for healthy patients), at rates up to 50 %;
//  - duplicated and near-duplicated rows that keep their (possibly noisy) label. Real datasets repeat records;
//    a network fitted on such tasks learns that a context row matching the query carries the query's label —
//    which is exactly how real in-context teachers leak labels when they score their own context (naive
//    self-labelling collapses to near one-hot), the phenomenon out-of-fold labelling exists for.
import type { Rng } from '../data/rng';
import { logUniform, uniform, type PriorTask } from './prior';

interface Drawn {
  x: Float64Array;
  y: Int32Array;
  n: number;
  d: number;
  k: number;
  kind: 'scm' | 'trees';
  finalShares: number[];
  categorical: number;
  irrelevant: number;
  noise: number;
}

/** Class shares: as v1 (Dirichlet-like, sometimes one rare class), plus a quarter of tasks with one very rare class. */
function classShares(rng: Rng, k: number): number[] {
  const alpha = logUniform(rng, 0.3, 5);
  const w = Array.from({ length: k }, () => Math.pow(rng.next(), 1 / alpha) + 1e-3);
  const u = rng.next();
  if (u < 0.25) {
    const rare = rng.int(k);
    const share = logUniform(rng, 0.003, 0.08);
    const rest = w.reduce((a, b, i) => (i === rare ? a : a + b), 0);
    return w.map((v, i) => (i === rare ? share : ((1 - share) * v) / rest));
  }
  if (u < 0.5) w[rng.int(k)] *= uniform(rng, 0.02, 0.3);
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / s);
}

/** Categorical width: mostly small, sometimes wide (postcodes, products). */
const levels = (rng: Rng): number => (rng.next() < 0.8 ? 2 + rng.int(7) : 9 + rng.int(16));

/** Distinct finite values of column j, capped (a cheap test for "categorical or integer-coded"). */
function fewDistinct(x: Float64Array, n: number, d: number, j: number, cap: number): boolean {
  const seen = new Set<number>();
  for (let r = 0; r < n; r++) {
    seen.add(x[r * d + j]);
    if (seen.size > cap) return false;
  }
  return true;
}

/** Missing values (30 % of tasks): MCAR, or informative (MNAR: high values go missing more often) in a third. */
function addMissing(rng: Rng, x: Float64Array, n: number, d: number): { rate: number; informative: boolean } {
  if (rng.next() >= 0.3) return { rate: 0, informative: false };
  const rate = uniform(rng, 0.01, 0.5);
  const informative = rng.next() < 1 / 3;
  const colShare = uniform(rng, 0.2, 1);
  for (let j = 0; j < d; j++) {
    if (rng.next() >= colShare) continue;
    if (!informative) {
      for (let r = 0; r < n; r++) if (rng.next() < rate) x[r * d + j] = NaN;
      continue;
    }
    const sorted = Array.from({ length: n }, (_, r) => x[r * d + j]).sort((a, b) => a - b);
    const cut = sorted[Math.floor(n * uniform(rng, 0.3, 0.8))];
    // values above the cut go missing at up to 2·rate, below it at a fifth of rate: the indicator carries signal
    for (let r = 0; r < n; r++) if (rng.next() < (x[r * d + j] > cut ? Math.min(0.95, 2 * rate) : rate / 5)) x[r * d + j] = NaN;
  }
  return { rate, informative };
}

/**
 * Duplicates (60 % of tasks): a share of 5–60 % of rows become copies of other rows, label included; in half of
 * those tasks the copies are near-duplicates (continuous features jittered by 1 % of their spread). Copies land
 * at random positions, so they fall on both sides of the context/query split, like repeated records in a file.
 * The rates are high on purpose: at 30 % of tasks × 2–40 % of rows a query met its copy in the context about 4 %
 * of the time, and a network warm-started from the v1 tfm learnt no copying in 2,000 steps (naive self-labelling
 * on german, pima and phoneme stayed exactly as uncollapsed as out-of-fold labelling).
 */
function addDuplicates(rng: Rng, x: Float64Array, y: Int32Array, n: number, d: number): number {
  if (rng.next() >= 0.6 || n < 4) return 0;
  const share = uniform(rng, 0.05, 0.6);
  const near = rng.next() < 0.5;
  const spread = new Float64Array(d);
  const continuous = new Array<boolean>(d);
  for (let j = 0; j < d; j++) {
    continuous[j] = !fewDistinct(x, n, d, j, 24);
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < n; r++) { const v = x[r * d + j]; if (v < lo) lo = v; if (v > hi) hi = v; }
    spread[j] = Number.isFinite(hi - lo) ? hi - lo : 0;
  }
  let copies = 0;
  for (let r = 0; r < n; r++) {
    if (rng.next() >= share) continue;
    const src = rng.int(n);
    if (src === r) continue;
    for (let j = 0; j < d; j++) {
      const v = x[src * d + j];
      x[r * d + j] = near && continuous[j] && Number.isFinite(v) ? v + 0.01 * spread[j] * (rng.next() - 0.5) : v;
    }
    y[r] = y[src];
    copies++;
  }
  return copies / n;
}

/** The last steps of a v2 task: missingness, then duplicates (a copy keeps its source's missing cells). */
function finish(rng: Rng, t: Drawn): PriorTask {
  const missing = addMissing(rng, t.x, t.n, t.d);
  const duplicated = addDuplicates(rng, t.x, t.y, t.n, t.d);
  return {
    x: Float32Array.from(t.x), y: t.y, n: t.n, d: t.d, k: t.k,
    meta: { kind: t.kind, classShares: t.finalShares, categorical: t.categorical, irrelevant: t.irrelevant, missingRate: missing.rate, noise: t.noise, duplicated, missingInformative: missing.informative },
  };
}

export const V2 = { classShares, levels, finish } as const;
