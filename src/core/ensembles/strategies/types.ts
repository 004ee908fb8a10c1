// What every ensemble strategy consumes and returns. Strategies fit on OOF predictions only and produce test
// predictions; `used` lists the base models whose inference the ensemble needs, which is what it costs.

import type { MetricId } from '../metrics';

export interface BaseSet {
  k: number;
  names: string[];
  /** per model, n_oof × k */
  oof: Float64Array[];
  /** per model, n_test × k */
  test: Float64Array[];
  oofLabels: Int32Array;
  testLabels: Int32Array;
}

export type StrategyId =
  | 'best-single' | 'avg-uniform' | 'avg-performance' | 'avg-inverse-error' | 'caruana'
  | 'stacking-lr' | 'temperature-blend' | 'cascade' | 'seed-ensemble';

export const STRATEGY_LABELS: Record<StrategyId, string> = {
  'best-single': 'Best single model',
  'avg-uniform': 'Average (uniform)',
  'avg-performance': 'Average (performance weights)',
  'avg-inverse-error': 'Average (inverse log-loss weights)',
  caruana: 'Greedy selection (Caruana)',
  'stacking-lr': 'LR stacking',
  'temperature-blend': 'Temperature-scaled blend',
  cascade: 'Two-level cascade',
  'seed-ensemble': 'Seed ensemble',
};

export interface StrategyOutput {
  id: StrategyId;
  /** OOF predictions where the strategy has honest ones (needed by the cascade's level 2) */
  oof?: Float64Array;
  test: Float64Array;
  /** base models whose predictions the ensemble needs at inference */
  used: string[];
  /** blend weights by model (or by level-1 learner for the cascade), when the strategy has them */
  weights?: Record<string, number>;
  note?: string;
}

export interface StrategyOptions {
  /** metric the selection-based strategies optimise on OOF (best single, Caruana, cascade level 2) */
  selectionMetric: MetricId;
  caruanaIterations: number;
  stackingL2: number;
  /** folds of the cascade's inner cross-fitting on the OOF rows */
  cascadeFolds: number;
}

export const DEFAULT_STRATEGY_OPTIONS: StrategyOptions = {
  selectionMetric: 'logloss',
  caruanaIterations: 50,
  stackingL2: 1e-2,
  cascadeFolds: 5,
};
