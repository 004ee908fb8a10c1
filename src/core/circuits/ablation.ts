// Does the circuit matter for behaviour? Greedy generations on held-out harmful prompts with the circuit's edges
// ablated, scored with the refusal detector (src/core/lm/refusal.ts), against the same generations without
// ablation. Two interventions on an ablated edge u→v (graphForward patch):
//   corrupt  u's output on a benign prompt of the same chat-token length followed by the tokens generated so far
//            (the intervention the faithfulness curve measures, carried along the generation);
//   mean     u's mean output over benign prompts, all positions.
// Controls: the same intervention on random edge sets of the circuit's size, and (mean mode) whether benign
// prompts keep their answers — mean-ablating the residual "highway" (input, m0) breaks any model, which a
// refusal drop alone would not reveal. Every run (also "before": P = 0) goes through the same patched forward
// by full recompute at one padded window length, so the patch is the only difference.
import { jit, numpy as np, type OwnedFunction } from '@jax-js/jax';
import { fromF32, fromI32, keep, Pcg32, takeF32, type Arr, type GptParams } from '../lab';
import { isRefusal } from '../lm/refusal';
import { checkpoint, hostPatch, type RunControl } from './attribute';
import { CircuitsInputError } from './errors';
import { nForward } from './graph';
import { graphForward, type PatchArrays } from './graphForward';
import { refusalPairs } from './heldout';
import { forwardConfig, type CircuitModel } from './model';
import { encodePrompt } from './pairs';
import { CircuitRunner, posMask, type HostPatch } from './runner';
import type { AblationResult, CircuitEdge, CircuitGraph } from './types';

export interface AblationRun extends AblationResult {
  before: string[];
  after: string[];
}

export interface AblationOptions {
  mode?: AblationResult['mode'];
  maxNewTokens?: number;
  /** Random edge sets for the control (default 2; 0 skips it). */
  randomSeeds?: number;
  /** Benign prompts for the 'mean' mode control (default 8; 0 skips it). */
  benignChecks?: number;
  seed?: number;
}

/** Mean output [nF × d] of every source node over all positions of the prompts. */
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

type StepFn = (p: GptParams, tokens: Arr, at: Arr, corrupt: Arr, patch: PatchArrays) => Arr;

/** Greedy decoding through the patched graph forward; `corruptFor` gives the corrupted outputs of each step. */
class PatchedDecoder {
  private readonly step: OwnedFunction<StepFn>;
  private readonly runner: CircuitRunner;

  constructor(private readonly model: CircuitModel, private readonly Tm: number) {
    const c = forwardConfig(model);
    const nF = nForward(model.graphCfg);
    this.runner = new CircuitRunner(model, 'logit_diff');
    this.step = jit(((p, tokens, at, corrupt, patch) => {
      const [, B, T, d] = corrupt.shape;
      const cs = np.split(corrupt, nF, 0).map((a) => a.reshape([B, T, d]));
      return graphForward(c, p, { tokens, corrupt: cs, patch, readAt: at, gatherEmbed: true }).logits; // [B,Vh]
    }) as StepFn);
  }

  /** Source outputs [nF,B,Tm,d] of padded token rows (the corrupted run of a step). */
  acts(rows: number[][]): Arr {
    const B = rows.length;
    const tokens = new Int32Array(B * this.Tm);
    rows.forEach((s, r) => tokens.set(s.slice(-this.Tm), r * this.Tm));
    return this.runner.acts(tokens, new Array<number>(B).fill(0), this.Tm).acts;
  }

  /** `call` of `calls` generations in one run: progress counts every token step of all of them, so it never restarts. */
  async generate(prompts: number[][], patch: HostPatch, corruptFor: (seqs: number[][]) => Arr, maxNew: number,
    ctl: RunControl, label: string, call = 0, calls = 1): Promise<string[]> {
    const c = this.model.cfg;
    const H3 = 3 * c.nHead;
    const seqs = prompts.map((e) => [...e]);
    const done = seqs.map(() => false);
    const stop = this.model.tokenizer.eosId;
    for (let k = 0; k < maxNew && done.some((x) => !x); k++) {
      const B = seqs.length;
      const tokens = new Int32Array(B * this.Tm);
      const pos = seqs.map((s, r) => {
        tokens.set(s.slice(-this.Tm), r * this.Tm);
        return Math.min(s.length, this.Tm) - 1;
      });
      const P: PatchArrays = {
        attn: patch.attn.map((a) => fromF32(a, [a.length / H3, H3])),
        mlp: patch.mlp.map((a) => fromF32(a, [a.length, 1])),
        logits: fromF32(patch.logits, [patch.logits.length, 1]),
      };
      const logits = takeF32(this.step(keep(this.model.params), fromI32(tokens, [B, this.Tm]), posMask(pos, this.Tm), corruptFor(seqs), P));
      seqs.forEach((s, r) => {
        if (done[r]) return;
        let best = 0;
        for (let i = 1; i < c.vocabSize; i++) if (logits[r * c.lmHeadWidth + i] > logits[r * c.lmHeadWidth + best]) best = i;
        s.push(best);
        if (best === stop || s.length >= c.nCtx) done[r] = true;
      });
      await checkpoint(ctl, 'ablation', call * maxNew + k + 1, calls * maxNew, `${label}: token ${k + 1}/${maxNew}`);
    }
    return seqs.map((s, r) => this.model.tokenizer.decode(s.slice(prompts[r].length), { skipSpecialTokens: true }));
  }

