// Parity between the lab engine (jax-js forward of the same weights) and the ONNX export run by ORT:
// logits on whole sequences, greedy generations (lab full recompute vs ORT with the KV cache), and KV-cache
// step logits vs a full recompute. Shared by forge.ts (recorded in forge.json) and the tests.
import { fromI32, generate, gptForward, importParams, keep, release, takeF32, type GptConfig } from '../../src/core/lab';
import type { CausalLM } from '../../src/core/lm/causalLm';
import type { HostTensors } from './train/trainModel';

export interface Parity {
  /** max |ORT − lab| over all logits of the probe sequences. */
  logitsMaxAbsDiff: number;
  /** Greedy continuations equal token for token (lab recompute vs ORT KV cache). */
  greedyEqual: boolean;
  /** max |KV-cache step logits − full-recompute logits| along a greedy decode. */
  kvMaxAbsDiff: number;
  probes: number;
}

/** Lab logits [S·Vh] of one sequence. */
export function labLogits(cfg: GptConfig, tensors: HostTensors, ids: number[]): Float32Array {
  const params = importParams(cfg, tensors);
  try {
    return takeF32(gptForward(cfg, keep(params), fromI32(ids, [1, ids.length])).logits);
  } finally {
    release(params);
  }
}

const maxAbs = (a: Float32Array, b: Float32Array): number => {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

export async function checkParity(cfg: GptConfig, tensors: HostTensors, lm: CausalLM, prompts: string[], newTokens = 12): Promise<Parity> {
  const prefixes = prompts.map((p) => lm.tokenizer.applyChatTemplate(p));
  let logitsMaxAbsDiff = 0;
  for (const ids of prefixes) {
    const ort = (await lm.forwardAll([ids])).logits[0];
    logitsMaxAbsDiff = Math.max(logitsMaxAbsDiff, maxAbs(ort, labLogits(cfg, tensors, ids)));
  }
  // greedy: lab full recompute (no stop token: compare a fixed number of tokens) vs ORT with the cache
  const params = importParams(cfg, tensors);
  let labOut: number[][];
  try {
    labOut = generate(cfg, params, prefixes, { maxNewTokens: newTokens }).map((o, k) => o.slice(prefixes[k].length));
  } finally {
    release(params);
  }
  const ortOut = await lm.generate(prefixes, { maxNewTokens: newTokens, stopIds: [] });
  const greedyEqual = labOut.every((o, k) => o.length === ortOut[k].length && o.every((t, i) => t === ortOut[k][i]));
  // KV cache vs full recompute on the same growing sequences (batched, so left padding is exercised too)
  let kvMaxAbsDiff = 0;
  let res = await lm.prefill(prefixes);
  const seqs = prefixes.map((p) => [...p]);
  for (let i = 0; i < Math.min(4, newTokens); i++) {
    const next = ortOut.map((o) => o[i]);
    res = await lm.step(res.cache, next);
    next.forEach((t, k) => seqs[k].push(t));
    for (const [k, s] of seqs.entries()) {
      const full = (await lm.forwardAll([s])).logits[0];
      kvMaxAbsDiff = Math.max(kvMaxAbsDiff, maxAbs(res.logits[k], full.slice((s.length - 1) * lm.lmHeadWidth)));
    }
  }
  return { logitsMaxAbsDiff, greedyEqual, kvMaxAbsDiff, probes: prompts.length };
}
