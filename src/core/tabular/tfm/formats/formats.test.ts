// Real TFM export formats through the user-TFM path (loadUserTfm), on contract replicas built here: the TabPFN v2
// and TabICL ONNX contracts with a kernel-vote head. They must load without a sidecar, give probabilities on a
// shipped dataset, undo the class permutations (a 3-class task would fall to chance otherwise), and refuse bad
// exports with errors that name the problem.
import { describe, expect, it } from 'vitest';
import { widthRecorder } from '../widthRecorder';
import { aucFromProbs } from '../../../metrics/classification';
import { createNodeBackend } from '../../../runtime/ortNode';
import { tensor } from '../../../runtime/tensor';
import { preprocessSplit } from '../../data/preprocess';
import { loadSharedDataset } from '../../data/registry';
import { stratifiedKFold } from '../../data/split';
import { readShared } from '../../data/testData';
import { fitPreprocessor } from '../../data/preprocess';
import type { FeatureMatrix } from '../../matrix';
import { DEFAULT_TFM_CONFIG } from '../config';
import { initTfmParams } from '../model';
import { buildTfmOnnx } from '../onnxExport';
import { loadUserTfm } from '../userTfm';
import { fitOutlierClip } from './preprocess';
import { buildTabiclReplica, buildTabpfnV2Replica } from './replicas';

const backend = createNodeBackend({ numThreads: 1 });

function checkProbs(p: { probs: Float64Array; n: number; k: number }, n: number, k: number): void {
  expect(p.n).toBe(n);
  expect(p.k).toBe(k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) { const v = p.probs[i * k + c]; expect(v).toBeGreaterThanOrEqual(0); s += v; }
    expect(s).toBeCloseTo(1, 9);
  }
}

/** Three well-separated classes in 3 features (class c centred on 4·e_c), labels in a scrambled row order. */
function threeClasses(n: number, seed: number): { x: FeatureMatrix; y: Int32Array } {
  const y = Int32Array.from({ length: n }, (_, i) => (i * 7 + seed) % 3);
  const x = Float64Array.from({ length: n * 3 }, (_, t) => (y[Math.floor(t / 3)] === t % 3 ? 4 : 0) + Math.sin(t * 1.7 + seed));
  return { x: { x, n, d: 3, names: ['a', 'b', 'c'] }, y };
}

async function breastCancerFold() {
  const task = await loadSharedDataset('breast-cancer-wisconsin', readShared('breast-cancer-wisconsin.csv'));
  const fold = stratifiedKFold(task.y, 2, 5, 1)[0];
  return preprocessSplit(task, fold.train, fold.test);
}

