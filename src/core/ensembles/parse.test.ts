// Importers: CSV / JSON / Parquet give the same pool; schema errors name the line/record and the column.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analysePool } from './analyse';
import { writeParquet } from './fixtures/parquetWriter';
import { parsePoolCsv, parsePoolFile, parsePoolJson, parsePoolParquet, poolToCsv } from './parse';
import { PoolFormatError, poolToRecords } from './pool';

const CSV = `dataset,model,split,row,label,p0,p1
d1,a,oof,0,0,0.8,0.2
d1,a,oof,1,1,0.3,0.7
d1,a,test,0,1,0.4,0.6
d1,b,oof,1,1,0.1,0.9
d1,b,oof,0,0,0.6,0.4
d1,b,test,0,1,0.45,0.55
`;

describe('CSV', () => {
  it('builds aligned OOF/test matrices regardless of record order', () => {
    const pool = parsePoolCsv(CSV);
    expect(pool.datasets).toHaveLength(1);
    const d = pool.datasets[0];
    expect(d.k).toBe(2);
    expect(Array.from(d.oofLabels)).toEqual([0, 1]);
    expect(Array.from(d.testLabels)).toEqual([1]);
    expect(d.models.map((m) => m.model)).toEqual(['a', 'b']);
    expect(Array.from(d.models[1].oof)).toEqual([0.6, 0.4, 0.1, 0.9]);
  });

  it('round-trips through poolToCsv, mixing 2- and 3-class datasets', () => {
    const three = CSV.replace('p0,p1', 'p0,p1,p2').replace(/^d1(.*)$/gm, 'd1$1,').trimEnd() + '\n' +
      'd2,a,oof,0,2,0.1,0.2,0.7\nd2,a,test,0,0,0.5,0.25,0.25\nd2,b,oof,0,2,0.2,0.2,0.6\nd2,b,test,0,0,0.4,0.3,0.3\n';
    const pool = parsePoolCsv(three);
    expect(pool.datasets.map((d) => d.k)).toEqual([2, 3]);
    expect(poolToRecords(parsePoolCsv(poolToCsv(pool)))).toEqual(poolToRecords(pool));
  });

  it('accepts short rows for datasets with fewer classes, and locates a truncated row', () => {
    const mixed = CSV.replace('p0,p1', 'p0,p1,p2') + 'd2,a,oof,0,2,0.1,0.2,0.7\nd2,a,test,0,0,0.5,0.25,0.25\n' +
      'd2,b,oof,0,2,0.2,0.2,0.6\nd2,b,test,0,0,0.4,0.3,0.3\n';
    expect(parsePoolCsv(mixed).datasets.map((d) => d.k)).toEqual([2, 3]);
    expect(() => parsePoolCsv(CSV.replace('d1,a,oof,1,1,0.3,0.7', 'd1,a,oof,1'))).toThrow(/line 3, column 'label': undefined is not a number/);
  });

  it('renormalises rows within 1e-3 of summing to 1', () => {
    const pool = parsePoolCsv(CSV.replace('0.8,0.2', '0.8004,0.2'));
    expect(pool.datasets[0].models[0].oof[0]).toBeCloseTo(0.8004 / 1.0004, 12);
  });

  const bad: [string, string, RegExp][] = [
    ['non-numeric probability', CSV.replace('0.3,0.7', '0.3,abc'), /line 3, column 'p1': "abc" is not a number/],
    ['bad split', CSV.replace('d1,a,test', 'd1,a,valid'), /line 4, column 'split': 'valid'/],
    ['label out of range', CSV.replace('d1,a,oof,1,1', 'd1,a,oof,1,2'), /line 3, column 'label': 2 is not a class index in \[0, 2\)/],
    ['probabilities not summing to 1', CSV.replace('0.8,0.2', '0.8,0.3'), /line 2: probabilities p0..p1 sum to 1.100000/],
    ['probability out of [0,1]', CSV.replace('0.8,0.2', '1.2,-0.2'), /line 2, column 'p0': 1.2 is not a probability/],
    ['labels disagree across models', CSV.replace('d1,b,oof,0,0', 'd1,b,oof,0,1'), /line 6, column 'label': 1 disagrees with label 0 .* at line 2/],
    ['missing row for a model', CSV.replace('d1,b,oof,1,1,0.1,0.9\n', ''), /model 'b': oof row 1 is missing/],
    ['duplicate row', CSV + 'd1,b,test,0,1,0.5,0.5\n', /line 8: duplicate test row 0 for model 'b'/],
    ['missing column', CSV.replace('label', 'lbl'), /required column 'label' is missing/],
    ['gap in class columns', CSV.replace('p0,p1', 'p0,p2'), /column 'p1' is missing/],
    ['no test split', CSV.split('\n').filter((l) => !l.includes('test')).join('\n'), /'d1' has no test rows/],
    // a model with no predictions at all on one dataset would silently shrink that dataset's ensembles
    ['a model missing from a whole dataset', CSV + 'd2,a,oof,0,0,0.7,0.3\nd2,a,test,0,1,0.2,0.8\n', /model 'b' has no predictions for dataset 'd2'/],
    ['a header and no data rows', 'dataset,model,split,row,label,p0,p1\n', /CSV: the pool file is empty: a header but no data rows/],
    ['an empty file', '', /CSV: the pool file is empty/],
    ['a file of blank lines', '\n \n\n', /CSV: the pool file is empty/],
  ];
  for (const [what, text, msg] of bad) {
    it(`rejects ${what} with a located message`, () => {
      expect(() => parsePoolCsv(text)).toThrow(PoolFormatError);
      expect(() => parsePoolCsv(text)).toThrow(msg);
    });
  }
});

