// Ensembles spec: which prediction pool, which strategies, which metric, significance level and statistics options.
// Strategy and metric ids are the core's own (src/core/ensembles) so a spec maps 1:1 onto `analysePool` options.
// `statistics` came after the first links: a link without it decodes with the core's defaults (scipy's Wilcoxon,
// Demšar's Friedman, no Bonferroni–Dunn control).
import { z } from 'zod';
import { ALL_STRATEGIES } from '../../core/ensembles/analyse';
import { ALL_METRICS } from '../../core/ensembles/metrics';
import { WILCOXON_DEFAULTS } from '../../core/ensembles/wilcoxon';
import type { StrategyId } from '../../core/ensembles/strategies/types';
import type { MetricId } from '../../core/ensembles/metrics';
import { backendPreference, seed } from './common';
import { clampInt, type SpecDefinition } from './types';

const pool = z.discriminatedUnion('kind', [
  // A seeded synthetic pool: reproducible anywhere from the link alone.
  z.object({ kind: z.literal('demo'), datasets: z.number().int().default(30), rows: z.number().int().default(300) }),
  // A user file: only its name and hash travel; the contents stay in this browser (never in a link).
  z.object({ kind: z.literal('file'), name: z.string().max(200), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
]);

const statistics = z.object({
  wilcoxonZeroMethod: z.enum(['wilcox', 'pratt', 'zsplit']).default(WILCOXON_DEFAULTS.zeroMethod),
  wilcoxonMethod: z.enum(['auto', 'exact', 'asymptotic']).default(WILCOXON_DEFAULTS.method),
  wilcoxonCorrection: z.boolean().default(WILCOXON_DEFAULTS.correction),
  friedmanTieCorrection: z.boolean().default(false),
  /** Bonferroni–Dunn control strategy; null = not run */
  control: z.enum(ALL_STRATEGIES as [StrategyId, ...StrategyId[]]).nullable().default(null),
});

const schema = z.object({
  seed,
  backend: backendPreference,
  pool: pool.default({ kind: 'demo', datasets: 30, rows: 300 }),
  strategies: z.array(z.enum(ALL_STRATEGIES as [StrategyId, ...StrategyId[]])).default([...ALL_STRATEGIES]),
  metric: z.enum(ALL_METRICS as [MetricId, ...MetricId[]]).default('auc'),
  selectionMetric: z.enum(ALL_METRICS as [MetricId, ...MetricId[]]).default('logloss'),
  alpha: z.union([z.literal(0.05), z.literal(0.1)]).default(0.05),
  cliqueTest: z.enum(['nemenyi', 'wilcoxon-holm']).default('nemenyi'),
  caruanaIterations: z.number().int().default(50),
  statistics: statistics.default(statistics.parse({})),
});

export type EnsemblesSpec = z.infer<typeof schema>;

export const ensemblesSpec: SpecDefinition<EnsemblesSpec> = {
  module: 'ensembles',
  version: 1,
  schema,
  migrations: {
    // v0 links (uncompressed first draft) spelled metrics with underscores ("log_loss", "roc_auc").
    0: (old) => ({ ...old, metric: old.metric === 'roc_auc' ? 'auc' : old.metric === 'log_loss' ? 'logloss' : old.metric }),
  },
  clamp: (s) => ({
    ...s,
    caruanaIterations: clampInt(s.caruanaIterations, 1, 500),
    pool: s.pool.kind === 'demo' ? { ...s.pool, datasets: clampInt(s.pool.datasets, 2, 200), rows: clampInt(s.pool.rows, 20, 5000) } : s.pool,
    strategies: [...new Set(s.strategies)],
    // a control that is not run would stop the analysis: drop it rather than refuse the link
    statistics: { ...s.statistics, control: s.statistics.control && s.strategies.includes(s.statistics.control) ? s.statistics.control : null },
  }),
};
