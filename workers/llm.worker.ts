// The llm engine worker: causal LMs (target, anchor, judge) for alignbeam and curation. The shared runtime API (ORT
// sessions) plus the alignbeam engine of src/core/alignbeam/engine.ts; both have a cancel, and `cancel` stops both.
// Models load through the runtime's loaders: embedded ids checked against models/manifest.json (size + sha256) and
// kept in the Cache API, folder URLs, or hub ids when remote models are allowed (configureHub: the app's opt-in and
// hub URL setting). The held-out suites are bundled (models/forge is not served).
import { createBrowserRuntimeEngine, exposeEngine } from './runtimeWorker';
import { alignbeamUiApi, dtypeProvider, preferredBackend, type AlignbeamUiApi } from './alignbeamUi';
import harmful from '../models/forge/heldout/harmful.jsonl?raw';
import benign from '../models/forge/heldout/benign.jsonl?raw';
import edgy from '../models/forge/heldout/edgy.jsonl?raw';
import tasks from '../models/forge/heldout/tasks.jsonl?raw';
import { createAlignbeamEngine } from '../src/core/alignbeam/engine';
import { createModelLoader, type ModelLoaderDeps } from '../src/core/alignbeam/loadModel';
import { normalizeHubUrl } from '../src/core/runtime/hub';
import type { AlignbeamApi, BuiltinSuite } from '../src/core/alignbeam/types';
import { createCurationEngine, type CurationApi } from '../src/core/curation/engine';
import { CacheApiCache, type CacheStorageLike } from '../src/core/runtime/cache';
import { RUNTIME_DEFAULTS } from '../src/core/runtime/config';
import type { RuntimeEngineApi } from '../src/core/runtime/engineApi';

/** Where hub ids in model references resolve, and whether they may (the app's hub URL setting and opt-in). */
export interface HubSettingsApi {
  configureHub(settings: { allowRemote: boolean; hubUrl: string }): Promise<void>;
}

export type LlmWorkerApi = RuntimeEngineApi & AlignbeamApi & AlignbeamUiApi & HubSettingsApi & CurationApi;

const SUITES: Record<BuiltinSuite, string> = { harmful, benign, edgy, tasks };
const storage = (globalThis as { caches?: CacheStorageLike }).caches;

const runtime = createBrowserRuntimeEngine();
// The loader reads allowRemote/hubUrl at each load: configureHub changes them for the next one.
const loaderDeps: ModelLoaderDeps = {
  backend: preferredBackend(async () => (await import('../src/core/runtime/ortWeb')).createWebBackend()),
  fetch: (url, init) => fetch(url, init),
  cache: storage ? new CacheApiCache(storage) : undefined,
  modelsBaseUrl: new URL(RUNTIME_DEFAULTS.modelsBaseUrl, globalThis.location.href).href,
  allowRemote: RUNTIME_DEFAULTS.allowRemote,
  hubUrl: RUNTIME_DEFAULTS.hubUrl,
  // the 'auto' dtype follows the backend preference (the pair spec carries the user's dtype choice)
  provider: dtypeProvider,
};
const loadModel = createModelLoader(loaderDeps);
const alignbeam = createAlignbeamEngine({
  loadModel,
  builtinSuite: async (name) => SUITES[name],
});

// the curation engine loads its generators and grounding model through the same loader (and model cache)
const curation = createCurationEngine({ loadModel });

// Spread would call the `pair` getter once; the worker API exposes methods only.
const { pair: _pair, ...alignbeamApi } = alignbeam;
void _pair;

exposeEngine({
  ...runtime,
  ...alignbeamApi,
  ...alignbeamUiApi,
  ...curation,
  configureHub: async ({ allowRemote, hubUrl }) => {
    loaderDeps.allowRemote = allowRemote;
    loaderDeps.hubUrl = normalizeHubUrl(hubUrl);
  },
  cancel: async () => {
    await alignbeam.alignbeamCancel();
    await curation.curationCancel();
    await runtime.cancel();
  },
} satisfies LlmWorkerApi);
