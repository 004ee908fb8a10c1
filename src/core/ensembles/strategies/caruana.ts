// Greedy forward ensemble selection with replacement (Caruana et al., ICML 2004): start empty, repeatedly add the
// model (repeats allowed) whose inclusion gives the best OOF metric of the running average, and keep the prefix
// with the best score ("select the best ensemble from the nested sequence"). Ties go to the earlier model.

import { better, type MetricId, score } from '../metrics';
import type { BaseSet, StrategyOutput } from './types';

export interface CaruanaResult {
  /** times each model was picked in the kept prefix */
  counts: number[];
  /** OOF score after each iteration */
  trace: number[];
  bestIteration: number;
}

/** Selection over arbitrary OOF matrices (also the cascade's level 2). */
export function caruanaSelect(oof: Float64Array[], labels: Int32Array, k: number, iterations: number, metric: MetricId): CaruanaResult {
  if (!(iterations >= 1)) throw new RangeError(`Caruana needs at least 1 iteration, got ${iterations}`);
  const size = oof[0].length;
  const sum = new Float64Array(size);
  const cand = new Float64Array(size);
  const picks: number[] = [];
  const trace: number[] = [];
  let bestScore = NaN;
  let bestIteration = 0;
  for (let it = 1; it <= iterations; it++) {
    let pick = -1;
    let pickScore = NaN;
    for (let m = 0; m < oof.length; m++) {
      const a = oof[m];
      for (let i = 0; i < size; i++) cand[i] = (sum[i] + a[i]) / it;
      const s = score(metric, cand, labels, k);
      if (pick < 0 || better(metric, s, pickScore)) { pick = m; pickScore = s; }
    }
    const a = oof[pick];
    for (let i = 0; i < size; i++) sum[i] += a[i];
    picks.push(pick);
    trace.push(pickScore);
    if (it === 1 || better(metric, pickScore, bestScore)) { bestScore = pickScore; bestIteration = it; }
  }
  const counts = new Array<number>(oof.length).fill(0);
  for (let i = 0; i < bestIteration; i++) counts[picks[i]]++;
  return { counts, trace, bestIteration };
}

export function caruana(base: BaseSet, iterations: number, metric: MetricId): StrategyOutput {
  const r = caruanaSelect(base.oof, base.oofLabels, base.k, iterations, metric);
  const total = r.counts.reduce((a, b) => a + b, 0);
  const w = r.counts.map((c) => c / total);
  const mix = (mats: Float64Array[]) => {
    const out = new Float64Array(mats[0].length);
    mats.forEach((a, m) => { if (w[m]) for (let i = 0; i < out.length; i++) out[i] += w[m] * a[i]; });
    return out;
  };
  return {
    id: 'caruana',
    oof: mix(base.oof),
    test: mix(base.test),
    used: base.names.filter((_, m) => r.counts[m] > 0),
    weights: Object.fromEntries(base.names.map((name, m) => [name, w[m]])),
    note: `kept ${r.bestIteration} of ${iterations} iterations`,
  };
}