  dispose(): void {
    this.step.dispose();
    this.runner.dispose();
  }
}

export async function ablateAndGenerate(model: CircuitModel, circuit: CircuitGraph, harmful: string[], benign: string[],
  opts: AblationOptions = {}, ctl: RunControl = {}): Promise<AblationRun> {
  if (harmful.length === 0 || benign.length === 0) throw new CircuitsInputError('ablation needs harmful prompts to test and benign prompts to ablate with');
  const mode = opts.mode ?? 'corrupt';
  const c = model.cfg;
  const nF = nForward(model.graphCfg);
  const maxNew = opts.maxNewTokens ?? 24;
  // corrupt mode: each harmful prompt with a length-matched benign prompt (prompts without a match are left out)
  const pairs = mode === 'corrupt' ? refusalPairs(model.tokenizer, { harmful, benign }, harmful.length, opts.seed ?? 0) : null;
  const prompts = pairs ? pairs.map((p) => p.clean) : harmful;
  const enc = prompts.map((p) => encodePrompt(model, p));
  const benignEnc = pairs ? pairs.map((p) => encodePrompt(model, p.corrupted)) : [];
  const checks = mode === 'mean' ? benign.slice(0, opts.benignChecks ?? 8).map((p) => encodePrompt(model, p)) : [];
  const Tm = Math.min(c.nCtx, Math.max(...enc.map((e) => e.length), ...checks.map((e) => e.length)) + maxNew);
  const decoder = new PatchedDecoder(model, Tm);
  const mean = mode === 'mean' ? meanActivations(model, benign) : null;
  const corruptFor = (base: number[][]) => (seqs: number[][]): Arr => {
    if (mean) return np.broadcastTo(fromF32(mean, [nF, 1, 1, c.dModel]), [nF, seqs.length, Tm, c.dModel]);
    return decoder.acts(seqs.map((s, r) => [...base[r], ...s.slice(base[r].length)])); // benign prompt + same continuation
  };
  const patchOf = (edges: CircuitEdge[]) => hostPatch(model.graphCfg, edges);
  const rate = (xs: string[]) => xs.filter((x) => isRefusal(x)).length / xs.length;
  const seeds = opts.randomSeeds ?? 2;
  // every generation of this run, counted before the first (a generation that stops early skips ahead)
  const calls = 2 + seeds + (checks.length > 0 ? 2 : 0);
  let call = 0;
  try {
    // with nothing patched the corrupted outputs are never read: zeros skip the corrupted forward
    const zeros = (seqs: number[][]): Arr => np.zeros([nF, seqs.length, Tm, c.dModel]);
    const run = (edges: CircuitEdge[], label: string) =>
      decoder.generate(enc, patchOf(edges), edges.length ? corruptFor(benignEnc) : zeros, maxNew, ctl, label, call++, calls);
    const before = await run([], 'unablated');
    const inCircuit = circuit.edges.filter((e) => e.inGraph);
    const after = await run(inCircuit, 'circuit ablated');
    const result: AblationRun = { refusalBefore: rate(before), refusalAfter: rate(after), prompts: prompts.length, mode, before, after };
    if (seeds > 0) {
      const rng = new Pcg32(opts.seed ?? 0, 29);
      const rates: number[] = [];
      for (let s = 0; s < seeds; s++) {
        const idx = circuit.edges.map((_, i) => i);
        for (let i = 0; i < inCircuit.length; i++) {
          const j = i + rng.int(idx.length - i);
          [idx[i], idx[j]] = [idx[j], idx[i]];
        }
        rates.push(rate(await run(idx.slice(0, inCircuit.length).map((i) => circuit.edges[i]), `random edges ${s + 1}/${seeds}`)));
      }
      result.randomRefusalAfter = rates.reduce((a, b) => a + b, 0) / rates.length;
    }
    if (checks.length > 0) {
      const gen = (edges: CircuitEdge[], label: string) =>
        decoder.generate(checks, patchOf(edges), edges.length ? corruptFor([]) : zeros, maxNew, ctl, label, call++, calls);
      const b0 = await gen([], 'benign, unablated');
      const b1 = await gen(inCircuit, 'benign, circuit ablated');
      result.benignUnchanged = b0.filter((x, i) => x === b1[i]).length / checks.length;
    }
    await checkpoint(ctl, 'ablation', calls * maxNew, calls * maxNew, 'done');
    return result;
  } finally {
    decoder.dispose();
  }
}
