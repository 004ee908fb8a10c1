import { describe, expect, it } from 'vitest';
import { Pcg32 } from './rng';

describe('Pcg32', () => {
  it('matches the reference pcg32 stream (pcg32-demo: seed 42, sequence 54)', () => {
    const r = new Pcg32(42, 54);
    const got = Array.from({ length: 6 }, () => r.nextU32().toString(16));
    expect(got).toEqual(['a15c02b7', '7b47f409', 'ba1d3330', '83d2f293', 'bfa4784b', 'cbed606e']);
  });

  it('int(n) stays in range and a shuffle is a permutation, reproducible by seed', () => {
    const r = new Pcg32(1);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(7);
      expect(v >= 0 && v < 7 && Number.isInteger(v)).toBe(true);
    }
    const a = new Pcg32(9).shuffle([...Array(20).keys()]);
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect(new Pcg32(9).shuffle([...Array(20).keys()])).toEqual(a);
    expect(new Pcg32(10).shuffle([...Array(20).keys()])).not.toEqual(a);
  });

  it('normal() has mean ≈ 0 and variance ≈ 1', () => {
    const r = new Pcg32(5);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
  });
});
