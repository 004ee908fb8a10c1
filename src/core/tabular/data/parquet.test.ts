import { describe, expect, it } from 'vitest';
import { TabularDataError } from './errors';
import { writeParquet } from '../../ensembles/fixtures/parquetWriter';
import { frameFromRecords, parseParquet } from './parquet';

describe('parquet import', () => {
  it('types plain JS record values like the CSV path does', () => {
    const f = frameFromRecords(['n', 'b', 's'], [{ n: 1, b: true, s: 'x' }, { n: null, b: false, s: null }, { n: 2n, b: true, s: 'y' }]);
    expect(f.columns.map((c) => c.kind)).toEqual(['numeric', 'numeric', 'categorical']);
    const [n, , s] = f.columns;
    if (n.kind === 'numeric') expect(Array.from(n.values)).toEqual([1, NaN, 2]);
    if (s.kind === 'categorical') expect(Array.from(s.codes)).toEqual([0, -1, 1]);
  });

  it('reads a real Parquet file (written by the ensembles test writer) into typed columns', async () => {
    const bytes = writeParquet([
      { name: 'age', type: 'int32', values: [31, 45, 27] },
      { name: 'score', type: 'double', values: [0.5, -1.25, 3] },
      { name: 'group', type: 'string', values: ['a', 'b', 'a'] },
    ]);
    const f = await parseParquet(bytes);
    expect(f.nRows).toBe(3);
    expect(f.columns.map((c) => [c.name, c.kind])).toEqual([['age', 'numeric'], ['score', 'numeric'], ['group', 'categorical']]);
    const [age, score, group] = f.columns;
    if (age.kind === 'numeric' && score.kind === 'numeric' && group.kind === 'categorical') {
      expect(Array.from(age.values)).toEqual([31, 45, 27]);
      expect(Array.from(score.values)).toEqual([0.5, -1.25, 3]);
      expect(group.levels).toEqual(['a', 'b']);
    }
  });

  it('rejects bytes that are not Parquet with a TabularDataError', async () => {
    await expect(parseParquet(new TextEncoder().encode('a,b\n1,2\n'))).rejects.toBeInstanceOf(TabularDataError);
  });
});
