// Shared set-up of the engine workers: the browser dependencies of the runtime engine (onnxruntime-web imported
// lazily on first load, fetch, the Cache API when present, the capability probe over the worker's globals) and
// `exposeEngine`, which transfers run outputs instead of copying them. Module engines spread
// `createBrowserRuntimeEngine()` into their own API object and add their methods.
import * as Comlink from 'comlink';
import { CacheApiCache, type CacheStorageLike } from '../src/core/runtime/cache';
import { probeCapabilities } from '../src/core/runtime/capabilities';
import { RUNTIME_DEFAULTS } from '../src/core/runtime/config';
import { createRuntimeEngine, type RuntimeEngineApi } from '../src/core/runtime/engineApi';
import { transferables } from '../src/core/runtime/tensor';
import { installRuntimeErrorTransfer } from './comlinkErrors';

export function createBrowserRuntimeEngine(): RuntimeEngineApi {
  const storage = (globalThis as { caches?: CacheStorageLike }).caches;
  return createRuntimeEngine({
    backend: async () => (await import('../src/core/runtime/ortWeb')).createWebBackend(),
    probe: () => probeCapabilities(),
    fetch: (url, init) => fetch(url, init),
    cache: storage ? new CacheApiCache(storage) : undefined,
    // Cache API keys must be absolute URLs.
    modelsBaseUrl: new URL(RUNTIME_DEFAULTS.modelsBaseUrl, globalThis.location.href).href,
  });
}

export function exposeEngine<T extends RuntimeEngineApi>(api: T): void {
  installRuntimeErrorTransfer();
  const run: RuntimeEngineApi['run'] = async (handle, feeds) => {
    const out = await api.run(handle, feeds);
    return Comlink.transfer(out, transferables(out));
  };
  Comlink.expose({ ...api, run });
}
