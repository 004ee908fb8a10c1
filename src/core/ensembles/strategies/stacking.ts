// Logistic-regression stacking: a multinomial LR meta-learner fitted on the base models' OOF outputs and applied
// to their test outputs. Features are log-probabilities (floored at 1e-6) rather than raw probabilities: LR on
// log-probabilities contains temperature scaling and geometric pooling as special cases, so an over-confident
// base model can be tempered, which raw-probability features cannot express.

import { fitLogReg, type LogRegModel, predictLogReg } from './logreg';
import type { BaseSet, StrategyOutput } from './types';

const FLOOR = 1e-6;

/** n × (M·k) feature matrix: for each row, the log-probabilities of every model, model-major. */
export function stackFeatures(mats: Float64Array[], k: number): Float64Array {
  const n = mats[0].length / k;
  const d = mats.length * k;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let m = 0; m < mats.length; m++) for (let c = 0; c < k; c++) {
    x[i * d + m * k + c] = Math.log(Math.max(FLOOR, mats[m][i * k + c]));
  }
  return x;
}

export function fitStacker(oof: Float64Array[], labels: Int32Array, k: number, l2: number): LogRegModel {
  return fitLogReg(stackFeatures(oof, k), labels, labels.length, oof.length * k, k, { l2 });
}

export function applyStacker(model: LogRegModel, mats: Float64Array[], k: number): Float64Array {
  return predictLogReg(model, stackFeatures(mats, k), mats[0].length / k);
}

export function stacking(base: BaseSet, l2: number): StrategyOutput {
  const model = fitStacker(base.oof, base.oofLabels, base.k, l2);
  return {
    id: 'stacking-lr',
    test: applyStacker(model, base.test, base.k),
    used: [...base.names],
    note: model.converged ? undefined : 'L-BFGS stopped before convergence',
  };
}
