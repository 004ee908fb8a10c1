// The TFM forward pass on the lab engine (jax-js): training in the forge and the reference the ONNX export is
// checked against. A prior-fitted network over rows (TabPFN v1 layout): each row is one token, embedded from its
// standardised features (+ a missing-value indicator) and, for context rows, its label; context rows attend to
// context rows, query rows attend to context rows only, so queries never see each other and a query's
// prediction does not depend on which other queries share the batch.
// Shapes: B tasks, Nc context rows, Nq query rows, F feature slots, d = dModel, H heads, hd = d/H, K classes.
// Context and query rows flow as two streams through the same weights instead of one concatenated sequence:
// that avoids `slice`, whose gradients jax-js gets wrong under jit (FACTS.md).
import { nn, numpy as np } from '@jax-js/jax';
import { fromF32, geluNew, layerNorm, matmul, type Arr, type ArrRecord } from '../../lab';
import { makeRng } from '../data/rng';
import { normal } from './prior';
import { tfmParamSpecs, type HostParams, type TfmConfig } from './config';

/** One batch as engine arrays. Missing values are 0 in x and 1 in the matching missing mask. */
export interface TfmInputs {
  /** [B, Nc, F] float32 */
  xc: Arr;
  /** [B, Nc, F] float32 0/1 */
  mc: Arr;
  /** [B, Nc] int32 class ids < K */
  yc: Arr;
  /** [B, Nq, F] float32 */
  xq: Arr;
  /** [B, Nq, F] float32 0/1 */
  mq: Arr;
}

/** Seeded init on the host (same bits everywhere). */
export function initTfmParams(c: TfmConfig, seed: number): HostParams {
  const rng = makeRng(seed);
  const out: HostParams = new Map();
  for (const s of tfmParamSpecs(c)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (s.init === 'ones') data.fill(1);
    else if (s.init !== 'zeros') {
      const std = s.init === 'residual' ? c.initStd / Math.sqrt(2 * c.nLayer) : c.initStd;
      for (let i = 0; i < n; i++) data[i] = normal(rng) * std;
    }
    out.set(s.name, { data, shape: s.shape });
  }
  return out;
}

/** Host tensors → engine arrays, checking names and shapes against the config. */
export function toEngineParams(c: TfmConfig, host: HostParams): ArrRecord {
  const params: ArrRecord = {};
  for (const s of tfmParamSpecs(c)) {
    const t = host.get(s.name);
    if (!t) throw new Error(`TFM parameter ${s.name} is missing`);
    if (t.shape.join(',') !== s.shape.join(',')) throw new Error(`TFM parameter ${s.name}: shape [${t.shape}] but the config needs [${s.shape}]`);
    params[s.name] = fromF32(t.data, s.shape);
  }
  return params;
}

/** x @ W + b over the last axis. Consumes all three. */
const linear = (x: Arr, w: Arr, b: Arr): Arr => matmul(x, w).add(b);

/** Multi-head attention of queries q [B,Nq,d] over keys/values k, v [B,Nc,d] → [B,Nq,d]. Consumes all three. */
function attend(c: TfmConfig, q: Arr, k: Arr, v: Arr): Arr {
  const [B, Nq] = q.shape;
  const Nc = k.shape[1];
  const H = c.nHead;
  const hd = c.dModel / H;
  const qh = q.reshape([B, Nq, H, hd]).transpose([0, 2, 1, 3]); // [B,H,Nq,hd]
  const kh = k.reshape([B, Nc, H, hd]).transpose([0, 2, 3, 1]); // [B,H,hd,Nc]
  const vh = v.reshape([B, Nc, H, hd]).transpose([0, 2, 1, 3]); // [B,H,Nc,hd]
  const scores = matmul(qh, kh).mul(1 / Math.sqrt(hd)); // [B,H,Nq,Nc]
  const z = matmul(nn.softmax(scores, -1), vh); // [B,H,Nq,Nc]@[B,H,Nc,hd] → [B,H,Nq,hd]
  return z.transpose([0, 2, 1, 3]).reshape([B, Nq, c.dModel]); // [B,Nq,d]
}

/** Hands out each parameter; `use` gives an extra reference for weights shared by the two streams. */
class Params {
  constructor(private readonly p: ArrRecord) {}
  use(name: string): Arr {
    const a = this.p[name];
    if (!a) throw new Error(`TFM parameter ${name} is missing`);
    return a.ref;
  }
  done(): void {
    for (const a of Object.values(this.p)) a.dispose();
  }
}

/**
 * Per-feature standardisation by the context's observed values: z = clip((x − mean)·(var + ε)^−½, ±clip),
 * 0 where missing. Returns [zc, zq], each [B, N, F]. Consumes xc, xq; reads (does not consume) mc, mq.
 */
