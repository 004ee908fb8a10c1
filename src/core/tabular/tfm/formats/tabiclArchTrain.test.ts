// The jax-js training forward of the TabICL replica (tabiclArchTrain.ts) computes what the float64 reference and the
// ONNX graph compute, and its gradients are finite: so weights trained with it mean the same in the ONNX replica.
import { grad, jit } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromF32, fromI32, initEngine, keep, release, takeF32, type ArrRecord } from '../../../lab';
import { mulberry32 } from '../../../numeric/random';
import { tfmLoss } from '../model';
import { TABICL_ARCH_SMALL, tabiclArchReference, tabiclArchWeights, type TabiclArchConfig } from './tabiclArchReference';
import { fromTrainParams, tabiclTrainForward, toTrainInputs, toTrainParams, type TabiclHostBatch } from './tabiclArchTrain';

beforeAll(async () => { await initEngine(); });

function hostBatch(B: number, Nc: number, Nq: number, H: number, k: number, seed: number): TabiclHostBatch {
  const r = mulberry32(seed);
  const xc = Float32Array.from({ length: B * Nc * H }, () => 2 * r() - 1);
  const xq = Float32Array.from({ length: B * Nq * H }, () => 2 * r() - 1);
  const yc = Int32Array.from({ length: B * Nc }, (_, i) => (i % Nc < k ? i % Nc : Math.floor(r() * k)));
  const yq = Int32Array.from({ length: B * Nq }, () => Math.floor(r() * k));
  return { B, Nc, Nq, H, xc, xq, yc, yq, wq: new Float32Array(B * Nq).fill(1) };
}

describe('TabICL replica training forward (jax-js)', () => {
  it.each([
    ['small', TABICL_ARCH_SMALL],
    ['half-split RoPE, 3 blocks/stage, 2 CLS', { ...TABICL_ARCH_SMALL, row_rope_interleaved: false, col_num_blocks: 2, row_num_blocks: 3, icl_num_blocks: 3, row_num_cls: 2 }],
  ] as [string, TabiclArchConfig][])('equals the float64 reference (%s)', (_l, c) => {
    const w = tabiclArchWeights(c, 9);
    const b = hostBatch(2, 10, 5, 4, 3, 1);
    const logits = takeF32(tabiclTrainForward(c, toTrainParams(w), toTrainInputs(c, b), b.B, w.get('row_interactor.tf_row.rope.freqs')!.data));
    const X = Array.from({ length: b.B }, (_, t) => [
      ...Array.from({ length: b.Nc }, (_, r) => Array.from(b.xc.subarray((t * b.Nc + r) * b.H, (t * b.Nc + r + 1) * b.H))),
      ...Array.from({ length: b.Nq }, (_, r) => Array.from(b.xq.subarray((t * b.Nq + r) * b.H, (t * b.Nq + r + 1) * b.H))),
    ]);
    const y = Array.from({ length: b.B }, (_, t) => Array.from(b.yc.subarray(t * b.Nc, (t + 1) * b.Nc)));
    const ref = tabiclArchReference(c, w, X, y);
    let worst = 0;
    for (let t = 0; t < b.B; t++) for (let i = 0; i < b.Nq; i++) for (let k = 0; k < 3; k++) {
      worst = Math.max(worst, Math.abs(ref[t][i][k] - logits[(t * b.Nq + i) * c.max_classes + k]));
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('round-trips the packed state dict and gives finite, non-zero gradients under jit', () => {
    const c = TABICL_ARCH_SMALL;
    const w = tabiclArchWeights(c, 9);
    const p = toTrainParams(w);
    const host = Object.fromEntries(Object.entries(keep(p)).map(([k, a]) => [k, takeF32(a)]));
    const back = fromTrainParams(host, w);
    for (const [n, t] of w) expect(Array.from(back.get(n)!.data)).toEqual(Array.from(t.data));
    const b = hostBatch(2, 10, 5, 4, 3, 2);
    const freqs = w.get('row_interactor.tf_row.rope.freqs')!.data;
    const loss = (q: ArrRecord) => tfmLoss(tabiclTrainForward(c, q, toTrainInputs(c, b), b.B, freqs), fromI32(b.yq, [b.B, b.Nq]), fromF32(b.wq, [b.B, b.Nq]));
    const g = jit(grad(loss))(keep(p)) as ArrRecord;
    const names = ['icl_predictor.decoder.2.weight', 'col_embedder.tf_col.blocks.0.ind_vectors', 'row_interactor.cls_tokens', 'col_embedder.tf_col.blocks.0.multihead_attn1.attn.ssmax_layer.query_mlp.2.weight'];
    for (const n of names) {
      const v = takeF32(g[n].ref);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(v.some((x) => x !== 0)).toBe(true);
    }
    release(g);
    release(p);
  });
});
