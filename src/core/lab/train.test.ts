import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeConfig } from '../lm/families';
import { gptConfig } from './config';
import { decoderForward } from './decoder';
import { initDecoderParams } from './decoderParams';
import { fromF32, fromI32, initEngine, keep, takeF32 } from './engine';
import { gptForward } from './gpt';
import { adamwScalars, adamwUpdate, clipByGlobalNorm, DEFAULT_ADAMW, lrAt } from './optim';
import { initParams } from './params';
import { Pcg32 } from './rng';
import { generate, makeLogitsFn, pickToken } from './sample';
import { Batcher, disposeTrainState, initTrainState, makeBatch, makeTrainStep, makeTrainStepFor, type Example } from './train';

beforeAll(async () => {
  await initEngine();
});

describe('batches', () => {
  it('shift targets by one and mask prompt and padding out of the loss', () => {
    const b = makeBatch([{ tokens: [5, 6, 7, 8], lossFrom: 2 }, { tokens: [1, 2, 3, 4, 5, 6] }], 4, 0);
    expect(Array.from(b.tokens)).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
    expect(Array.from(b.targets)).toEqual([6, 7, 8, 0, 2, 3, 4, 5]);
    // row 0: predictions of tokens 7 and 8 only (index ≥ 2); row 1: all four (the 6th token is cut off)
    expect(Array.from(b.mask)).toEqual([0, 1, 1, 0, 1, 1, 1, 1]);
  });

  it('Batcher visits every example once per epoch, in a seed-determined order', () => {
    const ex: Example[] = [...Array(10).keys()].map((i) => ({ tokens: [i, i] }));
    const firstTokens = (seed: number) => {
      const bt = new Batcher(ex, 5, 1, seed);
      return [...bt.next().tokens, ...bt.next().tokens];
    };
    expect([...firstTokens(1)].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(firstTokens(1)).toEqual(firstTokens(1));
    expect(firstTokens(1)).not.toEqual(firstTokens(2));
  });
});

describe('optimizer', () => {
  it('LR: linear warmup, cosine to the floor, flat after', () => {
    const o = { ...DEFAULT_ADAMW, lr: 1, warmupSteps: 10, totalSteps: 110, minLrRatio: 0.1 };
    expect(lrAt(o, 0)).toBeCloseTo(0.1, 12);
    expect(lrAt(o, 9)).toBeCloseTo(1, 12);
    expect(lrAt(o, 60)).toBeCloseTo(0.55, 12); // half-way: floor + (1 − floor)/2
    expect(lrAt(o, 110)).toBeCloseTo(0.1, 12);
    expect(lrAt(o, 500)).toBeCloseTo(0.1, 12);
  });

  it('AdamW matches a hand-computed step, decaying matrices but not biases', () => {
    const o = { ...DEFAULT_ADAMW, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.5 };
    const p = { 'x.weight': fromF32([1, -2], [1, 2]), 'x.bias': fromF32([3], [1]) };
    const g = { 'x.weight': fromF32([0.5, 0.25], [1, 2]), 'x.bias': fromF32([-1], [1]) };
    const m = { 'x.weight': fromF32([0.1, 0], [1, 2]), 'x.bias': fromF32([0], [1]) };
    const v = { 'x.weight': fromF32([0.01, 0], [1, 2]), 'x.bias': fromF32([0], [1]) };
    const s = adamwScalars({ ...o, lr: 0.1, warmupSteps: 0 }, 1); // t = 2, lr = 0.1 (cosine start)
    const out = adamwUpdate(o, p, g, m, v, s);
    const ref = (p0: number, g0: number, m0: number, v0: number, decay: boolean) => {
      const m1 = 0.9 * m0 + 0.1 * g0;
      const v1 = 0.99 * v0 + 0.01 * g0 * g0;
      const upd = m1 / (1 - 0.9 ** 2) / (Math.sqrt(v1 / (1 - 0.99 ** 2)) + 1e-8) + (decay ? 0.5 * p0 : 0);
      return p0 - 0.1 * upd;
    };
    const w = takeF32(out.params['x.weight']);
    expect(w[0]).toBeCloseTo(ref(1, 0.5, 0.1, 0.01, true), 5);
    expect(w[1]).toBeCloseTo(ref(-2, 0.25, 0, 0, true), 5);
    expect(takeF32(out.params['x.bias'])[0]).toBeCloseTo(ref(3, -1, 0, 0, false), 5);
    expect(takeF32(out.m['x.weight'])[0]).toBeCloseTo(0.9 * 0.1 + 0.1 * 0.5, 6);
  });

  it('global-norm clipping rescales only when the norm exceeds the limit', () => {
    const [clipped, norm] = clipByGlobalNorm({ a: fromF32([3], [1]), b: fromF32([4], [1]) }, 1);
    expect(norm.item()).toBeCloseTo(5, 5);
    expect(takeF32(clipped.a)[0]).toBeCloseTo(0.6, 5);
    expect(takeF32(clipped.b)[0]).toBeCloseTo(0.8, 5);
    const [kept] = clipByGlobalNorm({ a: fromF32([0.3], [1]) }, 1);
    expect(takeF32(kept.a)[0]).toBeCloseTo(0.3, 6);
  });
});

describe('training and sampling', () => {
  // Sequence reversal: [BOS, a b c d e, SEP, e d c b a]; loss only on the reversed half. A 2-layer d=32 model
  // learns it in ~150 steps; this exercises forward, masked loss, jit grads, clipping, AdamW and the schedule.
  const V = 12;
  const BOS = 10;
  const SEP = 11;
  const make = (rng: Pcg32): number[] => {
    const s = Array.from({ length: 5 }, () => rng.int(10));
    return [BOS, ...s, SEP, ...s.slice().reverse()];
  };

  it('learns sequence reversal: loss falls clearly and greedy decoding reverses unseen inputs', () => {
    const rng = new Pcg32(3);
    const train: Example[] = Array.from({ length: 512 }, () => ({ tokens: make(rng), lossFrom: 7 }));
    const c = gptConfig({ vocabSize: V, nCtx: 12, dModel: 32, nHead: 2, nLayer: 2 });
    const o = { ...DEFAULT_ADAMW, lr: 1e-2, warmupSteps: 10, totalSteps: 150, weightDecay: 0.01 };
    const state = initTrainState(initParams(c, 0));
    const step = makeTrainStep(c, o);
    const batches = new Batcher(train, 32, 11, 1);
    const losses: number[] = [];
    for (let i = 0; i < 150; i++) losses.push(step.run(state, batches.next()).loss);
    step.dispose();
    expect(state.step).toBe(150);
    expect(losses[0]).toBeGreaterThan(2); // ≈ ln 12 at init
    expect(losses.slice(-10).reduce((a, b) => a + b, 0) / 10).toBeLessThan(0.1);

    const testRng = new Pcg32(99);
    const tests = Array.from({ length: 8 }, () => make(testRng));
    const outs = generate(c, state.params, tests.map((s) => s.slice(0, 7)), { maxNewTokens: 5 });
    const correct = outs.filter((out, i) => out.slice(7).join() === tests[i].slice(7).join()).length;
    expect(correct).toBeGreaterThanOrEqual(7);

    // the padded, jitted window gives the same last-position logits as an unpadded eager forward
    const window = [BOS, 1, 2, 3];
    const fn = makeLogitsFn(c, state.params);
    const viaWindow = fn(window);
    fn.dispose();
    const eager = takeF32(gptForward(c, keep(state.params), fromI32(window, [1, 4])).logits).slice(3 * V);
    viaWindow.forEach((v, i) => expect(Math.abs(v - eager[i])).toBeLessThan(1e-4));
    disposeTrainState(state);
  });

  // Copying [BOS, a b c d e, SEP, a b c d e]: one fixed relative offset, the natural task for RoPE attention (with
  // rotary positions only, reversal's per-position offsets take a 2-layer d 32 model past 300 steps).
  const makeCopy = (rng: Pcg32): number[] => {
    const s = Array.from({ length: 5 }, () => rng.int(10));
    return [BOS, ...s, SEP, ...s];
  };

  it('makeTrainStepFor trains a Llama-family decoder (GQA, RMSNorm, SwiGLU, RoPE, tied): learns copying', () => {
    const rng = new Pcg32(3);
    const train: Example[] = Array.from({ length: 512 }, () => ({ tokens: makeCopy(rng), lossFrom: 7 }));
    const c = normalizeConfig({
      model_type: 'llama', vocab_size: V, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4,
      num_key_value_heads: 2, max_position_embeddings: 12, rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: true,
    });
    const o = { ...DEFAULT_ADAMW, lr: 1e-2, warmupSteps: 10, totalSteps: 150, weightDecay: 0.01 };
    const state = initTrainState(initDecoderParams(c, 0));
    const step = makeTrainStepFor((p, t) => decoderForward(c, p, t).logits, o);
    const batches = new Batcher(train, 32, 11, 1);
    const losses: number[] = [];
    for (let i = 0; i < 150; i++) losses.push(step.run(state, batches.next()).loss);
    step.dispose();
    expect(losses[0]).toBeGreaterThan(2);
    expect(losses.slice(-10).reduce((a, b) => a + b, 0) / 10).toBeLessThan(0.1);
    // greedy decoding by full recompute copies unseen inputs
    const testRng = new Pcg32(99);
    const correct = Array.from({ length: 8 }, () => makeCopy(testRng)).filter((s) => {
      const seq = s.slice(0, 7);
      while (seq.length < 12) {
        const logits = takeF32(decoderForward(c, keep(state.params), fromI32(seq, [1, seq.length])).logits).slice((seq.length - 1) * V);
        seq.push(pickToken(logits, V, 1, 1, testRng));
      }
      return seq.slice(7).join() === s.slice(7).join();
    }).length;
    expect(correct).toBeGreaterThanOrEqual(7);
    disposeTrainState(state);
  });

  it('pickToken: greedy takes the argmax, top-k never leaves the top k or the real vocabulary', () => {
    const logits = Float32Array.from([0, 5, 1, 4, 9]); // index 4 is a padded-head logit (vocab 4)
    const rng = new Pcg32(1);
    expect(pickToken(logits, 4, 1, 1, rng)).toBe(1);
    const seen = new Set(Array.from({ length: 200 }, () => pickToken(logits, 4, 2, 1, rng)));
    expect([...seen].sort()).toEqual([1, 3]);
  });
});
