// The lab engine worker: the shared runtime API plus the circuits engine (src/core/circuits/api.ts), which runs
// the differentiable lab engine (jax-js) on an embedded model's safetensors. Model files are fetched against
// models/manifest.json (size + sha256) through the Cache API when there is one. The forge's held-out prompt
// suites are not served under /models/ (the forge folder stays private), so they are bundled here as text and
// imported only when a run first needs them. Both engines have `cancel`; here it stops both.
import { createBrowserRuntimeEngine, exposeEngine } from './runtimeWorker';
import { createCircuitsEngine } from '../src/core/circuits/api';
import { parseHeldout } from '../src/core/circuits/heldout';
import type { CircuitsApi } from '../src/core/circuits/types';
import { CacheApiCache, type CacheStorageLike } from '../src/core/runtime/cache';
import { RUNTIME_DEFAULTS } from '../src/core/runtime/config';
import type { RuntimeEngineApi } from '../src/core/runtime/engineApi';
import { loadManifest, loadManifestModel, type FetchLike } from '../src/core/runtime/loaders';
import { findModel, type Manifest } from '../src/core/runtime/registry';

export type LabWorkerApi = RuntimeEngineApi & CircuitsApi;

const modelsBaseUrl = new URL(RUNTIME_DEFAULTS.modelsBaseUrl, globalThis.location.href).href;
const storage = (globalThis as { caches?: CacheStorageLike }).caches;
const cache = storage ? new CacheApiCache(storage) : undefined;
const fetchLike: FetchLike = (url, init) => fetch(url, init);
let manifest: Promise<Manifest> | undefined;

const runtime = createBrowserRuntimeEngine();
const circuits = createCircuitsEngine({
  readModelFiles: async (id, files, onProgress) => {
    manifest ??= loadManifest(modelsBaseUrl, { fetch: fetchLike }).catch((e: unknown) => { manifest = undefined; throw e; });
    const loaded = await loadManifestModel(findModel(await manifest, id), modelsBaseUrl, {
      fetch: fetchLike, cache, include: (p) => files.includes(p),
      onProgress: (p) => {
        if (p.status === 'total') onProgress?.({ phase: 'load', done: p.loaded, total: p.total, label: `loading ${id}` });
      },
    });
    return new Map([...loaded].map(([k, v]) => [k.slice(id.length + 1), v]));
  },
  heldout: async () => {
    const [harmful, benign, tasks] = await Promise.all([
      import('../models/forge/heldout/harmful.jsonl?raw'),
      import('../models/forge/heldout/benign.jsonl?raw'),
      import('../models/forge/heldout/tasks.jsonl?raw'),
    ]);
    return parseHeldout({ harmful: harmful.default, benign: benign.default, tasks: tasks.default });
  },
});

exposeEngine({
  ...runtime,
  ...circuits,
  cancel: async () => {
    await circuits.cancel();
    await runtime.cancel();
  },
} satisfies LabWorkerApi);
