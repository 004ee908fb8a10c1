import { describe, expect, it } from 'vitest';
import type { LabelledMatrix } from '../matrix';
import { makeRng } from '../data/rng';
import { STRATEGIES, STRATEGY_NAMES, type ContextResult } from './index';
import { SMOTE_NEIGHBOURS } from './smote';
import { HYBRID_CORE_FRACTION } from './hybrid';

/** 3 features, class 0: 400 rows, class 1: 60, class 2: 12 — imbalanced like the study's datasets. */
function pool(): LabelledMatrix {
  const rng = makeRng(7);
  const sizes = [400, 60, 12];
  const n = sizes.reduce((a, b) => a + b, 0);
  const x = new Float64Array(n * 3);
  const y = new Int32Array(n);
  let i = 0;
  sizes.forEach((m, c) => {
    for (let r = 0; r < m; r++, i++) {
      y[i] = c;
      for (let j = 0; j < 3; j++) x[i * 3 + j] = c * 2 + rng.next() * 3;
    }
  });
  return { x, n, d: 3, names: ['a', 'b', 'c'], y, k: 3, classNames: ['0', '1', '2'] };
}

const counts = (r: ContextResult): number[] => { const c = [0, 0, 0]; for (const v of r.context.y) c[v]++; return c; };
const P = pool();

describe('all seven strategies', () => {
  for (const name of STRATEGY_NAMES) {
    it(`${name}: honours size, is seeded, and real rows match their source`, () => {
      for (const size of [3, 64, 150]) {
        const a = STRATEGIES[name](P, size, 11);
        expect(a.context.n).toBe(size);
        expect(a.sourceRows).toHaveLength(size);
        expect(a.context.y).toHaveLength(size);
        a.sourceRows.forEach((src, i) => {
          if (src === null) return;
          expect(a.context.y[i]).toBe(P.y[src]);
          expect(Array.from(a.context.x.subarray(i * 3, i * 3 + 3))).toEqual(Array.from(P.x.subarray(src * 3, src * 3 + 3)));
        });
        expect(STRATEGIES[name](P, size, 11)).toEqual(a);
      }
      expect(STRATEGIES[name](P, 64, 1).sourceRows).not.toEqual(STRATEGIES[name](P, 64, 2).sourceRows);
    });
  }

  it('row-selecting strategies cap the size at the pool and never repeat a row', () => {
    for (const name of ['uniform', 'stratified', 'diversity_kmeans'] as const) {
      for (const size of [64, 472, 1000]) {
        const r = STRATEGIES[name](P, size, 3);
        expect(r.context.n).toBe(Math.min(size, P.n));
        expect(new Set(r.sourceRows).size).toBe(r.context.n);
      }
    }
  });

  it('reject a non-positive size', () => {
    for (const name of STRATEGY_NAMES) expect(() => STRATEGIES[name](P, 0, 1)).toThrow(/positive integer/);
  });

  it('distance-based strategies name the first missing cell instead of propagating NaN', () => {
    const holey = { ...P, x: Float64Array.from(P.x, (v, i) => (i === 7 ? NaN : v)) };
    for (const name of ['smote', 'diversity_kmeans', 'hybrid_balanced_diverse'] as const) {
      expect(() => STRATEGIES[name](holey, 32, 1)).toThrow(/Pool row 2, column "b" is missing/);
    }
  });
});

