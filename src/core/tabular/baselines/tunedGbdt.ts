// A tuned gradient-boosted-tree baseline: the project's histogram GBDT (students/gbdt) with a small seeded grid
// search, the fair stand-in for the "tuned CatBoost" the fraud-distillation paper compares against (it is not
// CatBoost: no ordered boosting, no target statistics for categoricals — those arrive one-hot encoded).
// Search: stratified inner K-fold CV over the given training rows only (the caller's test rows never enter), every
// grid point scored by its mean inner-fold AUC; each fit stops early on a seeded 10 % validation split of its own
// training rows, so the number of rounds is tuned too and the inner test fold stays untouched. The winner is refit
// on all training rows the same way. Usable as a Teacher (fit on the context with hard labels), so studies,
// benches and the cut-off tuner (threshold.ts) treat it like the other baselines.

import { aucFromProbs, type ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';
import { innerSplits } from './innerFolds';
import { DEFAULT_GBDT, trainGbdt, type GbdtConfig, type GbdtStudent } from '../students/gbdt/gbdt';
import { oneHot } from '../students/types';
import type { Teacher } from '../teachers/teacher';

/** The grid: every combination of these is tried (3 × 2 × 2 = 12 points by default). */
export interface GbdtGrid {
  learningRate: number[];
  maxDepth: number[];
  /** minimum hessian sum in a leaf (binary logistic: roughly rows × p(1−p), so 10 ≈ 40+ uncertain rows) */
  minChildWeight: number[];
}

export const DEFAULT_GBDT_GRID: GbdtGrid = { learningRate: [0.03, 0.1, 0.3], maxDepth: [3, 6], minChildWeight: [1, 10] };

export interface TuneGbdtOptions {
  grid: GbdtGrid;
  /** inner stratified folds; fewer when the smallest class has fewer rows (no search below 2) */
  innerFolds: number; // 3
  /** most boosting rounds; early stopping (30 rounds without a 1e-4 relative gain on the validation split) picks fewer */
  maxRounds: number; // 500
  seed: number; // 0
  signal?: AbortSignal;
}

export const DEFAULT_TUNE_GBDT: TuneGbdtOptions = { grid: DEFAULT_GBDT_GRID, innerFolds: 3, maxRounds: 500, seed: 0 };

export type GbdtGridPoint = Pick<GbdtConfig, 'learningRate' | 'maxDepth' | 'minChildWeight'>;

export interface GbdtCandidate {
  point: GbdtGridPoint;
  /** mean AUC over the inner test folds */
  innerAuc: number;
  innerAucByFold: number[];
  /** rounds early stopping kept in each inner fold */
  rounds: number[];
}

export interface TunedGbdt {
  student: GbdtStudent;
  chosen: GbdtGridPoint;
  /** every grid point in grid order; empty when no search was possible */
  candidates: GbdtCandidate[];
  innerFolds: number;
  /** why the search was skipped (a class with fewer than 2 rows), else null */
  skipped: string | null;
}

export function gridPoints(grid: GbdtGrid): GbdtGridPoint[] {
  return grid.learningRate.flatMap((learningRate) => grid.maxDepth.flatMap((maxDepth) =>
    grid.minChildWeight.map((minChildWeight) => ({ learningRate, maxDepth, minChildWeight }))));
}

/** Full GBDT config of a grid point: depth-wise trees up to the student default's 31 leaves. */
function configOf(p: GbdtGridPoint, o: TuneGbdtOptions): Partial<GbdtConfig> {
  return { ...p, maxLeaves: Math.min(DEFAULT_GBDT.maxLeaves, 2 ** p.maxDepth), nRounds: o.maxRounds, seed: o.seed };
}

function fit(x: FeatureMatrix, y: Int32Array, k: number, p: GbdtGridPoint, o: TuneGbdtOptions): GbdtStudent {
  return trainGbdt(x, oneHot(y, k), configOf(p, o), { signal: o.signal });
}

export function tuneGbdt(x: FeatureMatrix, y: Int32Array, k: number, options: Partial<TuneGbdtOptions> = {}): TunedGbdt {
  const o: TuneGbdtOptions = { ...DEFAULT_TUNE_GBDT, ...options };
  const points = gridPoints(o.grid);
  if (!points.length) throw new RangeError('The GBDT grid is empty: give at least one value for each of learningRate, maxDepth, minChildWeight.');
  if (y.length !== x.n) throw new RangeError(`y has ${y.length} labels for ${x.n} rows.`);
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  const smallest = Math.min(...counts);
  const K = Math.min(o.innerFolds, smallest);
  if (K < 2) {
    // No inner fold could hold every class, so no candidate could be scored: fall back to the grid's first point.
    const skipped = `class ${counts.indexOf(smallest)} has ${smallest} row(s); the inner CV needs ≥ 2 per class`;
    return { student: fit(x, y, k, points[0], o), chosen: points[0], candidates: [], innerFolds: 0, skipped };
  }
  const splits = innerSplits(x, y, k, K, o.seed);
  const candidates = points.map((point): GbdtCandidate => {
    const innerAucByFold: number[] = [];
    const rounds: number[] = [];
    for (const s of splits) {
      o.signal?.throwIfAborted();
      const student = fit(s.x, s.y, k, point, o);
      innerAucByFold.push(aucFromProbs(student.predict(s.xt), s.yt));
      rounds.push(student.model.rounds);
    }
    return { point, innerAuc: innerAucByFold.reduce((a, v) => a + v, 0) / K, innerAucByFold, rounds };
  });
  // Highest mean inner AUC; on a tie the earlier grid point (smaller learning rate, shallower, smaller leaves).
  const best = candidates.reduce((b, c) => (c.innerAuc > b.innerAuc ? c : b));
  return { student: fit(x, y, k, best.point, o), chosen: best.point, candidates, innerFolds: K, skipped: null };
}

/** The tuned GBDT as a teacher: a fresh search and fit on each context, then predicting the queries. */
export function tunedGbdtTeacher(options: Partial<TuneGbdtOptions> = {}): Teacher {
  return {
    id: 'tuned-gbdt',
    predict: async (xc, yc, k, xq, signal): Promise<ProbMatrix> => {
      signal?.throwIfAborted();
      return tuneGbdt(xc, yc, k, { ...options, signal: options.signal ?? signal }).student.predict(xq);
    },
  };
}
