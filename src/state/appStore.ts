// UI state of the shell (zustand). Module specs live here while a module is open; the URL mirrors them.
import { create } from 'zustand';
import type { ModuleId } from './modules';
import type { AnySpec } from './specs';

export type Readiness = 'loading' | 'ready' | 'error';

export interface BackendStatus {
  /** the providers of the models loaded now ('wasm', 'webgpu + wasm'), else the one `auto` would choose */
  active: string;
  /** why (e.g. "WASM (auto): WebGPU skipped — fallback adapter (google/swiftshader), …") */
  reason: string;
  /** 'loaded': read from the sessions that hold models now; 'probe': the startup probe, before any model loads */
  source: 'probe' | 'loaded';
}

/** The provider a loaded model runs on, reported by whoever holds it (a module engine, the Models page). */
export interface LoadedBackend {
  provider: 'webgpu' | 'wasm' | 'cpu';
  reason: string;
}

interface AppState {
  specs: Partial<Record<ModuleId, AnySpec>>;
  digests: Partial<Record<ModuleId, string>>;
  /** what the startup probe says `auto` will choose */
  backend: BackendStatus;
  /** models held now, by holder key (e.g. 'models:runtime-probe', 'alignbeam'); diagnostics never report here */
  loaded: Record<string, LoadedBackend>;
  setSpec: (module: ModuleId, spec: AnySpec) => void;
  setDigest: (module: ModuleId, digest: string | undefined) => void;
  setBackend: (status: BackendStatus) => void;
  /** `null` when the holder's models are gone (unloaded, worker stopped). */
  setLoaded: (key: string, entry: LoadedBackend | null) => void;
  /** forgets every holder whose key starts with `prefix` */
  clearLoaded: (prefix: string) => void;
}

/**
 * What the status bar shows: the providers of the models loaded now (the latest one's reason), so a benchmark
 * that loads and unloads models on other providers never changes it; the probe's answer until a model loads.
 */
export function shownBackend(s: Pick<AppState, 'backend' | 'loaded'>): BackendStatus {
  const entries = Object.values(s.loaded);
  if (!entries.length) return s.backend;
  const providers = [...new Set(entries.map((e) => e.provider))].sort((a, b) => (a === b ? 0 : a === 'webgpu' ? -1 : 1));
  return { active: providers.join(' + '), reason: entries[entries.length - 1].reason, source: 'loaded' };
}

export const useAppStore = create<AppState>((set) => ({
  specs: {},
  digests: {},
  backend: { active: 'unknown', reason: 'not probed yet', source: 'probe' },
  loaded: {},
  setSpec: (module, spec) => set((s) => ({ specs: { ...s.specs, [module]: spec } })),
  setDigest: (module, digest) => set((s) => ({ digests: { ...s.digests, [module]: digest } })),
  setBackend: (backend) => set({ backend }),
  setLoaded: (key, entry) => set((s) => {
    const { [key]: _old, ...rest } = s.loaded;
    void _old;
    // re-inserted last, so the latest report's reason is the one shown
    return { loaded: entry ? { ...rest, [key]: entry } : rest };
  }),
  clearLoaded: (prefix) => set((s) => ({ loaded: Object.fromEntries(Object.entries(s.loaded).filter(([k]) => !k.startsWith(prefix))) })),
}));
