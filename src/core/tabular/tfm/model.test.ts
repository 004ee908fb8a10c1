import { grad, jit, nn } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, keep, readF32, release, takeF32, type ArrRecord } from '../../lab';
import { createNodeBackend } from '../../runtime/ortNode';
import { emptyBatch, packTask, priorBatch, targetsOf, toInputs } from './batch';
import { DEFAULT_TFM_CONFIG, type TfmConfig } from './config';
import { decodeTfmWeights, encodeTfmWeights } from './io';
import { tfmForward, tfmLoss, initTfmParams, toEngineParams, type TfmInputs } from './model';
import { buildTfmOnnx } from './onnxExport';
import { tfmParity } from './parity';

const tiny: TfmConfig = { ...DEFAULT_TFM_CONFIG, dModel: 16, nHead: 2, nLayer: 2, dMlp: 24, initStd: 0.3 };

beforeAll(async () => { await initEngine(); });

describe('TFM forward (jax-js)', () => {
  it('gives query rows that ignore each other, and probability 0 to classes absent from the context', () => {
    const params = toEngineParams(tiny, initTfmParams(tiny, 3));
    const probsFor = (queries: number): Float32Array => {
      const b = emptyBatch(1, 12, queries, tiny.maxFeatures);
      const x = Float32Array.from({ length: (12 + queries) * 3 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 5)));
      const y = Int32Array.from({ length: 12 + queries }, (_, i) => [1, 4, 6][i % 3]);
      packTask(b, 0, x, y, 3);
      return takeF32(nn.softmax(tfmForward(tiny, keep(params), toInputs(b)), -1));
    };
    const one = probsFor(1);
    const many = probsFor(5);
    for (let c = 0; c < 10; c++) expect(many[c]).toBeCloseTo(one[c], 6); // query 0 alone or among four others
    for (let c = 0; c < 10; c++) if (![1, 4, 6].includes(c)) expect(one[c]).toBe(0);
    expect(one[1] + one[4] + one[6]).toBeCloseTo(1, 6);
    release(params);
  });

  it('has jitted gradients equal to eager ones (FACTS: compare a new jitted gradient once)', () => {
    const params = toEngineParams(tiny, initTfmParams(tiny, 5));
    const b = priorBatch(77, 2, 10, 6, tiny.maxFeatures, tiny.maxClasses);
    const lossOf = (p: ArrRecord, inp: TfmInputs, yq: ReturnType<typeof targetsOf>['yq'], wq: ReturnType<typeof targetsOf>['wq']) => tfmLoss(tfmForward(tiny, p, inp), yq, wq);
    const t1 = targetsOf(b);
    const eager = grad(lossOf)(keep(params), toInputs(b), t1.yq, t1.wq) as ArrRecord;
    const t2 = targetsOf(b);
    const jitted = jit(grad(lossOf))(keep(params), toInputs(b), t2.yq, t2.wq) as ArrRecord;
    for (const name of ['embed.x.weight', 'embed.y.weight', 'layers.0.attn.k.weight', 'layers.1.mlp.fc.weight', 'head.bias']) {
      const e = readF32(eager[name]);
      const j = readF32(jitted[name]);
      const scale = Math.max(...e.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < e.length; i++) expect(Math.abs(e[i] - j[i])).toBeLessThan(1e-4 * scale + 1e-7);
    }
    release(eager);
    release(jitted);
    release(params);
  });
});

describe('TFM ONNX export', () => {
  it('matches the jax-js forward within 1e-4 on random inputs (NaNs, 1–32 features, absent classes)', async () => {
    const host = decodeTfmWeights(encodeTfmWeights(tiny, initTfmParams(tiny, 11))); // through safetensors too
    const onnx = buildTfmOnnx(tiny, host);
    const r = await tfmParity(tiny, host, onnx, createNodeBackend({ numThreads: 1 }), 4);
    expect(r.cases.length).toBe(4);
    expect(r.maxAbsDiff).toBeLessThan(1e-4);
  });
});
