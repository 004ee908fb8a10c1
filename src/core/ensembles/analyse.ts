// The ensembles entry point: run every strategy on every dataset of a prediction pool (fit on OOF, score on test),
// measure diversity and the convex-combination bound, and compare strategies across datasets per metric. Returns
// plain JSON-ready data (`EnsembleReport`); reports progress (monotone, fixed total, ends at total) and stops on
// an AbortSignal between steps, yielding to the event loop between datasets so a worker can receive the abort.

import { ALL_METRICS, better, METRICS, type MetricId, score } from './metrics';
import { compareMethods, type CliqueTest, type MetricComparison } from './comparison';
import { WILCOXON_DEFAULTS, type WilcoxonOptions } from './wilcoxon';
import { bestConvexCombination, diversity } from './diversity';
import type { NemenyiAlpha } from './nemenyi';
import { poolModels, type DatasetPool, type PredictionPool } from './pool';
import { weightedAverage } from './strategies/averaging';
import { caruana } from './strategies/caruana';
import { cascade } from './strategies/cascade';
import { seedEnsemble, seedFamilies } from './strategies/seeds';
import { stacking } from './strategies/stacking';
import { temperatureBlend } from './strategies/temperature';
import { type BaseSet, DEFAULT_STRATEGY_OPTIONS, STRATEGY_LABELS, type StrategyId, type StrategyOptions, type StrategyOutput } from './strategies/types';

export const ALL_STRATEGIES: StrategyId[] = [
  'best-single', 'avg-uniform', 'avg-performance', 'avg-inverse-error', 'caruana', 'stacking-lr', 'temperature-blend', 'cascade', 'seed-ensemble',
];

export interface AnalyseOptions extends Partial<StrategyOptions> {
  strategies?: StrategyId[];
  metrics?: MetricId[];
  /** significance level of Nemenyi and Holm (default 0.05) */
  alpha?: NemenyiAlpha;
  /** how CD-diagram groups are formed (default Nemenyi, as in Demšar) */
  cliqueTest?: CliqueTest;
  /** Wilcoxon signed-rank options (defaults: scipy.stats.wilcoxon's; see wilcoxon.ts) */
  wilcoxon?: WilcoxonOptions;
  /** divide Friedman's χ² by scipy's tie correction (default false: Demšar's formula) */
  friedmanTieCorrection?: boolean;
  /** control strategy of the Bonferroni–Dunn test (default null: not run) */
  control?: StrategyId | null;
  /** relative inference cost of one call of each model (default 1 for every model) */
  modelCost?: Record<string, number>;
}

export type EnsembleProgress = { kind: 'progress'; done: number; total: number; label: string };

export interface StrategyCell {
  /** metric → test score (null when undefined, e.g. AUC with one class in the test split) */
  scores: Partial<Record<MetricId, number | null>>;
  used: string[];
  modelCalls: number;
  /** Σ cost of the models used / cost of this dataset's best single model */
  costMultiple: number;
  weights?: Record<string, number>;
  note?: string;
}

export interface DatasetReport {
  dataset: string;
  k: number;
  nOof: number;
  nTest: number;
  bestSingle: string;
  /** model → metric → test score */
  models: Record<string, Partial<Record<MetricId, number | null>>>;
  strategies: Partial<Record<StrategyId, StrategyCell>>;
  /** pairwise diversity of the models' test-split oracle outputs */
  diversity: { models: string[]; q: number[][]; disagreement: number[][]; doubleFault: number[][]; meanQ: number | null; meanDisagreement: number | null; meanDoubleFault: number | null };
  /** best simplex weights fitted on the test split: an upper bound for weighted averaging */
  convexBound: { weights: Record<string, number>; logloss: number; auc: number | null; accuracy: number };
}

