// Importers for the long-format prediction pool. Columns: `dataset, model, split, row, label, p0, p1[, p2…]`
// (split ∈ oof|test; row is the 0-based example index within dataset × split; p<c> is the probability of class c;
// extra columns are ignored). CSV (with header), JSON (an array of such objects, or `{ "records": [...] }`) and
// Parquet. Inputs are strings / bytes, never paths: core has no file system. Errors name the line or record and
// the column.

import Papa from 'papaparse';
import { parquetReadObjects } from 'hyparquet';
import { PoolFormatError, poolFromRecords, poolToRecords, type PoolRecord, type PredictionPool, type Split } from './pool';

const REQUIRED = ['dataset', 'model', 'split', 'row', 'label'] as const;

/** Probability columns p0..p(k−1), checked to be contiguous. */
function classColumns(columns: string[], what: string): string[] {
  for (const c of REQUIRED) if (!columns.includes(c)) throw new PoolFormatError(`${what}: required column '${c}' is missing (have: ${columns.join(', ')})`);
  const idx = columns.filter((c) => /^p\d+$/.test(c)).map((c) => Number(c.slice(1))).sort((a, b) => a - b);
  if (idx.length < 2) throw new PoolFormatError(`${what}: need at least two probability columns p0, p1, …`);
  idx.forEach((v, i) => {
    if (v !== i) throw new PoolFormatError(`${what}: probability columns must be p0..p${idx.length - 1} without gaps; column 'p${i}' is missing`);
  });
  return idx.map((i) => `p${i}`);
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** A file may mix datasets with different class counts: trailing blank p-columns belong to no class. */
function presentClasses(r: Record<string, unknown>, pcols: string[]): string[] {
  let k = pcols.length;
  while (k > 0 && isBlank(r[pcols[k - 1]])) k--;
  return pcols.slice(0, k);
}

function toNumber(v: unknown, at: string, col: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const x = Number(v);
    if (!Number.isNaN(x)) return x;
  }
  throw new PoolFormatError(`${at}, column '${col}': ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)} is not a number`);
}

function toText(v: unknown, at: string, col: string): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new PoolFormatError(`${at}, column '${col}': expected text, got ${JSON.stringify(v)}`);
}

/** Generic object rows → validated pool; `at(i)` names row i in messages. */
export function poolFromObjects(rows: Record<string, unknown>[], at: (i: number) => string, what: string): PredictionPool {
  if (rows.length === 0) throw new PoolFormatError(`${what}: the pool file is empty: no data rows`);
  // columns are the union over rows: short CSV rows and sparse JSON records omit trailing class columns
  const columns = new Set<string>();
  for (const r of rows) for (const key of Object.keys(r)) columns.add(key);
  const pcols = classColumns([...columns], what);
  const records: PoolRecord[] = rows.map((r, i) => {
    const loc = at(i);
    const split = toText(r.split, loc, 'split').toLowerCase();
    if (split !== 'oof' && split !== 'test') throw new PoolFormatError(`${loc}, column 'split': '${split}' is not 'oof' or 'test'`);
    return {
      dataset: toText(r.dataset, loc, 'dataset'),
      model: toText(r.model, loc, 'model'),
      split: split as Split,
      row: toNumber(r.row, loc, 'row'),
      label: toNumber(r.label, loc, 'label'),
      probs: presentClasses(r, pcols).map((c) => toNumber(r[c], loc, c)),
      source: loc,
    };
  });
  return poolFromRecords(records);
}

/** CSV with a header line; line numbers in errors are 1-based file lines (header = line 1). */
export function parsePoolCsv(text: string): PredictionPool {
  // Papa cannot guess a delimiter in an empty text and would report that instead
  if (text.trim() === '') throw new PoolFormatError('CSV: the pool file is empty');
  const res = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim() });
  // short rows are fine (a binary dataset in a file with p2 may omit it); missing required cells are caught per cell
  const fatal = res.errors.find((e) => e.type !== 'FieldMismatch');
  if (fatal) throw new PoolFormatError(`CSV line ${(fatal.row ?? 0) + 2}: ${fatal.message}`);
  if (res.data.length === 0) throw new PoolFormatError('CSV: the pool file is empty: a header but no data rows');
  return poolFromObjects(res.data, (i) => `line ${i + 2}`, 'CSV header');
}

export function parsePoolJson(text: string): PredictionPool {
  if (text.trim() === '') throw new PoolFormatError('JSON: the pool file is empty');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PoolFormatError(`JSON: ${(e as Error).message}`);
  }
  const rows = Array.isArray(data) ? data : (data as { records?: unknown })?.records;
  if (!Array.isArray(rows)) throw new PoolFormatError('JSON: expected an array of records or an object with a "records" array');
  rows.forEach((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new PoolFormatError(`JSON record ${i}: expected an object with dataset, model, split, row, label, p0…`);
  });
  if (rows.length === 0) throw new PoolFormatError('JSON: the pool file is empty: no records');
  return poolFromObjects(rows as Record<string, unknown>[], (i) => `JSON record ${i}`, 'JSON');
}

export async function parsePoolParquet(bytes: Uint8Array): Promise<PredictionPool> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file });
  } catch (e) {
    throw new PoolFormatError(`Parquet: cannot read the file (${(e as Error).message})`);
  }
  return poolFromObjects(rows, (i) => `Parquet row ${i}`, 'Parquet schema');
}

/** Pick the importer from the file name, falling back to the Parquet magic bytes. */
export async function parsePoolFile(name: string, bytes: Uint8Array): Promise<PredictionPool> {
  if (bytes.length === 0) throw new PoolFormatError(`${name}: the pool file is empty (0 bytes)`);
  const lower = name.toLowerCase();
  const isParquet = lower.endsWith('.parquet') || (bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'PAR1');
  if (isParquet) return parsePoolParquet(bytes);
  const text = new TextDecoder().decode(bytes);
  if (lower.endsWith('.json')) return parsePoolJson(text);
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return parsePoolCsv(text);
  throw new PoolFormatError(`${name}: unknown pool format; use .csv, .json or .parquet`);
}

/** The pool as long-format CSV (round-trips through `parsePoolCsv`); datasets with fewer classes leave the last p-columns blank. */
export function poolToCsv(pool: PredictionPool): string {
  const k = Math.max(...pool.datasets.map((d) => d.k));
  const head = ['dataset', 'model', 'split', 'row', 'label', ...Array.from({ length: k }, (_, c) => `p${c}`)];
  const lines = [head.join(',')];
  for (const r of poolToRecords(pool)) lines.push(Papa.unparse([[r.dataset, r.model, r.split, r.row, r.label, ...r.probs, ...new Array<string>(k - r.probs.length).fill('')]], { header: false }));
  return lines.join('\n') + '\n';
}
