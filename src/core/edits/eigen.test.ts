// Symmetric eigensolvers: a hand-checkable 2x2, reconstruction A·v = λ·v, and subspace iteration vs Jacobi.
import { describe, expect, it } from 'vitest';
import { jacobiEigen, symmetricEigen, topEigen } from './eigen';

function randomPsd(n: number, rank: number, seed: number): Float64Array {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  const b = Array.from({ length: n * rank }, rnd);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let v = i === j ? 1e-3 : 0;
    for (let r = 0; r < rank; r++) v += b[i * rank + r] * b[j * rank + r] * (rank - r);
    a[i * n + j] = v;
  }
  return a;
}

describe('eigen', () => {
  it('solves [[2,1],[1,2]] exactly: 3 along (1,1), 1 along (1,-1)', () => {
    const e = jacobiEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(e.values[0]).toBeCloseTo(3, 12);
    expect(e.values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(e.vectors[0])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(e.vectors[0] * e.vectors[2]).toBeCloseTo(0.5, 12);
  });

  it('satisfies A v = lambda v for a 20x20 matrix', () => {
    const n = 20;
    const a = randomPsd(n, 6, 7);
    const e = jacobiEigen(a, n);
    for (let j = 0; j < n; j++) {
      for (let r = 0; r < n; r++) {
        let av = 0;
        for (let c = 0; c < n; c++) av += a[r * n + c] * e.vectors[c * n + j];
        expect(av).toBeCloseTo(e.values[j] * e.vectors[r * n + j], 8);
      }
    }
  });

  it('finds the same top-4 subspace by subspace iteration as by Jacobi (n=160)', () => {
    const n = 160;
    const a = randomPsd(n, 10, 3);
    const top = topEigen(a, n, 4);
    const full = jacobiEigen(a, n);
    for (let j = 0; j < 4; j++) {
      expect(top.values[j]).toBeCloseTo(full.values[j], 6);
      let dot = 0;
      for (let r = 0; r < n; r++) dot += top.vectors[r * 4 + j] * full.vectors[r * n + j];
      expect(Math.abs(dot)).toBeCloseTo(1, 6);
    }
  });
});

describe('symmetricEigen (Householder + QL)', () => {
  it('matches Jacobi and reconstructs A = V diag(λ) Vᵀ with orthonormal V', () => {
    for (const n of [1, 2, 7, 40]) {
      let s = 12345 + n;
      const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
      const b = Float64Array.from({ length: n * n }, rnd);
      const a = new Float64Array(n * n); // BᵀB: PSD like a second moment, with a repeated-ish spectrum tail
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[k * n + i] * b[k * n + j];
      const h = symmetricEigen(a, n);
      const jac = jacobiEigen(a, n);
      for (let i = 0; i < n; i++) expect(h.values[i]).toBeCloseTo(jac.values[i], 9);
      for (let i = 1; i < n; i++) expect(h.values[i]).toBeLessThanOrEqual(h.values[i - 1]);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let r = 0;
          let o = 0;
          for (let k = 0; k < n; k++) {
            r += h.vectors[i * n + k] * h.values[k] * h.vectors[j * n + k];
            o += h.vectors[k * n + i] * h.vectors[k * n + j];
          }
          expect(r).toBeCloseTo(a[i * n + j], 9);
          expect(o).toBeCloseTo(i === j ? 1 : 0, 9);
        }
      }
    }
  });
});
