// OpenML / Weka ARFF import: `@relation`, `@attribute name numeric|real|integer|string|date|{a,b,…}`, `@data`
// with dense rows or sparse rows `{index value, …}`, `%` comments and `?` for missing. Nominal attributes keep
// their declared level order (so class indices match OpenML's), which CSV inference cannot know.

import { ByteDecoder } from './decode';
import { FileTooLargeError, MAX_FILE_BYTES, TabularDataError } from './errors';
import type { TableWarning } from './header';
import { assertNoEmptyColumns, columnFromCells, type Column, type DataFrame } from './frame';

interface AttributeDecl {
  name: string;
  type: 'numeric' | 'string' | 'nominal';
  levels: string[];
}

/** Split a comma-separated ARFF list honouring '…' and "…" quoting. */
function splitFields(text: string, line: number): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && i + 1 < text.length) { cur += text[++i]; continue; }
      if (ch === quote) { quote = null; continue; }
      cur += ch;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === ',') { out.push(cur.trim()); cur = ''; }
    else cur += ch;
  }
  if (quote) throw new TabularDataError(`ARFF line ${line}: unclosed ${quote} quote.`);
  out.push(cur.trim());
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && (t[0] === "'" || t[0] === '"') && t[t.length - 1] === t[0] ? t.slice(1, -1) : t;
}

function parseAttribute(rest: string, line: number): AttributeDecl {
  // name may be quoted and contain spaces; the type follows it.
  const m = /^\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)\s+(.*)$/.exec(rest);
  if (!m) throw new TabularDataError(`ARFF line ${line}: cannot read "@attribute ${rest}"; expected "@attribute <name> <type>".`);
  const name = unquote(m[1]);
  const type = m[2].trim();
  if (type.startsWith('{')) {
    if (!type.endsWith('}')) throw new TabularDataError(`ARFF line ${line}: nominal attribute "${name}" has no closing brace.`);
    return { name, type: 'nominal', levels: splitFields(type.slice(1, -1), line) };
  }
  const t = type.toLowerCase();
  if (t === 'numeric' || t === 'real' || t === 'integer') return { name, type: 'numeric', levels: [] };
  if (t === 'string' || t.startsWith('date')) return { name, type: 'string', levels: [] };
  throw new TabularDataError(`ARFF line ${line}: attribute "${name}" has unsupported type "${type}" (relational attributes are not supported).`);
}

/**
 * Parse ARFF text (or its bytes) into a typed frame. Bytes are decoded like a CSV's (decode.ts: strict UTF-8, a
 * legacy Latin-1 file read as such with a warning given to `onWarning`, mixed encodings an error naming the offset).
 */
export function parseArff(source: string | Uint8Array, maxBytes = MAX_FILE_BYTES, onWarning?: (w: TableWarning) => void): DataFrame {
  const size = typeof source === 'string' ? source.length : source.byteLength;
  if (size > maxBytes) throw new FileTooLargeError(size, maxBytes);
  const decoder = new ByteDecoder();
  const text = typeof source === 'string' ? source : decoder.decode(source, true);
  if (decoder.warning) onWarning?.({ kind: 'encoding', message: decoder.warning });
  const attrs: AttributeDecl[] = [];
  let cols: string[][] = [];
  let inData = false;
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (!line || line.startsWith('%')) continue;
    if (!inData) {
      const lower = line.toLowerCase();
      if (lower.startsWith('@relation')) continue;
      if (lower.startsWith('@attribute')) { attrs.push(parseAttribute(line.slice(10), ln + 1)); continue; }
      if (lower.startsWith('@data')) {
        if (!attrs.length) throw new TabularDataError(`ARFF line ${ln + 1}: @data before any @attribute.`);
        inData = true;
        cols = attrs.map(() => []);
        continue;
      }
      throw new TabularDataError(`ARFF line ${ln + 1}: unexpected header line "${line.slice(0, 60)}".`);
    }
    const row = line.startsWith('{') ? sparseRow(line, attrs, ln + 1) : splitFields(line, ln + 1);
    if (row.length !== attrs.length) {
      throw new TabularDataError(`ARFF line ${ln + 1}: ${row.length} values, expected ${attrs.length} (one per @attribute).`);
    }
    for (let j = 0; j < row.length; j++) cols[j].push(row[j]);
  }
  if (!inData) throw new TabularDataError('Not an ARFF file: no @data section.');
  const missing = new Set(['?']);
  const columns = attrs.map((a, j): Column => {
    if (a.type === 'nominal') return nominalColumn(a, cols[j]);
    const col = columnFromCells(a.name, cols[j], missing, a.type === 'string');
    if (a.type === 'numeric' && col.kind !== 'numeric') {
      const bad = cols[j].find((c) => c.trim() !== '?' && Number.isNaN(Number(c)));
      throw new TabularDataError(`ARFF attribute "${a.name}" is numeric but holds "${bad}".`);
    }
    return col;
  });
  const frame = { nRows: cols[0]?.length ?? 0, columns };
  assertNoEmptyColumns(frame);
  return frame;
}

/** `{3 1.5, 7 yes}`: listed indices carry values; the rest are 0 (numeric) or the first level (nominal), as Weka does. */
function sparseRow(line: string, attrs: AttributeDecl[], lineNo: number): string[] {
  if (!line.endsWith('}')) throw new TabularDataError(`ARFF line ${lineNo}: sparse row has no closing brace.`);
  const row = attrs.map((a) => (a.type === 'nominal' ? a.levels[0] : '0'));
  const body = line.slice(1, -1).trim();
  if (!body) return row;
  for (const pair of splitFields(body, lineNo)) {
    const m = /^(\d+)\s+(.*)$/.exec(pair.trim());
    if (!m) throw new TabularDataError(`ARFF line ${lineNo}: sparse entry "${pair}" is not "<index> <value>".`);
    const j = Number(m[1]);
    if (j >= attrs.length) throw new TabularDataError(`ARFF line ${lineNo}: sparse index ${j} ≥ ${attrs.length} attributes.`);
    row[j] = unquote(m[2]);
  }
  return row;
}

function nominalColumn(a: AttributeDecl, cells: string[]): Column {
  const index = new Map(a.levels.map((l, i) => [l, i]));
  const codes = new Int32Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i].trim();
    if (v === '?') { codes[i] = -1; continue; }
    const c = index.get(v);
    if (c === undefined) throw new TabularDataError(`ARFF data row ${i + 1}: "${v}" is not a declared level of "${a.name}" {${a.levels.join(',')}}.`);
    codes[i] = c;
  }
  return { kind: 'categorical', name: a.name, codes, levels: a.levels };
}
