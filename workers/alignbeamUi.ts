// What the alignbeam panel adds to the llm worker: the backend setting of its spec for the models the alignbeam
// engine loads (resolved by the web backend: auto skips a software WebGPU adapter, see backendChoice.ts), and which
// execution provider each of those sessions really runs on, how it was chosen and every fallback with its reason.
// The engine caches models by reference, so a preference applies to models loaded after it is set: the panel
// restarts the worker when the preference changes.
import type { BackendPreference, ExecutionProvider, FallbackRecord, ModelSession, OrtBackend, ProviderChoice } from '../src/core/runtime/session';

export type { BackendPreference };

export interface SessionBackendInfo {
  /** e.g. 'target/onnx/model.onnx' */
  file: string;
  executionProvider: ExecutionProvider;
  fallbacks: FallbackRecord[];
  choice?: ProviderChoice;
}

export interface AlignbeamUiApi {
  alignbeamSetBackend(preference: BackendPreference): Promise<void>;
  /** One entry per model session the alignbeam engine created (latest first per file). */
  alignbeamBackendInfo(): Promise<SessionBackendInfo[]>;
}

let preference: BackendPreference = 'auto';

/**
 * The provider the 'auto' dtype is chosen for (transformers.js: q8 on wasm, fp32 elsewhere): WebGPU only when the
 * user asked for it first; 'auto' may still end on WebGPU, but WASM is what a GPU-less browser runs, so its default.
 */
export const dtypeProvider = (): 'webgpu' | 'wasm' => (preference === 'webgpu' ? 'webgpu' : 'wasm');
const sessions = new Map<string, ModelSession>();

/** Wraps the web backend: sessions get the spec's backend setting and are remembered for alignbeamBackendInfo. */
export function preferredBackend(create: () => Promise<OrtBackend>): () => Promise<OrtBackend> {
  return async () => {
    const backend = await create();
    return {
      name: backend.name,
      defaultProviders: backend.defaultProviders,
      async createSession(bytes, options = {}) {
        const session = await backend.createSession(bytes, { backend: preference, ...options });
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
    return [...sessions].map(([file, s]) => {
      const { executionProvider, fallbacks, choice } = s.info;
      return { file, executionProvider, fallbacks: [...fallbacks], ...(choice ? { choice } : {}) };
    });
  },
};
