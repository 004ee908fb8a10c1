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
import { TFM_FEEDS, tfmOnnxTeacher, tfmTeacher, type TfmRuntime } from './tfmTeacher';
import { widthRecorder } from './widthRecorder';

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

describe('TFM teacher categorical code order', () => {
  // column 1 holds codes 0..3 (as categoricalCodes writes them), the others are numeric
  function coded(n: number, seed: number, levels = 4): FeatureMatrix {
    const m = matrix(n, 4, seed);
    for (let i = 0; i < n; i++) m.x[i * 4 + 1] = (i * 7 + seed) % levels;
    return { ...m, codedColumns: [1] };
  }
  const yc = Int32Array.from({ length: 36 }, (_, i) => (i * 5) % 3);

  it('relabels the coded levels of members after the first, and nothing else', async () => {
    const fixed = (members: number) => tfmOnnxTeacher({ runtime, members, codeOrder: 'fixed' });
    const shuffled = (members: number) => tfmOnnxTeacher({ runtime, members, codeOrder: 'shuffled-per-member' });
    // member 0 sees the codes as given
    const one = await fixed(1).predict(coded(36, 1), yc, 3, coded(9, 2));
    (await shuffled(1).predict(coded(36, 1), yc, 3, coded(9, 2))).probs.forEach((v, i) => expect(v).toBe(one.probs[i]));
    // later members see other codes: the output moves
    const a = await fixed(6).predict(coded(36, 1), yc, 3, coded(9, 2));
    const b = await shuffled(6).predict(coded(36, 1), yc, 3, coded(9, 2));
    expect(b.probs.some((v, i) => Math.abs(v - a.probs[i]) > 1e-5)).toBe(true);
    // a single level has only the identity relabelling, and a matrix without coded columns is untouched: the
    // feature and class permutations are the fixed order's, bit for bit
    const single = await fixed(6).predict(coded(36, 1, 1), yc, 3, coded(9, 2, 1));
    (await shuffled(6).predict(coded(36, 1, 1), yc, 3, coded(9, 2, 1))).probs.forEach((v, i) => expect(v).toBe(single.probs[i]));
    const plain = await fixed(6).predict(matrix(36, 4, 1), yc, 3, matrix(9, 4, 2));
    (await shuffled(6).predict(matrix(36, 4, 1), yc, 3, matrix(9, 4, 2))).probs.forEach((v, i) => expect(v).toBe(plain.probs[i]));
  });

  it('is the default of tfmTeacher (DEFAULT_TFM_FEED), not only of an explicit option', async () => {
    const byDefault = await tfmTeacher({ runtime }).predict(coded(36, 1), yc, 3, coded(9, 2));
    const shuffledOut = await tfmTeacher({ runtime, codeOrder: 'shuffled-per-member' }).predict(coded(36, 1), yc, 3, coded(9, 2));
    const fixedOut = await tfmTeacher({ runtime, codeOrder: 'fixed' }).predict(coded(36, 1), yc, 3, coded(9, 2));
    byDefault.probs.forEach((v, i) => expect(v).toBe(shuffledOut.probs[i]));
    expect(byDefault.probs.some((v, i) => Math.abs(v - fixedOut.probs[i]) > 1e-5)).toBe(true);
  });

  it('keeps the coded columns through withinLimits feature blocks', async () => {
    const wide = matrix(20, 40, 3);
    const seen: string[][] = [];
    const inner = { id: 'spy', async predict(xc: FeatureMatrix, _y: Int32Array, k: number, xq: FeatureMatrix) {
      seen.push((xc.codedColumns ?? []).map((j) => xc.names[j]));
      expect(xq.codedColumns).toEqual(xc.codedColumns);
      return { probs: new Float64Array(xq.n * k).fill(1 / k), n: xq.n, k };
    } };
    const { withinLimits: limit, TFM_LIMITS: limits } = await import('../teachers/teacher');
    await limit(inner, limits, 0).predict({ ...wide, codedColumns: [3, 17, 38] }, new Int32Array(20), 2, { ...matrix(4, 40, 4), codedColumns: [3, 17, 38] });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.flat().sort()).toEqual(['f17', 'f3', 'f38']);
  });

  it('runs membersWithCodes members on inputs with coded columns only: 32 by default, 8 in v4 links and with an explicit count', async () => {
    const runs = async (options: Parameters<typeof tfmTeacher>[0], x: (n: number, seed: number) => FeatureMatrix): Promise<number> => {
      const widths: number[] = [];
      await tfmTeacher({ ...options, runtime: { ...runtime, backend: widthRecorder(widths, 'x_query') } }).predict(x(36, 1), yc, 3, x(9, 2));
      return widths.length; // one ONNX run per member (9 queries: one chunk)
    };
    const plain = (n: number, seed: number) => matrix(n, 4, seed);
    expect(await runs({}, coded)).toBe(32);
    expect(await runs({}, plain)).toBe(8);
    expect(await runs({ ...TFM_FEEDS['shuffled-codes-32-members-minority-complete'] }, coded)).toBe(32);
    expect(await runs({ ...TFM_FEEDS['shuffled-codes-minority-complete'] }, coded)).toBe(8);
    expect(await runs({ ...TFM_FEEDS['codes-minority-complete'] }, coded)).toBe(8);
    expect(await runs({ members: 16 }, coded)).toBe(16);
    expect(await runs({ members: 2, membersWithCodes: 5 }, coded)).toBe(5);
    expect(await runs({ members: 2, membersWithCodes: 5 }, plain)).toBe(2);
  });
});
