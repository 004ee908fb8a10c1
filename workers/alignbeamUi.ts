// What the alignbeam panel adds to the llm worker: the backend preference of its spec (auto = the runtime's order,
// WebGPU then WASM; or one provider first) for the models the alignbeam engine loads, and which execution provider
// each of those sessions really runs on, with every fallback and its reason, so the panel can show it.
// The engine caches models by reference, so a preference applies to models loaded after it is set: the panel
// restarts the worker when the preference changes.
import type { ExecutionProvider, FallbackRecord, ModelSession, OrtBackend } from '../src/core/runtime/session';

export type BackendPreference = 'auto' | 'webgpu' | 'wasm';

export interface SessionBackendInfo {
  /** e.g. 'target/onnx/model.onnx' */
  file: string;
  executionProvider: ExecutionProvider;
  fallbacks: FallbackRecord[];
}

export interface AlignbeamUiApi {
  alignbeamSetBackend(preference: BackendPreference): Promise<void>;
  /** One entry per model session the alignbeam engine created (latest first per file). */
  alignbeamBackendInfo(): Promise<SessionBackendInfo[]>;
}

const ORDER: Record<BackendPreference, readonly ExecutionProvider[]> = {
  auto: ['webgpu', 'wasm'],
  webgpu: ['webgpu', 'wasm'],
  wasm: ['wasm'],
};

let preference: BackendPreference = 'auto';
const sessions = new Map<string, ModelSession>();

/** Wraps the web backend: sessions get the preferred providers and are remembered for alignbeamBackendInfo. */
export function preferredBackend(create: () => Promise<OrtBackend>): () => Promise<OrtBackend> {
  return async () => {
    const backend = await create();
    return {
      name: backend.name,
      defaultProviders: ORDER[preference],
      async createSession(bytes, options = {}) {
        const session = await backend.createSession(bytes, { preferredProviders: ORDER[preference], ...options });
        sessions.set(options.file ?? `session ${sessions.size + 1}`, session);
        return session;
      },
    };
  };
}

export const alignbeamUiApi: AlignbeamUiApi = {
  async alignbeamSetBackend(p) {
    preference = p;
  },
  async alignbeamBackendInfo() {
    return [...sessions].map(([file, s]) => ({ file, executionProvider: s.info.executionProvider, fallbacks: [...s.info.fallbacks] }));
  },
};
