// Target and sensitive-attribute selection: turns a frame into a classification task (features + class indices),
// validating what the rest of tabular assumes (≥ 2 classes, no missing label, a numeric target when asked).

import { TabularDataError } from './errors';
import { columnIndex, type Column, type DataFrame } from './frame';

export interface SensitiveGroups {
  name: string;
  /** group index per row, -1 = missing */
  groups: Int32Array;
  levels: string[];
}

export interface TabularTask {
  name: string;
  /** every column except the target (the sensitive column too unless dropped) */
  features: DataFrame;
  /** class index per row, 0..k-1 */
  y: Int32Array;
  /** original label per class index; numeric labels sorted ascending, categorical in level order */
  classNames: string[];
  sensitive?: SensitiveGroups;
}

export interface TaskOptions {
  name?: string;
  /** target column (index, negative from the end, or name) */
  target: number | string;
  /** the target must be numeric (e.g. 0/1 or 1/2 codes); a text label is then an error */
  numericTarget?: boolean;
  sensitive?: number | string;
  /** numeric sensitive attributes are split into `≤ t` / `> t` groups (e.g. age 25 in German credit) */
  sensitiveThreshold?: number;
  /** remove the sensitive column from the features (fairness-through-unawareness studies) */
  dropSensitive?: boolean;
}

/** More distinct numeric labels than this looks like a regression target, not classes. */
const MAX_CLASSES = 100;

/** `otherHint` is appended to the regression error: a many-valued target is most often a feature chosen by mistake. */
function labelsOf(col: Column, numericTarget: boolean, otherHint = ''): { y: Int32Array; classNames: string[] } {
  const n = col.kind === 'numeric' ? col.values.length : col.codes.length;
  if (col.kind === 'categorical') {
    if (numericTarget) {
      const bad = col.levels.find((l) => Number.isNaN(Number(l)));
      throw new TabularDataError(`Target "${col.name}" must be numeric but holds "${bad}"; choose another target column or allow text labels.`);
    }
    const row = col.codes.findIndex((c) => c < 0);
    if (row >= 0) throw new TabularDataError(`Target "${col.name}" is missing in data row ${row + 1}; drop unlabelled rows first.`);
    // Drop levels that never occur so class indices are dense.
    const used = [...new Set(col.codes)].sort((a, b) => a - b);
    const remap = new Map(used.map((c, i) => [c, i]));
    return { y: Int32Array.from(col.codes, (c) => remap.get(c) ?? -1), classNames: used.map((c) => col.levels[c]) };
  }
  const row = col.values.findIndex((v) => Number.isNaN(v));
  if (row >= 0) throw new TabularDataError(`Target "${col.name}" is missing in data row ${row + 1}; drop unlabelled rows first.`);
  const distinct = [...new Set(col.values)].sort((a, b) => a - b);
  if (distinct.length > MAX_CLASSES) {
    throw new TabularDataError(`Target "${col.name}" has ${distinct.length} distinct numeric values: this looks like regression, not classification.${otherHint}`);
  }
  const index = new Map(distinct.map((v, i) => [v, i]));
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = index.get(col.values[i]) ?? -1;
  return { y, classNames: distinct.map(String) };
}

function groupsOf(col: Column, threshold: number | undefined): SensitiveGroups {
  if (col.kind === 'categorical') return { name: col.name, groups: col.codes, levels: col.levels };
  if (threshold === undefined) {
    throw new TabularDataError(`Sensitive attribute "${col.name}" is numeric: give sensitiveThreshold to split it into two groups.`);
  }
  const groups = Int32Array.from(col.values, (v) => (Number.isNaN(v) ? -1 : v > threshold ? 1 : 0));
  return { name: col.name, groups, levels: [`≤ ${threshold}`, `> ${threshold}`] };
}

export function selectTask(frame: DataFrame, opts: TaskOptions): TabularTask {
  const t = columnIndex(frame, opts.target);
  const last = frame.columns.length - 1;
  const hint = t === last ? '' : ` If it is a feature, choose the label column instead (UCI files put it last: "${frame.columns[last].name}").`;
  const { y, classNames } = labelsOf(frame.columns[t], opts.numericTarget ?? false, hint);
  if (classNames.length < 2) {
    throw new TabularDataError(`Target "${frame.columns[t].name}" has a single class ("${classNames[0]}"); classification needs at least two.`);
  }
  const s = opts.sensitive === undefined ? -1 : columnIndex(frame, opts.sensitive);
  if (s === t) throw new TabularDataError('The sensitive attribute cannot be the target.');
  const keep = frame.columns.filter((_, j) => j !== t && !(opts.dropSensitive && j === s));
  if (!keep.length) throw new TabularDataError('No feature columns remain after removing the target.');
  return {
    name: opts.name ?? 'dataset',
    features: { nRows: frame.nRows, columns: keep },
    y,
    classNames,
    ...(s >= 0 ? { sensitive: groupsOf(frame.columns[s], opts.sensitiveThreshold) } : {}),
  };
}

/** Rows per class. */
export function classCounts(y: Int32Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const v of y) c[v]++;
  return c;
}

/** Index of the class with the fewest rows (the one whose recall imbalanced-data studies report). */
export function minorityClass(y: Int32Array, k: number): number {
  const c = classCounts(y, k);
  return c.indexOf(Math.min(...c));
}
