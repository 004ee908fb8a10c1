import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';
import { fitPreprocessor, preprocessSplit } from './preprocess';
import { selectTask } from './task';

describe('preprocessing fitted on training rows only', () => {
  it('imputes with the training median even when test rows differ wildly', async () => {
    // rows 0-4 train (median of observed 1,2,3,100 = 2.5), rows 5-7 test with huge values
    const f = await parseCsv('v,c,y\n1,a,0\n2,a,1\n?,b,0\n3,a,1\n100,?,0\n1e9,z,1\n?,b,0\n2e9,a,1\n');
    const task = selectTask(f, { target: 'y' });
    const { train, test, preprocessor } = preprocessSplit(task, [0, 1, 2, 3, 4], [5, 6, 7], { standardise: false });
    const plan = preprocessor.plans[0];
    expect(plan).toMatchObject({ kind: 'numeric', median: 2.5 });
    expect(train.x[2 * train.d]).toBe(2.5);
    expect(test.x[1 * test.d]).toBe(2.5);
    // the test-only level "z" gets no indicator; missing c takes the training mode "a"
    expect(preprocessor.names).toEqual(['v', 'c=a', 'c=b']);
    expect(Array.from(test.x.subarray(0, 3))).toEqual([1e9, 0, 0]);
    expect(Array.from(train.x.subarray(4 * 3, 5 * 3))).toEqual([100, 1, 0]);
  });

  it('standardises numeric and ordinal columns with training mean/sd, and outputs no NaN', async () => {
    const f = await parseCsv('v,c,y\n1,a,0\n3,b,1\n?,c,0\n50,?,1\n');
    const task = selectTask(f, { target: 'y' });
    const pre = fitPreprocessor(task.features, [0, 1], { encoding: 'ordinal' });
    const m = pre.transform(task.features);
    expect(pre.plans[0]).toMatchObject({ mean: 2, sd: 1 });
    expect(Array.from(m.x.filter((_, i) => i % 2 === 0))).toEqual([-1, 1, 0, 48]);
    expect(m.x.some(Number.isNaN)).toBe(false);
  });

  it('rejects a column with no observed value in the training rows', async () => {
    const f = await parseCsv('v,y\n?,0\n?,1\n5,0\n');
    const task = selectTask(f, { target: 'y' });
    expect(() => fitPreprocessor(task.features, [0, 1])).toThrow(/Column "v" has no observed value in the 2 training rows/);
  });
});
