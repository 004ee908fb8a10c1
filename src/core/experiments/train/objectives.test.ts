// The DPO loss against hand-computed values (TRL's sigmoid loss with and without label smoothing), on fixed logits
// through the sequence log-probs, and its gradient: a few descent steps on free logits raise the chosen margin.
import { grad, numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromF32, fromI32, initEngine, takeF32 } from '../../lab';
import { dpoLoss, dpoLossHost, sequenceLogp } from './objectives';

beforeAll(async () => {
  await initEngine();
});

const scalar = (a: ReturnType<typeof np.array>) => takeF32(a)[0];

describe('DPO loss', () => {
  it('equals −logσ(β·((πc − πr) − (refc − refr))) by hand', () => {
    // β 0.5, policy −5 / −7, reference −6 / −6: z = 0.5·(2 − 0) = 1, loss = log(1 + e^−1) = 0.3132617
    const d = dpoLoss(np.array([-5]), np.array([-7]), np.array([-6]), np.array([-6]), 0.5, 0);
    expect(scalar(d.loss)).toBeCloseTo(0.3132617, 6);
    expect(scalar(d.chosenReward)).toBeCloseTo(0.5, 6); // 0.5·(−5 − −6)
    expect(scalar(d.rejectedReward)).toBeCloseTo(-0.5, 6);
    expect(scalar(d.margin)).toBeCloseTo(1, 6);
    expect(scalar(d.accuracy)).toBe(1);
    expect(dpoLossHost(-5, -7, -6, -6, 0.5)).toBeCloseTo(0.3132617, 7);
  });

  it('applies label smoothing as TRL does: −(1−ε)·logσ(z) − ε·logσ(−z), batch-averaged', () => {
    // z = 1 and z = −2 (β 1), ε 0.1: ((0.9·0.3132617 + 0.1·1.3132617) + (0.9·2.1269280 + 0.1·0.1269280)) / 2
    const d = dpoLoss(np.array([0, -3]), np.array([-1, -1]), np.array([0, 0]), np.array([0, 0]), 1, 0.1);
    const want = (0.9 * 0.3132617 + 0.1 * 1.3132617 + 0.9 * 2.126928 + 0.1 * 0.126928) / 2;
    expect(scalar(d.loss)).toBeCloseTo(want, 5);
    expect(scalar(d.accuracy)).toBe(0.5);
    for (const a of [d.chosenReward, d.rejectedReward, d.margin]) a.dispose();
  });

  it('reads sequence log-probs from fixed logits over the masked tokens only', () => {
    // one row, T 3, V 2; logits make p(token 1) = σ(ln 3) = 0.75 at every position; mask keeps positions 1 and 2
    const logits = fromF32(new Float32Array([0, Math.log(3), 0, Math.log(3), 0, Math.log(3)]), [1, 3, 2]);
    const lp = takeF32(sequenceLogp(logits, fromI32(new Int32Array([1, 1, 0]), [1, 3]), fromF32(new Float32Array([0, 1, 1]), [1, 3])));
    expect(lp[0]).toBeCloseTo(Math.log(0.75) + Math.log(0.25), 5);
  });

  it('descends toward a larger chosen margin', () => {
    // free per-sequence logits: chosen and rejected sequences of 4 tokens, V 3, loss masks on the last 3
    const V = 3;
    const T = 4;
    const tgt = fromI32(new Int32Array([0, 1, 2, 0]), [1, T]);
    const mask = fromF32(new Float32Array([0, 1, 1, 1]), [1, T]);
    const refC = np.array([-3.3]);
    const refR = np.array([-3.3]);
    const lossOf = (x: ReturnType<typeof np.array>) => {
      // chosen logits x, rejected −x
      return dpoLoss(sequenceLogp(x.ref, tgt.ref, mask.ref), sequenceLogp(x.mul(-1), tgt.ref, mask.ref), refC.ref, refR.ref, 0.1, 0).loss;
    };
    let x = np.zeros([1, T, V]);
    const margins: number[] = [];
    for (let i = 0; i < 4; i++) {
      const c = sequenceLogp(x.ref, tgt.ref, mask.ref);
      const r = sequenceLogp(x.ref.mul(-1), tgt.ref, mask.ref);
      margins.push(scalar(dpoLoss(c, r, refC.ref, refR.ref, 0.1, 0).margin));
      x = x.ref.sub(grad(lossOf)(x).mul(10));
    }
    for (let i = 1; i < margins.length; i++) expect(margins[i]).toBeGreaterThan(margins[i - 1]);
  });
});
