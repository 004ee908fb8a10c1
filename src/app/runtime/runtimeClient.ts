// The app's handle on the runtime engine (the llm worker): load embedded models with progress, see which
// execution provider ran and every fallback with its reason, cache management, provider parity and latency
// diagnostics. Shared by the Models page and the `window.__workbench.runtime` test hook.
import * as Comlink from 'comlink';
import { providerReason } from '../../core/runtime/backendChoice';
import { RestartableWorker } from '../../core/runtime/engineHost';
import type { LoadedModelInfo, ModelLoadOptions, RuntimeEngineApi } from '../../core/runtime/engineApi';
import { assertRemoteAllowed, hubFileUrl, hubTreeUrl } from '../../core/runtime/hub';
import { loadManifest } from '../../core/runtime/loaders';
import type { ProgressInfo } from '../../core/runtime/progress';
import type { Manifest } from '../../core/runtime/registry';
import { maxAbsDiff, sampleFeeds } from '../../core/runtime/sampleFeeds';
import type { ExecutionProvider } from '../../core/runtime/session';
import { transferables } from '../../core/runtime/tensor';
import { installRuntimeErrorTransfer } from '../../../workers/comlinkErrors';
import type { RuntimeBenchWorkerApi } from '../../../workers/runtimeBench.worker';
import { useAppStore } from '../../state/appStore';

installRuntimeErrorTransfer();

const llm = new RestartableWorker(() => {
  const worker = new Worker(new URL('../../../workers/llm.worker.ts', import.meta.url), { type: 'module' });
  return { worker, api: Comlink.wrap<RuntimeEngineApi>(worker) };
});

export function listModels(): Promise<Manifest> {
  return loadManifest('/models/', { fetch: (url, init) => fetch(url, init) });
}

export interface LoadResult { info: LoadedModelInfo; events: ProgressInfo[] }

/** Loads an embedded model in the llm worker; progress events are collected and forwarded. Reports nothing. */
async function loadInWorker(id: string, options: ModelLoadOptions, onProgress?: (p: ProgressInfo) => void): Promise<LoadResult> {
  const events: ProgressInfo[] = [];
  let readySeen: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { readySeen = resolve; });
  const info = await llm.call((api) => api.loadEmbeddedModel(id, options, Comlink.proxy((p: ProgressInfo) => {
    events.push(p);
    onProgress?.(p);
    if (p.status === 'ready') readySeen();
  })), { label: `loading ${id}` });
  // Progress travels on its own message port, so the last events can arrive after the result: wait (briefly)
  // for `ready` so callers see the whole sequence.
  await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 2000))]);
  return { info, events };
}

/** Loads an embedded model that stays loaded: the status bar reports its provider (one entry per model id). */
export async function loadEmbedded(id: string, options: ModelLoadOptions = {}, onProgress?: (p: ProgressInfo) => void): Promise<LoadResult> {
  const result = await loadInWorker(id, options, onProgress);
  reportLoaded(`models:${id}`, result.info);
  return result;
}

/** Status-bar holder key of each handle the Models page keeps loaded (diagnostics' handles are not here). */
const held = new Map<string, string>();

/** The status bar shows what the models held now run on, including a fallback. */
function reportLoaded(key: string, info: Pick<LoadedModelInfo, 'handle' | 'executionProvider' | 'fallbacks' | 'choice'>): void {
  for (const [h, k] of held) if (k === key) held.delete(h);
  held.set(info.handle, key);
  useAppStore.getState().setLoaded(key, { provider: info.executionProvider, reason: providerReason(info) });
}

export async function runSample(handle: string, seed = 1) {
  const info = await llm.call((api) => api.sessionInfo(handle));
  const feeds = sampleFeeds(info.inputs, { seed });
  const out = await llm.call((api) => api.run(handle, Comlink.transfer(feeds, transferables(feeds))), { label: `running ${handle}` });
  const after = await llm.call((api) => api.sessionInfo(handle));
  // a run-time fallback moves a held model to WASM: the status bar follows it
  const key = held.get(handle);
  if (key) reportLoaded(key, after);
  return { out, info: after };
}

export interface ParityResult { webgpu: ExecutionProvider; wasm: ExecutionProvider; maxAbsDiff: number; outputs: string[] }