describe('real TFM formats through the user-TFM path (contract replicas)', () => {
  it.each([
    ['tabpfn-v2', () => buildTabpfnV2Replica('script')],
    ['tabicl', () => buildTabiclReplica()],
  ])('%s gets german\'s categoricals as ordinal codes (as its package feeds them), one-hot when the sidecar asks', async (format, build) => {
    const task = await loadSharedDataset('german', readShared('german.csv'));
    const rows = Array.from({ length: 260 }, (_, i) => i);
    const pre = fitPreprocessor(task.features, rows.slice(0, 200));
    const xc = pre.transform(task.features, rows.slice(0, 200));
    const xq = pre.transform(task.features, rows.slice(200));
    const width = async (sidecar: Record<string, unknown>): Promise<number> => {
      const widths: number[] = [];
      const user = await loadUserTfm(build(), JSON.stringify({ format, nEstimators: 2, ...sidecar }), widthRecorder(widths, 'X', backend));
      checkProbs(await user.teacher.predict(xc, task.y.slice(0, 200), 2, xq), xq.n, 2);
      await user.dispose();
      return Math.max(...widths);
    };
    const codes = await width({});
    const onehot = await width({ categoricalEncoding: 'onehot' });
    // 20 source columns (7 numeric) vs 61 one-hot/numeric columns; TabPFN v2 adds quantile copies and a fingerprint
    expect(codes).toBeLessThan(onehot);
    expect(codes).toBeLessThanOrEqual(format === 'tabicl' ? 20 : 20 + 7 + 1);
    expect(onehot).toBeGreaterThan(40);
  });

  it.each([
    ['tabpfn-v2 (compile_to_onnx.py: X, y, single_eval_pos, only_return_standard_out)', () => buildTabpfnV2Replica('script'), 'tabpfn-v2'],
    ['tabpfn-v2 (traced: X, y)', () => buildTabpfnV2Replica('traced'), 'tabpfn-v2'],
    ['tabicl (X, y_train)', () => buildTabiclReplica(), 'tabicl'],
  ])('%s loads without a sidecar and separates breast-cancer-wisconsin', async (_label, build, format) => {
    const { train, test } = await breastCancerFold();
    const user = await loadUserTfm(build(), '', backend);
    expect(user.format).toBe(format);
    expect(user.name).toBe(format);
    const p = await user.teacher.predict(train, train.y, 2, test);
    checkProbs(p, test.n, 2);
    expect(aucFromProbs(p, test.y)).toBeGreaterThan(0.9);
    await user.dispose();
  });

  it.each([
    ['tabpfn-v2', () => buildTabpfnV2Replica('script')],
    ['tabicl', () => buildTabiclReplica()],
  ])('%s undoes its class permutations on a 3-class task, and a sidecar sets members and name', async (format, build) => {
    const ctx = threeClasses(90, 1);
    const qry = threeClasses(30, 2);
    const user = await loadUserTfm(build(), JSON.stringify({ format, name: 'mine', nEstimators: 3 }), backend);
    expect(user.name).toBe('mine');
    const progress: number[] = [];
    const p = await user.teacher.predict(ctx.x, ctx.y, 3, qry.x, undefined, (done) => progress.push(done));
    checkProbs(p, 30, 3);
    let right = 0;
    for (let i = 0; i < 30; i++) {
      const row = [0, 1, 2].map((c) => p.probs[i * 3 + c]);
      if (row.indexOf(Math.max(...row)) === qry.y[i]) right++;
    }
    expect(right).toBeGreaterThanOrEqual(28);
    expect(progress.at(-1)).toBe(3);
    // a class missing from the context gets probability 0, the rest still sum to 1
    const two = Int32Array.from(ctx.y, (c) => (c === 2 ? 0 : c));
    const q = await user.teacher.predict(ctx.x, two, 3, qry.x);
    checkProbs(q, 30, 3);
    for (let i = 0; i < 30; i++) expect(q.probs[i * 3 + 2]).toBe(0);
    await user.dispose();
  });

  it('the TabPFN v2 replica normalises in graph as the package does: NaN → context mean, 12σ soft clip, z-score', async () => {
    // 200 context rows (one NaN, one value beyond 12σ: possible only with n > 145) and 2 query rows
    const ctxCol = Array.from({ length: 200 }, (_, i) => (i === 3 ? NaN : i === 199 ? 1e4 : 2 * Math.sin(i * 1.3)));
    const col = [...ctxCol, 0.5, -5000];
    const n = ctxCol.length;
    const session = await backend.createSession(buildTabpfnV2Replica('script', { exposeNormalised: true }), { file: 'replica.onnx' });
    const out = await session.run({
      X: tensor('float32', Float32Array.from(col), [col.length, 1, 1]), y: tensor('float32', new Float32Array(n), [n]),
      single_eval_pos: tensor('int64', BigInt64Array.of(BigInt(n)), []), only_return_standard_out: tensor('bool', Uint8Array.of(1), []),
    });
    // reference: NanHandlingEncoderStep, remove_outliers(n_sigma 12), normalize_data (ddof 1, + 1e-20, clip ±100)
    const finite = ctxCol.filter((v) => !Number.isNaN(v));
    const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
    const imputed = Float64Array.from(col, (v) => (Number.isNaN(v) ? mean : v));
    const clip = fitOutlierClip(imputed.subarray(0, n), 12);
    const clipped = imputed.map(clip.apply);
    const ctx = Array.from(clipped.subarray(0, n));
    const m = ctx.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(ctx.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1)) + 1e-20;
    const want = Array.from(clipped, (v) => Math.max(-100, Math.min(100, (v - m) / sd)));
    expect(clip.apply(1e4)).toBeLessThan(100); // the extreme context value is pulled in to upper + log(1 + x) …
    expect(want[n + 1]).toBeGreaterThan(-100); // … and the far query value clipped softly, not to ±100
    Array.from(out.z.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    await session.dispose();
  });

  it('refuses bad exports and sidecars with errors that name the problem', async () => {
    await expect(loadUserTfm(buildTabpfnV2Replica('script', { rename: { X: 'features' } }), '', backend))
      .rejects.toThrow(/its inputs are "features", "y", "single_eval_pos", "only_return_standard_out".*Supported: TabPFN v2 \(X, y/);
    await expect(loadUserTfm(buildTabpfnV2Replica('script', { rename: { X: 'features' } }), '{"format": "tabpfn-v2"}', backend))
      .rejects.toThrow(/TabPFN v2 export has no input "X" \(context rows then query rows/);
    await expect(loadUserTfm(buildTabpfnV2Replica('script', { labelDtype: 'int64' }), '', backend))
      .rejects.toThrow(/Input "y" of this TabPFN v2 export is int64; the TabPFN v2 contract feeds float32/);
    await expect(loadUserTfm(buildTabiclReplica({ labelDtype: 'int64' }), '', backend))
      .rejects.toThrow(/Input "y_train" of this TabICL export is int64; the TabICL contract feeds float32/);
    // PriorLabs/TabPFN issue #97: early exports fixed the feature count of the example input
    await expect(loadUserTfm(buildTabpfnV2Replica('traced', { fixedFeatures: 5 }), '', backend))
      .rejects.toThrow(/Input "X" of this TabPFN v2 export has a fixed features axis of 5 \[num_datapoints, batch_size, 5\].*dynamic_axes for "X" axis 2/);
    await expect(loadUserTfm(buildTabiclReplica({ fixedFeatures: 5 }), '', backend)).rejects.toThrow(/TabICL export has a fixed features axis of 5/);
    await expect(loadUserTfm(buildTabiclReplica(), '{"format": "tabicl", "output": "probs"}', backend))
      .rejects.toThrow(/TabICL export has no output "probs" \(its outputs: logits\)/);
    await expect(loadUserTfm(buildTabiclReplica(), '{"format": "tabicl", "nEstimators": 0}', backend)).rejects.toThrow(/invalid at "nEstimators"/);
    await expect(loadUserTfm(buildTabiclReplica(), '{"format": "tabicl", "temperature": 1}', backend)).rejects.toThrow(/invalid at "\(root\)".*temperature/);
    await expect(loadUserTfm(buildTabiclReplica(), '{"format": "tabpfn-v3"}', backend)).rejects.toThrow(/Unknown TFM format "tabpfn-v3"/);
    await expect(loadUserTfm(buildTabiclReplica(), '[1]', backend)).rejects.toThrow(/must be an object/);
  });

  it('too many classes is refused through withinLimits with the format\'s advice', async () => {
    const x: FeatureMatrix = { x: Float64Array.from({ length: 24 * 2 }, (_, i) => Math.sin(i)), n: 24, d: 2, names: ['a', 'b'] };
    const y = Int32Array.from({ length: 24 }, (_, i) => i % 11);
    const pfn = await loadUserTfm(buildTabpfnV2Replica('traced'), '', backend);
    await expect(pfn.teacher.predict(x, y, 11, x)).rejects.toThrow(/handles at most 10 classes; this task has 11\. TabPFN v2 was pre-trained on at most 10 classes/);
    const icl = await loadUserTfm(buildTabiclReplica(), '', backend);
    await expect(icl.teacher.predict(x, y, 11, x)).rejects.toThrow(/at most 10 classes; this task has 11\. TabICL's checkpoint has max_classes 10/);
    await Promise.all([pfn.dispose(), icl.dispose()]);
  });

  it('the workbench contract still loads, with or without its JSON', async () => {
    const tiny = { ...DEFAULT_TFM_CONFIG, dModel: 16, nHead: 2, nLayer: 1, dMlp: 24 };
    const bytes = buildTfmOnnx(tiny, initTfmParams(tiny, 2));
    const auto = await loadUserTfm(bytes, '', backend);
    expect([auto.format, auto.name]).toEqual(['workbench-tfm-contract', 'user-tfm']);
    const named = await loadUserTfm(bytes, '{"format": "workbench-tfm-contract", "version": 1, "name": "my-tfm"}', backend);
    expect(named.name).toBe('my-tfm');
    const x: FeatureMatrix = { x: Float64Array.from({ length: 20 }, (_, i) => Math.cos(i)), n: 10, d: 2, names: ['a', 'b'] };
    checkProbs(await named.teacher.predict(x, Int32Array.from({ length: 10 }, (_, i) => i % 2), 2, x), 10, 2);
    await Promise.all([auto.dispose(), named.dispose()]);
  });
});
