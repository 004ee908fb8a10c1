import { describe, expect, it } from 'vitest';
import { TabularDataError } from './errors';
import { frameFromRecords, parseParquet } from './parquet';

describe('parquet import', () => {
  it('types plain JS record values like the CSV path does', () => {
    const f = frameFromRecords(['n', 'b', 's'], [{ n: 1, b: true, s: 'x' }, { n: null, b: false, s: null }, { n: 2n, b: true, s: 'y' }]);
    expect(f.columns.map((c) => c.kind)).toEqual(['numeric', 'numeric', 'categorical']);
    const [n, , s] = f.columns;
    if (n.kind === 'numeric') expect(Array.from(n.values)).toEqual([1, NaN, 2]);
    if (s.kind === 'categorical') expect(Array.from(s.codes)).toEqual([0, -1, 1]);
  });

  it('rejects bytes that are not Parquet with a TabularDataError', async () => {
    await expect(parseParquet(new TextEncoder().encode('a,b\n1,2\n'))).rejects.toBeInstanceOf(TabularDataError);
  });
});