/** Runs the same sample feeds on WebGPU and on WASM and compares every output. */
export async function compareProviders(id: string, seed = 1): Promise<ParityResult> {
  const gpu = (await loadInWorker(id, { preferredProviders: ['webgpu'] })).info;
  const cpu = (await loadInWorker(id, { preferredProviders: ['wasm'] })).info;
  try {
    const a = await runSample(gpu.handle, seed);
    const b = await runSample(cpu.handle, seed);
    return { webgpu: a.info.executionProvider, wasm: b.info.executionProvider, maxAbsDiff: maxAbsDiff(a.out, b.out), outputs: Object.keys(a.out) };
  } finally {
    await llm.call((api) => api.unload(gpu.handle));
    await llm.call((api) => api.unload(cpu.handle));
  }
}

export function cachedFiles(): Promise<string[]> {
  return llm.call((api) => api.cachedFiles());
}

export function deleteCached(url?: string): Promise<number> {
  return llm.call((api) => api.deleteCached(url));
}

/** Stops whatever the engine is doing for good: terminates the worker; the next call starts a fresh one. */
export function killEngine(): void {
  llm.restart();
  held.clear();
  useAppStore.getState().clearLoaded('models:');
}

export function cancelQueued(): Promise<void> {
  return llm.call((api) => api.cancel());
}

export interface LatencyResult { config: string; provider: ExecutionProvider; threads: number; medianMs: number; runs: number }

/**
 * Median per-call latency of `id` in a fresh worker configured with the given provider (or `auto`, resolved there
 * as every engine resolves it) and WASM threads.
 */
export async function measureLatency(id: string, provider: ExecutionProvider | 'auto', threads: number, runs = 20): Promise<LatencyResult> {
  const worker = new Worker(new URL('../../../workers/runtimeBench.worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<RuntimeBenchWorkerApi>(worker);
  try {
    await api.configure({ numThreads: threads, ...(provider === 'auto' ? {} : { providers: [provider] }) });
    const info = await api.loadEmbeddedModel(id, provider === 'auto' ? {} : { preferredProviders: [provider] });
    const feeds = sampleFeeds(info.inputs, { seed: 1 });
    await api.run(info.handle, feeds);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await api.run(info.handle, feeds);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const ran = (await api.sessionInfo(info.handle)).executionProvider;
    const label = provider === 'auto' ? `auto → ${ran}` : provider;
    return { config: `${label}${ran === 'wasm' ? ` ×${threads} thread${threads > 1 ? 's' : ''}` : ''}`, provider: ran, threads, medianMs: times[Math.floor(times.length / 2)], runs };
  } finally {
    worker.terminate();
  }
}

/** A local ONNX file picked by the user: validated (magic, protobuf, opsets) before ORT sees it. */
export async function loadLocalFile(name: string, bytes: Uint8Array, options: ModelLoadOptions = {}): Promise<LoadedModelInfo> {
  const info = await llm.call((api) => api.loadModelBytes(Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]), { ...options, name }), { label: `loading ${name}` });
  reportLoaded(`models:file:${name}`, info);
  return info;
}

export interface HubLoadOptions {
  allowRemote: boolean;
  /** The hub URL setting (hubSetting.ts); default transformers.js's remoteHost, i.e. https://huggingface.co/. */
  hubUrl?: string;
  file?: string;
  onProgress?: (p: ProgressInfo) => void;
}

/**
 * A hub model's ONNX file, only when the user allowed remote downloads (offline it fails before any request with
 * RemoteDisabledError). Downloads go through the engine's loader: progress, Cache API (keyed by the whole URL, so
 * a mirror's copy never stands in for the real hub's), named errors; `cancelQueued` stops one in flight.
 */
export async function loadHub(id: string, options: HubLoadOptions): Promise<LoadedModelInfo> {
  const { file = 'onnx/model.onnx', onProgress } = options;
  assertRemoteAllowed(id, options);
  const url = await hubFileUrl(id, file, options);
  // the folder's listing gives the bar its byte total up front (.onnx + external data); without it the total grows
  const listing = { url: await hubTreeUrl(id, file.slice(0, file.lastIndexOf('/') + 1), options), file };
  const info = await llm.call((api) => api.loadModelUrl(url, { name: `${id}/${file}`, listing }, Comlink.proxy((p: ProgressInfo) => onProgress?.(p))), { label: `loading ${id}` });
  reportLoaded(`models:hub:${id}/${file}`, info);
  return info;
}
