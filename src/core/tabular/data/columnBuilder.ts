// Incremental typing of one column while a file streams in: a column stays a growable Float64Array while every
// cell is a number (or missing), and turns categorical at the first text cell. Only cells whose text a number
// would not reproduce ('007', '1.50') are remembered, so a mostly numeric file costs ~8 bytes a cell instead of a
// JS string per cell, and a column that turns categorical still keeps its exact original texts.

import type { Column } from './frame';

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Plain decimal / exponent notation only: Number('') is 0 and Number('0x1F') is 31, which a table must not mean. */
export function parseNumber(s: string): number {
  return NUMBER_RE.test(s) ? Number(s) : NaN;
}

/** Trim and strip one pair of surrounding single quotes (ARFF/Weka style, e.g. mammography's `'-1'`). */
export function normaliseCell(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t[0] === "'" && t[t.length - 1] === "'" ? t.slice(1, -1).trim() : t;
}

export class ColumnBuilder {
  private values = new Float64Array(256);
  private codes: Int32Array | null = null;
  private n = 0;
  private levels: string[] = [];
  private levelIndex = new Map<string, number>();
  /** original text of numeric cells that String(value) would not reproduce, by row */
  private oddText = new Map<number, string>();

  constructor(readonly name: string, private readonly missing: Set<string>, forceCategorical: boolean) {
    if (forceCategorical) this.codes = new Int32Array(256);
  }

  get length(): number {
    return this.n;
  }

  push(raw: string): void {
    const s = normaliseCell(raw);
    const isMissing = this.missing.has(s);
    if (this.codes === null) {
      const v = isMissing ? NaN : parseNumber(s);
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
