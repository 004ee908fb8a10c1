import { describe, expect, it } from 'vitest';
import { makeRng } from './rng';
import { sigmoidGradHess, softBinaryCrossEntropy, softCrossEntropy, softmaxGradHess } from './softLoss';

// Per-row loss so finite differences in one logit see only that row (the mean divides by n).
describe('soft-label cross-entropy gradients', () => {
  it('softmax: g = p − t and h = p(1 − p) match central differences', () => {
    const rand = makeRng(1);
    const k = 4, n = 3, eps = 1e-5;
    const z = Float64Array.from({ length: n * k }, () => rand() * 6 - 3);
    const t = new Float64Array(n * k);
    for (let i = 0; i < n; i++) { let s = 0; for (let c = 0; c < k; c++) { t[i * k + c] = rand(); s += t[i * k + c]; } for (let c = 0; c < k; c++) t[i * k + c] /= s; }
    const g = new Float64Array(n * k), h = new Float64Array(n * k);
    softmaxGradHess(z, t, n, k, g, h);
    for (let j = 0; j < n * k; j++) {
      const at = (delta: number) => { const zz = z.slice(); zz[j] += delta; return softCrossEntropy(zz, t, n, k) * n; };
      const gNum = (at(eps) - at(-eps)) / (2 * eps);
      const hNum = (at(eps) - 2 * at(0) + at(-eps)) / (eps * eps);
      expect(g[j]).toBeCloseTo(gNum, 7);
      expect(h[j]).toBeCloseTo(hNum, 3);
    }
  });

  it('binary: g = σ(z) − t and h = σ(1 − σ) match central differences, also at large |z|', () => {
    const z = Float64Array.from([-30, -2, 0, 0.7, 25]);
    const t = Float64Array.from([0.1, 0.5, 0.9, 1, 0]);
    const g = new Float64Array(5), h = new Float64Array(5);
    sigmoidGradHess(z, t, g, h);
    const eps = 1e-5;
    for (let j = 0; j < 5; j++) {
      const at = (delta: number) => { const zz = z.slice(); zz[j] += delta; return softBinaryCrossEntropy(zz, t) * 5; };
      expect(Number.isFinite(at(0))).toBe(true);
      expect(g[j]).toBeCloseTo((at(eps) - at(-eps)) / (2 * eps), 6);
    }
    expect(h[2]).toBeCloseTo(0.25, 12);
  });
});
