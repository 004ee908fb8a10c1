// The four metrics the ensemble report ranks on, with their direction, over plain row-major probability arrays.
// Thin adapters over the shared src/core/metrics so every module scores the same way.

import { accuracy, aucFromProbs, calibration, logLoss } from '../metrics/classification';
import type { Direction } from './ranking';

export type MetricId = 'accuracy' | 'auc' | 'logloss' | 'ece';

export const METRICS: Record<MetricId, { label: string; direction: Direction }> = {
  accuracy: { label: 'Accuracy', direction: 'higher' },
  auc: { label: 'ROC-AUC', direction: 'higher' },
  logloss: { label: 'Log-loss', direction: 'lower' },
  ece: { label: 'ECE (15 bins)', direction: 'lower' },
};

export const ALL_METRICS: MetricId[] = ['accuracy', 'auc', 'logloss', 'ece'];

export function score(metric: MetricId, probs: Float64Array, labels: ArrayLike<number>, k: number): number {
  const p = { probs, n: labels.length, k };
  switch (metric) {
    case 'accuracy': return accuracy(p, labels);
    case 'auc': return aucFromProbs(p, labels);
    case 'logloss': return logLoss(p, labels);
    case 'ece': return calibration(p, labels, 15).ece;
  }
}

/** True when score `a` is strictly better than `b` under the metric's direction (NaN is never better). */
export function better(metric: MetricId, a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return METRICS[metric].direction === 'higher' ? a > b : a < b;
}

/** Weighted average of probability matrices of the same shape; weights are normalised here. */
export function blend(mats: Float64Array[], weights: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let m = 0; m < mats.length; m++) total += weights[m];
  if (!(total > 0)) throw new RangeError('blend weights must have a positive sum');
  const out = new Float64Array(mats[0].length);
  for (let m = 0; m < mats.length; m++) {
    const w = weights[m] / total;
    if (w === 0) continue;
    const a = mats[m];
    for (let i = 0; i < out.length; i++) out[i] += w * a[i];
  }
  return out;
}
