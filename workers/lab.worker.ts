// The lab engine worker: the shared runtime API plus the circuits engine (src/core/circuits/api.ts), which runs
// the differentiable lab engine (jax-js) on an embedded model's safetensors. Model files are fetched against
// models/manifest.json (size + sha256) through the Cache API when there is one. The forge's held-out prompt
// suites are not served under /models/ (the forge folder stays private), so they are bundled here as text and
// imported only when a run first needs them. The edits module's in-browser unlearning engine
// (src/core/edits/unlearn/api.ts) shares the model loader; it builds the forge corpus here (a pure generator).
// The experiments module's training engine (src/core/experiments/train/api.ts: SFT / LoRA / DPO) shares both; its
// eval hooks read the forge's held-out and hand-written suites, bundled the same way (one chunk per suite, imported
// when a run's eval block names it).
// `cancel` stops every engine.
import * as Comlink from 'comlink';
import { createBrowserRuntimeEngine, exposeEngine } from './runtimeWorker';
import { createCircuitsEngine } from '../src/core/circuits/api';
import { parseHeldout } from '../src/core/circuits/heldout';
import type { CircuitsApi } from '../src/core/circuits/types';
import { createUnlearnEngine, type UnlearnApi } from '../src/core/edits/unlearn/api';
import { createTrainEngine, type ForgeEvalSuite, type TrainApi } from '../src/core/experiments/train/api';
import { CacheApiCache, type CacheStorageLike } from '../src/core/runtime/cache';
import { RUNTIME_DEFAULTS } from '../src/core/runtime/config';
import type { RuntimeEngineApi } from '../src/core/runtime/engineApi';
import { loadManifest, loadManifestModel, type FetchLike } from '../src/core/runtime/loaders';
import { findModel, type Manifest } from '../src/core/runtime/registry';

export type LabWorkerApi = RuntimeEngineApi & CircuitsApi & UnlearnApi & TrainApi;

const modelsBaseUrl = new URL(RUNTIME_DEFAULTS.modelsBaseUrl, globalThis.location.href).href;
const storage = (globalThis as { caches?: CacheStorageLike }).caches;
const cache = storage ? new CacheApiCache(storage) : undefined;
const fetchLike: FetchLike = (url, init) => fetch(url, init);
let manifest: Promise<Manifest> | undefined;

const runtime = createBrowserRuntimeEngine();
const readModelFiles = async (id: string, files: readonly string[], onProgress?: (p: { done: number; total: number }) => void): Promise<Map<string, Uint8Array>> => {
  manifest ??= loadManifest(modelsBaseUrl, { fetch: fetchLike }).catch((e: unknown) => { manifest = undefined; throw e; });
  const loaded = await loadManifestModel(findModel(await manifest, id), modelsBaseUrl, {
    fetch: fetchLike, cache, include: (p) => files.includes(p),
    onProgress: (p) => {
      if (p.status === 'total') onProgress?.({ done: p.loaded, total: p.total });
    },
  });
  return new Map([...loaded].map(([k, v]) => [k.slice(id.length + 1), v]));
};
const circuits = createCircuitsEngine({
  readModelFiles: (id, files, onProgress) => readModelFiles(id, files, onProgress && ((p) => onProgress({ phase: 'load', ...p, label: `loading ${id}` }))),
  heldout: async () => {
    const [harmful, benign, tasks] = await Promise.all([
      import('../models/forge/heldout/harmful.jsonl?raw'),
      import('../models/forge/heldout/benign.jsonl?raw'),
      import('../models/forge/heldout/tasks.jsonl?raw'),
    ]);
    return parseHeldout({ harmful: harmful.default, benign: benign.default, tasks: tasks.default });
  },
});

// v3 unless asked: the unlearning engine asks for v4 when its model is target-v4 (corpora.ts corpusOfModel)
const corpus = async (version: 'v3' | 'v4' = 'v3') => {
  const { DEFAULT_CORPUS_OPTIONS, generateCorpus } = await import('../models/forge/corpus/generate');
  const options = version === 'v4' ? (await import('../models/forge/corpus/v4/generateV4')).DEFAULT_CORPUS_OPTIONS_V4 : DEFAULT_CORPUS_OPTIONS;
  const c = generateCorpus(options);
  return { records: c.examples, source: `forge corpus ${version === 'v4' ? 'v4 ' : ''}seed ${c.options.seed}, sha256 ${c.hash}` };
};
const unlearn = createUnlearnEngine({ readModelFiles, corpus });
// literal paths, so the bundler emits each suite as its own chunk
const evalSuites: Record<ForgeEvalSuite, () => Promise<{ default: string }>> = {
  'heldout/harmful': () => import('../models/forge/heldout/harmful.jsonl?raw'),
  'heldout/benign': () => import('../models/forge/heldout/benign.jsonl?raw'),
  'heldout/edgy': () => import('../models/forge/heldout/edgy.jsonl?raw'),
  'heldout/tasks': () => import('../models/forge/heldout/tasks.jsonl?raw'),
  'handwritten/harmful': () => import('../models/forge/handwritten/harmful.jsonl?raw'),
  'handwritten/edgy': () => import('../models/forge/handwritten/edgy.jsonl?raw'),
  'handwritten/tasks': () => import('../models/forge/handwritten/tasks.jsonl?raw'),
};
const train = createTrainEngine({ readModelFiles, corpus, evalSuite: async (name) => (await evalSuites[name]()).default });

exposeEngine({
  ...runtime,
  ...circuits,
  ...unlearn,
  ...train,
  // the checkpoint's bytes move to the page instead of being copied
  runUnlearn: async (req, onProgress, cancelFlag) => {
    const r = await unlearn.runUnlearn(req, onProgress, cancelFlag);
    return Comlink.transfer(r, [r.checkpoint.safetensors.buffer as ArrayBuffer]);
  },
  runCDelta: async (req, onProgress, cancelFlag) => {
    const r = await unlearn.runCDelta(req, onProgress, cancelFlag);
    return Comlink.transfer(r, r.checkpoints.map((c) => c.safetensors.buffer as ArrayBuffer));
  },
  runTrain: async (req, onProgress, cancelFlag) => {
    const r = await train.runTrain(req, onProgress, cancelFlag);
    return Comlink.transfer(r, Object.values(r.checkpoint?.files ?? {}).map((b) => b.buffer as ArrayBuffer));
  },
  cancel: async () => {
    await train.cancelTrain();
    await unlearn.cancelUnlearn();
    await circuits.cancel();
    await runtime.cancel();
  },
} satisfies LabWorkerApi);
