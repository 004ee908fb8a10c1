// The student contract shared by the tree, MLP and logistic-regression students, plus the input checks they all
// run before training. Students learn from soft targets (a teacher's class probabilities), so hard labels are just
// the one-hot special case.

import type { ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';

export type StudentKind = 'gbdt' | 'mlp' | 'logreg';

export interface Student {
  readonly kind: StudentKind;
  /** number of classes */
  readonly k: number;
  /** number of input features the student was trained on */
  readonly d: number;
  /** class probabilities for every row of `x` */
  predict(x: FeatureMatrix): ProbMatrix;
  /** class probabilities of one row (`x` has d values) written into `out` (k values); no allocation, for latency */
  predictRow(x: ArrayLike<number>, out: Float64Array): void;
}

/** Thrown for inputs a student cannot learn from; the message says which row/column and what to do. */
export class StudentInputError extends Error {
  override name = 'StudentInputError';
}

/**
 * Checks shapes and that every target row is a probability vector (finite, ≥ 0, sums to 1 within 1e-6).
 * NaN targets usually mean a NaN label upstream, so the message says so.
 */
export function checkTrainingInputs(x: FeatureMatrix, targets: ProbMatrix): void {
  if (x.x.length !== x.n * x.d) throw new StudentInputError(`feature matrix has ${x.x.length} values, expected n×d = ${x.n}×${x.d}`);
  if (targets.n !== x.n) throw new StudentInputError(`targets have ${targets.n} rows but features have ${x.n}`);
  if (targets.k < 2) throw new StudentInputError(`need at least 2 classes, got k = ${targets.k}`);
  if (targets.probs.length !== targets.n * targets.k) throw new StudentInputError('targets.probs length is not n×k');
  if (x.n === 0) throw new StudentInputError('no training rows');
  for (let i = 0; i < targets.n; i++) {
    let s = 0;
    for (let c = 0; c < targets.k; c++) {
      const p = targets.probs[i * targets.k + c];
      if (!Number.isFinite(p) || p < 0) throw new StudentInputError(`target row ${i} has ${p} for class ${c} (a NaN label or a broken teacher?)`);
      s += p;
    }
    if (Math.abs(s - 1) > 1e-6) throw new StudentInputError(`target row ${i} sums to ${s}, not 1`);
  }
  for (let i = 0; i < x.x.length; i++) {
    const v = x.x[i];
    if (v === Infinity || v === -Infinity) throw new StudentInputError(`feature value at row ${Math.floor(i / x.d)}, column ${i % x.d} is infinite; use NaN for missing`);
  }
}

/** Checks that hard labels are class indices in [0, k): catches NaN/float labels coming from CSV parsing. */
export function checkLabels(y: ArrayLike<number>, k: number): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || v >= k) throw new StudentInputError(`label ${v} at row ${i} is not a class index in [0, ${k})`);
  }
}

/** One-hot soft targets from hard labels. */
export function oneHot(y: ArrayLike<number>, k: number): ProbMatrix {
  checkLabels(y, k);
  const probs = new Float64Array(y.length * k);
  for (let i = 0; i < y.length; i++) probs[i * k + y[i]] = 1;
  return { probs, n: y.length, k };
}

/** Predicts every row through `predictRow` (shared by the students whose batch path is the row path). */
export function predictRows(s: Student, x: FeatureMatrix): ProbMatrix {
  if (x.d !== s.d) throw new StudentInputError(`student was trained on ${s.d} features, got ${x.d}`);
  const probs = new Float64Array(x.n * s.k);
  const out = new Float64Array(s.k);
  for (let i = 0; i < x.n; i++) {
    s.predictRow(x.x.subarray(i * x.d, (i + 1) * x.d), out);
    probs.set(out, i * s.k);
  }
  return { probs, n: x.n, k: s.k };
}
