import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';
import { selectTask } from './task';

describe('selectTask', () => {
  it('maps numeric labels to class indices in ascending order and keeps the sensitive column as a feature', async () => {
    const f = await parseCsv('sex,x,y\nm,1,2\nf,2,1\nm,3,2\n');
    const t = selectTask(f, { target: 'y', sensitive: 'sex', numericTarget: true });
    expect(t.classNames).toEqual(['1', '2']);
    expect(Array.from(t.y)).toEqual([1, 0, 1]);
    expect(t.features.columns.map((c) => c.name)).toEqual(['sex', 'x']);
    expect(t.sensitive?.levels).toEqual(['m', 'f']);
    expect(selectTask(f, { target: 'y', sensitive: 'sex', dropSensitive: true }).features.columns.map((c) => c.name)).toEqual(['x']);
  });

  it('rejects a single-class target, a text target when numeric is required, and a missing label', async () => {
    const f = await parseCsv('x,y,z\n1,a,5\n2,a,\n');
    expect(() => selectTask(f, { target: 'y' })).toThrow(/single class \("a"\)/);
    expect(() => selectTask(f, { target: 'y', numericTarget: true })).toThrow(/must be numeric but holds "a"/);
    expect(() => selectTask(f, { target: 'z' })).toThrow(/missing in data row 2/);
    expect(() => selectTask(f, { target: 'nope' })).toThrow(/No column named "nope"/);
  });

  it('requires a threshold for a numeric sensitive attribute', async () => {
    const f = await parseCsv('age,y\n20,0\n40,1\n');
    expect(() => selectTask(f, { target: 'y', sensitive: 'age' })).toThrow(/sensitiveThreshold/);
    expect(Array.from(selectTask(f, { target: 'y', sensitive: 'age', sensitiveThreshold: 25 }).sensitive?.groups ?? [])).toEqual([0, 1]);
  });

  it('a many-valued target that is not the last column is called out as a likely feature, naming the last column', async () => {
    const f = await parseCsv(['x,label', ...Array.from({ length: 150 }, (_, i) => `${i * 1.5},${i % 2}`)].join('\n'));
    expect(() => selectTask(f, { target: 'x' })).toThrow(/regression, not classification\. If it is a feature, choose the label column instead .*"label"/);
    expect(() => selectTask(f, { target: -1 })).not.toThrow();
  });
});
