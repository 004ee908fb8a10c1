// Each objective against the same quantity computed by hand on the host (float64, from the tiny model's logits
// and layer outputs), with γ, α, β away from 1 so a dropped weight shows; and log σ where jax-js's own overflows.
import { beforeAll, describe, expect, it } from 'vitest';
import { grad, numpy as np } from '@jax-js/jax';
import { fromF32, fromI32, gptConfig, gptForward, initEngine, initParams, keep, readF32, takeF32, type ArrRecord } from '../../lab';
import { logSigmoid, objectiveLoss, type ForwardFn, type ObjectiveInputs, type UnlearnMethod } from './objectives';

const cfg = gptConfig({ vocabSize: 11, nCtx: 8, dModel: 8, nHead: 2, nLayer: 2, initStd: 0.5 }); // peaked logits: models differ
const forward: ForwardFn = (p, t, o) => gptForward(cfg, p, t, o);
const B = 2;
const T = 6;
// two rows per set; the response (loss) starts at token 3 of row 0 and token 2 of row 1, row 1 padded after 5 tokens
const TOK = { f: [1, 4, 2, 7, 3, 9, 5, 5, 8, 1, 6, 0], r: [2, 2, 9, 4, 1, 3, 7, 6, 5, 10, 0, 0] };
const TGT = { f: [4, 2, 7, 3, 9, 6, 5, 8, 1, 6, 0, 0], r: [2, 9, 4, 1, 3, 8, 6, 5, 10, 0, 0, 0] };
const MASK = { f: [0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0], r: [0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0] };
const act = (m: number[]) => m.map((_, i) => (i % T === 0 ? 0 : m[i - 1]));
const W = { gamma: 0.7, alpha: 1.3, beta: 0.25, layer: 1 };

let params: ArrRecord;
let ref: ArrRecord;
beforeAll(async () => {
  await initEngine();
  params = initParams(cfg, 3);
  ref = initParams(cfg, 4);
});

const inputs = (): ObjectiveInputs => ({
  fTok: fromI32(TOK.f, [B, T]), fTgt: fromI32(TGT.f, [B, T]), fMask: fromF32(MASK.f, [B, T]), fAct: fromF32(act(MASK.f), [B, T]),
  rTok: fromI32(TOK.r, [B, T]), rTgt: fromI32(TGT.r, [B, T]), rMask: fromF32(MASK.r, [B, T]), rAct: fromF32(act(MASK.r), [B, T]),
});

/** Host float64 per-position NLL of the targets from the model's logits. */
function hostNll(p: ArrRecord, set: 'f' | 'r'): number[] {
  const logits = takeF32(forward(keep(p), fromI32(TOK[set], [B, T])).logits);
  const V = cfg.vocabSize;
  return TGT[set].map((y, i) => {
    const row = Array.from(logits.subarray(i * V, (i + 1) * V));
    const mx = Math.max(...row);
    const lse = mx + Math.log(row.reduce((s, x) => s + Math.exp(x - mx), 0));
    return lse - row[y];
  });
}
const meanNll = (nll: number[], mask: number[]) => nll.reduce((s, x, i) => s + x * mask[i], 0) / mask.reduce((a, b) => a + b, 0);
const seqNll = (nll: number[], mask: number[]) => [0, 1].map((b) => nll.slice(b * T, (b + 1) * T).reduce((s, x, t) => s + x * mask[b * T + t], 0));
const hostLogSigmoid = (x: number) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));

function layerOut(p: ArrRecord, set: 'f' | 'r'): Float32Array {
  const hook = 'blocks.1.hook_resid_post' as const;
  const r = forward(keep(p), fromI32(TOK[set], [B, T]), { cache: [hook] });
  r.logits.dispose();
  return takeF32(r.cache[hook]!);
}
/** open-unlearning compute_activation_loss by hand: per row Σ_t m_t·mean_d (a−b)² / Σ_t m_t, then the row mean. */
function hostActLoss(a: Float32Array, b: (i: number, j: number) => number, mask: number[]): number {
  const d = cfg.dModel;
  let total = 0;
  for (let r = 0; r < B; r++) {
    let s = 0;
    let n = 0;
    for (let t = 0; t < T; t++) {
      const i = r * T + t;
      if (!mask[i]) continue;
      let sq = 0;
      for (let j = 0; j < d; j++) sq += (a[i * d + j] - b(i, j)) ** 2;
      s += sq / d;
      n++;
    }
    total += s / n;
  }
  return total / B;
}

