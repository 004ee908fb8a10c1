// Browser worker of bench/train-backends.ts: the training engine (src/core/experiments/train/api.ts) in a dedicated
// worker, model files fetched from the bench's server (models/<id>/<file>), rows given inline (the driver builds the
// forge sample in Node so both sides train on the same rows). One case per message; the result's logs, throughput
// and backend go back.
import { createTrainEngine, type TrainJobRequest } from '../src/core/experiments/train/api';

const engine = createTrainEngine({
  readModelFiles: async (id, files) => {
    const out = new Map<string, Uint8Array>();
    for (const f of files) {
      const r = await fetch(`/models/${id}/${f}`);
      if (r.ok) out.set(f, new Uint8Array(await r.arrayBuffer()));
    }
    return out;
  },
  corpus: async () => {
    throw new Error('the bench gives its rows inline');
  },
});

self.onmessage = async (e: MessageEvent<TrainJobRequest>) => {
  try {
    const r = await engine.runTrain(e.data);
    self.postMessage({ ok: true, result: { logs: r.logs, throughput: r.throughput, backend: r.backend, sequenceLength: r.sequenceLength, weightsSha256: r.checkpoint?.weightsSha256, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency } });
  } catch (err) {
    self.postMessage({ ok: false, error: String((err as Error)?.stack ?? err) });
  }
};
