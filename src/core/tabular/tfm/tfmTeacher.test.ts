import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aucFromProbs } from '../../metrics/classification';
import { createNodeBackend } from '../../runtime/ortNode';
import { preprocessSplit } from '../data/preprocess';
import { loadSharedDataset } from '../data/registry';
import { stratifiedKFold } from '../data/split';
import { readShared } from '../data/testData';
import type { FeatureMatrix } from '../matrix';
import { applyTemperature } from '../distill/label';
import { TeacherContractError } from '../teachers/teacher';
import { DEFAULT_TFM_CONFIG, type TfmConfig } from './config';
import { initTfmParams } from './model';
import { DEFAULT_TFM_ONNX } from './nodeRuntime';
import { buildTfmOnnx } from './onnxExport';
import { tfmOnnxTeacher, tfmTeacher, type TfmRuntime } from './tfmTeacher';

const tiny: TfmConfig = { ...DEFAULT_TFM_CONFIG, dModel: 16, nHead: 2, nLayer: 1, dMlp: 24, initStd: 0.3 };
const runtime: TfmRuntime = { backend: createNodeBackend({ numThreads: 1 }), loadModel: async () => buildTfmOnnx(tiny, initTfmParams(tiny, 2)) };

function matrix(n: number, d: number, seed: number): FeatureMatrix {
  return { x: Float64Array.from({ length: n * d }, (_, i) => Math.sin(i * 0.37 + seed) * 2 + (i % 3)), n, d, names: Array.from({ length: d }, (_, j) => `f${j}`) };
}

describe('TFM teacher (ONNX, random weights)', () => {
  it('returns n × k rows that sum to 1, with k columns only', async () => {
    const t = tfmTeacher({ runtime });
    const yc = Int32Array.from({ length: 30 }, (_, i) => i % 3);
    const p = await t.predict(matrix(30, 5, 1), yc, 3, matrix(11, 5, 2));
    expect(p.n).toBe(11);
    expect(p.k).toBe(3);
    expect(p.probs.length).toBe(33);
    for (let i = 0; i < 11; i++) expect(p.probs[i * 3] + p.probs[i * 3 + 1] + p.probs[i * 3 + 2]).toBeCloseTo(1, 6);
    expect(p.probs.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('chunks queries without changing the answer, and covers inputs beyond the limits through withinLimits', async () => {
    const yc = Int32Array.from({ length: 40 }, (_, i) => (i * 7) % 2);
    const whole = await tfmOnnxTeacher({ runtime }).predict(matrix(40, 4, 3), yc, 2, matrix(25, 4, 4));
    const chunked = await tfmOnnxTeacher({ runtime, queryChunk: 7 }).predict(matrix(40, 4, 3), yc, 2, matrix(25, 4, 4));
    whole.probs.forEach((v, i) => expect(chunked.probs[i]).toBeCloseTo(v, 6));
    const wide = await tfmTeacher({ runtime }).predict(matrix(1100, 40, 5), Int32Array.from({ length: 1100 }, (_, i) => i % 2), 2, matrix(6, 40, 6));
    expect(wide.n).toBe(6);
    for (let i = 0; i < 6; i++) expect(wide.probs[2 * i] + wide.probs[2 * i + 1]).toBeCloseTo(1, 6);
    await expect(tfmOnnxTeacher({ runtime }).predict(matrix(1100, 4, 1), new Int32Array(1100), 2, matrix(2, 4, 1))).rejects.toThrow(TeacherContractError);
    await expect(tfmTeacher({ runtime }).predict(matrix(20, 3, 1), new Int32Array(20), 11, matrix(2, 3, 1))).rejects.toThrow(TeacherContractError);
  });
});

describe('TFM teacher softmax temperature', () => {
  it('sharpens each member as softmax(logits / T): one member at T = 0.9 is the T = 1 output at temperature 0.9', async () => {
    const yc = Int32Array.from({ length: 30 }, (_, i) => i % 3);
    const plain = await tfmOnnxTeacher({ runtime, members: 1 }).predict(matrix(30, 5, 5), yc, 3, matrix(9, 5, 6));
    const sharp = await tfmOnnxTeacher({ runtime, members: 1, softmaxTemperature: 0.9 }).predict(matrix(30, 5, 5), yc, 3, matrix(9, 5, 6));
    const expected = applyTemperature(plain, 0.9).probs;
    expect(sharp.probs.some((v, i) => Math.abs(v - plain.probs[i]) > 1e-6)).toBe(true);
    expected.forEach((v, i) => expect(sharp.probs[i]).toBeCloseTo(v, 9));
  });
});

describe('the committed TFM (models/tfm)', () => {
  it('exists and separates breast-cancer-wisconsin on a held-out fold (AUC > 0.9)', async () => {
    expect(existsSync(DEFAULT_TFM_ONNX)).toBe(true);
    const task = await loadSharedDataset('breast-cancer-wisconsin', readShared('breast-cancer-wisconsin.csv'));
    const fold = stratifiedKFold(task.y, 2, 5, 0)[0];
    const { train, test } = preprocessSplit(task, fold.train, fold.test);
    const p = await tfmTeacher().predict(train, train.y, 2, test); // the Node default runtime and the committed file
    expect(aucFromProbs(p, test.y)).toBeGreaterThan(0.9);
  });
});
