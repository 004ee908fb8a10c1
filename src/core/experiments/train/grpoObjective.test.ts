// GRPO's objective against hand-computed values: group advantages (TRL's Bessel-corrected std + 1e-4, NaN rewards
// excluded and given 0), and the loss, KL and clip ratio of the jax objective equal the float64 host formula on
// completions really sampled from models/target (every loss type, a moved πold so the clip bites, β > 0); with μ = 1
// the gradient per completion token is −A/Σmask (πold is πθ detached, so the ratio's gradient is 1).
import { grad, numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromF32, fromI32, initEngine, keep, Pcg32, takeF32 } from '../../lab';
import { groupAdvantages, grpoLoss, grpoLossHost, tokenLogp, type GrpoLossConfig } from './grpoObjective';
import { completionBatch, encodePrompts, makePolicyFns } from './grpoRollout';
import { GRPO_LOSS_TYPES } from './grpoSpec';
import { loadTrainModelFolder } from './node';

beforeAll(async () => {
  await initEngine();
});

describe('GRPO advantages', () => {
  it('are group-normalised by hand: (r − mean) / (std + 1e-4), Bessel std, NaN excluded and given 0', () => {
    // group 1: mean 0.5, std √0.5 → ±0.5 / 0.70720678 = ±0.70700680; group 2: std 0 → 0 (a zero-std group)
    const g = groupAdvantages([1, 0, 0.5, 0.5], 2, 'group');
    expect(g.advantages[0]).toBeCloseTo(0.7070068, 6);
    expect(g.advantages[1]).toBeCloseTo(-0.7070068, 6);
    expect(g.advantages.slice(2)).toEqual([0, 0]);
    expect(g.zeroStdGroups).toBe(1);
    // batch std of [1, 0, .5, .5] = √(1/6) = 0.40824829 → 0.5 / 0.40834829 = 1.22444494
    expect(groupAdvantages([1, 0, 0.5, 0.5], 2, 'batch').advantages[0]).toBeCloseTo(1.2244449, 6);
    expect(groupAdvantages([1, 0, 0.5, 0.5], 2, 'none').advantages).toEqual([0.5, -0.5, 0, 0]);
    // an unscorable completion is left out of its group's mean and std, and moves nothing
    const n = groupAdvantages([1, NaN, 0], 3, 'group').advantages;
    expect(n[0]).toBeCloseTo(0.7070068, 6);
    expect(n[1]).toBe(0);
    expect(n[2]).toBeCloseTo(-0.7070068, 6);
  });
});

describe('GRPO loss on sampled completions', () => {
  it('equals the host formula for every loss type (ratio clipped, k3 KL), and its μ = 1 gradient is −A/Σmask', async () => {
    const model = await loadTrainModelFolder('models/target');
    const rows = ['Hi.', 'Thanks a lot.'].map((prompt, i) => ({ line: i + 1, row: { prompt } }));
    const data = encodePrompts(model, { template: 'auto', grpo: { maxCompletionLength: 6 } }, rows);
    const W = data.promptWidth + 6;
    const temperature = 0.9;
    const fns = makePolicyFns(model, W, { maxCompletionLength: 6, temperature });
    const completions = fns.sample(model.params, [0, 0, 1, 1], data.prompts, new Pcg32(3, 1000));
    fns.dispose();
    const N = 4;
    const T = W - 1;
    const b = completionBatch(completions, data.prompts, W, model.tokenizer.eosId!);
    // host log-probs of the targets at the temperature, float64, from the model's logits
    const logits = takeF32(model.forward(keep(model.params), fromI32(b.tok, [N, T])).logits);
    const Vh = logits.length / (N * T);
    const rowsOf = (flat: ArrayLike<number>) => Array.from({ length: N }, (_, i) => Array.from({ length: T }, (_, t) => flat[i * T + t]));
    const logp = rowsOf(Array.from({ length: N * T }, (_, k) => {
      const z = Array.from(logits.subarray(k * Vh, (k + 1) * Vh), (x) => x / temperature);
      const max = Math.max(...z);
      return z[b.tgt[k]] - max - Math.log(z.reduce((a, x) => a + Math.exp(x - max), 0));
    }));
    const mask = rowsOf(b.mask);
    expect(mask.flat().filter(Boolean).length).toBeGreaterThan(4);
    const rng = new Pcg32(9, 5);
    const old = logp.map((r) => r.map((x) => x + (rng.uniform() - 0.5) * 0.8)); // a moved πold: ratios in e^±0.4
    const ref = logp.map((r) => r.map((x) => x + (rng.uniform() - 0.5) * 0.6));
    const adv = groupAdvantages([1, 0, 0.25, 0.75], 2, 'group').advantages;
    const flat = (r: number[][]) => fromF32(r.flat(), [N, T]);
    for (const lossType of GRPO_LOSS_TYPES) {
      const c: GrpoLossConfig = { beta: 0.1, epsilonLow: 0.2, epsilonHigh: 0.28, lossType, maxCompletionLength: 6 };
      const lp = tokenLogp(model.forward(keep(model.params), fromI32(b.tok, [N, T])).logits, fromI32(b.tgt, [N, T]), temperature);
      const t = grpoLoss(lp, flat(old), flat(ref), fromF32(b.mask, [N, T]), fromF32(adv, [N]), c);
      const host = grpoLossHost(logp, old, ref, mask, adv, c);
      expect(host.clipRatio).toBeGreaterThan(0); // the clip is exercised
      expect(t.loss.item()).toBeCloseTo(host.loss, 4);
      expect(t.kl.item()).toBeCloseTo(host.kl, 4);
      expect(t.clipRatio.item()).toBeCloseTo(host.clipRatio, 6);
    }
    // μ = 1: πold = stopGradient(πθ), so d loss / d logp_t = −A_i · m_t / Σm (dapo), KL off
    const c1: GrpoLossConfig = { beta: 0, epsilonLow: 0.2, epsilonHigh: 0.2, lossType: 'dapo', maxCompletionLength: 6 };
    const g = takeF32(grad((l: np.Array) => grpoLoss(l, null, null, fromF32(b.mask, [N, T]), fromF32(adv, [N]), c1).loss)(flat(logp)));
    const tokens = b.mask.reduce((a, x) => a + x, 0);
    g.forEach((x, k) => expect(x).toBeCloseTo(-adv[Math.floor(k / T)] * b.mask[k] / tokens, 6));
    // and the loss value itself is −Σ A_i·|o_i| / Σm (ratio 1)
    const lens = mask.map((r) => r.reduce((a, x) => a + x, 0));
    const l1 = grpoLoss(flat(logp), null, null, fromF32(b.mask, [N, T]), fromF32(adv, [N]), c1).loss.item();
    expect(l1).toBeCloseTo(-adv.reduce((a, x, i) => a + x * lens[i], 0) / tokens, 6);
  }, 120_000);
});
