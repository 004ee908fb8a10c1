// The tabular engine worker (CONVENTIONS #1): the shared runtime API (ORT sessions) plus the tabular engine of
// src/core/tabular/api.ts. Both have `cancel`; here it stops both. The embedded neural TFM teacher gets its ONNX
// runtime from this host: onnxruntime-web (imported only when the TFM first runs) and models/tfm/onnx/model.onnx
// fetched against models/manifest.json (size + sha256) through the Cache API when there is one. Every ONNX session
// the tabular engine creates (TFM, user TFM) is remembered so the panel can report which provider it runs on and why.
import { createBrowserRuntimeEngine, exposeEngine } from './runtimeWorker';
import type { SessionBackendInfo } from './alignbeamUi';
import { CacheApiCache, type CacheStorageLike } from '../src/core/runtime/cache';
import { RUNTIME_DEFAULTS } from '../src/core/runtime/config';
import type { RuntimeEngineApi } from '../src/core/runtime/engineApi';
import { loadManifest, loadManifestModel, type FetchLike } from '../src/core/runtime/loaders';
import { findModel } from '../src/core/runtime/registry';
import type { ModelSession, OrtBackend } from '../src/core/runtime/session';
import { createTabularEngine, type TabularApi } from '../src/core/tabular/api';
import { setTfmRuntime } from '../src/core/tabular/tfm/tfmTeacher';

export interface TabularBackendApi {
  /** The latest session per model file the tabular engine created: provider, how it was chosen, fallbacks. */
  tabularBackendInfo(): Promise<SessionBackendInfo[]>;
}

export type TabularWorkerApi = RuntimeEngineApi & TabularApi & TabularBackendApi;

const TFM_ONNX = 'onnx/model.onnx';
const modelsBaseUrl = new URL(RUNTIME_DEFAULTS.modelsBaseUrl, globalThis.location.href).href;
const storage = (globalThis as { caches?: CacheStorageLike }).caches;
const cache = storage ? new CacheApiCache(storage) : undefined;
const fetchLike: FetchLike = (url, init) => fetch(url, init);

const sessions = new Map<string, ModelSession>();
const webBackend: OrtBackend = {
  name: 'web',
  defaultProviders: RUNTIME_DEFAULTS.webProviders,
  async createSession(bytes, options = {}) {
    const session = await (await import('../src/core/runtime/ortWeb')).createWebBackend().createSession(bytes, options);
    const file = options.file ?? 'model.onnx';
    sessions.delete(file); // re-inserted last: the latest session is listed last
    sessions.set(file, session);
    return session;
  },
};

setTfmRuntime({
  backend: webBackend,
  loadModel: async () => {
    const manifest = await loadManifest(modelsBaseUrl, { fetch: fetchLike });
    const files = await loadManifestModel(findModel(manifest, 'tfm'), modelsBaseUrl, {
      fetch: fetchLike, cache, include: (p) => p === TFM_ONNX,
    });
    return files.get(`tfm/${TFM_ONNX}`)!;
  },
});

const runtime = createBrowserRuntimeEngine();
const tabular = createTabularEngine({ userTeacherBackend: async () => webBackend });

exposeEngine({
  ...runtime,
  ...tabular,
  tabularBackendInfo: async () => [...sessions].map(([file, s]) => {
    const { executionProvider, fallbacks, choice } = s.info;
    return { file, executionProvider, fallbacks: [...fallbacks], ...(choice ? { choice } : {}) };
  }),
  cancel: async () => {
    await tabular.cancel();
    await runtime.cancel();
  },
} satisfies TabularWorkerApi);
