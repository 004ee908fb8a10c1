// Dense softmax networks shared by the MLP student (ReLU hidden layers) and logistic regression (no hidden layer):
// standardisation with mean imputation, forward pass, manual backprop of the soft cross-entropy, AdamW, early
// stopping. Plain TypeScript on Float64Array: core/lab (the jax-js engine of DESIGN.md) did not exist when this
// was written, and these nets are small enough (≤ a few thousand weights) that a typed-array loop trains in
// well under a second; moving them onto core/lab later changes no public API.

import type { ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';
import { gaussian, makeRng, shuffleInPlace, stratifiedSplit } from './rng';
import { softmaxInto } from './softLoss';
import { checkTrainingInputs, predictRows, StudentInputError, type Student, type StudentKind } from './types';

/** z = (x − mean)·scale, missing → mean (so z = 0). Constant columns get scale 1 (they contribute a constant). */
export interface Standardizer { mean: Float64Array; scale: Float64Array }

export function fitStandardizer(x: FeatureMatrix): Standardizer {
  const mean = new Float64Array(x.d);
  const scale = new Float64Array(x.d);
  for (let f = 0; f < x.d; f++) {
    let s = 0, s2 = 0, m = 0;
    for (let i = 0; i < x.n; i++) {
      const v = x.x[i * x.d + f];
      if (v === v) { s += v; s2 += v * v; m++; }
    }
    const mu = m ? s / m : 0;
    const sd = m ? Math.sqrt(Math.max(0, s2 / m - mu * mu)) : 0;
    mean[f] = mu;
    scale[f] = sd > 1e-12 * Math.max(1, Math.abs(mu)) ? 1 / sd : 1;
  }
  return { mean, scale };
}

export interface DenseLayer { nIn: number; nOut: number; /** nIn×nOut row-major */ w: Float64Array; b: Float64Array }
export interface DenseNet { std: Standardizer; layers: DenseLayer[]; k: number }

export class DenseStudent implements Student {
  readonly k: number;
  readonly d: number;
  private readonly acts: Float64Array[];
  constructor(readonly kind: StudentKind, readonly net: DenseNet) {
    this.k = net.k;
    this.d = net.std.mean.length;
    this.acts = [new Float64Array(this.d), ...net.layers.map((l) => new Float64Array(l.nOut))];
  }
  predictRow(x: ArrayLike<number>, out: Float64Array): void {
    const { mean, scale } = this.net.std;
    const a0 = this.acts[0];
    for (let f = 0; f < this.d; f++) { const v = x[f]; a0[f] = v === v ? (v - mean[f]) * scale[f] : 0; }
    const L = this.net.layers.length;
    for (let l = 0; l < L; l++) layerForward(this.net.layers[l], this.acts[l], 0, this.acts[l + 1], 0, l < L - 1);
    softmaxInto(this.acts[L], 0, this.k, out, 0);
  }
  predict(x: FeatureMatrix): ProbMatrix { return predictRows(this, x); }
}

/** out = a·W + b (ReLU when `relu`) for one row. */
function layerForward(l: DenseLayer, a: Float64Array, aOff: number, out: Float64Array, oOff: number, relu: boolean): void {
  const { nIn, nOut, w, b } = l;
  for (let j = 0; j < nOut; j++) out[oOff + j] = b[j];
  for (let i = 0; i < nIn; i++) {
    const ai = a[aOff + i];
    if (ai === 0) continue;
    const row = i * nOut;
    for (let j = 0; j < nOut; j++) out[oOff + j] += ai * w[row + j];
  }
  if (relu) for (let j = 0; j < nOut; j++) if (out[oOff + j] < 0) out[oOff + j] = 0;
}

export function standardize(std: Standardizer, x: FeatureMatrix): Float64Array {
  const z = new Float64Array(x.n * x.d);
  for (let i = 0; i < x.n; i++) for (let f = 0; f < x.d; f++) {
    const v = x.x[i * x.d + f];
    z[i * x.d + f] = v === v ? (v - std.mean[f]) * std.scale[f] : 0;
  }
  return z;
}

/** Gradient buffers shaped like the layers. */
export function zeroGrads(net: DenseNet): DenseLayer[] {
  return net.layers.map((l) => ({ nIn: l.nIn, nOut: l.nOut, w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
}

/**
 * Mean soft cross-entropy over `rows` of standardised inputs `z` (n×d) and targets `t` (n×k), and its gradient
 * (accumulated into `grads`, which the caller zeroes). Backprop: δ_L = (p − t)/B, ∂W = aᵀδ, δ_{l−1} = δWᵀ ⊙ 1[a > 0].
 */
export function lossAndGrad(net: DenseNet, z: Float64Array, t: Float64Array, rows: ArrayLike<number>, grads: DenseLayer[]): number {
  const L = net.layers.length;
  const d = net.std.mean.length;
  const k = net.k;
  const B = rows.length;
  const acts = [new Float64Array(B * d), ...net.layers.map((l) => new Float64Array(B * l.nOut))];
  for (let r = 0; r < B; r++) acts[0].set(z.subarray(rows[r] * d, (rows[r] + 1) * d), r * d);
  for (let l = 0; l < L; l++) {
    const layer = net.layers[l];
    for (let r = 0; r < B; r++) layerForward(layer, acts[l], r * layer.nIn, acts[l + 1], r * layer.nOut, l < L - 1);
  }
  let loss = 0;
  let delta = new Float64Array(B * k);
  for (let r = 0; r < B; r++) {
    softmaxInto(acts[L], r * k, k, delta, r * k);
    for (let c = 0; c < k; c++) {
      const tc = t[rows[r] * k + c];
      if (tc > 0) loss -= tc * Math.log(Math.max(delta[r * k + c], 1e-300));
      delta[r * k + c] = (delta[r * k + c] - tc) / B;
    }
  }
  for (let l = L - 1; l >= 0; l--) {
    const { nIn, nOut, w } = net.layers[l];
    const gw = grads[l].w;
    const gb = grads[l].b;
    const a = acts[l];
    const prev = l > 0 ? new Float64Array(B * nIn) : null;
    for (let r = 0; r < B; r++) {
      for (let j = 0; j < nOut; j++) gb[j] += delta[r * nOut + j];
      for (let i = 0; i < nIn; i++) {
        const ai = a[r * nIn + i];
        const row = i * nOut;
        if (!prev) { // first layer: no δ to pass back to the inputs
          for (let j = 0; j < nOut; j++) gw[row + j] += ai * delta[r * nOut + j];
          continue;
        }
        let back = 0;
        for (let j = 0; j < nOut; j++) {
          const dj = delta[r * nOut + j];
          gw[row + j] += ai * dj;
          back += dj * w[row + j];
        }
        prev[r * nIn + i] = ai > 0 ? back : 0; // ReLU'(a) from the post-activation value
      }
    }
    if (prev) delta = prev;
  }
  return loss / B;
}

export interface DenseTrainConfig {
  /** hidden widths; [] is multinomial logistic regression */
  hidden: number[]; // MLP [64, 32]
  epochs: number; // 200
  /** rows per step; ≥ n means full batch */
  batchSize: number; // 64
  learningRate: number; // 1e-3 (Adam)
  /** decoupled L2 (AdamW) on weights, not biases */
  weightDecay: number; // 1e-4
  /** held-out share for early stopping (0: none) */
  validationFraction: number; // 0.1
  /** epochs without validation improvement before stopping */
  patience: number; // 20
  /** relative validation-loss improvement that counts (soft targets let the loss creep down for ever) */
  tolerance: number; // 1e-4
  seed: number; // 0
}

export function trainDense(kind: StudentKind, x: FeatureMatrix, targets: ProbMatrix, cfg: DenseTrainConfig, signal?: AbortSignal): DenseStudent {
  checkTrainingInputs(x, targets);
  if (cfg.hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new StudentInputError(`hidden widths must be positive integers, got [${cfg.hidden}]`);
  const rand = makeRng(cfg.seed);
  const std = fitStandardizer(x);
  const z = standardize(std, x);
  const k = targets.k;
  const widths = [x.d, ...cfg.hidden, k];
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const nIn = widths[l], nOut = widths[l + 1];
    const w = new Float64Array(nIn * nOut);
    const sd = cfg.hidden.length === 0 ? 0 : Math.sqrt((l + 2 < widths.length ? 2 : 1) / nIn); // He init for ReLU layers
    for (let i = 0; i < w.length; i++) w[i] = sd * gaussian(rand);
    layers.push({ nIn, nOut, w, b: new Float64Array(nOut) });
  }
  const net: DenseNet = { std, layers, k };

  const yArg = Int32Array.from({ length: x.n }, (_, i) => { let b = 0; for (let c = 1; c < k; c++) if (targets.probs[i * k + c] > targets.probs[i * k + b]) b = c; return b; });
  let trainRows: Uint32Array = Uint32Array.from({ length: x.n }, (_, i) => i);
  let valRows: Uint32Array | null = null;
  if (cfg.validationFraction > 0 && x.n >= 20) {
    const s = stratifiedSplit(yArg, cfg.validationFraction, cfg.seed + 104729);
    trainRows = s.a;
    valRows = s.b;
  }
  const adam = new AdamW(net, cfg.learningRate, cfg.weightDecay);
  const grads = zeroGrads(net);
  const scratch = zeroGrads(net);
  let best = Infinity;
  let bestLayers = cloneLayers(layers);
  let since = 0;
  const B = Math.min(cfg.batchSize, trainRows.length);
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    shuffleInPlace(trainRows, rand);
    for (let s = 0; s < trainRows.length; s += B) {
      for (const g of grads) { g.w.fill(0); g.b.fill(0); }
      lossAndGrad(net, z, targets.probs, trainRows.subarray(s, Math.min(trainRows.length, s + B)), grads);
      adam.step(grads);
    }
    if (!valRows) continue;
    for (const g of scratch) { g.w.fill(0); g.b.fill(0); }
    const vl = lossAndGrad(net, z, targets.probs, valRows, scratch);
    if (vl < best * (1 - cfg.tolerance)) { best = vl; bestLayers = cloneLayers(layers); since = 0; }
    else if (++since >= cfg.patience) break;
  }
  if (valRows) net.layers = bestLayers;
  return new DenseStudent(kind, net);
}

function cloneLayers(ls: DenseLayer[]): DenseLayer[] {
  return ls.map((l) => ({ nIn: l.nIn, nOut: l.nOut, w: l.w.slice(), b: l.b.slice() }));
}

/** AdamW (Loshchilov & Hutter): Adam moments, decay applied to weights directly, not through the gradient. */
class AdamW {
  private readonly m: DenseLayer[];
  private readonly v: DenseLayer[];
  private t = 0;
  constructor(private readonly net: DenseNet, private readonly lr: number, private readonly wd: number) {
    this.m = zeroGrads(net);
    this.v = zeroGrads(net);
  }
  step(grads: DenseLayer[]): void {
    const b1 = 0.9, b2 = 0.999, eps = 1e-8;
    this.t++;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    this.net.layers.forEach((layer, l) => {
      for (const key of ['w', 'b'] as const) {
        const p = layer[key], g = grads[l][key], m = this.m[l][key], v = this.v[l][key];
        const decay = key === 'w' ? 1 - this.lr * this.wd : 1;
        for (let i = 0; i < p.length; i++) {
          m[i] = b1 * m[i] + (1 - b1) * g[i];
          v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
          p[i] = p[i] * decay - (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
        }
      }
    });
  }
}
