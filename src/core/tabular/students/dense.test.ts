import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../matrix';
import { lossAndGrad, standardize, trainDense, zeroGrads, type DenseNet } from './dense';
import { trainLogReg } from './logreg';
import { trainMlp } from './mlp';
import { gaussian, makeRng } from './rng';
import { oneHot, StudentInputError } from './types';

function tinyNet(): DenseNet {
  const rand = makeRng(5);
  const widths = [3, 5, 4, 3];
  return {
    std: { mean: new Float64Array(3), scale: new Float64Array(3).fill(1) }, k: 3,
    layers: widths.slice(1).map((nOut, l) => ({ nIn: widths[l], nOut, w: Float64Array.from({ length: widths[l] * nOut }, () => gaussian(rand)), b: Float64Array.from({ length: nOut }, () => 0.1 * gaussian(rand)) })),
  };
}

describe('dense student backprop', () => {
  it('matches central finite differences for every weight and bias on soft targets', () => {
    const net = tinyNet();
    const rand = makeRng(9);
    const n = 6;
    const z = Float64Array.from({ length: n * 3 }, () => gaussian(rand));
    const t = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) { const a = rand(), b = rand() * (1 - a); t.set([a, b, 1 - a - b], i * 3); }
    const rows = [0, 1, 2, 3, 4, 5];
    const grads = zeroGrads(net);
    lossAndGrad(net, z, t, rows, grads);
    const eps = 1e-6;
    net.layers.forEach((layer, l) => {
      for (const key of ['w', 'b'] as const) {
        for (let i = 0; i < layer[key].length; i++) {
          const orig = layer[key][i];
          layer[key][i] = orig + eps;
          const up = lossAndGrad(net, z, t, rows, zeroGrads(net));
          layer[key][i] = orig - eps;
          const down = lossAndGrad(net, z, t, rows, zeroGrads(net));
          layer[key][i] = orig;
          expect(grads[l][key][i]).toBeCloseTo((up - down) / (2 * eps), 6);
        }
      }
    });
  });
});

function blobs(n: number, seed: number): FeatureMatrix & { y: Int32Array } {
  const rand = makeRng(seed);
  const x = new Float64Array(n * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    x[i * 3] = gaussian(rand) + (y[i] ? 2 : -2);
    x[i * 3 + 1] = 7; // constant column: scale 1, contributes nothing after centring
    x[i * 3 + 2] = rand() < 0.2 ? NaN : gaussian(rand);
  }
  return { x, n, d: 3, names: ['signal', 'constant', 'noise'], y };
}

describe('logistic regression and MLP students', () => {
  it('learn a separable problem with a constant and a partly missing column', () => {
    const data = blobs(300, 2);
    for (const s of [trainLogReg(data, oneHot(data.y, 2)), trainMlp(data, oneHot(data.y, 2), { epochs: 40 })]) {
      const p = s.predict(data);
      let ok = 0;
      for (let i = 0; i < data.n; i++) if ((p.probs[i * 2 + 1] > 0.5 ? 1 : 0) === data.y[i]) ok++;
      expect(ok / data.n).toBeGreaterThan(0.95);
    }
  });

  it('standardises missing values to the training mean (z = 0)', () => {
    const data = blobs(50, 3);
    const z = standardize({ mean: Float64Array.from([0, 7, 1]), scale: Float64Array.from([1, 1, 2]) }, data);
    for (let i = 0; i < data.n; i++) if (Number.isNaN(data.x[i * 3 + 2])) expect(z[i * 3 + 2]).toBe(0);
  });

  it('rejects non-positive hidden widths and NaN targets with a StudentInputError', () => {
    const data = blobs(40, 4);
    const t = oneHot(data.y, 2);
    expect(() => trainDense('mlp', data, t, { hidden: [0], epochs: 1, batchSize: 8, learningRate: 1e-3, weightDecay: 0, validationFraction: 0, patience: 1, tolerance: 0, seed: 0 })).toThrow(StudentInputError);
    t.probs[5] = NaN;
    expect(() => trainLogReg(data, t)).toThrow(/NaN label/);
  });
});
