// Preprocessing fitted on training (or context) rows only, then applied to any rows: median/mode imputation,
// one-hot or ordinal encoding of categoricals, standardisation. Fitting on the query rows too would leak their
// distribution into the model, so `fitPreprocessor` sees nothing but the rows it is given.

import type { CategoricalGroup, FeatureMatrix, LabelledMatrix } from '../matrix';
import { TabularDataError } from './errors';
import type { DataFrame } from './frame';
import type { TabularTask } from './task';

export interface PreprocessOptions {
  /** 'onehot' (default): one 0/1 column per level seen in training; 'ordinal': one column of level codes */
  encoding?: 'onehot' | 'ordinal';
  /** z-score numeric and ordinal columns with training mean/sd; default true (one-hot columns stay 0/1) */
  standardise?: boolean;
}

/** What was learnt from the training rows for one source column; JSON-serialisable for a manifest. */
export type ColumnPlan =
  | { kind: 'numeric'; name: string; median: number; mean: number; sd: number }
  | { kind: 'onehot'; name: string; levels: number[]; levelNames: string[]; mode: number }
  | { kind: 'ordinal'; name: string; mode: number; mean: number; sd: number };

export interface Preprocessor {
  plans: ColumnPlan[];
  /** output column names */
  names: string[];
  /** rows of `frame` (all by default) → imputed, encoded matrix with no NaN */
  transform(frame: DataFrame, rows?: ArrayLike<number>): FeatureMatrix;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function meanSd(v: ArrayLike<number>): { mean: number; sd: number } {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i];
  m /= v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i] - m) ** 2;
  const sd = Math.sqrt(ss / v.length);
  // A constant column standardises to 0 rather than dividing by zero.
  return { mean: m, sd: sd > 1e-12 ? sd : 1 };
}

function noObserved(name: string, n: number): TabularDataError {
  return new TabularDataError(`Column "${name}" has no observed value in the ${n} training rows, so it cannot be imputed; ` +
    'drop the column or use more training rows.');
}

export function fitPreprocessor(frame: DataFrame, trainRows: ArrayLike<number>, opts: PreprocessOptions = {}): Preprocessor {
  const encoding = opts.encoding ?? 'onehot';
  const std = opts.standardise ?? true;
  const rows = Array.from(trainRows);
  if (!rows.length) throw new TabularDataError('Cannot fit preprocessing on zero training rows.');
  const plans = frame.columns.map((col): ColumnPlan => {
    if (col.kind === 'numeric') {
      const obs = rows.map((r) => col.values[r]).filter((v) => !Number.isNaN(v));
      if (!obs.length) throw noObserved(col.name, rows.length);
      const med = median(obs);
      const filled = rows.map((r) => (Number.isNaN(col.values[r]) ? med : col.values[r]));
      const { mean, sd } = std ? meanSd(filled) : { mean: 0, sd: 1 };
      return { kind: 'numeric', name: col.name, median: med, mean, sd };
    }
    const counts = new Array<number>(col.levels.length).fill(0);
    for (const r of rows) if (col.codes[r] >= 0) counts[col.codes[r]]++;
    const max = Math.max(0, ...counts);
    if (max === 0) throw noObserved(col.name, rows.length);
    const mode = counts.indexOf(max);
    if (encoding === 'onehot') {
      const levels = counts.flatMap((c, l) => (c > 0 ? [l] : []));
      return { kind: 'onehot', name: col.name, levels, levelNames: levels.map((l) => col.levels[l]), mode };
    }
    const filled = rows.map((r) => (col.codes[r] >= 0 ? col.codes[r] : mode));
    const { mean, sd } = std ? meanSd(filled) : { mean: 0, sd: 1 };
    return { kind: 'ordinal', name: col.name, mode, mean, sd };
  });
  const names = plans.flatMap((p) => (p.kind === 'onehot' ? p.levelNames.map((l) => `${p.name}=${l}`) : [p.name]));
  return { plans, names, transform: (f, r) => applyPlans(plans, names, f, r) };
}

function applyPlans(plans: ColumnPlan[], names: string[], frame: DataFrame, rowsArg?: ArrayLike<number>): FeatureMatrix {
  if (frame.columns.length !== plans.length) {
    throw new TabularDataError(`The table has ${frame.columns.length} feature columns but the preprocessing was fitted on ${plans.length}.`);
  }
  const rows = rowsArg ?? Array.from({ length: frame.nRows }, (_, i) => i);
  const d = names.length;
  const x = new Float64Array(rows.length * d);
  const groups: CategoricalGroup[] = [];
  let off = 0;
  plans.forEach((p, j) => {
    const col = frame.columns[j];
    if (p.kind === 'numeric') {
      if (col.kind !== 'numeric') throw new TabularDataError(`Column "${col.name}" was numeric when fitted but is categorical now.`);
      for (let i = 0; i < rows.length; i++) {
        const v = col.values[rows[i]];
        x[i * d + off] = ((Number.isNaN(v) ? p.median : v) - p.mean) / p.sd;
      }
      off += 1;
      return;
    }
    if (col.kind !== 'categorical') throw new TabularDataError(`Column "${col.name}" was categorical when fitted but is numeric now.`);
    if (p.kind === 'ordinal') {
      for (let i = 0; i < rows.length; i++) {
        const c = col.codes[rows[i]];
        x[i * d + off] = ((c >= 0 ? c : p.mode) - p.mean) / p.sd;
      }
      off += 1;
      return;
    }
    const slot = new Map(p.levels.map((l, s) => [l, s]));
    for (let i = 0; i < rows.length; i++) {
      const c = col.codes[rows[i]];
      // A level never seen in training gets no indicator (all zeros), like sklearn's handle_unknown='ignore'.
      const s = slot.get(c >= 0 ? c : p.mode);
      if (s !== undefined) x[i * d + off + s] = 1;
    }
    groups.push({ name: p.name, columns: p.levels.map((_, s) => off + s) });
    off += p.levels.length;
  });
  return { x, n: rows.length, d, names, ...(groups.length ? { categoricalGroups: groups } : {}) };
}

/** Labelled matrices for a train/test split, preprocessing fitted on the train rows only. */
export function preprocessSplit(task: TabularTask, train: ArrayLike<number>, test: ArrayLike<number>, opts: PreprocessOptions = {}):
  { train: LabelledMatrix; test: LabelledMatrix; preprocessor: Preprocessor } {
  const pre = fitPreprocessor(task.features, train, opts);
  const k = task.classNames.length;
  const label = (m: FeatureMatrix, rows: ArrayLike<number>): LabelledMatrix =>
    ({ ...m, y: Int32Array.from(rows, (r) => task.y[r]), k, classNames: task.classNames });
  return { train: label(pre.transform(task.features, train), train), test: label(pre.transform(task.features, test), test), preprocessor: pre };
}
