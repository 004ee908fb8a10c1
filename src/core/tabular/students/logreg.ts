// Multinomial logistic regression on soft targets: a dense net with no hidden layer, trained full-batch with
// AdamW (the decay is the L2 penalty) on standardised, mean-imputed features. Convex, so it is the floor a
// distilled student should beat and the easiest model to inspect.

import type { ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';
import { trainDense, type DenseStudent } from './dense';

export interface LogRegConfig {
  /** L2 strength (decoupled weight decay per step) */
  l2: number; // 1e-3
  /** full-batch steps */
  maxIter: number; // 400
  learningRate: number; // 0.05
  seed: number; // 0
}

export const DEFAULT_LOGREG: LogRegConfig = { l2: 1e-3, maxIter: 400, learningRate: 0.05, seed: 0 };

export function trainLogReg(x: FeatureMatrix, targets: ProbMatrix, config: Partial<LogRegConfig> = {}, signal?: AbortSignal): DenseStudent {
  const c = { ...DEFAULT_LOGREG, ...config };
  return trainDense('logreg', x, targets, {
    hidden: [], epochs: c.maxIter, batchSize: Number.MAX_SAFE_INTEGER, learningRate: c.learningRate, weightDecay: c.l2,
    validationFraction: 0, patience: 0, tolerance: 0, seed: c.seed,
  }, signal);
}
