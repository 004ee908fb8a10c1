import { describe, expect, it } from 'vitest';
import { parseCsv, readCsv } from './csv';
import { InvalidUtf8Error } from './decode';
import { FileTooLargeError, TabularDataError } from './errors';
import { columnIndex, missingCount } from './frame';
import { SHARED_DATASETS } from './registry';
import { classCounts, selectTask } from './task';
import { readShared } from './testData';

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
    const f = await parseCsv('zip,y\n007,1\n1.50,0\n12,1\nunknown,0\n');
    expect(f.columns[0]).toMatchObject({ kind: 'categorical', levels: ['007', '1.50', '12', 'unknown'] });
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

/** 768 pima-like headerless rows: the real file's first two rows, then deterministic rows of the same shape. */
function pimaLike(): string {
  const rows = ['6,148,72,35,0,33.6,0.627,50,1', '1,85,66,29,0,26.6,0.351,31,0'];
  for (let i = 2; i < 768; i++) rows.push([i % 13, 80 + (i * 7) % 120, 40 + i % 60, i % 50, (i * 11) % 300, (20 + (i % 30) + 0.5).toFixed(1), ((i % 97) / 100).toFixed(3), 21 + i % 50, i % 3 === 0 ? 1 : 0].join(','));
  return rows.join('\n');
}

describe('headerless files (UCI / OpenML mirrors)', () => {
  it('a pima-like headerless file keeps all 768 rows and is named by position', async () => {
    const r = await readCsv(pimaLike());
    expect(r.header).toBe(false);
    expect(r.frame.nRows).toBe(768);
    expect(r.frame.columns.map((c) => c.name)).toEqual(['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8']);
    expect(r.warnings.find((w) => w.kind === 'header')?.message).toMatch(/No header row detected/);
  });

  for (const spec of SHARED_DATASETS) {
    it(`${spec.id}: read with no options, keeps its ${spec.expected.rows} rows and the last column gives the documented classes`, async () => {
      const { frame } = await readCsv(readShared(spec.file));
      expect(frame.nRows).toBe(spec.expected.rows);
      const task = selectTask(frame, { target: -1 });
      expect(classCounts(task.y, task.classNames.length)).toEqual(spec.expected.classCounts);
    });
  }

  it('detects a header of names over numeric columns, and over text columns when the names do not recur below', async () => {
    expect((await readCsv('age,income,y\n31,100.5,0\n40,?,1\n')).header).toBe(true);
    expect((await readCsv('colour,size\nred,L\nblue,M\n')).header).toBe(true);
    // german-like: codes that recur below and numbers over numbers are data
    const german = await readCsv('A11,6,A34,1\nA12,48,A32,2\nA11,12,A34,1\n');
    expect(german.header).toBe(false);
    expect(german.frame.nRows).toBe(3);
  });

  it('header: true / false override the detection', async () => {
    const forcedOn = await readCsv('2019,2020\n1.5,2\n3,4\n', { header: true });
    expect(forcedOn.frame.columns.map((c) => c.name)).toEqual(['2019', '2020']);
    expect(forcedOn.warnings.some((w) => w.kind === 'header')).toBe(false);
    const forcedOff = await readCsv('a,b\n1,2\n', { header: false });
    expect(forcedOff.frame.nRows).toBe(2);
  });

  it('strips quotes from header names as from cells', async () => {
    const f = await parseCsv(`'sepal length', "petal" ,"class"\n5.1,1.4,a\n4.9,1.3,b\n`);
    expect(f.columns.map((c) => c.name)).toEqual(['sepal length', 'petal', 'class']);
  });
});

describe('duplicated column names', () => {
  it('are renamed with a warning, so the last column cannot silently resolve to the first', async () => {
    // the label shares its name with a numeric feature of ~200 values
    const rows = Array.from({ length: 200 }, (_, i) => `${i * 0.37},${i % 5},${i % 2}`);
    const r = await readCsv(['v,w,v', ...rows].join('\n'));
    expect(r.frame.columns.map((c) => c.name)).toEqual(['v', 'w', 'v_2']);
    expect(r.warnings.find((w) => w.kind === 'renamed')?.message).toContain('column 3 "v" → "v_2"');
    const task = selectTask(r.frame, { target: r.frame.columns.at(-1)!.name });
    expect(task.classNames).toEqual(['0', '1']);
    expect(task.features.columns.map((c) => c.name)).toEqual(['v', 'w']);
  });

  it('a frame that still has two equal names (e.g. from Parquet) refuses the name instead of picking the first', () => {
    const frame = { columns: [{ name: 'x' }, { name: 'y' }, { name: 'x' }] };
    expect(() => columnIndex(frame, 'x')).toThrow(/2 columns are named "x" \(positions 1, 3\)/);
    expect(columnIndex(frame, -1)).toBe(2);
  });
});

