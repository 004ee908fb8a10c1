// Two-level cascade stacking. Level 1: several meta-learners over the base models (LR stacking at two L2
// strengths and a temperature-scaled blend); their honest OOF outputs come from K-fold cross-fitting inside the
// OOF rows, their test outputs from a fit on all OOF rows. Level 2: greedy (Caruana) selection over the level-1
// outputs plus the base models themselves (the skip connection), so the cascade can never be worse on OOF than
// the best base model or level-1 learner it could have picked.

import type { MetricId } from '../metrics';
import { caruanaSelect } from './caruana';
import { applyStacker, fitStacker } from './stacking';
import { applyTemperature, fitTemperature } from './temperature';
import { blend } from '../metrics';
import type { BaseSet, StrategyOutput } from './types';

type Level1 = (oofTrain: Float64Array[], yTrain: Int32Array, k: number) => (mats: Float64Array[]) => Float64Array;

function level1Learners(l2: number): Record<string, Level1> {
  const lr = (lambda: number): Level1 => (oof, y, k) => {
    const m = fitStacker(oof, y, k, lambda);
    return (mats) => applyStacker(m, mats, k);
  };
  const temp: Level1 = (oof, y, k) => {
    const t = oof.map((p) => fitTemperature(p, y, k));
    return (mats) => blend(mats.map((p, i) => applyTemperature(p, k, t[i])), new Array<number>(mats.length).fill(1));
  };
  return { 'L1 LR stack': lr(l2), 'L1 LR stack (λ=1)': lr(1), 'L1 temperature blend': temp };
}

/** Stratified fold of each row: rows of each class dealt round-robin, in row order (deterministic). */
export function stratifiedFolds(labels: Int32Array, folds: number): Int32Array {
  const out = new Int32Array(labels.length);
  const next = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const c = next.get(labels[i]) ?? 0;
    out[i] = c % folds;
    next.set(labels[i], c + 1);
  }
  return out;
}

function rowsOf(mat: Float64Array, k: number, idx: number[]): Float64Array {
  const out = new Float64Array(idx.length * k);
  idx.forEach((r, i) => out.set(mat.subarray(r * k, (r + 1) * k), i * k));
  return out;
}

export function cascade(base: BaseSet, opts: { l2: number; folds: number; iterations: number; metric: MetricId }): StrategyOutput {
  const { k, oofLabels: y } = base;
  const n = y.length;
  const folds = Math.max(2, Math.min(opts.folds, n));
  const fold = stratifiedFolds(y, folds);
  const learners = level1Learners(opts.l2);
  const names = Object.keys(learners);
  const l1Oof: Float64Array[] = [];
  const l1Test: Float64Array[] = [];
  for (const name of names) {
    const oof = new Float64Array(n * k);
    for (let f = 0; f < folds; f++) {
      const tr: number[] = [];
      const te: number[] = [];
      for (let i = 0; i < n; i++) (fold[i] === f ? te : tr).push(i);
      if (te.length === 0 || tr.length === 0) continue;
      const predict = learners[name](base.oof.map((p) => rowsOf(p, k, tr)), Int32Array.from(tr, (i) => y[i]), k);
      const out = predict(base.oof.map((p) => rowsOf(p, k, te)));
      te.forEach((r, i) => oof.set(out.subarray(i * k, (i + 1) * k), r * k));
    }
    l1Oof.push(oof);
    l1Test.push(learners[name](base.oof, y, k)(base.test));
  }
  const candNames = [...names, ...base.names];
  const sel = caruanaSelect([...l1Oof, ...base.oof], y, k, opts.iterations, opts.metric);
  const total = sel.counts.reduce((a, b) => a + b, 0);
  const candTest = [...l1Test, ...base.test];
  const test = new Float64Array(candTest[0].length);
  const candOof = [...l1Oof, ...base.oof];
  const oof = new Float64Array(n * k);
  sel.counts.forEach((c, j) => {
    if (!c) return;
    for (let i = 0; i < test.length; i++) test[i] += (c / total) * candTest[j][i];
    for (let i = 0; i < oof.length; i++) oof[i] += (c / total) * candOof[j][i];
  });
  // any level-1 learner needs every base model; otherwise only the directly selected base models run
  const usesLevel1 = sel.counts.slice(0, names.length).some((c) => c > 0);
  return {
    id: 'cascade',
    oof,
    test,
    used: usesLevel1 ? [...base.names] : base.names.filter((_, m) => sel.counts[names.length + m] > 0),
    weights: Object.fromEntries(candNames.map((nm, j) => [nm, sel.counts[j] / total])),
    note: `level 2 kept ${sel.bestIteration} of ${opts.iterations} greedy steps`,
  };
}
