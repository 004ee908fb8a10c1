// The bundled instrument inventory (data/assurance/instruments.json), checked as data: every row matches
// instrumentSchema, and the inventory as a whole is broad enough for the audit-gap report to mean something
// (≥ 21 instruments, every property and every access level present, binding and non-binding instruments both
// present, https citations). These are checks on the shipped file, so an edit that breaks one fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCESS_LEVELS, PROPERTY_IDS, instrumentSchema, type Instrument } from './types';

const INVENTORY_URL = new URL('../../../data/assurance/instruments.json', import.meta.url);
const raw: unknown = JSON.parse(readFileSync(INVENTORY_URL, 'utf8'));

/** Rows that pass instrumentSchema; the first test reports the ones that do not. */
const rows: unknown[] = Array.isArray(raw) ? raw : [];
const instruments: Instrument[] = rows.flatMap((row) => {
  const parsed = instrumentSchema.safeParse(row);
  return parsed.success ? [parsed.data] : [];
});
const requirements = instruments.flatMap((i) => i.requirements.map((r) => ({ ...r, instrument: i.id })));

describe('data/assurance/instruments.json', () => {
  it('is an array whose every row matches instrumentSchema', () => {
    expect(Array.isArray(raw)).toBe(true);
    const problems = rows.flatMap((row, index) => {
      const parsed = instrumentSchema.safeParse(row);
      return parsed.success ? [] : [`row ${index}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`];
    });
    expect(problems).toEqual([]);
  });

  it('lists at least 21 instruments with unique ids', () => {
    expect(instruments.length).toBeGreaterThanOrEqual(21);
    const ids = instruments.map((i) => i.id);
    expect(ids.filter((id, k) => ids.indexOf(id) !== k)).toEqual([]);
  });

  it('dates every instrument 2019–2026', () => {
    const outOfRange = instruments.filter((i) => i.year < 2019 || i.year > 2026).map((i) => `${i.id} ${i.year}`);
    expect(outOfRange).toEqual([]);
  });

  it('cites every instrument with an https source', () => {
    const notHttps = instruments.filter((i) => new URL(i.source.url).protocol !== 'https:').map((i) => i.id);
    expect(notHttps).toEqual([]);
  });

  it('requires every property at least once and uses every access level', () => {
    const properties = new Set(requirements.map((r) => r.property));
    expect(PROPERTY_IDS.filter((p) => !properties.has(p))).toEqual([]);
    const levels = new Set(requirements.map((r) => r.access));
    expect(ACCESS_LEVELS.filter((a) => !levels.has(a))).toEqual([]);
  });

  it('holds binding and non-binding instruments', () => {
    expect(instruments.some((i) => i.binding)).toBe(true);
    expect(instruments.some((i) => !i.binding)).toBe(true);
  });

  it('does not repeat a requirement (same instrument, articles and property) twice', () => {
    const keys = requirements.map((r) => `${r.instrument} | ${r.articles} | ${r.property}`);
    expect(keys.filter((k, n) => keys.indexOf(k) !== n)).toEqual([]);
  });
});