describe('JSON', () => {
  it('accepts an array or {records}, numbers or strings', () => {
    const recs = parsePoolCsv(CSV);
    const arr = poolToRecords(recs).map((r) => ({ dataset: r.dataset, model: r.model, split: r.split, row: r.row, label: String(r.label), p0: r.probs[0], p1: r.probs[1] }));
    expect(poolToRecords(parsePoolJson(JSON.stringify(arr)))).toEqual(poolToRecords(recs));
    expect(poolToRecords(parsePoolJson(JSON.stringify({ records: arr })))).toEqual(poolToRecords(recs));
  });

  it('names the record on errors', () => {
    expect(() => parsePoolJson('[{"dataset":"d","model":"m","split":"oof","row":0,"label":0,"p0":1,"p1":null}]')).toThrow(/JSON record 0, column 'p1': blank/);
    expect(() => parsePoolJson('{"rows": []}')).toThrow(/array of records/);
    expect(() => parsePoolJson('[1,')).toThrow(/^JSON:/);
  });

  it('says "empty" for an empty file, an empty array and an empty records list', () => {
    expect(() => parsePoolJson('')).toThrow(/JSON: the pool file is empty/);
    expect(() => parsePoolJson('[]')).toThrow(/JSON: the pool file is empty/);
    expect(() => parsePoolJson('{"records": []}')).toThrow(/JSON: the pool file is empty/);
  });
});

describe('parsePoolFile', () => {
  it('says "empty" for a 0-byte file of any format, naming the file', async () => {
    for (const name of ['pool.csv', 'pool.json', 'pool.parquet']) {
      await expect(parsePoolFile(name, new Uint8Array())).rejects.toThrow(new RegExp(`${name}: the pool file is empty \\(0 bytes\\)`));
    }
  });
});

describe('Parquet', () => {
  const rows = poolToRecords(parsePoolCsv(CSV));
  const file = writeParquet([
    { name: 'dataset', type: 'string', values: rows.map((r) => r.dataset) },
    { name: 'model', type: 'string', values: rows.map((r) => r.model) },
    { name: 'split', type: 'string', values: rows.map((r) => r.split) },
    { name: 'row', type: 'int32', values: rows.map((r) => r.row) },
    { name: 'label', type: 'int32', values: rows.map((r) => r.label) },
    { name: 'p0', type: 'double', values: rows.map((r) => r.probs[0]) },
    { name: 'p1', type: 'double', values: rows.map((r) => r.probs[1]) },
  ]);

  it('reads the same pool as the CSV (via hyparquet)', async () => {
    expect(poolToRecords(await parsePoolParquet(file))).toEqual(rows);
    expect(poolToRecords(await parsePoolFile('pool.bin', file))).toEqual(rows); // detected by magic bytes
  });

  it('names the Parquet row and column on schema errors', async () => {
    const broken = writeParquet([
      { name: 'dataset', type: 'string', values: ['d', 'd'] }, { name: 'model', type: 'string', values: ['m', 'm'] },
      { name: 'split', type: 'string', values: ['oof', 'tset'] }, { name: 'row', type: 'int32', values: [0, 0] },
      { name: 'label', type: 'int32', values: [0, 1] }, { name: 'p0', type: 'double', values: [0.5, 0.5] }, { name: 'p1', type: 'double', values: [0.5, 0.5] },
    ]);
    await expect(parsePoolParquet(broken)).rejects.toThrow(/Parquet row 1, column 'split': 'tset'/);
    await expect(parsePoolParquet(new Uint8Array([1, 2, 3]))).rejects.toThrow(/Parquet: cannot read/);
  });
});

describe('example pool file (fixtures/example-pool.csv, the documented long format)', () => {
  it('parses and analyses end to end from text', async () => {
    const text = readFileSync(new URL('./fixtures/example-pool.csv', import.meta.url), 'utf8');
    const pool = parsePoolCsv(text);
    expect(pool.datasets.map((d) => d.k)).toEqual([2, 2, 2, 2, 3]);
    expect(pool.datasets.every((d) => d.models.length === 6 && d.oofLabels.length === 10 && d.testLabels.length === 10)).toBe(true);
    const r = await analysePool(pool, { metrics: ['accuracy', 'logloss'] });
    expect(r.strategies).toHaveLength(9);
    expect(r.comparisons.logloss && 'avgRanks' in r.comparisons.logloss).toBe(true);
  });
});
