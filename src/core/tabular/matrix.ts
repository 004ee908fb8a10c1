// The numeric hand-off between tabular parts: preprocessing produces it, teachers, students and metrics read it.
// Row-major float64 so a row is a contiguous slice; NaN marks a missing value (tree learners route it, others
// must impute first).

export interface FeatureMatrix {
  /** n×d row-major values; NaN = missing */
  x: Float64Array;
  n: number;
  d: number;
  /** column names, length d */
  names: string[];
  /**
   * The one-hot indicator columns of each categorical source column, when preprocessing one-hot encoded them (in
   * the plan's level order). Lets a teacher that wants categorical codes (the TFM) recover them from the design
   * matrix; teachers that read one-hot columns ignore it. Row subsets keep it; anything that changes the columns
   * must drop it.
   */
  categoricalGroups?: CategoricalGroup[];
  /**
   * Columns that hold categorical codes 0..L−1 (written by the tfm's categoricalCodes.ts), so a teacher can treat
   * their values as unordered (the tfm's per-member code shuffle). Row subsets keep it; column subsets must remap
   * it (teachers/teacher.ts `columns`).
   */
  codedColumns?: number[];
}

export interface CategoricalGroup {
  /** the source column's name */
  name: string;
  /** indices of its indicator columns in this matrix, one per level seen when fitting */
  columns: number[];
}

export interface LabelledMatrix extends FeatureMatrix {
  /** class index per row, 0..k-1 */
  y: Int32Array;
  /** number of classes */
  k: number;
  /** original label value of each class index, for display */
  classNames: string[];
}

export function row(m: FeatureMatrix, i: number): Float64Array {
  return m.x.subarray(i * m.d, (i + 1) * m.d);
}

/** Rows `idx` of `m`, copied, in the given order. */
export function takeRows<T extends FeatureMatrix>(m: T, idx: ArrayLike<number>): T {
  const x = new Float64Array(idx.length * m.d);
  for (let r = 0; r < idx.length; r++) x.set(row(m, idx[r]), r * m.d);
  const out = { ...m, x, n: idx.length } as T;
  const lm = m as unknown as LabelledMatrix;
  if (lm.y) (out as unknown as LabelledMatrix).y = Int32Array.from(idx, (i) => lm.y[i]);
  return out;
}
