// Parquet import through hyparquet (pure JS, runs in workers and Node). Numbers, booleans and bigints become
// numeric columns; strings (and anything else, stringified) become categorical, so downstream code sees the same
// DataFrame as from CSV.

import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { FileTooLargeError, MAX_FILE_BYTES, TabularDataError } from './errors';
import { assertNoEmptyColumns, columnFromCells, type Column, type DataFrame } from './frame';

/** Columns of plain JS values (as a Parquet reader or JSON produce them) → typed frame. */
export function frameFromRecords(names: string[], rows: Record<string, unknown>[]): DataFrame {
  const columns = names.map((name): Column => {
    const vals = rows.map((r) => r[name]);
    const numeric = vals.every((v) => v === null || v === undefined || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean');
    if (numeric) {
      return { kind: 'numeric', name, values: Float64Array.from(vals, (v) => (v === null || v === undefined ? NaN : Number(v))) };
    }
    const cells = vals.map((v) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v)));
    return columnFromCells(name, cells, new Set(['']), true);
  });
  const frame = { nRows: rows.length, columns };
  assertNoEmptyColumns(frame);
  return frame;
}

/** Parse a whole Parquet file held in memory. */
export async function parseParquet(bytes: ArrayBuffer | Uint8Array, maxBytes = MAX_FILE_BYTES): Promise<DataFrame> {
  if (bytes.byteLength > maxBytes) throw new FileTooLargeError(bytes.byteLength, maxBytes);
  const buf = bytes instanceof Uint8Array ? bytes.slice().buffer : bytes;
  let names: string[];
  try {
    const meta = parquetMetadata(buf);
    // schema[0] is the root; its direct children are the top-level columns.
    names = meta.schema.slice(1, 1 + (meta.schema[0].num_children ?? 0)).map((s) => s.name);
  } catch (e) {
    throw new TabularDataError(`Not a readable Parquet file: ${(e as Error).message}`);
  }
  const rows = await parquetReadObjects({ file: buf, rowFormat: 'object' });
  return frameFromRecords(names, rows);
}
