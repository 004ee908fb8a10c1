// Capability probe (CONVENTIONS #4, #5): WebGPU counts only when requestAdapter() returns an adapter; the dtype
// follows shader-f16; WASM threads need cross-origin isolation. The global object is a parameter so the same
// code runs in the browser, in workers and in Node tests with fakes; this is the one core file that reads it.
import { RUNTIME_DEFAULTS } from './config';
import type { ExecutionProvider } from './session';

/** The structural subset of a GPUAdapter that the probe reads (no @webgpu/types dependency). */
export interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  features?: Iterable<string>;
  limits?: Record<string, number | undefined>;
  isFallbackAdapter?: boolean;
}

export interface ProbeGlobals {
  navigator?: {
    gpu?: { requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null> };
    hardwareConcurrency?: number;
    storage?: { estimate(): Promise<{ usage?: number; quota?: number }> };
  };
  crossOriginIsolated?: boolean;
  SharedArrayBuffer?: unknown;
  WebAssembly?: unknown;
}

export const KEY_LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage'] as const;

export type WebGpuCapability =
  | { available: true; vendor: string; architecture: string; description: string; isFallbackAdapter: boolean;
      features: string[]; limits: Partial<Record<(typeof KEY_LIMITS)[number], number>>; shaderF16: boolean; dtype: 'fp16' | 'fp32' }
  | { available: false; reason: string };

export interface WasmCapability {
  available: boolean;
  threads: boolean;
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  hardwareConcurrency: number;
  /** What ortWeb will use: min(hardwareConcurrency, 4) when threads work, else 1. */
  recommendedThreads: number;
  /** Why threads are off, when they are. */
  reason?: string;
}

export interface Capabilities {
  webgpu: WebGpuCapability;
  wasm: WasmCapability;
  storage: { usage: number; quota: number } | { unavailable: string };
  /** Provider order `auto` starts from, best first: a software (fallback) WebGPU adapter is left out. */
  providers: ExecutionProvider[];
}

/**
 * A software WebGPU adapter: flagged `isFallbackAdapter` (SwiftShader in a GPU-less Chromium), or named after a
 * CPU rasteriser by browsers that do not expose the flag. It runs ONNX graphs tens of times slower than WASM
 * (runtime-probe: 206 ms vs 2.6 ms), so `auto` never prefers it.
 */
export function isSoftwareAdapter(webgpu: WebGpuCapability): boolean {
  if (!webgpu.available) return false;
  return webgpu.isFallbackAdapter || SOFTWARE_ADAPTER.test(`${webgpu.vendor} ${webgpu.architecture} ${webgpu.description}`);
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|basic render driver/i;

async function probeWebGpu(g: ProbeGlobals, timeoutMs: number): Promise<WebGpuCapability> {
  const gpu = g.navigator?.gpu;
  if (!gpu) return { available: false, reason: 'navigator.gpu is missing: this browser or context has no WebGPU (it needs a secure context; headless Chromium needs --enable-unsafe-webgpu)' };
  let adapter: AdapterLike | null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // requestAdapter can hang on broken drivers; a probe must always answer.
    adapter = await Promise.race([
      gpu.requestAdapter({ powerPreference: 'high-performance' }),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); }),
    ]);
  } catch (e) {
    return { available: false, reason: `requestAdapter() failed: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    clearTimeout(timer);
  }
  if (!adapter) return { available: false, reason: 'requestAdapter() returned null: no usable GPU adapter (blocklisted driver, disabled WebGPU, or no GPU)' };
  const features = [...(adapter.features ?? [])].sort();
  const limits: Partial<Record<(typeof KEY_LIMITS)[number], number>> = {};
  for (const key of KEY_LIMITS) {
    const v = adapter.limits?.[key];
    if (typeof v === 'number') limits[key] = v;
  }
  const shaderF16 = features.includes('shader-f16');
  return {
    available: true,
    vendor: adapter.info?.vendor ?? '',
    architecture: adapter.info?.architecture ?? '',
    description: adapter.info?.description ?? adapter.info?.device ?? '',
    isFallbackAdapter: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    features, limits, shaderF16, dtype: shaderF16 ? 'fp16' : 'fp32',
  };
}

function probeWasm(g: ProbeGlobals): WasmCapability {
  const available = typeof g.WebAssembly === 'object' && g.WebAssembly !== null;
  const crossOriginIsolated = g.crossOriginIsolated === true;
  const sharedArrayBuffer = typeof g.SharedArrayBuffer === 'function';
  const hardwareConcurrency = g.navigator?.hardwareConcurrency ?? 1;
  const threads = available && crossOriginIsolated && sharedArrayBuffer && hardwareConcurrency > 1;
  const reason = threads ? undefined
    : !crossOriginIsolated ? 'page is not cross-origin isolated (serve with COOP: same-origin and COEP: require-corp)'
      : !sharedArrayBuffer ? 'SharedArrayBuffer is unavailable'
        : hardwareConcurrency <= 1 ? 'only one logical core' : 'WebAssembly is unavailable';
  return { available, threads, crossOriginIsolated, sharedArrayBuffer, hardwareConcurrency,
    recommendedThreads: threads ? Math.min(hardwareConcurrency, RUNTIME_DEFAULTS.maxWasmThreads) : 1, ...(reason ? { reason } : {}) };
}

async function probeStorage(g: ProbeGlobals): Promise<Capabilities['storage']> {
  const storage = g.navigator?.storage;
  if (!storage) return { unavailable: 'navigator.storage is missing' };
  try {
    const { usage = 0, quota = 0 } = await storage.estimate();
    return { usage, quota };
  } catch (e) {
    return { unavailable: `storage.estimate() failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Probes what this page or worker can run. Pass `globalThis` in the app; fakes in tests. */
export async function probeCapabilities(g: ProbeGlobals = globalThis as ProbeGlobals, options: { adapterTimeoutMs?: number } = {}): Promise<Capabilities> {
  const [webgpu, storage] = await Promise.all([probeWebGpu(g, options.adapterTimeoutMs ?? RUNTIME_DEFAULTS.adapterTimeoutMs), probeStorage(g)]);
  const wasm = probeWasm(g);
  const gpu = webgpu.available && !isSoftwareAdapter(webgpu);
  const providers: ExecutionProvider[] = [...(gpu ? ['webgpu' as const] : []), ...(wasm.available ? ['wasm' as const] : [])];
  return { webgpu, wasm, storage, providers };
}
