// Reference decoding without a KV cache: each new token recomputes the whole window. Slow by design but
// obviously right, so it is the yardstick for the ONNX/transformers.js decode loop. The forward is jitted at
// one fixed window length (right padding never reaches earlier positions through a causal mask), so decoding
// compiles once instead of once per length.
import { jit, type OwnedFunction } from '@jax-js/jax';
import type { GptConfig } from './config';
import { fromI32, keep, takeF32, type Arr } from './engine';
import { gptForward } from './gpt';
import type { GptParams } from './params';
import { Pcg32 } from './rng';

export interface SampleOptions {
  maxNewTokens: number;
  /** 1 = greedy (argmax, the default); k > 1 samples from the k most likely tokens. */
  topK?: number;
  /** Softmax temperature for top-k sampling (default 1). */
  temperature?: number;
  seed?: number;
  /** Stop after emitting any of these ids (the stop token is kept). */
  stopTokens?: number[];
}

/** Last-position logits [Vh] of a token window, by a full recompute. */
export type LogitsFn = (window: number[]) => Float32Array;

/** Builds a jitted last-position logits function over a window of nCtx tokens. Does not consume `params`. */
export function makeLogitsFn(c: GptConfig, params: GptParams): LogitsFn & { dispose: () => void } {
  const T = c.nCtx;
  const fwd: OwnedFunction<(p: GptParams, t: Arr) => Arr> = jit((p: GptParams, t: Arr) => gptForward(c, p, t).logits);
  const fn = (window: number[]): Float32Array => {
    if (window.length === 0 || window.length > T) throw new Error(`window length ${window.length} not in [1, ${T}]`);
    const padded = new Int32Array(T);
    padded.set(window);
    const all = takeF32(fwd(keep(params), fromI32(padded, [1, T]))); // [1,T,Vh] host copy
    return all.slice((window.length - 1) * c.lmHeadWidth, window.length * c.lmHeadWidth);
  };
  return Object.assign(fn, { dispose: () => fwd.dispose() });
}

/** Picks the next id from last-position logits; ids ≥ vocabSize (padded head) are never chosen. */
export function pickToken(logits: Float32Array, vocabSize: number, topK: number, temperature: number, rng: Pcg32): number {
  const ids = Array.from({ length: vocabSize }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  if (topK <= 1) return ids[0];
  const top = ids.slice(0, topK);
  const maxL = logits[top[0]];
  const w = top.map((i) => Math.exp((logits[i] - maxL) / temperature));
  let u = rng.uniform() * w.reduce((a, b) => a + b, 0);
  for (let j = 0; j < top.length; j++) {
    u -= w[j];
    if (u < 0) return top[j];
  }
  return top[top.length - 1];
}

/**
 * Extends each prompt token by token (greedy or top-k); windows longer than nCtx keep the last nCtx tokens.
 * One compiled forward serves all prompts. Does not consume `params`.
 */
export function generate(c: GptConfig, params: GptParams, prompts: number[][], o: SampleOptions): number[][] {
  const logitsFn = makeLogitsFn(c, params);
  const rng = new Pcg32(o.seed ?? 0, 11);
  try {
    return prompts.map((prompt) => {
      const out = [...prompt];
      for (let i = 0; i < o.maxNewTokens; i++) {
        const next = pickToken(logitsFn(out.slice(-c.nCtx)), c.vocabSize, o.topK ?? 1, o.temperature ?? 1, rng);
        out.push(next);
        if (o.stopTokens?.includes(next)) break;
      }
      return out;
    });
  } finally {
    logitsFn.dispose();
  }
}
