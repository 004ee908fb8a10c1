import { describe, expect, it } from 'vitest';
import { stratifiedKFold, stratifiedSplit } from './split';

const y = Int32Array.from({ length: 103 }, (_, i) => (i % 10 === 0 ? 1 : 0)); // 11 minority, 92 majority

describe('stratified splits', () => {
  it('K folds partition the rows, each test fold holding its share of every class', () => {
    const folds = stratifiedKFold(y, 2, 5, 42);
    const seen = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 103 }, (_, i) => i));
    for (const f of folds) {
      expect(f.train.length + f.test.length).toBe(103);
      expect(new Set([...f.train, ...f.test]).size).toBe(103);
      const minority = f.test.filter((r) => y[r] === 1).length;
      expect(minority === 2 || minority === 3).toBe(true);
      expect(f.test.length === 20 || f.test.length === 21).toBe(true);
    }
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(stratifiedKFold(y, 2, 5, 1)).toEqual(stratifiedKFold(y, 2, 5, 1));
    expect(stratifiedKFold(y, 2, 5, 1)).not.toEqual(stratifiedKFold(y, 2, 5, 2));
  });

  it('hold-out split keeps class proportions', () => {
    const s = stratifiedSplit(y, 2, 0.25, 3);
    expect(s.test.filter((r) => y[r] === 1).length).toBe(3);
    expect(s.test.filter((r) => y[r] === 0).length).toBe(23);
  });

  it('refuses more folds than a class has rows', () => {
    expect(() => stratifiedKFold(y, 2, 12, 0)).toThrow(/Class 1 has 11 rows, too few for 12-fold/);
  });
});
