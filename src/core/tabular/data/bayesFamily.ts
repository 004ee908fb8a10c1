// A synthetic family of binary tasks whose Bayes-optimal ROC-AUC is known, so a teacher's AUC can be read as a
// gap to the best any classifier can do, not only as a rank among teachers (issue #25 asks for TFM figures "on a
// synthetic family with known Bayes-optimal AUC"). Three members, each at any class balance (class priors do not
// change a likelihood-ratio ROC curve, so the Bayes AUC holds at every imbalance):
//  - `linear`: x | y ~ N(μ_y, I) in a latent space, seen through a random invertible linear map plus irrelevant
//    noise features. The Bayes score is linear and AUC* = Φ(Δ/√2), Δ = ‖μ₁ − μ₀‖ (both invariant under the map);
//    Δ is set from the requested AUC*. Logistic regression is the right model here.
//  - `xor`: the label is sign(z₁·z₂) flipped with probability ε; the posterior takes two values and AUC* = 1 − ε.
//    No linear model beats 0.5; local and in-context learners can reach 1 − ε.
//  - `rings`: x | y=0 ~ N(0, I₂), x | y=1 ~ N(0, s²I₂) in two latent dimensions: the Bayes score is the radius and
//    AUC* = s² / (1 + s²) (the squared radius is exponential in both classes, with means 2 and 2s²).
import { normalCdf } from '../../ensembles/special';
import type { LabelledMatrix } from '../matrix';
import { normal } from '../tfm/prior';
import { makeRng, type Rng } from './rng';

export type BayesFamilyKind = 'linear' | 'xor' | 'rings';

export interface BayesTaskSpec {
  kind: BayesFamilyKind;
  /** target Bayes-optimal AUC in (0.5, 1) */
  bayesAuc: number;
  /** share of positives (class 1) */
  positiveShare: number;
  /** irrelevant noise features added to the informative ones */
  noiseFeatures: number;
  rows: number;
  seed: number;
}

export interface BayesTask extends LabelledMatrix {
  spec: BayesTaskSpec;
  /** the exact Bayes-optimal AUC of the generating distribution */
  bayesAuc: number;
}

/** Φ⁻¹ by bisection on Φ (|error| < 1e-12; called a few times per task, so speed does not matter). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Latent informative coordinates of one row of class y. */
function latentRow(kind: BayesFamilyKind, y: number, bayesAuc: number, delta: number, rng: Rng): number[] {
  if (kind === 'linear') {
    const shift = y === 1 ? delta / Math.sqrt(3) : 0; // split across 3 latent dims: ‖μ₁ − μ₀‖ = Δ
    return [normal(rng) + shift, normal(rng) + shift, normal(rng) + shift];
  }
  if (kind === 'xor') {
    const eps = 1 - bayesAuc;
    // the noise-free label is sign(z₁z₂); a row of observed class y has the other sign with probability ε
    const wantPositiveProduct = (y === 1) !== (rng.next() < eps);
    const a = Math.abs(normal(rng));
    const b = Math.abs(normal(rng));
    const sa = rng.next() < 0.5 ? 1 : -1;
    return [sa * a, (wantPositiveProduct ? sa : -sa) * b];
  }
  const s = Math.sqrt(bayesAuc / (1 - bayesAuc)); // AUC* = s²/(1+s²)
  const scale = y === 1 ? s : 1;
  return [normal(rng) * scale, normal(rng) * scale];
}

/** One task of the family, deterministic in its spec. */
export function bayesTask(spec: BayesTaskSpec): BayesTask {
  if (!(spec.bayesAuc > 0.5 && spec.bayesAuc < 1)) throw new RangeError(`bayesAuc must lie in (0.5, 1), got ${spec.bayesAuc}`);
  if (!(spec.positiveShare > 0 && spec.positiveShare < 1)) throw new RangeError(`positiveShare must lie in (0, 1), got ${spec.positiveShare}`);
  const rng = makeRng(spec.seed);
  const { latentDims, d, mix, scale, shift } = observationMap(spec, rng);
  const delta = spec.kind === 'linear' ? Math.SQRT2 * normalQuantile(spec.bayesAuc) : 0;
  const x = new Float64Array(spec.rows * d);
  const y = new Int32Array(spec.rows);
  for (let r = 0; r < spec.rows; r++) {
    y[r] = rng.next() < spec.positiveShare ? 1 : 0;
    const z = latentRow(spec.kind, y[r], spec.bayesAuc, delta, rng);
    for (let i = 0; i < latentDims; i++) {
      let v = 0;
      for (let j = 0; j < latentDims; j++) v += mix[i][j] * z[j];
      x[r * d + i] = v * scale[i] + shift[i];
    }
    for (let i = latentDims; i < d; i++) x[r * d + i] = normal(rng) * scale[i] + shift[i];
  }
  const names = Array.from({ length: d }, (_, i) => (i < latentDims ? `z${i}` : `noise${i - latentDims}`));
  return { x, y, n: spec.rows, d, k: 2, names, classNames: ['0', '1'], spec, bayesAuc: spec.bayesAuc };
}

/**
 * The observed space: a random well-conditioned mixing of the informative coordinates (identity + a small random
 * part) and a random scale and shift per feature. Drawn first from the task's seed, so bayesScorer can redraw it.
 */
function observationMap(spec: BayesTaskSpec, rng: Rng): { latentDims: number; d: number; mix: number[][]; scale: number[]; shift: number[] } {
  const latentDims = spec.kind === 'linear' ? 3 : 2;
  const d = latentDims + spec.noiseFeatures;
  const mix = Array.from({ length: latentDims }, (_, i) => Array.from({ length: latentDims }, (_, j) => (i === j ? 1 : 0) + 0.3 * normal(rng)));
  const scale = Array.from({ length: d }, () => Math.exp(normal(rng)));
  const shift = Array.from({ length: d }, () => 3 * normal(rng));
  return { latentDims, d, mix, scale, shift };
}

/** The Bayes-optimal score of each row of a task (a monotone transform of the true posterior), for checks. */
export function bayesScorer(task: BayesTask): (i: number) => number {
  const { latentDims, mix, scale, shift } = observationMap(task.spec, makeRng(task.spec.seed));
  return (i) => {
    const v = Array.from({ length: latentDims }, (_, a) => (task.x[i * task.d + a] - shift[a]) / scale[a]);
    const z = solve(mix, v);
    if (task.spec.kind === 'linear') return z[0] + z[1] + z[2];
    if (task.spec.kind === 'xor') return z[0] * z[1] > 0 ? 1 : 0;
    return z[0] * z[0] + z[1] * z[1];
  };
}

/** Gaussian elimination with partial pivoting for the small latent mixing (2×2 or 3×3). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * out[k];
    out[r] = s / m[r][r];
  }
  return out;
}
