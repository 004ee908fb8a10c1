// Host-side batches for the TFM: prior tasks (or real context/query pairs) packed into the padded float32
// layout both forwards take — features in the first n_feat of F slots (the rest 0), NaN replaced by 0 with a
// separate missing mask, context labels as int32. Rows whose class is absent from the context get loss weight 0.
import { fromF32, fromI32, type Arr } from '../../lab';
import type { TfmInputs } from './model';
import { sampleTask } from './prior';
import type { QueryCopyRates } from './priorV3';

export interface HostBatch {
  B: number;
  Nc: number;
  Nq: number;
  F: number;
  xc: Float32Array;
  mc: Float32Array;
  yc: Int32Array;
  xq: Float32Array;
  mq: Float32Array;
  /** query labels (training/eval only) */
  yq: Int32Array;
  /** query loss weights */
  wq: Float32Array;
}

/** Writes rows [from, from+count) of an n×d matrix into slot `b` of a [B, count, F] buffer pair. */
function packRows(x: ArrayLike<number>, d: number, from: number, count: number, F: number, b: number, out: Float32Array, miss: Float32Array): void {
  if (d > F) throw new Error(`${d} features exceed the model's ${F} feature slots`);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < d; j++) {
      const v = x[(from + r) * d + j];
      const o = (b * count + r) * F + j;
      if (Number.isNaN(v)) miss[o] = 1;
      else out[o] = v;
    }
  }
}

export function emptyBatch(B: number, Nc: number, Nq: number, F: number): HostBatch {
  return {
    B, Nc, Nq, F,
    xc: new Float32Array(B * Nc * F), mc: new Float32Array(B * Nc * F), yc: new Int32Array(B * Nc),
    xq: new Float32Array(B * Nq * F), mq: new Float32Array(B * Nq * F), yq: new Int32Array(B * Nq), wq: new Float32Array(B * Nq),
  };
}

/**
 * Fills slot b from one task: the first Nc rows are the context, the next Nq the queries (prior rows are iid,
 * so this is a random split).
 */
export function packTask(batch: HostBatch, b: number, x: ArrayLike<number>, y: ArrayLike<number>, d: number): void {
  const { Nc, Nq, F } = batch;
  packRows(x, d, 0, Nc, F, b, batch.xc, batch.mc);
  packRows(x, d, Nc, Nq, F, b, batch.xq, batch.mq);
  const seen = new Set<number>();
  for (let r = 0; r < Nc; r++) { batch.yc[b * Nc + r] = y[r]; seen.add(y[r]); }
  for (let r = 0; r < Nq; r++) {
    batch.yq[b * Nq + r] = y[Nc + r];
    batch.wq[b * Nq + r] = seen.has(y[Nc + r]) ? 1 : 0;
  }
}

/** B prior tasks with seeds seed0 … seed0+B−1, each of Nc + Nq rows, from prior `version` (prior.ts). */
export function priorBatch(seed0: number, B: number, Nc: number, Nq: number, F: number, maxClasses: number, version: 1 | 2 | 3 = 1, queryCopies?: QueryCopyRates): HostBatch {
  const batch = emptyBatch(B, Nc, Nq, F);
  for (let b = 0; b < B; b++) {
    const t = sampleTask(seed0 + b, { nRows: Nc + Nq, maxFeatures: F, maxClasses, version, contextRows: Nc, queryCopies });
    packTask(batch, b, t.x, t.y, t.d);
  }
  return batch;
}

/** Engine arrays for the forward (the labels/weights stay on the host). */
export function toInputs(h: HostBatch): TfmInputs {
  return {
    xc: fromF32(h.xc, [h.B, h.Nc, h.F]), mc: fromF32(h.mc, [h.B, h.Nc, h.F]), yc: fromI32(h.yc, [h.B, h.Nc]),
    xq: fromF32(h.xq, [h.B, h.Nq, h.F]), mq: fromF32(h.mq, [h.B, h.Nq, h.F]),
  };
}

export const targetsOf = (h: HostBatch): { yq: Arr; wq: Arr } => ({ yq: fromI32(h.yq, [h.B, h.Nq]), wq: fromF32(h.wq, [h.B, h.Nq]) });
