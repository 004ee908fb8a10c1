import { describe, expect, it } from 'vitest';
import { bitDifference } from './bitDifference';

describe('bitDifference', () => {
  it('is null for the same bits, views at an offset included', () => {
    const a = new Float32Array([1, -0, NaN, 3.5]);
    expect(bitDifference(a, a.slice())).toBeNull();
    const big = new Float32Array([9, 1, -0, NaN, 3.5]);
    expect(bitDifference(a, big.subarray(1))).toBeNull();
  });

  it('names the first difference and the count; tells 0 from -0 and a length change', () => {
    expect(bitDifference(new Float32Array([1, 2, 3, 4]), new Float32Array([1, 2.5, 3, 5]))).toBe('2 of 4 differ, first at [1]: 2 vs 2.5');
    expect(bitDifference(new Float32Array([0]), new Float32Array([-0]))).toBe('1 of 1 differ, first at [0]: 0 vs 0');
    expect(bitDifference(new Float32Array([1, 2]), new Float32Array([1, 2, 3]))).toBe('lengths differ: 2 vs 3');
    // the smallest change a float32 can make
    const a = new Float32Array([1]);
    const b = new Float32Array(new Uint32Array([new Uint32Array(a.buffer)[0] + 1]).buffer);
    expect(bitDifference(a, b)).toMatch(/^1 of 1 differ/);
  });
});
