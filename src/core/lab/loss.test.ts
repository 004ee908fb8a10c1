import { grad, jit, type numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { gptConfig } from './config';
import { fromF32, fromI32, initEngine, keep, takeF32, type ArrRecord } from './engine';
import { gptForward } from './gpt';
import { atPositions, logitAt, maskedCrossEntropy, positionMask } from './loss';
import { initParams } from './params';

beforeAll(async () => {
  await initEngine();
});

describe('maskedCrossEntropy', () => {
  it('averages −log softmax(target) over masked positions only', () => {
    const logits = [0, 1, 2, 2, 0, 0, 5, 5, 5]; // [1,3,3]
    const lse = (a: number[]) => Math.log(a.reduce((s, v) => s + Math.exp(v), 0));
    // targets 2, 0, 1; mask keeps positions 0 and 1
    const want = ((lse([0, 1, 2]) - 2) + (lse([2, 0, 0]) - 2)) / 2;
    const got = maskedCrossEntropy(fromF32(logits, [1, 3, 3]), fromI32([2, 0, 1], [1, 3]), fromF32([1, 1, 0], [1, 3])).item();
    expect(got).toBeCloseTo(want, 5);
    expect(maskedCrossEntropy(fromF32(logits, [1, 3, 3]), fromI32([2, 0, 1], [1, 3]), fromF32([0, 0, 0], [1, 3])).item()).toBe(0);
  });
});

describe('position metrics', () => {
  it('atPositions picks one position per row', () => {
    const x = fromF32([...Array(12).keys()], [2, 3, 2]);
    expect(Array.from(takeF32(atPositions(x, positionMask([2, 0], 3))))).toEqual([4, 5, 6, 7]);
    expect(() => positionMask([3], 3)).toThrow(/outside/);
  });

  // FACTS.md: jit(grad) through `slice` returns wrong gradients silently. This keeps the failing case next to the
  // masked form the lab uses instead; if the first assertion fails, jax-js fixed slice under jit(grad).
  it('a slice-based last-position metric has wrong jit gradients; the masked form does not', () => {
    const cfg = gptConfig({ vocabSize: 17, nCtx: 8, dModel: 8, nHead: 2, nLayer: 2, initStd: 0.3 });
    const params = initParams(cfg, 3);
    const toks = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
    const viaSlice = (p: ArrRecord) => gptForward(cfg, p, fromI32(toks, [2, 6])).logits.slice([], -1, 7).sum();
    const viaMask = (p: ArrRecord) => logitAt(gptForward(cfg, p, fromI32(toks, [2, 6])).logits, positionMask([5, 5], 6), fromI32([7, 7], [2]));
    const worst = (f: (p: ArrRecord) => np.Array) => {
      const e = grad(f)(keep(params));
      const j = jit(grad(f))(keep(params));
      let w = 0;
      for (const k of Object.keys(params)) {
        const a = takeF32(e[k]);
        const b = takeF32(j[k]);
        a.forEach((v, i) => (w = Math.max(w, Math.abs(v - b[i]))));
      }
      return w;
    };
    expect(worst(viaSlice)).toBeGreaterThan(1e-2);
    expect(worst(viaMask)).toBeLessThan(1e-5);
    // both metrics have the same value: only the jitted gradient of slice is wrong
    const a = viaSlice(keep(params)).item();
    expect(viaMask(keep(params)).item()).toBeCloseTo(a, 5);
  });
});
