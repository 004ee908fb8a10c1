// The runtime engine's typed API (CONVENTIONS #1): what workers/llm|tabular|lab.worker.ts expose over comlink
// and what tests and debugging call in-thread. Module engines extend RuntimeEngineApi with their own methods.
// Callbacks are separate trailing arguments (not fields of an options object) so comlink can proxy them.
import type { Capabilities } from './capabilities';
import { withCacheRollback, type ModelCache } from './cache';
import { RUNTIME_DEFAULTS } from './config';
import { EngineHost } from './engineHost';
import { ModelNotFoundError } from './errors';
import { collectExternalData, externalDataRefs, fetchExternalDataFiles } from './externalData';
import { exactChainTotal, fetchHubListing, guessedChainTotal } from './hubListing';
import { loadFiles, loadManifest, loadManifestModel, type FetchLike } from './loaders';
import type { OnnxModelSummary } from './onnx/parse';
import { ProgressChain, type ProgressCallback } from './progress';
import { findModel, type Manifest } from './registry';
import type { ExecutionProvider, FallbackRecord, ModelSession, OrtBackend, ProviderChoice, SessionOptions } from './session';
import type { Feeds, TensorData } from './tensor';
import type { InputMeta } from './validate';

export interface LoadedModelInfo {
  /** Pass to run()/unload(). */
  handle: string;
  inputs: InputMeta[];
  outputs: InputMeta[];
  executionProvider: ExecutionProvider;
  fallbacks: FallbackRecord[];
  /** How the provider order was chosen from the backend setting (absent when preferredProviders named it). */
  choice?: ProviderChoice;
  model: OnnxModelSummary | undefined;
  byteLength: number;
}

export type ModelLoadOptions = Pick<SessionOptions, 'preferredProviders' | 'backend' | 'simulateWebGpuFailure'> & { name?: string };

/**
 * Where a hub lists the .onnx's folder (hub.ts hubTreeUrl) and the .onnx's path in the repo: its sizes give the one
 * progress bar its total before the first byte (hubListing.ts). Optional: without it, or when the listing fails,
 * the total grows once the side files are known.
 */
export interface HubListingSource { url: string; file: string }

export interface RuntimeEngineApi {
  capabilities(): Promise<Capabilities>;
  loadModelBytes(bytes: Uint8Array, options?: ModelLoadOptions): Promise<LoadedModelInfo>;
  loadModelUrl(url: string, options?: ModelLoadOptions & { size?: number; sha256?: string; listing?: HubListingSource }, onProgress?: ProgressCallback): Promise<LoadedModelInfo>;
  /** Loads `<baseUrl><id>/<file>` of an embedded model, verified against models/manifest.json. */
  loadEmbeddedModel(id: string, options?: ModelLoadOptions & { file?: string }, onProgress?: ProgressCallback): Promise<LoadedModelInfo>;
  /** Which provider each loaded model runs on now (it changes after a run-time fallback). */
  sessionInfo(handle: string): Promise<Omit<LoadedModelInfo, 'byteLength'>>;
  run(handle: string, feeds: Feeds): Promise<Record<string, TensorData>>;
  unload(handle: string): Promise<void>;
  /** Cancels the job in flight and everything queued; runs already inside ORT finish and are discarded. */
  cancel(): Promise<void>;
  /** URLs of cached model files, for the "cached models" panel (empty without a cache). */
  cachedFiles(): Promise<string[]>;
  /** Deletes one cached file, or all of them; returns how many were deleted. */
  deleteCached(url?: string): Promise<number>;
}

export interface RuntimeEngineDeps {
  /** The ORT backend, or a lazy factory so onnxruntime is imported only when a model is first loaded. */
  backend: OrtBackend | (() => Promise<OrtBackend>);
  probe: () => Promise<Capabilities>;
  fetch?: FetchLike;
  cache?: ModelCache;
  /** Base URL of embedded models; absolute in browsers when a Cache API cache is used. Default '/models/'. */
  modelsBaseUrl?: string;
}

