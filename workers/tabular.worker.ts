// The tabular engine worker (CONVENTIONS #1): the shared runtime API (ORT sessions) plus the tabular engine of
// src/core/tabular/api.ts. Both have `cancel`; here it stops both. The embedded neural TFM teacher gets its ONNX
// runtime from this host: onnxruntime-web (imported only when the TFM first runs) and models/tfm/onnx/model.onnx
// fetched against models/manifest.json (size + sha256) through the Cache API when there is one.
import { createBrowserRuntimeEngine, exposeEngine } from './runtimeWorker';
import { CacheApiCache, type CacheStorageLike } from '../src/core/runtime/cache';
import { RUNTIME_DEFAULTS } from '../src/core/runtime/config';
import type { RuntimeEngineApi } from '../src/core/runtime/engineApi';
import { loadManifest, loadManifestModel, type FetchLike } from '../src/core/runtime/loaders';
import { findModel } from '../src/core/runtime/registry';
import { createTabularEngine, type TabularApi } from '../src/core/tabular/api';
import { setTfmRuntime } from '../src/core/tabular/tfm/tfmTeacher';

export type TabularWorkerApi = RuntimeEngineApi & TabularApi;

const TFM_ONNX = 'onnx/model.onnx';
const modelsBaseUrl = new URL(RUNTIME_DEFAULTS.modelsBaseUrl, globalThis.location.href).href;
const storage = (globalThis as { caches?: CacheStorageLike }).caches;
const cache = storage ? new CacheApiCache(storage) : undefined;
const fetchLike: FetchLike = (url, init) => fetch(url, init);

setTfmRuntime({
  backend: {
    name: 'web',
    defaultProviders: RUNTIME_DEFAULTS.webProviders,
    createSession: async (bytes, options) => (await import('../src/core/runtime/ortWeb')).createWebBackend().createSession(bytes, options),
  },
  loadModel: async () => {
    const manifest = await loadManifest(modelsBaseUrl, { fetch: fetchLike });
    const files = await loadManifestModel(findModel(manifest, 'tfm'), modelsBaseUrl, {
      fetch: fetchLike, cache, include: (p) => p === TFM_ONNX,
    });
    return files.get(`tfm/${TFM_ONNX}`)!;
  },
});

const runtime = createBrowserRuntimeEngine();
const tabular = createTabularEngine({
  userTeacherBackend: async () => (await import('../src/core/runtime/ortWeb')).createWebBackend(),
});

exposeEngine({
  ...runtime,
  ...tabular,
  cancel: async () => {
    await tabular.cancel();
    await runtime.cancel();
  },
} satisfies TabularWorkerApi);
