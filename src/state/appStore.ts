// UI state of the shell (zustand). Module specs live here while a module is open; the URL mirrors them.
import { create } from 'zustand';
import type { ModuleId } from './modules';
import type { AnySpec } from './specs';

export type Readiness = 'loading' | 'ready' | 'error';

export interface BackendStatus {
  /** the compute backend that actually ran last, or the one the probe chose */
  active: 'webgpu' | 'wasm' | 'node' | 'unknown';
  /** why (e.g. "WebGPU adapter: swiftshader (fallback)" or "no WebGPU adapter: requestAdapter() returned null") */
  reason: string;
}

interface AppState {
  specs: Partial<Record<ModuleId, AnySpec>>;
  digests: Partial<Record<ModuleId, string>>;
  backend: BackendStatus;
  setSpec: (module: ModuleId, spec: AnySpec) => void;
  setDigest: (module: ModuleId, digest: string | undefined) => void;
  setBackend: (status: BackendStatus) => void;
}

export const useAppStore = create<AppState>((set) => ({
  specs: {},
  digests: {},
  backend: { active: 'unknown', reason: 'not probed yet' },
  setSpec: (module, spec) => set((s) => ({ specs: { ...s.specs, [module]: spec } })),
  setDigest: (module, digest) => set((s) => ({ digests: { ...s.digests, [module]: digest } })),
  setBackend: (backend) => set({ backend }),
}));
