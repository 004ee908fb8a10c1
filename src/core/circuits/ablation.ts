// Does the circuit matter for behaviour? Greedy generations on held-out harmful prompts with the circuit's edges
// mean-ablated (each ablated edge u→v carries u's mean output over benign prompts, all positions, instead of its
// current output), scored with the refusal detector (src/core/lm/refusal.ts), against the same generations
// without ablation. Both go through the same patched forward (P = 0 for "before"), by full recompute at one
// padded window length, so the only difference between the two runs is the patch.
import { jit, numpy as np, type OwnedFunction } from '@jax-js/jax';
import { fromF32, fromI32, keep, takeF32, type Arr, type GptParams } from '../lab';
import { isRefusal } from '../lm/refusal';
import { checkpoint, hostPatch, type RunControl } from './attribute';
import { CircuitsInputError } from './errors';
import { nForward } from './graph';
import { graphForward, type PatchArrays } from './graphForward';
import type { CircuitModel } from './model';
import { encodePrompt } from './pairs';
import { CircuitRunner, posMask, type HostPatch } from './runner';
import type { AblationResult, CircuitGraph } from './types';

export interface AblationRun extends AblationResult {
  before: string[];
  after: string[];
}

/** Mean output [nF × d] of every source node over all positions of the benign prompts. */
export function meanActivations(model: CircuitModel, prompts: string[], batchSize = 16): Float32Array {
  const nF = nForward(model.graphCfg);
  const d = model.cfg.dModel;
  const enc = prompts.map((p) => encodePrompt(model, p));
  const T = Math.max(...enc.map((e) => e.length));
  const B = Math.min(batchSize, prompts.length);
  const runner = new CircuitRunner(model, 'logit_diff');
  const sum = new Float64Array(nF * d);
  let count = 0;
  try {
    for (let s = 0; s < enc.length; s += B) {
      const tokens = new Int32Array(B * T);
      const rows = Math.min(B, enc.length - s);
      for (let r = 0; r < rows; r++) tokens.set(enc[s + r], r * T);
      const acts = takeF32(runner.acts(tokens, new Array<number>(B).fill(0), T).acts); // [nF,B,T,d]
      for (let r = 0; r < rows; r++) {
        for (let t = 0; t < enc[s + r].length; t++) {
          for (let u = 0; u < nF; u++) {
            const off = ((u * B + r) * T + t) * d;
            for (let j = 0; j < d; j++) sum[u * d + j] += acts[off + j];
          }
        }
        count += enc[s + r].length;
      }
    }
  } finally {
    runner.dispose();
  }
  return Float32Array.from(sum, (v) => v / count);
}

type StepFn = (p: GptParams, tokens: Arr, at: Arr, mean: Arr, patch: PatchArrays) => Arr;

export async function ablateAndGenerate(model: CircuitModel, circuit: CircuitGraph, harmful: string[], benign: string[],
  opts: { maxNewTokens?: number } = {}, ctl: RunControl = {}): Promise<AblationRun> {
  if (harmful.length === 0 || benign.length === 0) throw new CircuitsInputError('ablation needs harmful prompts to test and benign prompts for the means');
  const c = model.cfg;
  const nF = nForward(model.graphCfg);
  const maxNew = opts.maxNewTokens ?? 24;
  const enc = harmful.map((p) => encodePrompt(model, p));
  const Tm = Math.min(c.nCtx, Math.max(...enc.map((e) => e.length)) + maxNew);
  const mean = meanActivations(model, benign);
  const step: OwnedFunction<StepFn> = jit(((p, tokens, at, m, patch) => {
    const [B, T] = tokens.shape;
    const corrupt = np.split(m, nF, 0).map((a) => np.broadcastTo(a.reshape([1, 1, c.dModel]), [B, T, c.dModel]));
    return graphForward(c, p, { tokens, corrupt, patch, readAt: at, gatherEmbed: true }).logits; // [B,Vh]
  }) as StepFn);
  const H3 = 3 * c.nHead;
  const toArrays = (h: HostPatch): PatchArrays => ({
    attn: h.attn.map((a) => fromF32(a, [a.length / H3, H3])),
    mlp: h.mlp.map((a) => fromF32(a, [a.length, 1])),
    logits: fromF32(h.logits, [h.logits.length, 1]),
  });
  const generateWith = async (patch: HostPatch, label: string): Promise<string[]> => {
    const seqs = enc.map((e) => [...e]);
    const done = seqs.map(() => false);
    const stop = model.tokenizer.eosId;
    for (let k = 0; k < maxNew && done.some((x) => !x); k++) {
      const B = seqs.length;
      const tokens = new Int32Array(B * Tm);
      const pos = seqs.map((s, r) => {
        tokens.set(s.slice(-Tm), r * Tm);
        return Math.min(s.length, Tm) - 1;
      });
      const logits = takeF32(step(keep(model.params), fromI32(tokens, [B, Tm]), posMask(pos, Tm), fromF32(mean, [nF, c.dModel]), toArrays(patch)));
      seqs.forEach((s, r) => {
        if (done[r]) return;
        let best = 0;
        for (let i = 1; i < c.vocabSize; i++) if (logits[r * c.lmHeadWidth + i] > logits[r * c.lmHeadWidth + best]) best = i;
        s.push(best);
        if (best === stop || s.length >= c.nCtx) done[r] = true;
      });
      await checkpoint(ctl, 'ablation', k + 1, maxNew, `${label}: token ${k + 1}/${maxNew}`);
    }
    return seqs.map((s, r) => model.tokenizer.decode(s.slice(enc[r].length), { skipSpecialTokens: true }));
  };
  try {
    const before = await generateWith(hostPatch(model.graphCfg, []), 'unablated');
    const after = await generateWith(hostPatch(model.graphCfg, circuit.edges.filter((e) => e.inGraph)), 'circuit ablated');
    const rate = (xs: string[]) => xs.filter((x) => isRefusal(x)).length / xs.length;
    return { refusalBefore: rate(before), refusalAfter: rate(after), prompts: harmful.length, mode: 'mean', before, after };
  } finally {
    step.dispose();
  }
}
