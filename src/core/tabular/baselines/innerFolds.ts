// Inner cross-validation splits for the tuned baselines (tunedGbdt.ts, tunedLogReg.ts): stratified K folds of the
// caller's training rows only, each as (train, test) matrices, so a grid search never sees the outer test rows.
import { stratifiedFolds } from '../distill/folds';
import { takeRows, type FeatureMatrix } from '../matrix';

export interface InnerSplit {
  x: FeatureMatrix;
  y: Int32Array;
  xt: FeatureMatrix;
  yt: Int32Array;
}

export function innerSplits(x: FeatureMatrix, y: Int32Array, k: number, K: number, seed: number): InnerSplit[] {
  const { fold } = stratifiedFolds(y, k, K, seed);
  return Array.from({ length: K }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < y.length; i++) (fold[i] === f ? test : train).push(i);
    return { x: takeRows(x, train), y: Int32Array.from(train, (r) => y[r]), xt: takeRows(x, test), yt: Int32Array.from(test, (r) => y[r]) };
  });
}
