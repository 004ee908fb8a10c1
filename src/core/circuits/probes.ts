// Linear probes for "is this prompt harmful?" on the residual stream at the prompt's last token (the position
// that predicts the answer's first token), one per layer 0..L (0 = embeddings). Logistic regression (two-class
// softmax regression, L2, L-BFGS: src/core/numeric) on features standardised with the training split's mean and
// standard deviation; held-out accuracy on a seeded, class-stratified split. Classes are balanced by
// subsampling the larger one, so 50 % is chance.
import { Pcg32 } from '../lab';
import { fitSoftmaxRegression, predictSoftmaxRegression } from '../numeric/softmaxRegression';
import { checkpoint, type RunControl } from './attribute';
import { CircuitsInputError } from './errors';
import { shuffled } from './heldout';
import { residuals } from './inspect';
import type { CircuitModel } from './model';
import type { ProbeLayer, ProbeRequest, ProbeResult } from './types';

export async function trainProbes(model: CircuitModel, harmfulIn: string[], benignIn: string[],
  opts: Omit<ProbeRequest, 'modelId' | 'harmful' | 'benign'> = {}, ctl: RunControl = {}): Promise<ProbeResult> {
  const rng = new Pcg32(opts.seed ?? 0, 23);
  const n = Math.min(harmfulIn.length, benignIn.length);
  if (n < 4) throw new CircuitsInputError(`probes need at least 4 prompts per class (got ${harmfulIn.length} harmful, ${benignIn.length} benign)`);
  const harmful = shuffled(harmfulIn, rng).slice(0, n);
  const benign = shuffled(benignIn, rng).slice(0, n);
  const frac = opts.heldoutFraction ?? 0.3;
  const nTest = Math.max(1, Math.min(n - 2, Math.round(n * frac)));
  const prompts = [...harmful, ...benign];
  const y = [...harmful.map(() => 1), ...benign.map(() => 0)];
  const isTest = [...harmful.map((_, i) => i < nTest), ...benign.map((_, i) => i < nTest)];
  await checkpoint(ctl, 'probes', 0, model.cfg.nLayer + 2, `residual stream of ${prompts.length} prompts`);
  const feats = residuals(model, prompts);
  const d = model.cfg.dModel;
  const out: ProbeLayer[] = [];
  for (const [layer, x] of feats.entries()) {
    await checkpoint(ctl, 'probes', layer + 1, model.cfg.nLayer + 2, `probe on layer ${layer}`);
    out.push(fitLayer(layer, x, y, isTest, d, opts.l2 ?? 1e-2));
  }
  await checkpoint(ctl, 'probes', model.cfg.nLayer + 2, model.cfg.nLayer + 2, 'done');
  return out;
}

function fitLayer(layer: number, x: Float32Array, y: number[], isTest: boolean[], d: number, l2: number): ProbeLayer {
  const train = y.map((_, i) => i).filter((i) => !isTest[i]);
  const test = y.map((_, i) => i).filter((i) => isTest[i]);
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const i of train) for (let j = 0; j < d; j++) mu[j] += x[i * d + j] / train.length;
  for (const i of train) for (let j = 0; j < d; j++) sd[j] += (x[i * d + j] - mu[j]) ** 2 / train.length;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  const z = (rows: number[]) => {
    const out = new Float64Array(rows.length * d);
    rows.forEach((i, r) => { for (let j = 0; j < d; j++) out[r * d + j] = (x[i * d + j] - mu[j]) / sd[j]; });
    return out;
  };
  const fit = fitSoftmaxRegression(z(train), train.map((i) => y[i]), train.length, d, 2, l2, { maxIter: 300 });
  const acc = (rows: number[]) => {
    const p = predictSoftmaxRegression(z(rows), rows.length, d, 2, fit.w);
    return rows.filter((i, r) => (p[r * 2 + 1] > 0.5 ? 1 : 0) === y[i]).length / rows.length;
  };
  return { layer, trainAcc: acc(train), heldoutAcc: acc(test), heldoutN: test.length };
}
