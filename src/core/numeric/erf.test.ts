import { describe, expect, it } from 'vitest';
import { erf, geluExact } from './erf';

describe('erf', () => {
  it('matches known values on both branches and is odd', () => {
    // reference values: scipy.special.erf
    const cases: [number, number][] = [[0, 0], [0.1, 0.1124629160182849], [1, 0.8427007929497149], [2, 0.9953222650189527],
      [2.5, 0.9995930479825550], [3, 0.9999779095030014], [4.5, 0.9999999998033839]];
    for (const [x, v] of cases) {
      expect(Math.abs(erf(x) - v)).toBeLessThan(1e-14);
      expect(erf(-x) + erf(x)).toBe(0);
    }
  });
  it('gives the exact GELU', () => {
    expect(geluExact(0)).toBe(0);
    expect(Math.abs(geluExact(1) - 0.8413447460685429)).toBeLessThan(1e-14);
  });
});
