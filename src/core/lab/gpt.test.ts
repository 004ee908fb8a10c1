import { grad, jit, numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { gptConfig, type GptConfig } from './config';
import { fromI32, initEngine, keep, readF32, takeF32, type ArrRecord } from './engine';
import { gptForward } from './gpt';
import { finiteDifferenceMismatches, toF64, type Host64 } from './gradCheck';
import { hookShapes, type HookName } from './hooks';
import { logitAt, maskedCrossEntropy, positionMask } from './loss';
import { initParams, initParamsHost } from './params';

// Tiny model of the brief: vocab 17, d 8, 2 heads, 2 layers; an untied 19-wide head covers lm_head and padding.
// initStd 0.3 makes attention patterns non-uniform, so gradients exercise the softmax.
const cfg: GptConfig = gptConfig({ vocabSize: 17, nCtx: 8, dModel: 8, nHead: 2, nLayer: 2, initStd: 0.3, tiedEmbeddings: false, lmHeadWidth: 19 });
const tied = gptConfig({ vocabSize: 17, nCtx: 8, dModel: 8, nHead: 2, nLayer: 2, initStd: 0.3 });
const TOK = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
const TGT = [1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9];

const host64 = (c: GptConfig, seed: number): Host64 =>
  new Map([...initParamsHost(c, seed)].map(([k, v]) => [k, { data: Float64Array.from(v.data), shape: v.shape }]));
const relErr = (a: Float32Array | Float64Array, b: Float32Array | Float64Array) => {
  let num = 0;
  let den = 0;
  a.forEach((v, i) => {
    num = Math.max(num, Math.abs(v - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  });
  return num / den;
};

beforeAll(async () => {
  await initEngine();
});

describe('gptForward', () => {
  it('caches every hook with its documented shape', () => {
    const shapes = hookShapes(cfg, 2, 6);
    const { logits, cache } = gptForward(cfg, initParams(cfg, 1), fromI32(TOK, [2, 6]), { cache: shapes.keys() });
    expect(logits.shape).toEqual([2, 6, 19]);
    for (const [name, shape] of shapes) expect([name, cache[name]?.shape]).toEqual([name, shape]);
    // attention rows are distributions over past positions only
    const pat = readF32(cache['blocks.1.attn.hook_pattern']!); // [2,2,6,6]
    for (let row = 0; row < 24; row++) {
      const q = row % 6;
      const r = pat.subarray(row * 6, row * 6 + 6);
      expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      for (let k = q + 1; k < 6; k++) expect(r[k]).toBe(0);
    }
  });

  it('per-head q/k/v inputs and per-head outputs compute the same model as the fused path', () => {
    const params = initParams(tied, 2);
    const toks = fromI32(TOK, [2, 6]);
    const base = takeF32(gptForward(tied, keep(params), toks.ref).logits);
    for (const h of ['blocks.0.attn.hook_q_input', 'blocks.1.attn.hook_v_input', 'blocks.0.attn.hook_head_out'] as HookName[]) {
      const split = takeF32(gptForward(tied, keep(params), toks.ref, { cache: [h] }).logits);
      expect(relErr(split, base)).toBeLessThan(1e-6);
    }
  });

  it('rejects unknown hooks and over-long sequences', () => {
    const params = initParams(tied, 2);
    expect(() => gptForward(tied, keep(params), fromI32(TOK, [2, 6]), { cache: ['blocks.2.hook_resid_pre'] })).toThrow(/unknown hook/);
    expect(() => gptForward(tied, keep(params), fromI32([...TOK, ...TOK], [2, 12]))).toThrow(/exceeds nCtx/);
  });
});

describe('gradients', () => {
  // float64 model; step and extrapolation in gradCheck.ts (jax-js' transcendental ops are float32-accurate)
  it('match central finite differences for every parameter tensor (masked cross-entropy)', () => {
    const h = host64(cfg, 1);
    const mask = np.array(Float64Array.from([0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1]), { shape: [2, 6], dtype: np.float64 });
    const loss = (p: ArrRecord) => maskedCrossEntropy(gptForward(cfg, p, fromI32(TOK, [2, 6])).logits, fromI32(TGT, [2, 6]), mask.ref);
    const g = grad(loss)(toF64(h));
    const lossJit = jit(loss); // the finite differences only evaluate: compile once
    expect(finiteDifferenceMismatches(h, g, lossJit)).toEqual([]);
    lossJit.dispose();
  });

  it('jit(grad) equals eager grad, for the loss and for a last-position metric written with masks', () => {
    const params = initParams(cfg, 3);
    const lossFn = (p: ArrRecord) => maskedCrossEntropy(gptForward(cfg, p, fromI32(TOK, [2, 6])).logits, fromI32(TGT, [2, 6]), positionMask([5, 4], 6));
    // logit of the "answer" token at each row's last real position: the circuits metric
    const metric = (p: ArrRecord) => logitAt(gptForward(cfg, p, fromI32(TOK, [2, 6])).logits, positionMask([5, 3], 6), fromI32([7, 2], [2]));
    for (const f of [lossFn, metric]) {
      const eager = grad(f)(keep(params));
      const jitted = jit(grad(f))(keep(params));
      for (const k of Object.keys(params)) expect([k, relErr(takeF32(jitted[k]), takeF32(eager[k])) < 1e-5]).toEqual([k, true]);
    }
  });
});
