// ONNX ↔ jax-js agreement of the TFM: the same random tasks (raw scales, NaNs, absent classes, several feature,
// context and query sizes) through the exported graph on an ORT backend and through model.ts on the lab engine.
// Used by the forge's export step and by the tests; returns the largest absolute probability difference.
import { nn } from '@jax-js/jax';
import { initEngine, takeF32 } from '../../lab';
import type { OrtBackend } from '../../runtime/session';
import { tensor } from '../../runtime/tensor';
import { makeRng } from '../data/rng';
import { emptyBatch, packTask, toInputs } from './batch';
import type { HostParams, TfmConfig } from './config';
import { tfmForward, toEngineParams } from './model';
import { normal } from './prior';

export interface ParityCase { nCtx: number; nQuery: number; nFeat: number; classes: number; maxAbsDiff: number }

const CASES: [number, number, number, number][] = [[5, 3, 1, 2], [40, 17, 7, 3], [64, 9, 32, 10], [23, 31, 13, 4]];

/** Runs every case; `seed` draws the inputs. */
export async function tfmParity(c: TfmConfig, params: HostParams, onnx: Uint8Array, backend: OrtBackend, seed: number): Promise<{ maxAbsDiff: number; cases: ParityCase[] }> {
  await initEngine();
  const session = await backend.createSession(onnx, { file: 'tfm/onnx/model.onnx' });
  const rng = makeRng(seed);
  const cases: ParityCase[] = [];
  try {
    for (const [nCtx, nQuery, nFeat, classes] of CASES) {
      const n = nCtx + nQuery;
      const x = new Float32Array(n * nFeat);
      for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.05 ? NaN : normal(rng) * 3 + 1;
      // Labels from a subset of class slots, so the absent-class mask is exercised too.
      const y = Int32Array.from({ length: n }, () => (rng.int(classes) * 7) % c.maxClasses);
      const out = await session.run({
        x_context: tensor('float32', x.slice(0, nCtx * nFeat), [1, nCtx, nFeat]),
        y_context: tensor('int64', BigInt64Array.from(y.subarray(0, nCtx), (v) => BigInt(v)), [1, nCtx]),
        x_query: tensor('float32', x.slice(nCtx * nFeat), [1, nQuery, nFeat]),
      });
      const onnxProbs = out.probs.data as Float32Array;
      const batch = emptyBatch(1, nCtx, nQuery, c.maxFeatures);
      packTask(batch, 0, x, y, nFeat);
      const jaxProbs = takeF32(nn.softmax(tfmForward(c, toEngineParams(c, params), toInputs(batch)), -1));
      let maxAbsDiff = 0;
      for (let i = 0; i < jaxProbs.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(jaxProbs[i] - onnxProbs[i]));
      if (onnxProbs.length !== jaxProbs.length) maxAbsDiff = Infinity;
      cases.push({ nCtx, nQuery, nFeat, classes, maxAbsDiff });
    }
  } finally {
    await session.dispose();
  }
  return { maxAbsDiff: Math.max(...cases.map((k) => k.maxAbsDiff)), cases };
}
