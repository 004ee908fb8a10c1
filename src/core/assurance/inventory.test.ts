// The inventory reader: valid rows parse; a bad row or a repeated id is refused by name; the bundled inventory
// parses and feeds the incentive gradient.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InventoryError } from './errors';
import { parseInventory } from './inventory';
import { incentiveGradient } from './report';
import { INSTRUMENTS } from './testKit';

const copy = () => JSON.parse(JSON.stringify(INSTRUMENTS));

describe('parseInventory', () => {
  it('parses valid rows unchanged', () => {
    expect(parseInventory(copy())).toEqual(INSTRUMENTS);
  });

  it('names the row, its id and the field of a bad row', () => {
    const rows = copy();
    rows[2].requirements[1].access = 'glass-box';
    expect(() => parseInventory(rows)).toThrow(InventoryError);
    expect(() => parseInventory(rows)).toThrow(/row 2 \(seoul-commitments\).*requirements\.1\.access/);
    const noUrl = copy();
    noUrl[0].source.url = 'not a url';
    expect(() => parseInventory(noUrl)).toThrow(/row 0 \(oecd-principles\).*source\.url/);
    const unknownProperty = copy();
    unknownProperty[1].requirements[0].property = 'world-peace';
    expect(() => parseInventory(unknownProperty)).toThrow(/row 1 \(eu-ai-act\).*requirements\.0\.property/);
  });

  it('refuses repeated ids and non-arrays', () => {
    const rows = copy();
    rows[3].id = 'eu-ai-act';
    expect(() => parseInventory(rows)).toThrow(/row 3 \(eu-ai-act\) repeats the id of row 1/);
    expect(() => parseInventory({ instruments: rows })).toThrow(/JSON array/);
  });
});

describe('the bundled inventory (data/assurance/instruments.json)', () => {
  it('parses, and the incentive gradient counts every requirement in it', () => {
    const instruments = parseInventory(JSON.parse(readFileSync(new URL('../../../data/assurance/instruments.json', import.meta.url), 'utf8')));
    expect(instruments.length).toBeGreaterThanOrEqual(21);
    const requirements = instruments.reduce((n, i) => n + i.requirements.length, 0);
    const g = incentiveGradient(instruments);
    expect(Object.values(g.byAccess).reduce((a, b) => a + b, 0)).toBe(requirements);
    expect(g.byYear.reduce((n, y) => n + Object.values(y.counts).reduce((a, b) => a + b, 0), 0)).toBe(requirements);
    expect(g.summary).toContain(`Of ${requirements} requirements in ${instruments.length} instruments`);
  });
});
