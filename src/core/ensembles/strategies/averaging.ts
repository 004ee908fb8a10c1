// Weighted averaging of model probabilities with three weightings fixed from OOF performance: uniform,
// performance (weight ∝ skill above chance, AUC − 0.5) and inverse error (weight ∝ 1 / OOF log-loss).

import { aucFromProbs, logLoss } from '../../metrics/classification';
import { blend } from '../metrics';
import type { BaseSet, StrategyOutput } from './types';

export type Weighting = 'uniform' | 'performance' | 'inverse-error';

export function averagingWeights(base: BaseSet, weighting: Weighting): number[] {
  const n = base.oofLabels.length;
  const M = base.names.length;
  if (weighting === 'uniform') return new Array<number>(M).fill(1 / M);
  const raw = base.oof.map((p) => {
    if (weighting === 'performance') {
      const auc = aucFromProbs({ probs: p, n, k: base.k }, base.oofLabels);
      return Number.isNaN(auc) ? 0 : Math.max(0, auc - 0.5);
    }
    return 1 / Math.max(1e-12, logLoss({ probs: p, n, k: base.k }, base.oofLabels));
  });
  const total = raw.reduce((a, b) => a + b, 0);
  // every model at or below chance: no evidence to prefer any, fall back to uniform
  return total > 0 ? raw.map((w) => w / total) : new Array<number>(M).fill(1 / M);
}

export function weightedAverage(base: BaseSet, weighting: Weighting): StrategyOutput {
  const w = averagingWeights(base, weighting);
  const id = weighting === 'uniform' ? 'avg-uniform' : weighting === 'performance' ? 'avg-performance' : 'avg-inverse-error';
  return {
    id,
    oof: blend(base.oof, w),
    test: blend(base.test, w),
    used: base.names.filter((_, m) => w[m] > 0),
    weights: Object.fromEntries(base.names.map((name, m) => [name, w[m]])),
  };
}
