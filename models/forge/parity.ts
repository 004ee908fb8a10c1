// Parity between the lab engine (jax-js forward of the same weights) and the ONNX export run by ORT:
// logits on whole sequences, greedy generations (lab full recompute vs ORT with the KV cache), and KV-cache
// step logits vs a full recompute. Shared by forge.ts (recorded in forge.json) and the tests. GPT-2 models run
// the lab's gpt.ts, family decoders (Llama) the lab's decoder.ts on the same model.safetensors.
import {
  decoderForward, fromI32, generate, gptForward, importDecoderParams, importParams, keep, pickToken, Pcg32, release, takeF32,
  type ArrRecord,
} from '../../src/core/lab';
import type { CausalLM } from '../../src/core/lm/causalLm';
import type { ModelArch } from './train/recipe';
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

const importArch = (a: ModelArch, tensors: HostTensors): ArrRecord => (a.kind === 'gpt2' ? importParams(a.cfg, tensors) : importDecoderParams(a.cfg, tensors));

/** Lab logits [S·Vh] of one sequence under already imported params (not consumed). */
function forwardLogits(a: ModelArch, params: ArrRecord, ids: number[]): Float32Array {
  const tok = fromI32(ids, [1, ids.length]);
  return takeF32((a.kind === 'gpt2' ? gptForward(a.cfg, keep(params), tok) : decoderForward(a.cfg, keep(params), tok)).logits);
}

/** Lab logits [S·Vh] of one sequence. */
export function labLogits(a: ModelArch, tensors: HostTensors, ids: number[]): Float32Array {
  const params = importArch(a, tensors);
  try {
    return forwardLogits(a, params, ids);
  } finally {
    release(params);
  }
}

/** Lab greedy continuations (full recompute per token, no stop token) of each prefix. */
function labGreedy(a: ModelArch, tensors: HostTensors, prefixes: number[][], newTokens: number): number[][] {
  const params = importArch(a, tensors);
  try {
    if (a.kind === 'gpt2') return generate(a.cfg, params, prefixes, { maxNewTokens: newTokens }).map((o, k) => o.slice(prefixes[k].length));
    const V = a.cfg.vocabSize;
    const rng = new Pcg32(0); // unused by greedy picks
    return prefixes.map((prefix) => {
      const seq = [...prefix];
      for (let i = 0; i < newTokens; i++) seq.push(pickToken(forwardLogits(a, params, seq).slice((seq.length - 1) * V), V, 1, 1, rng));
      return seq.slice(prefix.length);
    });
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

export async function checkParity(arch: ModelArch, tensors: HostTensors, lm: CausalLM, prompts: string[], newTokens = 12): Promise<Parity> {
  const prefixes = prompts.map((p) => lm.tokenizer.applyChatTemplate(p));
  let logitsMaxAbsDiff = 0;
  for (const ids of prefixes) {
    const ort = (await lm.forwardAll([ids])).logits[0];
    logitsMaxAbsDiff = Math.max(logitsMaxAbsDiff, maxAbs(ort, labLogits(arch, tensors, ids)));
  }
  // greedy: lab full recompute (no stop token: compare a fixed number of tokens) vs ORT with the cache
  const labOut = labGreedy(arch, tensors, prefixes, newTokens);
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
