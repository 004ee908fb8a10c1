// The inventory reader: valid rows parse; a bad row or a repeated id is refused by name.
import { describe, expect, it } from 'vitest';
import { InventoryError } from './errors';
import { parseInventory } from './inventory';
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
