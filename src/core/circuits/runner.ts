// The compiled programs circuit work needs on one model, each jitted once per batch shape (callers keep B and
// T fixed: rows are padded to the batch size and tokens to the longest prompt, so a whole request compiles
// each program once). Host data in, host data out; engine arrays stay inside.
//   acts     : clean or corrupted run → last-position logits [B,Vh] and every source output [nF,B,T,d]
//   scores   : Σ_{b,t} D_u · ∂metric/∂input_v for all (u,v) at a run given by its embeddings → [nF, nB]
//   patched  : per-row metric of a run where the edges in P read corrupted values → [B]
import { grad, jit, numpy as np, type OwnedFunction } from '@jax-js/jax';
import { fromF32, fromI32, keep, matmul, takeF32, type Arr, type GptConfig, type GptParams } from '../lab';
import { nBackward, nForward } from './graph';
import { graphForward, zeroDeltas, type DeltaArrays, type PatchArrays } from './graphForward';
import { metricRows, metricSum, type MetricArrays } from './metric';
import { forwardConfig, type CircuitModel } from './model';

/** What the runner needs of a model (tests pass a random-init lab GPT). */
export type LabModel = Pick<CircuitModel, 'cfg' | 'lm' | 'graphCfg' | 'params'>;
import type { GraphConfig, Metric } from './types';

/** Host form of MetricArrays. */
export interface HostMetric {
  pos: number[];
  plus: Float32Array;
  minus: Float32Array;
  refLogp: Float32Array | null;
  weight: Float32Array;
}

/** Host form of PatchArrays (row-major [rows, cols] per group). */
export interface HostPatch {
  attn: Float32Array[];
  mlp: Float32Array[];
  logits: Float32Array;
}

type ActsFn = (p: GptParams, tokens: Arr, posMask: Arr) => [Arr, Arr];
type ScoresFn = (p: GptParams, embed: Arr, diff: Arr, m: MetricArrays) => Arr[];
type PatchedFn = (p: GptParams, tokens: Arr, corrupt: Arr, patch: PatchArrays, m: MetricArrays) => Arr;

export class CircuitRunner {
  private readonly cfg: GptConfig;
  readonly graphCfg: GraphConfig;
  private readonly actsFn: OwnedFunction<ActsFn>;
  private readonly scoresFn: OwnedFunction<ScoresFn>;
  private readonly patchedFn: OwnedFunction<PatchedFn>;

  constructor(private readonly model: LabModel, readonly metric: Metric) {
    const c = (this.cfg = model.cfg);
    const fc = forwardConfig(model); // the family decoder's config for family models, the lab GPT's otherwise
    this.graphCfg = model.graphCfg;
    const nF = nForward(model.graphCfg);
    const nB = nBackward(model.graphCfg);
    this.actsFn = jit(((p, tokens, posMask) => {
      const r = graphForward(fc, p, { tokens, keepActs: true, readAt: posMask, gatherEmbed: true });
      return [r.logits, r.acts!];
    }) as ActsFn);
    this.scoresFn = jit(((p, embed, diff, m) => {
      const [B, T, d] = embed.shape;
      const f = (delta: DeltaArrays, prm: GptParams, emb: Arr, mm: MetricArrays): Arr =>
        metricSum(metric, graphForward(fc, prm, { embed: emb, delta, readAt: mm.posMask.ref }).logits, mm);
      // the zero taps on the MLP hidden layer: with no second use, jax-js fuses the cotangent g ⊙ gelu'(fc) into
      // the MLP input-gradient product and evaluates gelu' d times per element (it was the costliest kernel of
      // the backward); returning the taps' gradient, summed to [F], makes that cotangent a stored array
      const taps = Array.from({ length: c.nLayer }, () => np.zeros([B, T, c.dMlp]));
      const g = grad(f)({ ...zeroDeltas(c, B, T), mlpHidden: taps }, p, embed, m) as DeltaArrays;
      const rows: Arr[] = [];
      for (let l = 0; l < c.nLayer; l++) rows.push(g.attn[l], g.mlp[l].reshape([1, B, T, d]));
      rows.push(g.logits.reshape([1, B, T, d]));
      const G = np.concatenate(rows, 0).reshape([nB, B * T * d]); // [nB, BTd] in backward-index order
      const hidden = g.mlpHidden!.map((a) => a.sum([0, 1])); // nLayer × [F], read by no one
      return [matmul(diff.reshape([nF, B * T * d]), G.transpose()), ...hidden]; // [nF,BTd]@[BTd,nB] → [nF,nB]
    }) as ScoresFn);
    this.patchedFn = jit(((p, tokens, corrupt, patch, m) => {
      const [, B, T, d] = corrupt.shape;
      const cs = np.split(corrupt, nF, 0).map((a) => a.reshape([B, T, d]));
      return metricRows(metric, graphForward(fc, p, { tokens, corrupt: cs, patch, readAt: m.posMask.ref, gatherEmbed: true }).logits, m);
    }) as PatchedFn);
  }

  private params(): GptParams {
    return keep(this.model.params);
  }

  /** Last-position logits (host, [B·Vh]) and source outputs (engine array, caller owns it). */
  acts(tokens: Int32Array, pos: number[], T: number): { last: Float32Array; acts: Arr } {
    const B = pos.length;
    const [last, acts] = this.actsFn(this.params(), fromI32(tokens, [B, T]), posMask(pos, T));
    return { last: takeF32(last), acts };
  }

  /** EAP score matrix for one batch: Σ_{b,t} diff_u · ∂(Σ_b w_b·metric_b)/∂input_v at the run `embed`. */
  scores(embed: Arr, diff: Arr, m: HostMetric): Float32Array {
    const [scores, ...hidden] = this.scoresFn(this.params(), embed, diff, this.metricArrays(m, embed.shape[1]));
    for (const a of hidden) a.dispose();
    return takeF32(scores);
  }

  /** Per-row metric with the edges in `patch` reading `corrupt` (not consumed). */
  patched(tokens: Int32Array, corrupt: Arr, patch: HostPatch, m: HostMetric): Float32Array {
    const [, B, T] = corrupt.shape;
    const P: PatchArrays = {
      attn: patch.attn.map((a) => fromF32(a, [a.length / (3 * this.cfg.nHead), 3 * this.cfg.nHead])),
      mlp: patch.mlp.map((a) => fromF32(a, [a.length, 1])),
      logits: fromF32(patch.logits, [patch.logits.length, 1]),
    };
    return takeF32(this.patchedFn(this.params(), fromI32(tokens, [B, T]), corrupt.ref, P, this.metricArrays(m, T)));
  }

  private metricArrays(m: HostMetric, T: number): MetricArrays {
    const B = m.pos.length;
    const vh = this.cfg.lmHeadWidth;
    return {
      posMask: posMask(m.pos, T),
      plus: fromF32(m.plus, [B, vh]),
      minus: fromF32(m.minus, [B, vh]),
      refLogp: m.refLogp ? fromF32(m.refLogp, [B, vh]) : np.zeros([B, vh]),
      weight: fromF32(m.weight, [B]),
    };
  }

  dispose(): void {
    this.actsFn.dispose();
    this.scoresFn.dispose();
    this.patchedFn.dispose();
  }
}

export function posMask(pos: number[], T: number): Arr {
  const m = new Float32Array(pos.length * T);
  pos.forEach((t, b) => (m[b * T + t] = 1));
  return fromF32(m, [pos.length, T]);
}
