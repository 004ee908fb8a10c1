// CSV import. Input is a string, bytes, or an async iterable of chunks (a File's stream in a worker, a Node
// read stream in the sidecar), so a large file is never held as one string: chunks are cut at record boundaries
// (newlines outside quotes) and each complete block goes through papaparse, whose RFC 4180 grammar handles quoted
// commas and newlines. Cells are typed as they arrive (columnBuilder.ts), so raw strings do not pile up.

import Papa from 'papaparse';
import { FileTooLargeError, MAX_FILE_BYTES, TabularDataError } from './errors';
import type { ColumnBuilder } from './columnBuilder';
import { columnBuilders, frameFromBuilders, type CellOptions, type DataFrame } from './frame';

export interface CsvOptions extends CellOptions {
  /** first record holds column names; default true */
  header?: boolean;
  /** records to skip before the header/data, e.g. sklearn's metadata line; default 0 */
  skipRecords?: number;
  /** column names when there is no header; default `x0, x1, …` */
  names?: string[];
  /** field delimiter; default ',' */
  delimiter?: string;
  /** byte limit; default 1 GiB */
  maxBytes?: number;
  /** called after each chunk with the characters read so far (a UI shows it against the file size) */
  onProgress?: (charsRead: number) => void;
}

export type TextSource = string | Uint8Array | AsyncIterable<string | Uint8Array>;

/** Types records column by column as they arrive and checks that every record has the same width. */
class RecordSink {
  names: string[] | null = null;
  cols: ColumnBuilder[] = [];
  private seen = 0;
  private dataRows = 0;

  constructor(private readonly opts: CsvOptions) {}

  add(fields: string[]): void {
    const rec = this.seen++;
    if (rec < (this.opts.skipRecords ?? 0)) return;
    if (this.names === null) {
      if (this.opts.header ?? true) {
        this.names = fields.map((f, j) => f.trim() || `x${j}`);
        this.cols = columnBuilders(this.names, this.opts);
        return;
      }
      this.names = this.opts.names ?? fields.map((_, j) => `x${j}`);
      if (this.names.length !== fields.length) {
        throw new TabularDataError(`${this.names.length} column names were given but the first data row has ${fields.length} fields.`);
      }
      this.cols = columnBuilders(this.names, this.opts);
    }
    if (fields.length !== this.names.length) {
      throw new TabularDataError(`Ragged CSV: data row ${this.dataRows + 1} (record ${rec + 1}) has ${fields.length} fields, ` +
        `expected ${this.names.length} like the ${this.opts.header ?? true ? 'header' : 'first row'}. Check for an unquoted delimiter or a truncated line.`);
    }
    for (let j = 0; j < fields.length; j++) this.cols[j].push(fields[j]);
    this.dataRows++;
  }
}

/** Splits a character stream at newlines that are outside double quotes. */
class RecordSplitter {
  private buf = '';
  private scanned = 0;
  private inQuotes = false;

  /** Append text and return the prefix that ends on a record boundary ('' if none yet). */
  push(text: string): string {
    this.buf += text;
    let boundary = -1;
    for (let i = this.scanned; i < this.buf.length; i++) {
      const ch = this.buf.charCodeAt(i);
      if (ch === 34) this.inQuotes = !this.inQuotes; // '"' — an escaped "" toggles twice, so parity is kept
      else if (ch === 10 && !this.inQuotes) boundary = i + 1;
    }
    if (boundary < 0) { this.scanned = this.buf.length; return ''; }
    const block = this.buf.slice(0, boundary);
    this.buf = this.buf.slice(boundary);
    this.scanned = this.buf.length;
    return block;
  }

  rest(): string {
    return this.buf;
  }
}

function parseBlock(block: string, sink: RecordSink, delimiter: string): void {
  if (!block) return;
  const res = Papa.parse<string[]>(block, { delimiter, skipEmptyLines: true });
  const bad = res.errors.find((e) => e.type === 'Quotes');
  if (bad) throw new TabularDataError(`CSV quoting error near record ${bad.row ?? '?'}: ${bad.message}. Check for an unclosed double quote.`);
  for (const rec of res.data) sink.add(rec);
}

async function* chunksOf(src: TextSource): AsyncGenerator<string> {
  if (typeof src === 'string') { yield src; return; }
  const decoder = new TextDecoder('utf-8');
  if (src instanceof Uint8Array) { yield decoder.decode(src); return; }
  for await (const chunk of src) yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  const tail = decoder.decode();
  if (tail) yield tail;
}

/** Parse CSV text (or a chunk stream) into a typed frame. */
export async function parseCsv(src: TextSource, opts: CsvOptions = {}): Promise<DataFrame> {
  const limit = opts.maxBytes ?? MAX_FILE_BYTES;
  const delimiter = opts.delimiter ?? ',';
  const sink = new RecordSink(opts);
  const splitter = new RecordSplitter();
  // Bytes are checked before decoding; for text, characters stand in for bytes (equal for ASCII CSVs).
  if (src instanceof Uint8Array && src.byteLength > limit) throw new FileTooLargeError(src.byteLength, limit);
  let size = 0;
  for await (const text of chunksOf(src)) {
    size += text.length;
    if (size > limit) throw new FileTooLargeError(size, limit);
    parseBlock(splitter.push(text), sink, delimiter);
    opts.onProgress?.(size);
  }
  parseBlock(splitter.rest(), sink, delimiter);
  if (sink.names === null) throw new TabularDataError('The CSV is empty: no header and no data rows.');
  return frameFromBuilders(sink.cols);
}
