// Reference masks of C-Δθ (deltaMasks.ts): the magnitude mask is exactly the top-k |Δ| entries, the random mask
// has k distinct entries inside the eligible tensors and depends on its seed, and the masked edit changes exactly
// the masked entries by s·Δ.
import { describe, expect, it } from 'vitest';
import { fromF32, initEngine, readF32, release, type ArrRecord } from '../../lab';
import { magnitudeMask, maskedCDelta, maskSize, randomMask } from './deltaMasks';
import { UnlearnConfigError } from './errors';

const rec = (o: Record<string, number[]>): ArrRecord => Object.fromEntries(Object.entries(o).map(([n, v]) => [n, fromF32(Float32Array.from(v), [v.length])]));

describe('deltaMasks', () => {
  it('magnitude: the k largest |aligned − target| entries, ties filled in order', async () => {
    await initEngine();
    const t = rec({ a: [0, 0, 0, 0], b: [1, 1, 1] });
    const al = rec({ a: [0.5, -3, 0, 2], b: [1, 0, 1.5] });
    const m = magnitudeMask(t, al, 3);
    expect(maskSize(m)).toBe(3);
    expect([...m.get('a')!]).toEqual([0, 1, 0, 1]);
    // |Δ| of b = [0, 1, 0.5]: the third largest overall is 1 (b[1])
    expect([...m.get('b')!]).toEqual([0, 1, 0]);
    const tie = magnitudeMask(rec({ x: [0, 0, 0] }), rec({ x: [1, 1, 1] }), 2);
    expect([...tie.get('x')!]).toEqual([1, 1, 0]);
    expect(() => magnitudeMask(t, al, 8)).toThrow(UnlearnConfigError);
    release(t);
    release(al);
  });

  it('random: k distinct entries of the eligible tensors only, seeded', async () => {
    await initEngine();
    const t = rec({ a: new Array(50).fill(0), b: new Array(70).fill(0), frozen: new Array(30).fill(0) });
    const m = randomMask(t, ['a', 'b'], 40, 7);
    expect(maskSize(m)).toBe(40);
    expect(m.has('frozen')).toBe(false);
    const again = randomMask(t, ['a', 'b'], 40, 7);
    const other = randomMask(t, ['a', 'b'], 40, 8);
    const flat = (x: typeof m) => [...(x.get('a') ?? new Uint8Array(50)), ...(x.get('b') ?? new Uint8Array(70))].join('');
    expect(flat(again)).toBe(flat(m));
    expect(flat(other)).not.toBe(flat(m));
    expect(maskSize(randomMask(t, ['a', 'b'], 120, 1))).toBe(120);
    expect(() => randomMask(t, ['a', 'b'], 121, 1)).toThrow(UnlearnConfigError);
    expect(() => randomMask(t, ['nope'], 1, 1)).toThrow(UnlearnConfigError);
    release(t);
  });

  it('maskedCDelta: t + s·(a − t) on the mask, t elsewhere', async () => {
    await initEngine();
    const t = rec({ a: [1, 2, 3], b: [4, 5] });
    const al = rec({ a: [2, 0, 3.5], b: [0, 0] });
    const masks = new Map([['a', Uint8Array.from([1, 1, 0])]]);
    const [s1, s2] = maskedCDelta(t, al, masks, [1, 2]);
    expect([...readF32(s1.a)]).toEqual([2, 0, 3]);
    expect([...readF32(s2.a)]).toEqual([3, -2, 3]);
    expect([...readF32(s2.b)]).toEqual([4, 5]);
    release(s1);
    release(s2);
    release(t);
    release(al);
  });
});
