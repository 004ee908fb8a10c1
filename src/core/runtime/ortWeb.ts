// The only importer of onnxruntime-web. Uses the `all` build, whose WebGPU path (JSEP) is the one checked in
// FACTS.md, serves its wasm from our own origin (/ort/, no CDN) and picks WASM threads only when the page is
// cross-origin isolated. WebGPU → WASM fallback policy lives in session.ts; this file adds the device-loss hook,
// and resolves each session's backend setting against this worker's probe (backendChoice.ts), once per setting.
import * as ort from 'onnxruntime-web/all';
import { chooseProviders, timeProviders } from './backendChoice';
import { probeCapabilities } from './capabilities';
import { RUNTIME_DEFAULTS } from './config';
import { DeviceLostError, WebGpuUnavailableError } from './errors';
import { wrapOrtSession } from './ortConvert';
import {
  createFallbackSession, type BackendPreference, type ExecutionProvider, type ModelSession, type OrtBackend, type ProviderChoice, type RawSession,
  type SessionOptions,
} from './session';

export interface WebBackendOptions {
  /** Where ort-wasm*.{wasm,mjs} are served. null keeps ORT's own resolution (Node tests). Default '/ort/'. */
  wasmPaths?: string | null;
  /** WASM threads; default: min(hardwareConcurrency, 4) when crossOriginIsolated, else 1. */
  numThreads?: number;
  /** A fixed provider order for every session (benchmarks); default: each session's `backend` setting, resolved. */
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

/**
 * ORT's own log threshold (0 verbose … 3 error). In the browser ORT writes every C++ log line to console.error,
 * so its default (2, warning) turns the routine "nodes not assigned to the preferred execution provider" notice
 * (shape ops kept on the CPU under WebGPU) into a console error on each WebGPU session: log errors only.
 */
const ORT_LOG_SEVERITY_ERROR = 3;

let applied: { wasmPaths: string | null; numThreads: number } | undefined;

/** ORT's env is global and read when the first session starts, so it is set once; later calls return it. */
export function configureOrtWeb(options: WebBackendOptions = {}): { wasmPaths: string | null; numThreads: number } {
  if (applied) return applied;
  const wasmPaths = options.wasmPaths === undefined ? RUNTIME_DEFAULTS.ortWasmPaths : options.wasmPaths;
  const numThreads = options.numThreads ?? defaultWasmThreads();
  if (wasmPaths !== null) ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = numThreads;
  ort.env.logLevel = 'error';
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

/** ORT-web reads side files (`model.onnx_data`) only from this option: the bytes, named as the graph names them. */
function externalDataOption(options: SessionOptions): { externalData?: { path: string; data: Uint8Array }[] } {
  return options.externalData?.length ? { externalData: options.externalData.map((f) => ({ path: f.path, data: f.data })) } : {};
}

async function createRaw(bytes: Uint8Array, provider: ExecutionProvider, options: SessionOptions): Promise<RawSession> {
  if (provider === 'webgpu') {
    if (options.simulateWebGpuFailure === 'create') throw new WebGpuUnavailableError('simulated failure (simulateWebGpuFailure: "create")');
    if (deviceLost) throw new DeviceLostError(`earlier in this page (${deviceLost})`);
    if (!platform.navigator?.gpu) throw new WebGpuUnavailableError('navigator.gpu is missing (no WebGPU in this browser or context)');
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], logSeverityLevel: ORT_LOG_SEVERITY_ERROR, ...externalDataOption(options) });
    await watchDevice();
    let failNext = options.simulateWebGpuFailure === 'run';
    return wrapOrtSession(session, ort.Tensor, () => {
      if (failNext) { failNext = false; throw new DeviceLostError('simulated failure (simulateWebGpuFailure: "run")'); }
      if (deviceLost) throw new DeviceLostError(deviceLost);
    });
  }
  if (provider !== 'wasm') throw new Error(`onnxruntime-web has no ${provider} provider`);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], logSeverityLevel: ORT_LOG_SEVERITY_ERROR, ...externalDataOption(options) });
  return wrapOrtSession(session, ort.Tensor);
}

/** The probe and the timing are per worker (the adapter is), so each setting is resolved once here. */
const choices = new Map<BackendPreference, Promise<ProviderChoice>>();

function choose(preference: BackendPreference): Promise<ProviderChoice> {
  let choice = choices.get(preference);
  if (!choice) {
    const time = () => timeProviders({ createSession: (bytes, o) => createFallbackSession(createRaw, bytes, o?.preferredProviders ?? [], o) });
    choice = probeCapabilities().then((caps) => chooseProviders(preference, caps, time));
    choices.set(preference, choice);
  }
  return choice;
}

export function createWebBackend(options: WebBackendOptions = {}): OrtBackend {
  return {
    name: 'web',
    defaultProviders: options.providers ?? RUNTIME_DEFAULTS.webProviders,
    async createSession(bytes: Uint8Array, sessionOptions: SessionOptions = {}): Promise<ModelSession> {
      configureOrtWeb(options);
      const fixed = sessionOptions.preferredProviders ?? options.providers;
      if (fixed) return createFallbackSession(createRaw, bytes, fixed, sessionOptions);
      const choice = await choose(sessionOptions.backend ?? 'auto');
      return createFallbackSession(createRaw, bytes, choice.providers, { ...sessionOptions, choice });
    },
  };
}
