// Header detection and the loader's warnings. UCI files (pima, german, wdbc…) have no header, most exported CSVs
// have one; reading a headerless file's first row as names loses a row and names columns after data values, and
// two equal values then name two columns alike (the label "1" twice: the wrong column becomes the target). So the
// first row is judged by type evidence against the rows below it (detectHeader), and every decision the loader
// takes for the user — header or not, renamed names, missing and infinite cells, a column made categorical by a few
// text cells, a Latin-1 fallback — becomes a warning the UI shows.

import { cellKind, normaliseCell, type ColumnReport } from './columnBuilder';

export interface TableWarning {
  kind: 'header' | 'renamed' | 'missing' | 'infinite' | 'mixed' | 'encoding';
  message: string;
}

/**
 * Is `first` a header over `body`? Per column: a text cell over numbers is a name (decisive: a header); a number
 * over numbers, or a text cell that recurs below it as a category, is data. With no evidence either way (all-text
 * columns with new words on top) the first row is a header, the CSV convention. Missing-looking cells are no
 * evidence. A number over numbers counts as data, so numeric names (`2019,2020`) need `header: true`.
 */
export function detectHeader(first: string[], body: string[][], missing: Set<string>): boolean {
  let dataVotes = 0;
  for (let j = 0; j < first.length; j++) {
    const top = cellKind(first[j], missing);
    if (top === 'missing') continue;
    let numbers = 0;
    let texts = 0;
    const words = new Set<string>();
    for (const row of body) {
      if (j >= row.length) continue;
      const k = cellKind(row[j], missing);
      if (k === 'number') numbers++;
      else if (k === 'text') { texts++; words.add(normaliseCell(row[j])); }
    }
    if (numbers > 0 && texts === 0) {
      if (top === 'text') return true;
      dataVotes++;
    } else if (top === 'text' && words.has(normaliseCell(first[j]))) dataVotes++;
    else if (!body.length && top === 'number') dataVotes++;
  }
  return dataVotes === 0;
}

/** Column names from a header row: cells unquoted and trimmed like data cells, empty ones named by position. */
export function headerNames(fields: string[]): string[] {
  return fields.map((f, j) => normaliseCell(f) || `x${j}`);
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function listed(items: string[], max = 8): string {
  return items.length > max ? `${items.slice(0, max).join(', ')}, … (${items.length - max} more)` : items.join(', ');
}

export interface LoadFacts {
  header: 'auto' | boolean;
  headerFound: boolean;
  names: string[];
  renamed: { index: number; from: string; to: string }[];
  reports: ColumnReport[];
  encoding: string | null;
}

export function loadWarnings(f: LoadFacts): TableWarning[] {
  const out: TableWarning[] = [];
  if (f.encoding) out.push({ kind: 'encoding', message: f.encoding });
  if (f.header === 'auto') {
    out.push({
      kind: 'header',
      message: f.headerFound
        ? 'Header row detected: the first row gives the column names.'
        : `No header row detected: the first row is data, and the columns are named by position (${f.names[0]} … ${f.names[f.names.length - 1]}).`,
    });
  }
  if (f.renamed.length) {
    out.push({
      kind: 'renamed',
      message: `${plural(f.renamed.length, 'column name')} repeated an earlier one and ${f.renamed.length === 1 ? 'was' : 'were'} renamed: ` +
        listed(f.renamed.map((r) => `column ${r.index + 1} "${r.from}" → "${r.to}"`)) + '.',
    });
  }
  const withMissing = f.reports.filter((r) => r.missingTokens.size);
  if (withMissing.length) {
    const total = withMissing.reduce((a, r) => a + [...r.missingTokens.values()].reduce((x, y) => x + y, 0), 0);
    const spell = (r: ColumnReport) => [...r.missingTokens].map(([t, n]) => `${t === '' ? 'empty' : t} ×${n}`).join(', ');
    out.push({
      kind: 'missing',
      message: `${plural(total, 'missing cell')} in ${plural(withMissing.length, 'column')}, imputed from the training rows ` +
        `(median for numbers, most frequent level for categories): ${listed(withMissing.map((r) => `${r.name} (${spell(r)})`))}.`,
    });
  }
  const withInf = f.reports.filter((r) => r.infinite);
  if (withInf.length) {
    const total = withInf.reduce((a, r) => a + r.infinite, 0);
    out.push({
      kind: 'infinite',
      message: `${plural(total, 'infinite value')} (inf / Infinity) in ${plural(withInf.length, 'column')} read as missing and imputed like them: ` +
        `${listed(withInf.map((r) => `${r.name} ×${r.infinite}`))}.`,
    });
  }
  for (const r of f.reports) {
    if (r.forcedCategorical || !r.firstText || r.textCells > r.numberCells) continue;
    out.push({
      kind: 'mixed',
      message: `Column "${r.name}" was read as categorical because ${plural(r.textCells, 'cell is', 'cells are')} not numeric among ` +
        `${r.numberCells} numeric ones; the first is "${r.firstText.text}" in data row ${r.firstText.row + 1}. Fix or blank those cells if the column is numeric.`,
    });
  }
  return out;
}
