// Typed columnar frame: what every loader (CSV, ARFF, Parquet, OpenML) produces and preprocessing consumes.
// Columns are numeric (Float64Array, NaN = missing) or categorical (Int32Array codes into `levels`, -1 = missing),
// so a 10^6-row table stays compact and the raw strings can be dropped after parsing.

import { ColumnBuilder } from './columnBuilder';
import { TabularDataError } from './errors';

export interface NumericColumn {
  kind: 'numeric';
  name: string;
  /** NaN = missing */
  values: Float64Array;
}

export interface CategoricalColumn {
  kind: 'categorical';
  name: string;
  /** index into `levels`, -1 = missing */
  codes: Int32Array;
  levels: string[];
}

export type Column = NumericColumn | CategoricalColumn;

export interface DataFrame {
  nRows: number;
  columns: Column[];
}

/** How raw text cells become typed values. */
export interface CellOptions {
  /** cell texts (after trimming and unquoting) read as missing; default DEFAULT_MISSING. ±∞ spellings are always missing. */
  missing?: string[];
  /** columns (index or name) kept categorical even when every value is numeric, e.g. integer codes */
  categorical?: (number | string)[];
}

/**
 * Missing-value spellings of Weka (`?`), R (`NA`), pandas/numpy (`NaN`, `nan`, `None`), SQL/JSON (`NULL`, `null`) and
 * spreadsheets (`#N/A`, `N/A`): pandas' default `na_values` less its rarer forms. Without them one `NaN` among 200
 * numbers would make the column categorical with ~200 levels.
 */
export const DEFAULT_MISSING = ['', '?', 'NA', 'N/A', 'n/a', '#N/A', 'NaN', 'nan', 'NAN', '-NaN', '-nan', 'null', 'NULL', 'None', '<NA>'];

/**
 * Make column names unique: a repeated name gets `_2`, `_3`… (skipping names already taken). Looking a column up
 * by a repeated name would silently pick the first, e.g. a headerless file whose first row `…,1,…,1` names both
 * a feature and the label "1".
 */
export function uniqueNames(names: readonly string[]): { names: string[]; renamed: { index: number; from: string; to: string }[] } {
  const taken = new Set(names);
  const seen = new Set<string>();
  const renamed: { index: number; from: string; to: string }[] = [];
  const out = names.map((name, index) => {
    if (!seen.has(name)) { seen.add(name); return name; }
    let k = 2;
    while (taken.has(`${name}_${k}`)) k++;
    const to = `${name}_${k}`;
    taken.add(to);
    seen.add(to);
    renamed.push({ index, from: name, to });
    return to;
  });
  return { names: out, renamed };
}

/** Resolve a column reference (index or name) with an error that lists what exists. */
export function columnIndex(frame: { columns: { name: string }[] }, ref: number | string): number {
  if (typeof ref === 'number') {
    const i = ref < 0 ? frame.columns.length + ref : ref;
    if (!Number.isInteger(i) || i < 0 || i >= frame.columns.length) {
      throw new TabularDataError(`Column index ${ref} is out of range: the table has ${frame.columns.length} columns.`);
    }
    return i;
  }
  const matches = frame.columns.flatMap((c, j) => (c.name === ref ? [j] : []));
  if (!matches.length) throw new TabularDataError(`No column named "${ref}". Columns: ${frame.columns.map((c) => c.name).join(', ')}.`);
  if (matches.length > 1) {
    throw new TabularDataError(`${matches.length} columns are named "${ref}" (positions ${matches.map((j) => j + 1).join(', ')}); ` +
      'choose the column by position instead.');
  }
  return matches[0];
}

/**
 * Build one typed column from raw cells. Numeric when every non-missing cell is a plain number and the column
 * is not forced categorical; otherwise categorical with levels in order of first appearance.
 */
export function columnFromCells(name: string, cells: string[], missing: Set<string>, forceCategorical: boolean): Column {
  const b = new ColumnBuilder(name, missing, forceCategorical);
  for (const c of cells) b.push(c);
  return b.finish();
}

export function isMissing(col: Column, i: number): boolean {
  return col.kind === 'numeric' ? Number.isNaN(col.values[i]) : col.codes[i] < 0;
}

export function missingCount(col: Column): number {
  let m = 0;
  for (let i = 0; i < (col.kind === 'numeric' ? col.values.length : col.codes.length); i++) if (isMissing(col, i)) m++;
  return m;
}

/** Reject columns with no observed value: they carry no information and break imputation. */
export function assertNoEmptyColumns(frame: DataFrame): void {
  if (frame.nRows === 0) throw new TabularDataError('The table has no data rows.');
  for (const col of frame.columns) {
    if (missingCount(col) === frame.nRows) {
      throw new TabularDataError(`Column "${col.name}" is missing in all ${frame.nRows} rows; drop it before loading.`);
    }
  }
}

/** One builder per column, honouring the missing tokens and forced-categorical columns of `opts`. */
export function columnBuilders(names: string[], opts: CellOptions = {}): ColumnBuilder[] {
  const missing = new Set(opts.missing ?? DEFAULT_MISSING);
  const proto = { columns: names.map((name) => ({ name })) };
  const forced = new Set((opts.categorical ?? []).map((r) => columnIndex(proto, r)));
  return names.map((name, j) => new ColumnBuilder(name, missing, forced.has(j)));
}

/** Finish builders into a validated frame. */
export function frameFromBuilders(builders: ColumnBuilder[]): DataFrame {
  const frame = { nRows: builders[0]?.length ?? 0, columns: builders.map((b) => b.finish()) };
  assertNoEmptyColumns(frame);
  return frame;
}

/** Replace a sentinel value (e.g. pima's 0 = "not measured") by NaN in the given numeric columns. */
export function markMissing(frame: DataFrame, refs: (number | string)[], sentinel: number): DataFrame {
  const targets = new Set(refs.map((r) => columnIndex(frame, r)));
  const columns = frame.columns.map((col, j): Column => {
    if (!targets.has(j)) return col;
    if (col.kind !== 'numeric') throw new TabularDataError(`Column "${col.name}" is categorical; a numeric missing sentinel cannot apply.`);
    return { ...col, values: col.values.map((v) => (v === sentinel ? NaN : v)) };
  });
  return { nRows: frame.nRows, columns };
}