export function createRuntimeEngine(deps: RuntimeEngineDeps): RuntimeEngineApi {
  const host = new EngineHost('queue');
  const sessions = new Map<string, { session: ModelSession; byteLength: number }>();
  const baseUrl = deps.modelsBaseUrl ?? RUNTIME_DEFAULTS.modelsBaseUrl;
  let backend: Promise<OrtBackend> | undefined;
  let manifest: Promise<Manifest> | undefined;
  let nextHandle = 0;

  const getBackend = () => (backend ??= typeof deps.backend === 'function' ? deps.backend() : Promise.resolve(deps.backend));
  const needFetch = (): FetchLike => {
    if (!deps.fetch) throw new Error('this engine was created without fetch; load models from bytes');
    return deps.fetch;
  };
  const describe = (handle: string, session: ModelSession) => {
    const i = session.info;
    return { handle, inputs: i.inputMetadata, outputs: i.outputMetadata, executionProvider: i.executionProvider, fallbacks: i.fallbacks,
      ...(i.choice ? { choice: i.choice } : {}), model: i.model };
  };
  const session = (handle: string) => {
    const s = sessions.get(handle);
    if (!s) throw new ModelNotFoundError(handle, 'no model is loaded under this handle (was the worker restarted?)');
    return s.session;
  };
  async function open(bytes: Uint8Array, options: ModelLoadOptions & Pick<SessionOptions, 'externalData'> = {}): Promise<LoadedModelInfo> {
    const { name, ...sessionOptions } = options;
    const s = await (await getBackend()).createSession(bytes, { ...sessionOptions, file: name });
    const handle = `${name ?? 'model'}#${nextHandle++}`;
    sessions.set(handle, { session: s, byteLength: bytes.byteLength });
    return { ...describe(handle, s), byteLength: bytes.byteLength };
  }

  return {
    capabilities: () => deps.probe(),
    loadModelBytes: (bytes, options) => host.run('load model', () => open(bytes, options)),
    loadModelUrl: (url, options = {}, onProgress) => host.run(`load ${url}`, async (signal) => {
      const { size, sha256, listing: listingAt, ...rest } = options;
      // The .onnx first, then the external-data files its graph names, from the same folder URL, as one progress
      // stream (one bar, one 100 %); a load that fails half-way (a missing model.onnx_data) leaves nothing in the cache.
      return withCacheRollback(deps.cache, async (cache) => {
        // the hub's listing sizes the bar up front; not asked when the .onnx is cached (no request, nothing slow)
        const cached = listingAt ? await deps.cache?.keys().then((k) => k.includes(url), () => false) : false;
        const listing = listingAt && !cached ? await fetchHubListing(listingAt.url, needFetch(), signal) : undefined;
        const chain = new ProgressChain(onProgress ?? (() => undefined), listing && listingAt ? guessedChainTotal(listing, listingAt.file) : undefined);
        const opts = { fetch: needFetch(), cache, signal };
        const onnx = (await loadFiles([{ url, path: url, size, sha256 }], { ...opts, onProgress: chain.next() })).get(url)!;
        // the side files the graph really names, sized by the same listing (undefined: one is not listed)
        if (listing && listingAt) chain.expect(exactChainTotal(listing, listingAt.file, externalDataRefs(onnx, listingAt.file).map((r) => r.path)));
        const side = await fetchExternalDataFiles(rest.name ?? url, url, onnx, (paths) => loadFiles(paths.map((p) => ({ url: p, path: p })), { ...opts, onProgress: chain.next() }));
        chain.end();
        return open(onnx, { name: url, ...rest, externalData: collectExternalData(rest.name ?? url, url, onnx, (p) => side.get(p)) });
      });
    }),
    loadEmbeddedModel: (id, options = {}, onProgress) => host.run(`load ${id}`, async (signal) => {
      const { file = 'onnx/model.onnx', ...rest } = options;
      manifest ??= loadManifest(baseUrl, { fetch: needFetch(), signal });
      const entry = findModel(await manifest.catch((e: unknown) => { manifest = undefined; throw e; }), id);
      if (!entry.files.some((f) => f.path === file)) throw new ModelNotFoundError(`${id}/${file}`, `not listed for ${id} in models/manifest.json`);
      const files = await loadManifestModel(entry, baseUrl, { fetch: needFetch(), cache: deps.cache, onProgress, signal, include: (p) => p === file });
      return open(files.get(`${id}/${file}`)!, { name: `${id}/${file}`, ...rest });
    }),
    sessionInfo: async (handle) => describe(handle, session(handle)),
    run: (handle, feeds) => host.run(`run ${handle}`, (signal) => session(handle).run(feeds, { signal })),
    unload: (handle) => host.run(`unload ${handle}`, async () => {
      const s = session(handle);
      sessions.delete(handle);
      await s.dispose();
    }),
    cancel: async () => host.cancel(),
    cachedFiles: async () => (await deps.cache?.keys()) ?? [],
    deleteCached: async (url) => {
      const keys = url ? [url] : ((await deps.cache?.keys()) ?? []);
      const deleted = await Promise.all(keys.map((k) => deps.cache?.delete(k) ?? false));
      return deleted.filter(Boolean).length;
    },
  };
}
