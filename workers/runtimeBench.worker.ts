// A runtime engine whose ORT settings (WASM threads, providers) are chosen by the caller before the first load:
// ORT's wasm env is global per worker, so each benchmark configuration gets its own worker.
import * as Comlink from 'comlink';
import { probeCapabilities } from '../src/core/runtime/capabilities';
import { createRuntimeEngine, type RuntimeEngineApi } from '../src/core/runtime/engineApi';
import type { ExecutionProvider } from '../src/core/runtime/session';
import { installRuntimeErrorTransfer } from './comlinkErrors';

export interface RuntimeBenchWorkerApi extends RuntimeEngineApi {
  /** Must be called before the first load; without `providers`, sessions resolve `auto` as every engine does. */
  configure(options: { numThreads: number; providers?: ExecutionProvider[] }): Promise<void>;
}

let settings: { numThreads: number; providers?: ExecutionProvider[] } = { numThreads: 1, providers: ['wasm'] };
const engine = createRuntimeEngine({
  backend: async () => (await import('../src/core/runtime/ortWeb')).createWebBackend(settings),
  probe: () => probeCapabilities(),
  fetch: (url, init) => fetch(url, init),
  modelsBaseUrl: new URL('/models/', globalThis.location.href).href,
});

installRuntimeErrorTransfer();
Comlink.expose({ ...engine, configure: async (o: typeof settings) => { settings = o; } } satisfies RuntimeBenchWorkerApi);