export interface EnsembleReport {
  version: 1;
  options: Required<Omit<AnalyseOptions, 'modelCost' | 'wilcoxon'>> & { modelCost: Record<string, number>; wilcoxon: Required<WilcoxonOptions> };
  datasets: string[];
  models: string[];
  strategies: { id: StrategyId; label: string }[];
  skipped: { strategy: StrategyId; reason: string }[];
  perDataset: DatasetReport[];
  /** metric → [dataset][strategy] test scores, strategy order as in `strategies` */
  scores: Partial<Record<MetricId, (number | null)[][]>>;
  costs: { strategy: StrategyId; meanModelCalls: number; meanCostMultiple: number }[];
  comparisons: Partial<Record<MetricId, MetricComparison | { error: string }>>;
  /** Yule's Q etc. averaged over the datasets where both models appear (null where none) */
  diversity: { models: string[]; q: (number | null)[][]; disagreement: (number | null)[][]; doubleFault: (number | null)[][]; meanQ: number | null };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function baseSet(d: DatasetPool): BaseSet {
  return { k: d.k, names: d.models.map((m) => m.model), oof: d.models.map((m) => m.oof), test: d.models.map((m) => m.test), oofLabels: d.oofLabels, testLabels: d.testLabels };
}

function bestSingleIndex(base: BaseSet, metric: MetricId): number {
  let best = 0;
  let bestScore = NaN;
  base.oof.forEach((p, m) => {
    const s = score(metric, p, base.oofLabels, base.k);
    if (m === 0 || better(metric, s, bestScore)) { best = m; bestScore = s; }
  });
  return best;
}

function runStrategy(id: StrategyId, base: BaseSet, o: StrategyOptions, best: number): StrategyOutput | null {
  switch (id) {
    case 'best-single': return { id, oof: base.oof[best], test: base.test[best], used: [base.names[best]] };
    case 'avg-uniform': return weightedAverage(base, 'uniform');
    case 'avg-performance': return weightedAverage(base, 'performance');
    case 'avg-inverse-error': return weightedAverage(base, 'inverse-error');
    case 'caruana': return caruana(base, o.caruanaIterations, o.selectionMetric);
    case 'stacking-lr': return stacking(base, o.stackingL2);
    case 'temperature-blend': return temperatureBlend(base);
    case 'cascade': return cascade(base, { l2: o.stackingL2, folds: o.cascadeFolds, iterations: o.caruanaIterations, metric: o.selectionMetric });
    case 'seed-ensemble': return seedEnsemble(base);
  }
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function analysePool(
  pool: PredictionPool, options: AnalyseOptions = {}, onProgress?: (p: EnsembleProgress) => void, signal?: AbortSignal,
): Promise<EnsembleReport> {
  const o: StrategyOptions = { ...DEFAULT_STRATEGY_OPTIONS, ...options };
  const metrics = options.metrics ?? ALL_METRICS;
  const alpha = options.alpha ?? 0.05;
  const cliqueTest = options.cliqueTest ?? 'nemenyi';
  const wilcoxon = { ...WILCOXON_DEFAULTS, ...options.wilcoxon };
  const friedmanTieCorrection = options.friedmanTieCorrection ?? false;
  const control = options.control ?? null;
  const modelCost = options.modelCost ?? {};
  const costOf = (m: string) => modelCost[m] ?? 1;
  const models = poolModels(pool);
  for (const [m, c] of Object.entries(modelCost)) if (!(c > 0)) throw new RangeError(`modelCost['${m}'] = ${c}: costs must be positive`);
  if (!Number.isInteger(o.caruanaIterations) || o.caruanaIterations < 1) throw new RangeError(`caruanaIterations = ${o.caruanaIterations}: use an integer ≥ 1`);
  if (!Number.isInteger(o.cascadeFolds) || o.cascadeFolds < 2) throw new RangeError(`cascadeFolds = ${o.cascadeFolds}: use an integer ≥ 2`);
  if (!(o.stackingL2 >= 0)) throw new RangeError(`stackingL2 = ${o.stackingL2}: the L2 strength must be ≥ 0`);
  if (pool.datasets.length === 0) throw new RangeError('the pool has no datasets');
  let strategies = options.strategies ?? ALL_STRATEGIES;
  const skipped: EnsembleReport['skipped'] = [];
  const noFamily = pool.datasets.filter((d) => seedFamilies(d.models.map((m) => m.model)).length === 0).map((d) => d.dataset);
  if (strategies.includes('seed-ensemble') && noFamily.length) {
    skipped.push({ strategy: 'seed-ensemble', reason: `no model family with two or more seeds (names like 'tfm@seed1') on: ${noFamily.slice(0, 5).join(', ')}${noFamily.length > 5 ? ', …' : ''}` });
    strategies = strategies.filter((s) => s !== 'seed-ensemble');
  }
  if (strategies.length < 2) throw new RangeError(`need at least two strategies to compare, got ${strategies.join(', ') || 'none'}`);
  if (control !== null && !strategies.includes(control)) {
    throw new RangeError(`Bonferroni–Dunn control '${control}' is not among the strategies run (${strategies.join(', ')})`);
  }

  const total = pool.datasets.length * (strategies.length + 1) + metrics.length;
  let done = 0;
  const step = (label: string) => { done++; onProgress?.({ kind: 'progress', done, total, label }); };

  const perDataset: DatasetReport[] = [];
  for (const d of pool.datasets) {
    signal?.throwIfAborted();
    const base = baseSet(d);
    const best = bestSingleIndex(base, o.selectionMetric);
    const scoresOf = (p: Float64Array) => Object.fromEntries(metrics.map((m) => [m, finite(score(m, p, d.testLabels, d.k))]));
    const cells: DatasetReport['strategies'] = {};
    for (const id of strategies) {
      signal?.throwIfAborted();
      const out = runStrategy(id, base, o, best);
      if (!out) throw new Error(`${STRATEGY_LABELS[id]} produced nothing on '${d.dataset}'`);
      const calls = out.used.reduce((s, m) => s + costOf(m), 0);
      cells[id] = { scores: scoresOf(out.test), used: out.used, modelCalls: out.used.length, costMultiple: calls / costOf(base.names[best]), weights: out.weights, note: out.note };
      step(`${d.dataset}: ${STRATEGY_LABELS[id]}`);
    }
    const div = diversity(base.names, base.test, d.testLabels, d.k);
    const bound = bestConvexCombination(base.test, d.testLabels, d.k);
    perDataset.push({
      dataset: d.dataset, k: d.k, nOof: d.oofLabels.length, nTest: d.testLabels.length, bestSingle: base.names[best],
      models: Object.fromEntries(base.names.map((m, i) => [m, scoresOf(base.test[i])])),
      strategies: cells,
      diversity: { ...div, meanQ: finite(div.meanQ), meanDisagreement: finite(div.meanDisagreement), meanDoubleFault: finite(div.meanDoubleFault) },
      convexBound: { weights: Object.fromEntries(base.names.map((m, i) => [m, bound.weights[i]])), logloss: bound.logloss, auc: finite(bound.auc), accuracy: bound.accuracy },
    });
    step(`${d.dataset}: diversity`);
    await tick();
  }

  const datasets = perDataset.map((r) => r.dataset);
  const scores: EnsembleReport['scores'] = {};
  const comparisons: EnsembleReport['comparisons'] = {};
  for (const metric of metrics) {
    signal?.throwIfAborted();
    scores[metric] = perDataset.map((r) => strategies.map((s) => r.strategies[s]?.scores[metric] ?? null));
    try {
      comparisons[metric] = compareMethods(metric, strategies, datasets, scores[metric] as (number | null)[][], { alpha, cliqueTest, wilcoxon, friedmanTieCorrection, control });
    } catch (e) {
      comparisons[metric] = { error: (e as Error).message };
    }
    step(`statistics: ${METRICS[metric].label}`);
  }

  return {
    version: 1,
    options: { ...o, strategies, metrics, alpha, cliqueTest, wilcoxon, friedmanTieCorrection, control, modelCost },
    datasets, models,
    strategies: strategies.map((id) => ({ id, label: STRATEGY_LABELS[id] })),
    skipped, perDataset, scores,
    costs: strategies.map((s) => ({
      strategy: s,
      meanModelCalls: perDataset.reduce((a, r) => a + (r.strategies[s]?.modelCalls ?? 0), 0) / perDataset.length,
      meanCostMultiple: perDataset.reduce((a, r) => a + (r.strategies[s]?.costMultiple ?? 0), 0) / perDataset.length,
    })),
    comparisons,
    diversity: poolDiversity(models, perDataset),
  };
}

/** Average each pairwise diversity measure over the datasets where both models are present. */
function poolDiversity(models: string[], perDataset: DatasetReport[]): EnsembleReport['diversity'] {
  const M = models.length;
  const mean = (pick: (r: DatasetReport) => number[][]) => Array.from({ length: M }, (_, i) => Array.from({ length: M }, (_, j) => {
    let s = 0;
    let c = 0;
    for (const r of perDataset) {
      const a = r.diversity.models.indexOf(models[i]);
      const b = r.diversity.models.indexOf(models[j]);
      if (a >= 0 && b >= 0) { s += pick(r)[a][b]; c++; }
    }
    return c ? s / c : null;
  }));
  const q = mean((r) => r.diversity.q);
  let s = 0;
  let c = 0;
  for (let i = 0; i < M; i++) for (let j = i + 1; j < M; j++) if (q[i][j] !== null) { s += q[i][j] as number; c++; }
  return { models, q, disagreement: mean((r) => r.diversity.disagreement), doubleFault: mean((r) => r.diversity.doubleFault), meanQ: c ? s / c : null };
}
