import { describe, expect, it } from 'vitest';
import { missingCount } from './frame';
import { loadSharedDataset, SHARED_DATASETS } from './registry';
import { classCounts } from './task';
import { readShared } from './testData';

describe('shared dataset loaders', () => {
  for (const spec of SHARED_DATASETS) {
    it(`${spec.id}: documented rows, features and class counts`, async () => {
      const task = await loadSharedDataset(spec.id, readShared(spec.file));
      expect(task.y.length).toBe(spec.expected.rows);
      expect(task.features.columns.length).toBe(spec.expected.features);
      expect(task.classNames).toEqual(spec.expected.classNames);
      expect(classCounts(task.y, task.classNames.length)).toEqual(spec.expected.classCounts);
    });
  }

  it('streams a file in 64 KiB byte chunks to the same task as the whole text (mammography)', async () => {
    const text = readShared('mammography.csv');
    const bytes = new TextEncoder().encode(text);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
    }
    expect(await loadSharedDataset('mammography', chunks())).toEqual(await loadSharedDataset('mammography', text));
  });

  it('german keeps its 13 symbolic columns categorical and splits age at 25', async () => {
    const task = await loadSharedDataset('german', readShared('german.csv'));
    expect(task.features.columns.filter((c) => c.kind === 'categorical')).toHaveLength(13);
    expect(task.sensitive?.levels).toEqual(['≤ 25', '> 25']);
    expect(task.sensitive?.groups.filter((g) => g === 0).length).toBe(190);
  });

  it('pima reads 0 as missing exactly in glucose, blood pressure, skin, insulin and BMI', async () => {
    const task = await loadSharedDataset('pima', readShared('pima-indians-diabetes.csv'));
    expect(task.features.columns.map(missingCount)).toEqual([0, 5, 35, 227, 374, 11, 0, 0]);
  });

  it('breast-cancer-wisconsin has its 16 "?" in bare nuclei', async () => {
    const task = await loadSharedDataset('breast-cancer-wisconsin', readShared('breast-cancer-wisconsin.csv'));
    expect(task.features.columns.map(missingCount)).toEqual([0, 0, 0, 0, 0, 16, 0, 0, 0]);
  });

  it('breast_cancer skips the metadata line (first row is the first sample)', async () => {
    const task = await loadSharedDataset('breast_cancer', readShared('breast_cancer.csv'));
    const radius = task.features.columns[0];
    if (radius.kind !== 'numeric') throw new Error('mean radius should be numeric');
    expect(radius.values[0]).toBe(17.99);
  });
});
