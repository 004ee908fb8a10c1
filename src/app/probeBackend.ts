// Startup probe: decides which backend the status bar reports before any model runs (WebGPU only when
// requestAdapter() returns an adapter); engines later update it with what actually ran.
import { useAppStore } from '../state/appStore';
import { probeCapabilities, type Capabilities, type ProbeGlobals } from '../core/runtime/capabilities';

let probed: Promise<Capabilities> | undefined;

export function capabilities(): Promise<Capabilities> {
  probed ??= probeCapabilities(globalThis as ProbeGlobals);
  return probed;
}

export async function probeBackend(): Promise<void> {
  const { webgpu, wasm } = await capabilities();
  useAppStore.getState().setBackend(
    webgpu.available
      ? { active: 'webgpu', reason: `WebGPU adapter ${webgpu.vendor || 'unknown vendor'}/${webgpu.architecture || 'unknown'}${webgpu.isFallbackAdapter ? ' (fallback adapter)' : ''}, ${webgpu.dtype}` }
      : { active: 'wasm', reason: `no WebGPU (${webgpu.reason}); WASM ${wasm.threads ? `${wasm.recommendedThreads} threads` : `1 thread: ${wasm.reason}`}` },
  );
}
