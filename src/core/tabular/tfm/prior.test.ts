import { describe, expect, it } from 'vitest';
import { sampleTask } from './prior';

const counts = (y: Int32Array, k: number): number[] => {
  const c = new Array<number>(k).fill(0);
  for (const v of y) c[v]++;
  return c;
};

describe('TFM prior', () => {
  it('is deterministic in its seed and differs across seeds', () => {
    const a = sampleTask(123, { nRows: 200 });
    const b = sampleTask(123, { nRows: 200 });
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true); // bitwise, NaN positions included
    const c = sampleTask(124, { nRows: 200 });
    expect(Buffer.from(c.x.buffer).equals(Buffer.from(a.x.buffer))).toBe(false);
  });

  it('honours fixed feature and class counts, and labels are class ids', () => {
    for (const [d, k] of [[1, 2], [7, 3], [32, 10]]) {
      const t = sampleTask(d * 31 + k, { nRows: 300, nFeatures: d, nClasses: k });
      expect(t.d).toBe(d);
      expect(t.k).toBe(k);
      expect(t.x.length).toBe(300 * d);
      expect(t.y.every((v) => v >= 0 && v < k)).toBe(true);
    }
  });

  it('realises the drawn class shares (imbalance), up to label noise', () => {
    for (let s = 0; s < 20; s++) {
      const t = sampleTask(1000 + s, { nRows: 1000, nClasses: 4 });
      const shares = t.meta.classShares;
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      const c = counts(t.y, 4);
      // quantile cuts give each class its share of rows to within a row; ≤ 10 % flipped labels move it by ≤ 0.1
      shares.forEach((p, j) => expect(Math.abs(c[j] / 1000 - p)).toBeLessThan(0.11));
    }
  });

  it('covers the task space: feature and class counts, strong imbalance, categorical codes, missing values', () => {
    const tasks = Array.from({ length: 300 }, (_, s) => sampleTask(5000 + s, { nRows: 128 }));
    const ds = new Set(tasks.map((t) => t.d));
    expect(Math.min(...ds)).toBe(1);
    expect(Math.max(...ds)).toBe(32);
    expect(new Set(tasks.map((t) => t.k))).toEqual(new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(tasks.filter((t) => t.k === 2).length / tasks.length).toBeGreaterThan(0.35);
    expect(tasks.some((t) => Math.min(...t.meta.classShares) < 0.05)).toBe(true);
    expect(tasks.some((t) => t.meta.kind === 'trees') && tasks.some((t) => t.meta.kind === 'scm')).toBe(true);
    const withMissing = tasks.filter((t) => t.x.some(Number.isNaN));
    expect(withMissing.length).toBeGreaterThan(10);
    expect(withMissing.every((t) => t.meta.missingRate > 0)).toBe(true);
    // a categorical column holds few distinct values (integer codes, then a per-column affine map)
    const cat = tasks.find((t) => t.meta.categorical > 0 && t.meta.missingRate === 0)!;
    const distinct = Array.from({ length: cat.d }, (_, j) => new Set(Array.from({ length: cat.n }, (_, r) => cat.x[r * cat.d + j])).size);
    expect(Math.min(...distinct)).toBeLessThanOrEqual(8);
  });
});