function standardise(c: TfmConfig, xc: Arr, mc: Arr, xq: Arr, mq: Arr): [Arr, Arr] {
  const obsC = np.ones(mc.shape).sub(mc.ref); // [B,Nc,F] 1 = observed
  const obsQ = np.ones(mq.shape).sub(mq.ref); // [B,Nq,F]
  const cnt = np.maximum(obsC.ref.sum(1, { keepdims: true }), 1); // [B,1,F]
  const mean = xc.ref.mul(obsC.ref).sum(1, { keepdims: true }).div(cnt.ref); // [B,1,F]
  const dc = xc.sub(mean.ref).mul(obsC.ref); // [B,Nc,F] centred, 0 where missing
  const variance = np.square(dc.ref).sum(1, { keepdims: true }).div(cnt); // [B,1,F]
  const inv = np.reciprocal(np.sqrt(variance.add(c.varEps))); // [B,1,F]
  const clip = (z: Arr): Arr => np.minimum(np.maximum(z, -c.clip), c.clip);
  const zc = clip(dc.mul(inv.ref)).mul(obsC); // [B,Nc,F]
  const zq = clip(xq.sub(mean).mul(inv)).mul(obsQ); // [B,Nq,F]
  return [zc, zq];
}

/**
 * Logits over K classes for every query row, [B, Nq, K], with classes absent from a task's context pushed to
 * −1e9 (probability 0 after softmax). Consumes `params` and every input (pass `keep(params)` to reuse them).
 */
export function tfmForward(c: TfmConfig, params: ArrRecord, inp: TfmInputs): Arr {
  const p = new Params(params);
  const K = c.maxClasses;
  const [zc, zq] = standardise(c, inp.xc, inp.mc, inp.xq, inp.mq);
  const yOh = nn.oneHot(inp.yc, K).astype(np.float32); // [B,Nc,K]
  const present = np.minimum(yOh.ref.sum(1, { keepdims: true }), 1); // [B,1,K] 1 = class occurs in the context
  const embedRows = (z: Arr, m: Arr): Arr => // [B,N,F] → [B,N,d]
    matmul(z, p.use('embed.x.weight')).add(matmul(m, p.use('embed.missing.weight'))).add(p.use('embed.bias'));
  let xc = embedRows(zc, inp.mc).add(matmul(yOh, p.use('embed.y.weight'))); // [B,Nc,d] + label embedding
  let xq = embedRows(zq, inp.mq); // [B,Nq,d]
  for (let l = 0; l < c.nLayer; l++) {
    const w = (n: string) => p.use(`layers.${l}.${n}`);
    const ln1 = (x: Arr) => layerNorm(x, w('ln1.weight'), w('ln1.bias'), c.lnEps);
    const hc = ln1(xc.ref); // [B,Nc,d]
    const hq = ln1(xq.ref); // [B,Nq,d]
    const last = l === c.nLayer - 1; // the last layer's context rows only serve as keys/values
    const kc = linear(hc.ref, w('attn.k.weight'), w('attn.k.bias')); // [B,Nc,d]
    const vc = linear(last ? hc : hc.ref, w('attn.v.weight'), w('attn.v.bias')); // [B,Nc,d]
    const qq = linear(hq, w('attn.q.weight'), w('attn.q.bias')); // [B,Nq,d]
    const aq = attend(c, qq, kc.ref, vc.ref); // query rows over context rows only
    xq = xq.add(linear(aq, w('attn.o.weight'), w('attn.o.bias'))); // [B,Nq,d]
    const mlp = (x: Arr): Arr => { // [B,N,d] → [B,N,d]
      const h = layerNorm(x, w('ln2.weight'), w('ln2.bias'), c.lnEps);
      return linear(geluNew(linear(h, w('mlp.fc.weight'), w('mlp.fc.bias'))), w('mlp.proj.weight'), w('mlp.proj.bias'));
    };
    xq = xq.add(mlp(xq.ref));
    if (last) {
      kc.dispose();
      vc.dispose();
      xc.dispose();
      break;
    }
    const qc = linear(hc, w('attn.q.weight'), w('attn.q.bias')); // [B,Nc,d]
    const ac = attend(c, qc, kc, vc); // context rows over context rows
    xc = xc.add(linear(ac, w('attn.o.weight'), w('attn.o.bias'))); // [B,Nc,d]
    xc = xc.add(mlp(xc.ref));
  }
  const h = layerNorm(xq, p.use('ln_f.weight'), p.use('ln_f.bias'), c.lnEps); // [B,Nq,d]
  const logits = linear(h, p.use('head.weight'), p.use('head.bias')); // [B,Nq,K]
  p.done();
  return logits.add(present.sub(1).mul(1e9)); // [B,Nq,K] absent classes → −1e9
}

/**
 * Mean cross-entropy over query rows with weight 1 (rows whose class is absent from the context get 0: the
 * masked head cannot predict them). logits [B,Nq,K], yq [B,Nq] int32, w [B,Nq] float. Consumes all three.
 */
export function tfmLoss(logits: Arr, yq: Arr, w: Arr): Arr {
  const K = logits.shape[2];
  const nll = nn.logSoftmax(logits, -1).mul(nn.oneHot(yq, K).astype(np.float32)).sum(-1).neg(); // [B,Nq]
  return nll.mul(w.ref).sum().div(np.maximum(w.sum(), 1)); // scalar
}
