// Turns a module's backend setting ('auto' | 'webgpu' | 'wasm') into the provider order its sessions try, with
// the reason the UI shows. `auto` takes WebGPU only when it is likely to be faster: never a software (fallback)
// adapter — SwiftShader ran the runtime-probe graph 80× slower than WASM and made a tabular teacher run take
// 8 minutes —, and where the probe cannot tell (a hardware adapter, small models), a short timing decides.
// An explicit 'webgpu' is always honoured, even on a fallback adapter: it stays selectable, with a warning.
// Pure except `timeProviders`, which runs the timing on whatever OrtBackend it is given.
import { buildBenchGraph } from './benchGraph';
import { isSoftwareAdapter, type Capabilities, type WebGpuCapability } from './capabilities';
import { RUNTIME_DEFAULTS } from './config';
import type { BackendPreference, ExecutionProvider, OrtBackend, ProviderChoice, SessionInfo } from './session';

export type ProviderTimings = NonNullable<ProviderChoice['timings']>;

const adapterName = (w: Extract<WebGpuCapability, { available: true }>): string =>
  [w.vendor, w.architecture].filter(Boolean).join('/') || w.description || 'unnamed adapter';

const ms = (v: number): string => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;

/** True when `auto` needs a timing to choose: a WebGPU adapter the probe cannot rule out as slow. */
export function needsTiming(preference: BackendPreference, caps: Pick<Capabilities, 'webgpu'>): boolean {
  return preference === 'auto' && caps.webgpu.available && !isSoftwareAdapter(caps.webgpu);
}

/** The provider order for `preference` on this machine, and why; `timings` (from timeProviders) settle `auto`. */
export function resolveProviders(preference: BackendPreference, caps: Pick<Capabilities, 'webgpu'>, timings?: ProviderTimings): ProviderChoice {
  const { webgpu } = caps;
  if (preference === 'wasm') {
    return { preference, providers: ['wasm'], skipped: [{ provider: 'webgpu', reason: 'the backend is set to wasm' }], reason: 'WASM (set in the backend setting)' };
  }
  if (preference === 'webgpu') {
    const warning = !webgpu.available ? ` — but there is no adapter (${webgpu.reason}), so it falls back to WASM`
      : isSoftwareAdapter(webgpu) ? ` — on a fallback adapter (${adapterName(webgpu)}), a software rasteriser: expect it to be much slower than WASM` : '';
    return { preference, providers: ['webgpu', 'wasm'], skipped: [], reason: `WebGPU (set in the backend setting)${warning}` };
  }
  const wasmOnly = (why: string): ProviderChoice => ({
    preference, providers: ['wasm'], skipped: [{ provider: 'webgpu', reason: why }], reason: `WASM (auto): WebGPU skipped — ${why}`,
    ...(timings ? { timings } : {}),
  });
  if (!webgpu.available) return wasmOnly(`no adapter: ${webgpu.reason}`);
  if (isSoftwareAdapter(webgpu)) {
    return wasmOnly(`fallback adapter (${adapterName(webgpu)}), a software rasteriser slower than WASM; set the backend to webgpu to use it anyway`);
  }
  if (timings) {
    if (!(timings.webgpuMs < timings.wasmMs)) {
      return wasmOnly(`measured slower than WASM on this machine (${ms(timings.webgpuMs)} vs ${ms(timings.wasmMs)} per call of the probe graph)`);
    }
    return { preference, providers: ['webgpu', 'wasm'], skipped: [], timings,
      reason: `WebGPU (auto): ${adapterName(webgpu)} measured faster than WASM (${ms(timings.webgpuMs)} vs ${ms(timings.wasmMs)} per call)` };
  }
  return { preference, providers: ['webgpu', 'wasm'], skipped: [], reason: `WebGPU (auto): hardware adapter ${adapterName(webgpu)}` };
}

/**
 * resolveProviders after the timing `auto` needs, when a `time` function is given (the browser backend passes
 * one; the main thread, which has no ORT, does not). A timing that fails rules WebGPU out: it could not run.
 */
export async function chooseProviders(preference: BackendPreference, caps: Pick<Capabilities, 'webgpu'>,
  time?: () => Promise<ProviderTimings>): Promise<ProviderChoice> {
  if (!time || !needsTiming(preference, caps)) return resolveProviders(preference, caps);
  try {
    return resolveProviders(preference, caps, await time());
  } catch (e) {
    const why = `it failed the timing probe (${e instanceof Error ? e.message : String(e)})`;
    return { preference, providers: ['wasm'], skipped: [{ provider: 'webgpu', reason: why }], reason: `WASM (auto): WebGPU skipped — ${why}` };
  }
}

async function medianMs(backend: Pick<OrtBackend, 'createSession'>, provider: ExecutionProvider, runs: number): Promise<number> {
  const graph = buildBenchGraph(RUNTIME_DEFAULTS.autoTiming.graph);
  const feeds = graph.feeds();
  // One provider only: a session that cannot create or run on it throws instead of timing another one.
  const session = await backend.createSession(graph.bytes, { preferredProviders: [provider], file: `backend timing probe (${provider})`, skipParse: true });
  try {
    await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  } finally {
    await session.dispose();
  }
}

/** Median ms per call of the probe graph on WASM and on WebGPU, each after one warm-up call. */
export async function timeProviders(backend: Pick<OrtBackend, 'createSession'>, runs: number = RUNTIME_DEFAULTS.autoTiming.runs): Promise<ProviderTimings> {
  const wasmMs = await medianMs(backend, 'wasm', runs);
  const webgpuMs = await medianMs(backend, 'webgpu', runs);
  return { wasmMs, webgpuMs };
}

/** Why a session runs where it does, for the status bar: its last fallback if it had one, else how it was chosen. */
export function providerReason(info: Pick<SessionInfo, 'executionProvider' | 'fallbacks' | 'choice'>): string {
  const last = info.fallbacks[info.fallbacks.length - 1];
  if (last) return `fell back from ${last.from} (${last.code}: ${last.reason})`;
  return info.choice?.reason ?? `runs on ${info.executionProvider} (providers named by the caller)`;
}