describe('class mixes', () => {
  it('stratified follows pool proportions (largest remainder), every class present', () => {
    expect(counts(STRATEGIES.stratified(P, 118, 1))).toEqual([100, 15, 3]);
    expect(counts(STRATEGIES.stratified(P, 10, 1)).every((c) => c >= 1)).toBe(true);
  });

  it('balanced is exactly equal per class, distinct rows first, padding only beyond a class size', () => {
    const r = STRATEGIES.balanced(P, 150, 5);
    expect(counts(r)).toEqual([50, 50, 50]);
    const distinct = [0, 1, 2].map((c) => new Set(r.sourceRows.filter((_, i) => r.context.y[i] === c)).size);
    expect(distinct).toEqual([50, 50, 12]);
    expect(counts(STRATEGIES.balanced(P, 151, 5)).sort()).toEqual([50, 50, 51]);
  });

  it('oversample_minority equalises classes by repeating only the stratified draw of the small classes', () => {
    const r = STRATEGIES.oversample_minority(P, 150, 5);
    expect(counts(r)).toEqual([50, 50, 50]);
    const distinctMinority = new Set(r.sourceRows.filter((_, i) => r.context.y[i] === 2)).size;
    expect(distinctMinority).toBe(counts(STRATEGIES.stratified(P, 150, 5))[2]);
    expect(r.sourceRows.every((s) => s !== null)).toBe(true);
  });

  it('hybrid has a balanced 0.7 core and a fill that does not overlap it', () => {
    const size = 100;
    const r = STRATEGIES.hybrid_balanced_diverse(P, size, 9);
    expect(r.context.n).toBe(size);
    const coreSize = Math.round(HYBRID_CORE_FRACTION * size);
    // the 12-row class is padded in the core (quota ~23), so its rows repeat; every other row is unique
    const c = counts(r);
    expect(c[2]).toBeGreaterThanOrEqual(Math.floor(coreSize / 3));
    const nonMinority = r.sourceRows.filter((_, i) => r.context.y[i] !== 2);
    expect(new Set(nonMinority).size).toBe(nonMinority.length);
  });
});

describe('smote', () => {
  it('synthetic rows lie on segments between a row and one of its same-class nearest neighbours', () => {
    const r = STRATEGIES.smote(P, 150, 4);
    expect(counts(r)).toEqual([50, 50, 50]);
    const synth = r.sourceRows.flatMap((s, i) => (s === null ? [i] : []));
    expect(synth.length).toBeGreaterThan(30); // class 2 has 1 drawn row, class 1 a handful
    const rowsOf = (c: number): number[] => Array.from({ length: P.n }, (_, i) => i).filter((i) => P.y[i] === c);
    const dist = (a: number, b: number): number => Math.hypot(...[0, 1, 2].map((j) => P.x[a * 3 + j] - P.x[b * 3 + j]));
    for (const i of synth) {
      const c = r.context.y[i];
      expect(c).not.toBe(0);
      const z = Array.from(r.context.x.subarray(i * 3, i * 3 + 3));
      const same = rowsOf(c);
      const onSegment = same.some((a) => {
        const nb = same.filter((b) => b !== a).sort((p, q) => dist(a, p) - dist(a, q) || p - q).slice(0, SMOTE_NEIGHBOURS);
        return nb.some((b) => {
          const dir = [0, 1, 2].map((j) => P.x[b * 3 + j] - P.x[a * 3 + j]);
          const u = dir.reduce((s, v, j) => s + v * (z[j] - P.x[a * 3 + j]), 0) / dir.reduce((s, v) => s + v * v, 0);
          return u >= -1e-12 && u <= 1 + 1e-12 && [0, 1, 2].every((j) => Math.abs(P.x[a * 3 + j] + u * dir[j] - z[j]) < 1e-9);
        });
      });
      expect(onSegment).toBe(true);
    }
  });
});

describe('diversity_kmeans', () => {
  it('picks one representative from each well-separated blob', () => {
    const centres = [[0, 0], [100, 0], [0, 100], [100, 100]];
    const rng = makeRng(3);
    const n = 200;
    const x = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) { const c = centres[i % 4]; x[i * 2] = c[0] + rng.next(); x[i * 2 + 1] = c[1] + rng.next(); }
    const blobs: LabelledMatrix = { x, n, d: 2, names: ['u', 'v'], y: Int32Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0)), k: 2, classNames: ['a', 'b'] };
    for (const seed of [1, 2, 3]) {
      const r = STRATEGIES.diversity_kmeans(blobs, 4, seed);
      expect(new Set(r.sourceRows.map((s) => (s as number) % 4))).toEqual(new Set([0, 1, 2, 3]));
    }
  });
});
