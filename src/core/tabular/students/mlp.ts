// The MLP student: ReLU hidden layers, softmax output, trained on soft targets with AdamW mini-batches and
// early stopping (dense.ts holds the network maths).

import type { ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';
import { trainDense, type DenseStudent, type DenseTrainConfig } from './dense';

export const DEFAULT_MLP: DenseTrainConfig = {
  hidden: [64, 32], epochs: 200, batchSize: 64, learningRate: 1e-3, weightDecay: 1e-4, validationFraction: 0.1, patience: 20, tolerance: 1e-4, seed: 0,
};

export function trainMlp(x: FeatureMatrix, targets: ProbMatrix, config: Partial<DenseTrainConfig> = {}, signal?: AbortSignal): DenseStudent {
  return trainDense('mlp', x, targets, { ...DEFAULT_MLP, ...config }, signal);
}
