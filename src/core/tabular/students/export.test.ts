// ONNX parity: every exported student gives the TypeScript probabilities in onnxruntime-node within 1e-5.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';
import { exportDenseOnnx } from './exportDense';
import { exportGbdtOnnx } from './exportTree';
import { trainGbdt } from './gbdt/gbdt';
import { trainLogReg } from './logreg';
import { trainMlp } from './mlp';
import { makeRng } from './rng';
import type { Student } from './types';

function task(k: number, seed: number): { x: FeatureMatrix; t: ProbMatrix } {
  const rand = makeRng(seed);
  const n = 500, d = 5;
  const x = new Float64Array(n * d);
  const t = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) x[i * d + f] = rand() < 0.08 ? NaN : (rand() * 4 - 2) * (f + 1);
    const s = (x[i * d] || 0) + 0.5 * (x[i * d + 1] || 0);
    const c = Math.min(k - 1, Math.max(0, Math.floor(((s + 4) / 8) * k)));
    for (let j = 0; j < k; j++) t[i * k + j] = j === c ? 0.85 : 0.15 / (k - 1);
  }
  return { x: { x, n, d, names: [] }, t: { probs: t, n, k } };
}

async function maxDiff(s: Student, bytes: Uint8Array, x: FeatureMatrix): Promise<number> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.x), [x.n, x.d]) });
  const got = out.probabilities.data as Float32Array;
  const want = s.predict(x).probs;
  expect(got.length).toBe(want.length);
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  return m;
}

describe('ONNX export parity in onnxruntime-node', () => {
  it.each([2, 3])('tree student, %i classes (TreeEnsembleClassifier, with missing values)', async (k) => {
    const { x, t } = task(k, k);
    const s = trainGbdt(x, t, { nRounds: 60, subsample: 0.8, seed: 1 });
    expect(s.model.rounds).toBeGreaterThan(3);
    expect(await maxDiff(s, exportGbdtOnnx(s), x)).toBeLessThan(1e-5);
  });

  it('tree student rows sitting exactly on thresholds go the same way', async () => {
    const { x, t } = task(2, 7);
    const s = trainGbdt(x, t, { nRounds: 20, validationFraction: 0 });
    const tr = s.model.trees[0];
    const onEdge = new Float64Array(x.d * 8);
    for (let r = 0; r < 8; r++) for (let f = 0; f < x.d; f++) onEdge[r * x.d + f] = tr.threshold[r % 3] ?? 0;
    expect(await maxDiff(s, exportGbdtOnnx(s), { x: onEdge, n: 8, d: x.d, names: [] })).toBeLessThan(1e-5);
  });

  it('tree student whose leaves are all positive (ORT has a special binary path for that) still matches', async () => {
    const n = 50, d = 2;
    const x = Float64Array.from({ length: n * d }, (_, i) => i % 7);
    const t = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) { t[i * 2 + 1] = i % 5 ? 1 : 0.6; t[i * 2] = 1 - t[i * 2 + 1]; }
    const s = trainGbdt({ x, n, d, names: [] }, { probs: t, n, k: 2 }, { nRounds: 2, validationFraction: 0, baseScore: 'zero', minChildWeight: 0 });
    const leaves = s.model.trees.flatMap((tr) => Array.from(tr.value).filter((_, j) => tr.feature[j] < 0));
    expect(leaves.every((v) => v > 0)).toBe(true);
    expect(await maxDiff(s, exportGbdtOnnx(s), { x, n, d, names: [] })).toBeLessThan(1e-5);
  });

  it.each([2, 4])('logistic regression and MLP, %i classes (standard ops)', async (k) => {
    const { x, t } = task(k, 10 + k);
    for (const s of [trainLogReg(x, t, { maxIter: 100 }), trainMlp(x, t, { epochs: 20 })]) {
      expect(await maxDiff(s, exportDenseOnnx(s), x)).toBeLessThan(1e-5);
    }
  });
});