describe('missing and non-finite numbers', () => {
  it('one NaN in 200 numeric rows keeps the column numeric, counted as missing', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i === 57 ? 'NaN' : (i * 0.1).toFixed(1)},${i % 2}`);
    const r = await readCsv(['x,y', ...rows].join('\n'));
    const x = r.frame.columns[0];
    expect(x.kind).toBe('numeric');
    expect(missingCount(x)).toBe(1);
    expect(r.warnings.find((w) => w.kind === 'missing')?.message).toContain('x (NaN ×1)');
  });

  it('reads NaN, nan, NA, null, None and ? as missing and ±infinity as missing, counted apart', async () => {
    const cells = ['1', 'NaN', 'nan', 'NA', 'null', 'None', '?', 'Infinity', '-Infinity', 'inf', '+INF', '2.5'];
    const r = await readCsv(['x,y', ...cells.map((c, i) => `${c},${i % 2}`)].join('\n'));
    const x = r.frame.columns[0];
    if (x.kind !== 'numeric') throw new Error('x should stay numeric');
    expect(Array.from(x.values).filter((v) => !Number.isNaN(v))).toEqual([1, 2.5]);
    expect(r.infinite).toEqual([4, 0]);
    expect(r.warnings.find((w) => w.kind === 'infinite')?.message).toMatch(/4 infinite values .* read as missing/);
  });

  it('says which text cell made a mostly numeric column categorical', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i === 17 ? 'n.a.' : i},${i % 2}`);
    const r = await readCsv(['x,y', ...rows].join('\n'));
    expect(r.frame.columns[0].kind).toBe('categorical');
    expect(r.warnings.find((w) => w.kind === 'mixed')?.message).toMatch(/"x" .* 1 cell is not numeric among 49 numeric ones; the first is "n\.a\." in data row 18/);
  });
});

describe('text encoding', () => {
  const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

  it('reads a Latin-1 file as Latin-1 with a warning naming the first bad byte, never as U+FFFD', async () => {
    // "city,y\nZürich,1\nBern,0\n" in Latin-1: ü is the single byte 0xFC at offset 8
    const r = await readCsv(bytes('city,y\nZ', [0xfc], 'rich,1\nBern,0\n'));
    expect(r.frame.columns[0]).toMatchObject({ kind: 'categorical', levels: ['Zürich', 'Bern'] });
    expect(r.warnings.find((w) => w.kind === 'encoding')?.message).toMatch(/byte 0xFC at byte offset 8.*Latin-1/);
  });

  it('rejects invalid UTF-8 after valid multi-byte UTF-8, naming the byte offset', async () => {
    // 'city,y\n' is 7 bytes, 'Zürich,1\n' 10 (ü is two bytes in UTF-8), then 'Z': the bad byte is at offset 18
    const src = bytes('city,y\nZürich,1\nZ', [0xfc], 'rich,0\n');
    await expect(readCsv(src)).rejects.toBeInstanceOf(InvalidUtf8Error);
    await expect(readCsv(src)).rejects.toThrow(/byte 0xFC at byte offset 18/);
    await expect(readCsv(bytes('a\n', [0xff], '\n'), { encoding: 'utf-8' })).rejects.toThrow(/byte offset 2/);
  });

  it('decodes multi-byte characters split across chunks and drops a UTF-8 BOM', async () => {
    const text = '\ufeffname,y\n' + Array.from({ length: 40 }, (_, i) => `Zürich ${i} — 東京,${i % 2}`).join('\n');
    const whole = await parseCsv(text.slice(1));
    for (const size of [1, 2, 3, 5]) expect(await parseCsv(chunked(text, size))).toEqual(whole);
    expect(whole.columns[0].name).toBe('name');
  });
});
