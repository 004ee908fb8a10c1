// The only importer of onnxruntime-web. Uses the `all` build, whose WebGPU path (JSEP) is the one checked in
// FACTS.md, serves its wasm from our own origin (/ort/, no CDN) and picks WASM threads only when the page is
// cross-origin isolated. WebGPU → WASM fallback policy lives in session.ts; this file adds the device-loss hook.
import * as ort from 'onnxruntime-web/all';
import { RUNTIME_DEFAULTS } from './config';
import { DeviceLostError, WebGpuUnavailableError } from './errors';
import { wrapOrtSession } from './ortConvert';
import { createFallbackSession, type ExecutionProvider, type ModelSession, type OrtBackend, type RawSession, type SessionOptions } from './session';

export interface WebBackendOptions {
  /** Where ort-wasm*.{wasm,mjs} are served. null keeps ORT's own resolution (Node tests). Default '/ort/'. */
  wasmPaths?: string | null;
  /** WASM threads; default: min(hardwareConcurrency, 4) when crossOriginIsolated, else 1. */
  numThreads?: number;
  /** Provider order; default ['webgpu', 'wasm']. */
  providers?: readonly ExecutionProvider[];
}

interface PlatformGlobals {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number; gpu?: unknown };
}

const platform = globalThis as PlatformGlobals;

export function defaultWasmThreads(g: PlatformGlobals = platform): number {
  if (!g.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(g.navigator?.hardwareConcurrency ?? 1, RUNTIME_DEFAULTS.maxWasmThreads));
}

let applied: { wasmPaths: string | null; numThreads: number } | undefined;

/** ORT's env is global and read when the first session starts, so it is set once; later calls return it. */
export function configureOrtWeb(options: WebBackendOptions = {}): { wasmPaths: string | null; numThreads: number } {
  if (applied) return applied;
  const wasmPaths = options.wasmPaths === undefined ? RUNTIME_DEFAULTS.ortWasmPaths : options.wasmPaths;
  const numThreads = options.numThreads ?? defaultWasmThreads();
  if (wasmPaths !== null) ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = numThreads;
  applied = { wasmPaths, numThreads };
  return applied;
}

/** Set when the GPU device is lost: WebGPU stays unusable for this page until reload. */
let deviceLost: string | undefined;

async function watchDevice(): Promise<void> {
  const device: unknown = await ort.env.webgpu.device;
  const lost = (device as { lost?: Promise<{ message?: string; reason?: string }> } | null)?.lost;
  if (lost) void lost.then((info) => { deviceLost = `${info.reason ?? 'unknown'}: ${info.message ?? ''}`; });
}

async function createRaw(bytes: Uint8Array, provider: ExecutionProvider, options: SessionOptions): Promise<RawSession> {
  if (provider === 'webgpu') {
    if (options.simulateWebGpuFailure === 'create') throw new WebGpuUnavailableError('simulated failure (simulateWebGpuFailure: "create")');
    if (deviceLost) throw new DeviceLostError(`earlier in this page (${deviceLost})`);
    if (!platform.navigator?.gpu) throw new WebGpuUnavailableError('navigator.gpu is missing (no WebGPU in this browser or context)');
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
    await watchDevice();
    let failNext = options.simulateWebGpuFailure === 'run';
    return wrapOrtSession(session, ort.Tensor, () => {
      if (failNext) { failNext = false; throw new DeviceLostError('simulated failure (simulateWebGpuFailure: "run")'); }
      if (deviceLost) throw new DeviceLostError(deviceLost);
    });
  }
  if (provider !== 'wasm') throw new Error(`onnxruntime-web has no ${provider} provider`);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  return wrapOrtSession(session, ort.Tensor);
}

export function createWebBackend(options: WebBackendOptions = {}): OrtBackend {
  const defaultProviders = options.providers ?? RUNTIME_DEFAULTS.webProviders;
  return {
    name: 'web',
    defaultProviders,
    async createSession(bytes: Uint8Array, sessionOptions: SessionOptions = {}): Promise<ModelSession> {
      configureOrtWeb(options);
      const providers = sessionOptions.preferredProviders ?? defaultProviders;
      return createFallbackSession(createRaw, bytes, providers, sessionOptions);
    },
  };
}
