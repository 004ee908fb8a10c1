// Seeded synthetic prediction pools for tests, benchmarks and the panel's demo button: per dataset a latent
// class-score field, labels drawn from it, and models that see it through noise of their own plus noise shared
// by all models (correlated errors) and by a family (seeds of one model agree more with each other), with their
// own confidence scale (over- and under-confident models). Quality varies by dataset, so rankings do too.

import { mulberry32 } from '../numeric/random';
import type { DatasetPool, ModelPredictions, PredictionPool } from './pool';

export const rng = mulberry32;

export function gaussian(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface SyntheticModel {
  name: string;
  /** noise sd relative to the latent signal (lower = better model) */
  noise: number;
  /** share of the noise common to all models */
  shared: number;
  /** confidence scale: > 1 over-confident, < 1 under-confident */
  temperature: number;
}

/** The default six-model pool: a three-seed TFM family, a boosted-tree model, an MLP, a linear model. */
export const DEFAULT_SYNTHETIC_MODELS: SyntheticModel[] = [
  { name: 'tfm@seed0', noise: 0.55, shared: 0.5, temperature: 1.1 },
  { name: 'tfm@seed1', noise: 0.55, shared: 0.5, temperature: 1.1 },
  { name: 'tfm@seed2', noise: 0.55, shared: 0.5, temperature: 1.1 },
  { name: 'gbdt', noise: 0.7, shared: 0.4, temperature: 1.6 },
  { name: 'mlp', noise: 0.8, shared: 0.3, temperature: 0.9 },
  { name: 'logreg', noise: 1.0, shared: 0.3, temperature: 0.7 },
];

export interface SyntheticOptions {
  datasets?: number;
  rowsOof?: number;
  rowsTest?: number;
  seed?: number;
  models?: SyntheticModel[];
}

function softmaxRow(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function syntheticPool(opts: SyntheticOptions = {}): PredictionPool {
  const { datasets = 30, rowsOof = 300, rowsTest = 300, seed = 1, models = DEFAULT_SYNTHETIC_MODELS } = opts;
  const u = rng(seed);
  const g = gaussian(u);
  const out: DatasetPool[] = [];
  for (let d = 0; d < datasets; d++) {
    const k = d % 5 === 4 ? 3 : 2;
    const signal = 1 + 2.5 * u();
    const jitter = models.map(() => 0.75 + 0.5 * u());
    const n = rowsOof + rowsTest;
    const labels = new Int32Array(n);
    const preds = models.map(() => new Float64Array(n * k));
    const familyOf = models.map((m) => m.name.split('@')[0]);
    for (let i = 0; i < n; i++) {
      const z = Array.from({ length: k }, () => signal * g());
      const p = softmaxRow(z);
      let r = u();
      let y = 0;
      while (y < k - 1 && r >= p[y]) { r -= p[y]; y++; }
      labels[i] = y;
      const shared = Array.from({ length: k }, () => g());
      const family = new Map<string, number[]>();
      models.forEach((m, j) => {
        const fam = familyOf[j];
        if (!family.has(fam)) family.set(fam, Array.from({ length: k }, () => g()));
        const f = family.get(fam) as number[];
        const sd = m.noise * jitter[j] * signal;
        const logit = z.map((zc, c) => m.temperature * (zc + sd * (Math.sqrt(m.shared) * shared[c] + Math.sqrt((1 - m.shared) / 2) * (f[c] + g()))) / (1 + sd * sd / 4));
        preds[j].set(softmaxRow(logit), i * k);
      });
    }
    const split = (a: Float64Array): [Float64Array, Float64Array] => [a.slice(0, rowsOof * k), a.slice(rowsOof * k)];
    out.push({
      dataset: `synthetic-${String(d + 1).padStart(2, '0')}`,
      k,
      oofLabels: labels.slice(0, rowsOof),
      testLabels: labels.slice(rowsOof),
      models: models.map((m, j): ModelPredictions => {
        const [oof, test] = split(preds[j]);
        return { model: m.name, oof, test };
      }),
    });
  }
  return { datasets: out };
}
