// Startup probe: what `auto` will choose, shown in the status bar before any model loads (WebGPU only for an adapter
// that is not a software fallback); engines later report the providers their loaded models really run on.
import { useAppStore } from '../state/appStore';
import { resolveProviders } from '../core/runtime/backendChoice';
import { probeCapabilities, type Capabilities, type ProbeGlobals } from '../core/runtime/capabilities';

let probed: Promise<Capabilities> | undefined;

export function capabilities(): Promise<Capabilities> {
  probed ??= probeCapabilities(globalThis as ProbeGlobals);
  return probed;
}

export async function probeBackend(): Promise<void> {
  const caps = await capabilities();
  const choice = resolveProviders('auto', caps);
  const threads = caps.wasm.threads ? `${caps.wasm.recommendedThreads} threads` : `1 thread: ${caps.wasm.reason}`;
  // The main thread has no ORT to time providers with; an engine times them on its first load when needed.
  const pending = caps.webgpu.available && choice.providers[0] === 'webgpu' ? '; engines time WebGPU against WASM on their first load' : '';
  useAppStore.getState().setBackend({ active: choice.providers[0] ?? 'unknown', reason: `${choice.reason}; WASM ${threads}${pending}`, source: 'probe' });
}
