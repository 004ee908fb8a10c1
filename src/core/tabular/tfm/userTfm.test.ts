import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { widthRecorder } from './widthRecorder';
import { aucFromProbs } from '../../metrics/classification';
import { createNodeBackend } from '../../runtime/ortNode';
import { preprocessSplit } from '../data/preprocess';
import { loadSharedDataset } from '../data/registry';
import { stratifiedKFold } from '../data/split';
import { readShared } from '../data/testData';
import { TeacherContractError } from '../teachers/teacher';
import { DEFAULT_TFM_ONNX } from './nodeRuntime';
import { LEGACY_TFM_FEED, tfmTeacher } from './tfmTeacher';
import { loadUserTfm, parseTfmContract, userOnnxTeacher } from './userTfm';
import { fitPreprocessor } from '../data/preprocess';
import { categoricalCodes } from './categoricalCodes';
import { DEFAULT_TFM_CONFIG } from './config';
import { initTfmParams } from './model';
import { buildTfmOnnx } from './onnxExport';

const contract = (extra: Record<string, unknown> = {}) => JSON.stringify({ format: 'workbench-tfm-contract', version: 1, name: 'my-tfm', ...extra });

describe('user-supplied ONNX TFM with a JSON contract', () => {
  it('runs a model file through its contract and equals the embedded teacher on the same file', async () => {
    const task = await loadSharedDataset('breast-cancer-wisconsin', readShared('breast-cancer-wisconsin.csv'));
    const fold = stratifiedKFold(task.y, 2, 5, 1)[0];
    const { train, test } = preprocessSplit(task, fold.train, fold.test);
    const user = await userOnnxTeacher(new Uint8Array(readFileSync(DEFAULT_TFM_ONNX)), parseTfmContract(contract()), createNodeBackend());
    const p = await user.predict(train, train.y, 2, test);
    // the contract teacher feeds the design matrix as it comes, at T = 1: the embedded teacher's old feed
    const q = await tfmTeacher({ members: 1, ...LEGACY_TFM_FEED }).predict(train, train.y, 2, test);
    let worst = 0;
    for (let i = 0; i < p.probs.length; i++) worst = Math.max(worst, Math.abs(p.probs[i] - q.probs[i]));
    expect(worst).toBeLessThan(1e-6);
    expect(user.id).toBe('my-tfm');
    expect(aucFromProbs(p, test.y)).toBeGreaterThan(0.9);
    await user.dispose();
  });

  it('refuses a contract that does not match the model, a malformed contract, and too many classes', async () => {
    const bytes = new Uint8Array(readFileSync(DEFAULT_TFM_ONNX));
    await expect(userOnnxTeacher(bytes, parseTfmContract(contract({ inputs: { xContext: 'context' } })), createNodeBackend()))
      .rejects.toThrow(/no input "context" \(its inputs: x_context, y_context, x_query\)/);
    await expect(userOnnxTeacher(bytes, parseTfmContract(contract({ output: 'logits' })), createNodeBackend())).rejects.toThrow(/no output "logits"/);
    expect(() => parseTfmContract('{"format": "other"}')).toThrow(TeacherContractError);
    expect(() => parseTfmContract('not json')).toThrow(/not valid JSON/);
    const t = await userOnnxTeacher(bytes, parseTfmContract(contract({ maxClasses: 2 })), createNodeBackend());
    const x = { x: new Float64Array(6), n: 3, d: 2, names: ['a', 'b'] };
    await expect(t.predict(x, Int32Array.from([0, 1, 2]), 3, x)).rejects.toThrow(/at most 2 classes/);
  });
});

describe('the workbench contract declares its categorical input', () => {
  it('one-hot by default (as before the field), one column of codes per categorical with "categoricalEncoding": "codes"', async () => {
    // a small real user model: the tfm architecture at toy size, random weights, exported to ONNX here
    const tiny = { ...DEFAULT_TFM_CONFIG, dModel: 16, nHead: 2, nLayer: 1, dMlp: 24 };
    const bytes = buildTfmOnnx(tiny, initTfmParams(tiny, 3));
    const task = await loadSharedDataset('german', readShared('german.csv'));
    const rows = Array.from({ length: 160 }, (_, i) => i);
    const pre = fitPreprocessor(task.features, rows.slice(0, 120));
    const xc = pre.transform(task.features, rows.slice(0, 120));
    const xq = pre.transform(task.features, rows.slice(120));
    const yc = task.y.slice(0, 120);
    const run = async (extra: Record<string, unknown>, x = { xc, xq }) => {
      const widths: number[] = [];
      const user = await loadUserTfm(bytes, contract(extra), widthRecorder(widths, 'x_context'));
      const p = await user.teacher.predict(x.xc, yc, 2, x.xq);
      await user.dispose();
      return { p, widths, encoding: user.categoricalEncoding };
    };
    const onehot = await run({});
    const codes = await run({ categoricalEncoding: 'codes' });
    expect(onehot.encoding).toBe('onehot');
    expect(codes.encoding).toBe('codes');
    expect(xc.d).toBeGreaterThan(40);
    // german's 61 one-hot/numeric columns exceed the contract's 32 features: feature blocks, each over 20 wide
    expect(onehot.widths.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...onehot.widths)).toBeGreaterThan(20);
    expect(codes.widths).toEqual([20]); // german's 20 source columns, one member
    // codes = the one-hot teacher fed categoricalCodes' matrices: the same model, only the feed differs
    const coded = categoricalCodes(xc, xq);
    const byHand = await run({ categoricalEncoding: 'onehot' }, { xc: coded.xc, xq: coded.xq });
    let worst = 0;
    for (let i = 0; i < codes.p.probs.length; i++) worst = Math.max(worst, Math.abs(codes.p.probs[i] - byHand.p.probs[i]));
    expect(worst).toBeLessThan(1e-9);
    expect(codes.p.probs).not.toEqual(onehot.p.probs);
    expect(() => parseTfmContract(contract({ categoricalEncoding: 'ordinal' }))).toThrow(/invalid at "categoricalEncoding"/);
  });
});
