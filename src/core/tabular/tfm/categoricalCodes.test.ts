import { describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../runtime/ortNode';
import type { ModelSession } from '../../runtime/session';
import type { Column, DataFrame } from '../data/frame';
import { fitPreprocessor } from '../data/preprocess';
import { loadSharedDataset } from '../data/registry';
import { readShared } from '../data/testData';
import { TFM_LIMITS, withinLimits } from '../teachers/teacher';
import { categoricalCodes } from './categoricalCodes';
import { DEFAULT_TFM_CONFIG, type TfmConfig } from './config';
import { initTfmParams } from './model';
import { buildTfmOnnx } from './onnxExport';
import { LEGACY_TFM_FEED, tfmOnnxTeacher, tfmTeacher, type TfmRuntime } from './tfmTeacher';

const tiny: TfmConfig = { ...DEFAULT_TFM_CONFIG, dModel: 16, nHead: 2, nLayer: 1, dMlp: 24, initStd: 0.3 };

/** The real ONNX runtime over a tiny random-weight tfm, recording the feature width of every forward. */
function recordingRuntime(widths: number[]): TfmRuntime {
  const backend = createNodeBackend({ numThreads: 1 });
  return {
    loadModel: async () => buildTfmOnnx(tiny, initTfmParams(tiny, 2)),
    backend: {
      ...backend,
      name: backend.name,
      defaultProviders: backend.defaultProviders,
      async createSession(bytes, options): Promise<ModelSession> {
        const s = await backend.createSession(bytes, options);
        return { info: s.info, executionProvider: s.executionProvider, dispose: () => s.dispose(),
          run: (feeds, o) => { widths.push(feeds.x_query.dims[2]); return s.run(feeds, o); } };
      },
    },
  };
}

const frame: DataFrame = {
  nRows: 6,
  columns: [
    { kind: 'numeric', name: 'age', values: Float64Array.from([20, 30, 40, 50, 60, NaN]) },
    { kind: 'categorical', name: 'colour', levels: ['red', 'green', 'blue'], codes: Int32Array.from([0, 1, 0, 1, 2, -1]) },
    { kind: 'numeric', name: 'height', values: Float64Array.from([1, 2, 3, 4, 5, 6]) },
  ] satisfies Column[],
};

describe('categorical codes for the tfm', () => {
  it('one-hot preprocessing records each categorical group; codes are fitted on the context rows only', () => {
    const pre = fitPreprocessor(frame, [0, 1, 2, 3, 4]);
    const ctx = pre.transform(frame, [0, 1, 2, 3]); // blue (level 2) never in the context
    const q = pre.transform(frame, [4, 5, 0]);
    expect(ctx.names).toEqual(['age', 'colour=red', 'colour=green', 'colour=blue', 'height']);
    expect(ctx.categoricalGroups).toEqual([{ name: 'colour', columns: [1, 2, 3] }]);
    const coded = categoricalCodes(ctx, q);
    expect(coded.xc.names).toEqual(['age', 'colour', 'height']);
    expect(coded.xc.d).toBe(3);
    // both matrices name their code columns, so the teacher can relabel levels per member (codeOrder)
    expect(coded.codedColumns).toEqual([1]);
    expect(coded.xc.codedColumns).toEqual([1]);
    expect(coded.xq.codedColumns).toEqual([1]);
    expect(Array.from({ length: 4 }, (_, i) => coded.xc.x[i * 3 + 1])).toEqual([0, 1, 0, 1]);
    // blue is unseen in the context → NaN (the model's missing value); a missing cell arrives imputed to the mode (red)
    expect(coded.xq.x[1]).toBeNaN();
    expect(coded.xq.x[3 + 1]).toBe(0);
    expect(coded.xq.x[6 + 1]).toBe(0);
    // numeric columns pass through unchanged
    expect(coded.xq.x[2]).toBe(q.x[4]);
  });

  it('leaves matrices without (or with stale) groups unchanged', () => {
    const pre = fitPreprocessor(frame, [0, 1, 2, 3, 4]);
    const m = pre.transform(frame);
    const { categoricalGroups: _, ...plain } = m;
    expect(categoricalCodes(plain, plain).xc).toBe(plain);
    const stale = { ...m, names: m.names.map((n) => n.replace('colour=', 'c=')) };
    expect(categoricalCodes(stale, stale).xc).toBe(stale);
  });

  it('german reaches the network as one block of its 20 source columns (one-hot: two blocks of ~30)', async () => {
    const task = await loadSharedDataset('german', readShared('german.csv'));
    const rows = Array.from({ length: 300 }, (_, i) => i);
    const pre = fitPreprocessor(task.features, rows.slice(0, 200));
    const xc = pre.transform(task.features, rows.slice(0, 200));
    const xq = pre.transform(task.features, rows.slice(200));
    const yc = task.y.slice(0, 200);
    expect(xc.d).toBeGreaterThan(TFM_LIMITS.maxFeatures);
    const codes: number[] = [];
    const p = await tfmTeacher({ runtime: recordingRuntime(codes), members: 2 }).predict(xc, yc, 2, xq);
    expect(codes).toEqual([20, 20]);
    for (let i = 0; i < p.n; i++) expect(p.probs[2 * i] + p.probs[2 * i + 1]).toBeCloseTo(1, 6);
    const onehot: number[] = [];
    await tfmTeacher({ runtime: recordingRuntime(onehot), members: 2, categorical: 'onehot' }).predict(xc, yc, 2, xq);
    expect(onehot.length).toBe(4); // two feature blocks × two members
    expect(onehot.reduce((a, b) => a + b, 0)).toBe(2 * xc.d);
  });

  it('oneHotMaxLevels keeps narrow groups one-hot and codes the wider ones (a hybrid feed)', () => {
    const two: DataFrame = { nRows: 6, columns: [...frame.columns, { kind: 'categorical', name: 'flag', levels: ['no', 'yes'], codes: Int32Array.from([0, 1, 1, 0, 1, 0]) }] };
    const pre = fitPreprocessor(two, [0, 1, 2, 3, 4, 5]);
    const m = pre.transform(two);
    const hybrid = categoricalCodes(m, m, { oneHotMaxLevels: 2 });
    expect(hybrid.xc.names).toEqual(['age', 'colour', 'height', 'flag=no', 'flag=yes']);
    expect(hybrid.codedColumns).toEqual([1]);
    expect(Array.from({ length: 6 }, (_, i) => hybrid.xc.x[i * 5 + 4])).toEqual([0, 1, 1, 0, 1, 0]);
    expect(categoricalCodes(m, m, { oneHotMaxLevels: 3 }).xc).toBe(m); // nothing left to code
    expect(categoricalCodes(m, m).xc.names).toEqual(['age', 'colour', 'height', 'flag']);
  });

  it("levelOrder 'target' codes levels by the context's smoothed share of the rarest class", () => {
    const pre = fitPreprocessor(frame, [0, 1, 2, 3, 4]);
    const ctx = pre.transform(frame, [0, 1, 2, 3, 4]); // red green red green blue
    const yc = Int32Array.from([1, 0, 1, 0, 0]); // class 1 is rarer: red 2/2, green 0/2, blue 0/1
    const codes = (order: 'plan' | 'target'): number[] => {
      const c = categoricalCodes(ctx, ctx, { levelOrder: order }, yc, 2).xc;
      return Array.from({ length: 5 }, (_, i) => c.x[i * 3 + 1]);
    };
    expect(codes('plan')).toEqual([0, 1, 0, 1, 2]);
    // shares smoothed by one pseudo-row at the overall 0.4: green 0.13 < blue 0.2 < red 0.8
    expect(codes('target')).toEqual([2, 0, 2, 0, 1]);
  });

  it('tfmTeacher passes oneHotMaxLevels through: german with its two binary columns one-hot is 22 wide', async () => {
    const task = await loadSharedDataset('german', readShared('german.csv'));
    const rows = Array.from({ length: 160 }, (_, i) => i);
    const pre = fitPreprocessor(task.features, rows.slice(0, 120));
    const widths: number[] = [];
    await tfmTeacher({ runtime: recordingRuntime(widths), members: 1, oneHotMaxLevels: 2 })
      .predict(pre.transform(task.features, rows.slice(0, 120)), task.y.slice(0, 120), 2, pre.transform(task.features, rows.slice(120)));
    expect(widths).toEqual([22]);
  });

  it('LEGACY_TFM_FEED reproduces the teacher before the feeding options', async () => {
    const task = await loadSharedDataset('german', readShared('german.csv'));
    const rows = Array.from({ length: 160 }, (_, i) => i);
    const pre = fitPreprocessor(task.features, rows.slice(0, 120));
    const xc = pre.transform(task.features, rows.slice(0, 120));
    const xq = pre.transform(task.features, rows.slice(120));
    const runtime = recordingRuntime([]);
    const legacy = await tfmTeacher({ runtime, members: 2, ...LEGACY_TFM_FEED }).predict(xc, task.y.slice(0, 120), 2, xq);
    const before = await withinLimits(tfmOnnxTeacher({ runtime, members: 2 }), TFM_LIMITS, 0).predict(xc, task.y.slice(0, 120), 2, xq);
    expect(Array.from(legacy.probs)).toEqual(Array.from(before.probs));
  });
});
