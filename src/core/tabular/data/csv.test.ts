import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';
import { FileTooLargeError, TabularDataError } from './errors';

async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('parseCsv', () => {
  it('infers numeric and categorical columns, with ? and empty as missing and quoted labels stripped', async () => {
    const f = await parseCsv("a,b,c\n1,x,'-1'\n?,y,'1'\n3,,'-1'\n");
    expect(f.nRows).toBe(3);
    const [a, b, c] = f.columns;
    expect(a.kind).toBe('numeric');
    if (a.kind === 'numeric') expect(Array.from(a.values)).toEqual([1, NaN, 3]);
    expect(b.kind).toBe('categorical');
    if (b.kind === 'categorical') { expect(b.levels).toEqual(['x', 'y']); expect(Array.from(b.codes)).toEqual([0, 1, -1]); }
    expect(c.kind).toBe('numeric');
    if (c.kind === 'numeric') expect(Array.from(c.values)).toEqual([-1, 1, -1]);
  });

  it('reads headerless files with given names and forced categorical codes', async () => {
    const f = await parseCsv('1,2\n3,4', { header: false, names: ['p', 'q'], categorical: ['q'] });
    expect(f.columns.map((c) => [c.name, c.kind])).toEqual([['p', 'numeric'], ['q', 'categorical']]);
  });

  it('gives the same frame from a byte-chunk stream as from the whole text, even when chunks split quoted newlines', async () => {
    const text = 'id,note,v\n' + Array.from({ length: 200 }, (_, i) => `${i},"line ${i}\nwith ""quote"", comma",${i * 0.5}`).join('\r\n');
    const whole = await parseCsv(text);
    for (const size of [1, 7, 64, 4096]) {
      const streamed = await parseCsv(chunked(text, size));
      expect(streamed).toEqual(whole);
    }
    const note = whole.columns[1];
    if (note.kind === 'categorical') expect(note.levels[3]).toBe('line 3\nwith "quote", comma');
  });

  it('keeps the exact text of number-like cells when a column turns out categorical', async () => {
    const f = await parseCsv('zip,y\n007,1\n1.50,0\n12,1\nN/A,0\n');
    expect(f.columns[0]).toMatchObject({ kind: 'categorical', levels: ['007', '1.50', '12', 'N/A'] });
  });

  it('reports monotone progress while streaming', async () => {
    const seen: number[] = [];
    await parseCsv(chunked('a,b\n' + '1,2\n'.repeat(100), 50), { onProgress: (n) => seen.push(n) });
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((v, i) => i === 0 || v > seen[i - 1])).toBe(true);
    expect(seen.at(-1)).toBe(4 + 400);
  });

  it('rejects a ragged row, naming it', async () => {
    await expect(parseCsv('a,b\n1,2\n3\n')).rejects.toThrow(/data row 2 \(record 3\) has 1 fields, expected 2/);
  });

  it('rejects an all-missing column, naming it', async () => {
    await expect(parseCsv('a,b\n1,?\n2,\n')).rejects.toThrow(/Column "b" is missing in all 2 rows/);
  });

  it('rejects files over the byte limit before parsing', async () => {
    await expect(parseCsv(new Uint8Array(2048), { maxBytes: 1024 })).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(parseCsv(chunked('a\n'.repeat(1000), 100), { maxBytes: 1024 })).rejects.toBeInstanceOf(FileTooLargeError);
  });

  it('rejects an empty file and an unclosed quote', async () => {
    await expect(parseCsv('')).rejects.toBeInstanceOf(TabularDataError);
    await expect(parseCsv('a,b\n1,"oops\n')).rejects.toThrow(/quot/i);
  });
});
