// Incremental typing of one column while a file streams in: a column stays a growable Float64Array while every
// cell is a number (or missing), and turns categorical at the first text cell. Only cells whose text a number
// would not reproduce ('007', '1.50') are remembered, so a mostly numeric file costs ~8 bytes a cell instead of a
// JS string per cell, and a column that turns categorical still keeps its exact original texts.
// The builder also counts what the loader must report rather than hide: missing cells by token (`NaN`, `NA`, `?`…),
// infinities (read as missing: no preprocessing step can standardise ±∞), and the text cells that made a mostly
// numeric column categorical.

import type { Column } from './frame';

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** `inf`, `-Infinity`, `+INF`…: numpy, pandas, R and JavaScript spellings of ±∞. */
const INFINITY_RE = /^[+-]?(inf|infinity)$/i;

/** Plain decimal / exponent notation only: Number('') is 0 and Number('0x1F') is 31, which a table must not mean. */
export function parseNumber(s: string): number {
  return NUMBER_RE.test(s) ? Number(s) : NaN;
}

export function isInfinityToken(s: string): boolean {
  return INFINITY_RE.test(s);
}

/** Trim and strip one pair of surrounding quotes: ARFF/Weka's `'-1'`, or `"x"` that followed a space after a delimiter. */
export function normaliseCell(s: string): string {
  const t = s.trim();
  if (t.length < 2) return t;
  const q = t[0];
  return (q === "'" || q === '"') && t[t.length - 1] === q ? t.slice(1, -1).trim() : t;
}

/** What a raw cell looks like to type inference (header detection uses the same verdict as the columns). */
export function cellKind(raw: string, missing: Set<string>): 'missing' | 'number' | 'text' {
  const s = normaliseCell(raw);
  if (missing.has(s) || INFINITY_RE.test(s)) return 'missing';
  return Number.isNaN(parseNumber(s)) ? 'text' : 'number';
}

/** What a finished column met on the way, for the loader's warnings. */
export interface ColumnReport {
  name: string;
  /** missing cells by their token ('' for empty) */
  missingTokens: Map<string, number>;
  /** ±∞ cells, read as missing */
  infinite: number;
  /** cells that parse as numbers */
  numberCells: number;
  /** cells that do not (counted whether or not the column is categorical) */
  textCells: number;
  /** the first text cell and its 0-based data row */
  firstText?: { row: number; text: string };
  forcedCategorical: boolean;
}

export class ColumnBuilder {
  private values = new Float64Array(256);
  private codes: Int32Array | null = null;
  private n = 0;
  private levels: string[] = [];
  private levelIndex = new Map<string, number>();
  /** original text of numeric cells that String(value) would not reproduce, by row */
  private oddText = new Map<number, string>();
  readonly report: ColumnReport;

  constructor(readonly name: string, private readonly missing: Set<string>, forceCategorical: boolean) {
    if (forceCategorical) this.codes = new Int32Array(256);
    this.report = { name, missingTokens: new Map(), infinite: 0, numberCells: 0, textCells: 0, forcedCategorical: forceCategorical };
  }

  get length(): number {
    return this.n;
  }

  push(raw: string): void {
    const s = normaliseCell(raw);
    const r = this.report;
    let isMissing = this.missing.has(s);
    let v = NaN;
    if (isMissing) r.missingTokens.set(s, (r.missingTokens.get(s) ?? 0) + 1);
    else {
      v = parseNumber(s);
      // the ±∞ test runs only on cells that are not plain numbers, so numeric columns pay nothing for it
      if (!Number.isNaN(v)) r.numberCells++;
      else if (INFINITY_RE.test(s)) { r.infinite++; isMissing = true; }
      else { r.textCells++; r.firstText ??= { row: this.n, text: s }; }
    }
    if (this.codes === null) {
      if (isMissing || !Number.isNaN(v)) {
        if (this.n === this.values.length) this.values = grow(this.values);
        if (!isMissing && String(v) !== s) this.oddText.set(this.n, s);
        this.values[this.n++] = v;
        return;
      }
      this.toCategorical();
    }
    let codes = this.codes as Int32Array;
    if (this.n === codes.length) codes = this.codes = grow(codes);
    codes[this.n++] = isMissing ? -1 : this.code(s);
  }

  finish(): Column {
    if (this.codes) return { kind: 'categorical', name: this.name, codes: this.codes.slice(0, this.n), levels: this.levels };
    return { kind: 'numeric', name: this.name, values: this.values.slice(0, this.n) };
  }

  private code(s: string): number {
    let c = this.levelIndex.get(s);
    if (c === undefined) { c = this.levels.length; this.levels.push(s); this.levelIndex.set(s, c); }
    return c;
  }

  private toCategorical(): void {
    const codes = new Int32Array(Math.max(256, this.values.length));
    for (let i = 0; i < this.n; i++) {
      const v = this.values[i];
      codes[i] = Number.isNaN(v) ? -1 : this.code(this.oddText.get(i) ?? String(v));
    }
    this.codes = codes;
    this.values = new Float64Array(0);
    this.oddText.clear();
  }
}

function grow<T extends Float64Array | Int32Array>(a: T): T {
  const b = new (a.constructor as { new (n: number): T })(a.length * 2);
  b.set(a);
  return b;
}