function run(method: UnlearnMethod, control: Float32Array | null = null): [number, number, number] {
  const [loss, [f, r]] = objectiveLoss(method, W, forward, keep(params), keep(ref), inputs(), control ? fromF32(control, [cfg.dModel]) : null);
  return [loss.item(), f.item(), r.item()];
}

describe('unlearning objectives equal their definitions (open-unlearning) computed by hand', () => {
  it('gradient ascent: −mean NLL of the forget response tokens', () => {
    const want = -meanNll(hostNll(params, 'f'), MASK.f);
    const [loss, f, r] = run('grad_ascent');
    expect(loss).toBeCloseTo(want, 5);
    expect(f).toBeCloseTo(want, 5);
    expect(r).toBe(0);
  });

  it('gradient difference: γ·(−NLL forget) + α·NLL retain', () => {
    const f = -meanNll(hostNll(params, 'f'), MASK.f);
    const r = meanNll(hostNll(params, 'r'), MASK.r);
    const [loss, gotF, gotR] = run('grad_diff');
    expect(gotF).toBeCloseTo(f, 5);
    expect(gotR).toBeCloseTo(r, 5);
    expect(loss).toBeCloseTo(W.gamma * f + W.alpha * r, 5);
  });

  it('NPO: −(2/β)·mean logσ(−β·(log πθ − log πref)) over sequence log-probs + α·NLL retain', () => {
    const nll = seqNll(hostNll(params, 'f'), MASK.f);
    const nllRef = seqNll(hostNll(ref, 'f'), MASK.f);
    const npo = (-2 / W.beta) * nll.reduce((s, x, b) => s + hostLogSigmoid(-W.beta * (-x + nllRef[b])), 0) / B;
    expect(Math.abs(nll[0] - nllRef[0])).toBeGreaterThan(0.1); // the reference differs: the ratio term matters
    const r = meanNll(hostNll(params, 'r'), MASK.r);
    const [loss, gotF, gotR] = run('npo');
    expect(gotF).toBeCloseTo(npo, 4);
    expect(gotR).toBeCloseTo(r, 5);
    expect(loss).toBeCloseTo(W.gamma * npo + W.alpha * r, 4);
  });

  it('NPO at θ = ref is (2/β)·log 2 (the paper\'s starting value)', () => {
    const [loss, [f, r]] = objectiveLoss('npo', W, forward, keep(params), keep(params), inputs(), null);
    loss.dispose();
    r.dispose();
    expect(f.item()).toBeCloseTo((2 / W.beta) * Math.log(2), 5);
  });

  it('RMU: activation MSE to c·u on forget tokens + α·MSE to the frozen model on retain tokens', () => {
    const control = Float32Array.from({ length: cfg.dModel }, (_, j) => 0.3 * (j + 1));
    const hf = layerOut(params, 'f');
    const hr = layerOut(params, 'r');
    const hrRef = layerOut(ref, 'r');
    const f = hostActLoss(hf, (_i, j) => control[j], act(MASK.f));
    const r = hostActLoss(hr, (i, j) => hrRef[i * cfg.dModel + j], act(MASK.r));
    const [loss, gotF, gotR] = run('rmu', control);
    expect(gotF).toBeCloseTo(f, 4);
    expect(gotR).toBeCloseTo(r, 5);
    expect(r).toBeGreaterThan(0);
    expect(loss).toBeCloseTo(W.gamma * f + W.alpha * r, 4);
  });

  it('logσ stays finite where jax-js\'s log(1 + e^{−x}) overflows, with the right gradient', () => {
    const x = [-1000, -30, -1, 0, 2, 1000];
    const y = readF32(logSigmoid(np.array(x)));
    x.forEach((v, i) => expect(y[i]).toBeCloseTo(hostLogSigmoid(v), 4));
    const g = readF32(grad((a: np.Array) => logSigmoid(a).sum())(np.array(x)));
    x.forEach((v, i) => expect(g[i]).toBeCloseTo(1 / (1 + Math.exp(v)), 5)); // d/dx logσ(x) = σ(−x)
  });
});
