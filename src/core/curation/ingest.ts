// Corpus ingest for curation (issue #22): text, Markdown, JSONL and CSV files → CorpusDocument[]. Pure (bytes in,
// documents out) so the browser, workers and Node share it; Node's file reading lives in ingestNode.ts. Bad files
// are named CurationErrors that say what to fix (empty, binary, a JSONL row without its text field, a CSV without
// its text column). PDF is not read: convert it to text first (the error says so).
import Papa from 'papaparse';
import { CurationError } from './errors';
import { sha256HexSync } from '../numeric/sha256';
import type { CorpusDocument } from './types';

export type CorpusFormat = CorpusDocument['format'];

export interface IngestOptions {
  /** Overrides detection from the file name's extension. */
  format?: CorpusFormat;
  /** JSONL: the field holding the text (default "text"). */
  textField?: string;
  /** CSV: the column holding the text; without it, each row's non-empty cells are joined as "column: value" lines. */
  textColumn?: string;
}

const EXTENSIONS: Readonly<Record<string, CorpusFormat>> = {
  txt: 'text', text: 'text', md: 'markdown', markdown: 'markdown', jsonl: 'jsonl', ndjson: 'jsonl', csv: 'csv',
};

/** Format from the file name; unknown extensions read as plain text, PDF is refused with a named error. */
export function detectFormat(name: string): CorpusFormat {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  if (ext === 'pdf') {
    throw new CurationError('unsupported-format', `${name}: PDF is not read by curation ingest; extract its text (e.g. pdftotext) and load the .txt or .md`);
  }
  return EXTENSIONS[ext] ?? 'text';
}

/** Decodes UTF-8 strictly: NUL bytes or invalid sequences mean a binary file, not a corpus. */
export function decodeCorpusBytes(name: string, bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new CurationError('binary-file', `${name}: byte ${nul} is NUL, so this is a binary file, not text; export it as UTF-8 text, Markdown, JSONL or CSV`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CurationError('binary-file', `${name}: not valid UTF-8 (a binary file or another encoding); re-save it as UTF-8`);
  }
  if (!text.trim()) throw new CurationError('empty-file', `${name}: the file is empty (${bytes.length} bytes, no text); choose a file with content`);
  return text;
}

/** Reads one corpus file's bytes into documents (one for text/Markdown, one per row for JSONL/CSV). */
export function ingestFile(name: string, bytes: Uint8Array, options: IngestOptions = {}): CorpusDocument[] {
  const format = options.format ?? detectFormat(name);
  // decodeCorpusBytes drops the BOM (TextDecoder's default), so spans index the text as shown.
  const text = decodeCorpusBytes(name, bytes);
  const sourceSha256 = sha256HexSync(bytes);
  switch (format) {
    case 'text':
    case 'markdown':
      return [{ id: name, text, format, sourceSha256 }];
    case 'jsonl':
      return readJsonl(name, text, options.textField ?? 'text').map((row) => ({ ...row, format, sourceSha256 }));
    case 'csv':
      return readCsv(name, text, options.textColumn).map((row) => ({ ...row, format, sourceSha256 }));
  }
}

/** Convenience for text already in memory (a pasted corpus, a test): same rules as ingestFile. */
export function ingestText(name: string, text: string, options: IngestOptions = {}): CorpusDocument[] {
  return ingestFile(name, new TextEncoder().encode(text), options);
}

function readJsonl(name: string, text: string, field: string): { id: string; text: string }[] {
  const rows: { id: string; text: string }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const lineNo = i + 1;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new CurationError('jsonl-parse', `${name} line ${lineNo}: not JSON (${(e as Error).message}); each line must be one JSON object`);
    }
    const value = row !== null && typeof row === 'object' && !Array.isArray(row) ? (row as Record<string, unknown>)[field] : undefined;
    if (typeof value !== 'string' || !value.trim()) {
      const keys = row !== null && typeof row === 'object' ? Object.keys(row).join(', ') || 'none' : typeof row;
      const what = value === undefined ? `has no "${field}" field` : `has an empty or non-string "${field}"`;
      throw new CurationError('jsonl-missing-field', `${name} line ${lineNo}: the row ${what} (its keys: ${keys}); name the text field with textField`);
    }
    rows.push({ id: `${name}#${lineNo}`, text: value });
  });
  return rows;
}

function readCsv(name: string, text: string, column: string | undefined): { id: string; text: string }[] {
  const res = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim() });
  // Short rows are tolerated (missing cells read as empty); anything else is a broken file.
  const fatal = res.errors.find((e) => e.type !== 'FieldMismatch');
  if (fatal) throw new CurationError('csv-parse', `${name} line ${(fatal.row ?? 0) + 2}: ${fatal.message}`);
  const fields = res.meta.fields ?? [];
  if (column !== undefined && !fields.includes(column)) {
    throw new CurationError('csv-missing-column', `${name}: no column "${column}" in the header (columns: ${fields.join(', ') || 'none'}); pass one of them as textColumn`);
  }
  const rows: { id: string; text: string }[] = [];
  res.data.forEach((row, i) => {
    const body = column !== undefined
      ? (row[column] ?? '')
      : fields.filter((f) => (row[f] ?? '').trim()).map((f) => `${f}: ${row[f].trim()}`).join('\n');
    // A row whose text cell is empty has nothing to chunk; it is skipped, like a blank line.
    if (body.trim()) rows.push({ id: `${name}#${i + 1}`, text: body });
  });
  if (rows.length === 0) throw new CurationError('empty-file', `${name}: a header but no rows with text${column ? ` in column "${column}"` : ''}`);
  return rows;
}
