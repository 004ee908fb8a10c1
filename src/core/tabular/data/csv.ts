// CSV import. Input is a string, bytes, or an async iterable of chunks (a File's stream in a worker, a Node
// read stream in the sidecar), so a large file is never held as one string: chunks are cut at record boundaries
// (newlines outside quotes) and each complete block goes through papaparse, whose RFC 4180 grammar handles quoted
// commas and newlines. Cells are typed as they arrive (columnBuilder.ts), so raw strings do not pile up.
// Files as they come from UCI / OpenML mirrors are often headerless: by default the first row is a header only if
// its types say so (header.ts), and what the loader decided or repaired (renamed duplicate names, missing and
// infinite cells, a Latin-1 fallback) comes back as warnings for the UI instead of happening silently.

import Papa from 'papaparse';
import { FileTooLargeError, MAX_FILE_BYTES, TabularDataError } from './errors';
import type { ColumnBuilder } from './columnBuilder';
import { ByteDecoder, type TextEncoding } from './decode';
import { columnBuilders, DEFAULT_MISSING, frameFromBuilders, uniqueNames, type CellOptions, type DataFrame } from './frame';
import { detectHeader, headerNames, loadWarnings, type TableWarning } from './header';

export type HeaderMode = 'auto' | boolean;

export interface CsvOptions extends CellOptions {
  /** first record holds column names: true, false, or 'auto' (default) to decide from the types of the first rows */
  header?: HeaderMode;
  /** records to skip before the header/data, e.g. sklearn's metadata line; default 0 */
  skipRecords?: number;
  /** column names (replacing a header row if there is one); default the header's, else `x0, x1, …` */
  names?: string[];
  /** field delimiter; default ',' */
  delimiter?: string;
  /** byte limit; default 1 GiB */
  maxBytes?: number;
  /** of byte input; default 'auto': strict UTF-8, or Latin-1 with a warning for a legacy single-byte file */
  encoding?: TextEncoding;
  /** called after each chunk with the characters read so far (a UI shows it against the file size) */
  onProgress?: (charsRead: number) => void;
}

export type TextSource = string | Uint8Array | AsyncIterable<string | Uint8Array>;

export interface CsvResult {
  frame: DataFrame;
  /** whether the first (non-skipped) record was read as column names */
  header: boolean;
  warnings: TableWarning[];
  /** ±∞ cells per column, read as missing */
  infinite: number[];
}

/** Rows after the first that header detection looks at before deciding. */
const SNIFF_ROWS = 100;

/** Types records column by column as they arrive and checks that every record has the same width. */
class RecordSink {
  names: string[] | null = null;
  cols: ColumnBuilder[] = [];
  header = false;
  renamed: { index: number; from: string; to: string }[] = [];
  private seen = 0;
  private dataRows = 0;
  /** records held while 'auto' header detection waits for evidence */
  private sniffed: string[][] | null;
  private readonly missing: Set<string>;

  constructor(private readonly opts: CsvOptions) {
    this.sniffed = (opts.header ?? 'auto') === 'auto' ? [] : null;
    this.missing = new Set(opts.missing ?? DEFAULT_MISSING);
  }

  add(fields: string[]): void {
    const rec = this.seen++;
    if (rec < (this.opts.skipRecords ?? 0)) return;
    if (this.names !== null) { this.addData(fields, rec); return; }
    if (this.sniffed === null) { this.start(fields, this.opts.header === true, rec); return; }
    this.sniffed.push(fields);
    if (this.sniffed.length > SNIFF_ROWS) this.flushSniffed();
  }

  /** Decide on the header from what was sniffed, then type the held rows. */
  flushSniffed(): void {
    const held = this.sniffed;
    if (!held?.length) return;
    this.sniffed = null;
    const first = (this.opts.skipRecords ?? 0);
    this.start(held[0], detectHeader(held[0], held.slice(1), this.missing), first);
    held.slice(1).forEach((f, i) => this.addData(f, first + 1 + i));
  }

  private start(fields: string[], header: boolean, rec: number): void {
    this.header = header;
    const given = this.opts.names;
    if (given && given.length !== fields.length) {
      throw new TabularDataError(`${given.length} column names were given but the first ${header ? 'row (a header)' : 'data row'} has ${fields.length} fields.`);
    }
    const { names, renamed } = uniqueNames(given ?? (header ? headerNames(fields) : fields.map((_, j) => `x${j}`)));
    this.names = names;
    this.renamed = renamed;
    this.cols = columnBuilders(names, this.opts);
    if (!header) this.addData(fields, rec);
  }

  private addData(fields: string[], rec: number): void {
    const width = (this.names as string[]).length;
    if (fields.length !== width) {
      throw new TabularDataError(`Ragged CSV: data row ${this.dataRows + 1} (record ${rec + 1}) has ${fields.length} fields, ` +
        `expected ${width} like the ${this.header ? 'header' : 'first row'}. Check for an unquoted delimiter or a truncated line.`);
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

async function* chunksOf(src: TextSource, decoder: ByteDecoder): AsyncGenerator<string> {
  if (typeof src === 'string') { yield src; return; }
  if (src instanceof Uint8Array) { yield decoder.decode(src, true); return; }
  for await (const chunk of src) yield typeof chunk === 'string' ? chunk : decoder.decode(chunk);
  const tail = decoder.decode(new Uint8Array(0), true);
  if (tail) yield tail;
}

/** Parse CSV text (or a chunk stream) into a typed frame, with what the loader decided and repaired. */
export async function readCsv(src: TextSource, opts: CsvOptions = {}): Promise<CsvResult> {
  const limit = opts.maxBytes ?? MAX_FILE_BYTES;
  const delimiter = opts.delimiter ?? ',';
  const sink = new RecordSink(opts);
  const splitter = new RecordSplitter();
  const decoder = new ByteDecoder(opts.encoding);
  // Bytes are checked before decoding; for text, characters stand in for bytes (equal for ASCII CSVs).
  if (src instanceof Uint8Array && src.byteLength > limit) throw new FileTooLargeError(src.byteLength, limit);
  let size = 0;
  for await (const text of chunksOf(src, decoder)) {
    size += text.length;
    if (size > limit) throw new FileTooLargeError(size, limit);
    parseBlock(splitter.push(text), sink, delimiter);
    opts.onProgress?.(size);
  }
  parseBlock(splitter.rest(), sink, delimiter);
  sink.flushSniffed();
  if (sink.names === null) throw new TabularDataError('The CSV is empty: no header and no data rows.');
  const frame = frameFromBuilders(sink.cols);
  const warnings = loadWarnings({
    header: opts.header ?? 'auto', headerFound: sink.header, names: sink.names, renamed: sink.renamed,
    reports: sink.cols.map((c) => c.report), encoding: decoder.warning,
  });
  return { frame, header: sink.header, warnings, infinite: sink.cols.map((c) => c.report.infinite) };
}

/** Parse CSV text (or a chunk stream) into a typed frame. */
export async function parseCsv(src: TextSource, opts: CsvOptions = {}): Promise<DataFrame> {
  return (await readCsv(src, opts)).frame;
}
