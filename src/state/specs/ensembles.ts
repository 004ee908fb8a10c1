// Ensembles spec: which prediction pool, which strategies, which metric and significance level.
import { z } from 'zod';
import { backendPreference, seed } from './common';
import { clampInt, type SpecDefinition } from './types';

export const ENSEMBLE_STRATEGIES = ['weighted_average', 'greedy_caruana', 'stacking_lr', 'temperature_blend', 'cascade_stacking', 'seed_ensemble'] as const;

const pool = z.discriminatedUnion('kind', [
  // A seeded synthetic pool: reproducible anywhere from the link alone.
  z.object({ kind: z.literal('demo'), datasets: z.number().int().default(30), models: z.number().int().default(6) }),
  // A user file: only its name and hash travel; the contents stay in this browser's history store.
  z.object({ kind: z.literal('file'), name: z.string().max(200), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
]);

const schema = z.object({
  seed,
  backend: backendPreference,
  pool: pool.default({ kind: 'demo', datasets: 30, models: 6 }),
  strategies: z.array(z.enum(ENSEMBLE_STRATEGIES)).default([...ENSEMBLE_STRATEGIES]),
  weighting: z.enum(['uniform', 'performance', 'inverse_error']).default('performance'),
  metric: z.enum(['roc_auc', 'accuracy', 'log_loss', 'ece']).default('roc_auc'),
  alpha: z.union([z.literal(0.05), z.literal(0.1)]).default(0.05),
  caruanaIterations: z.number().int().default(50),
});

export type EnsemblesSpec = z.infer<typeof schema>;

export const ensemblesSpec: SpecDefinition<EnsemblesSpec> = {
  module: 'ensembles',
  version: 1,
  schema,
  migrations: {
    // v0 links (uncompressed, first draft) named the metric "auc" and had no backend preference.
    0: (old) => ({ ...old, metric: old.metric === 'auc' ? 'roc_auc' : old.metric }),
  },
  clamp: (s) => ({
    ...s,
    caruanaIterations: clampInt(s.caruanaIterations, 1, 500),
    pool: s.pool.kind === 'demo' ? { ...s.pool, datasets: clampInt(s.pool.datasets, 2, 200), models: clampInt(s.pool.models, 2, 20) } : s.pool,
    strategies: [...new Set(s.strategies)],
  }),
};
