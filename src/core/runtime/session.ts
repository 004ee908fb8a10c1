// The backend-neutral session: tries execution providers in order, records why each one that failed was
// skipped, validates feeds, serialises runs (one promise chain per session, as ORT sessions are not re-entrant)
// and, when a run fails on WebGPU (device lost, OOM), re-creates the session on WASM and completes the run there.
// ortNode.ts and ortWeb.ts only supply a `RawSessionFactory`; all policy lives here so it is tested once.
import { classifyOrtError, CancelledError, ExternalDataMissingError, type RuntimeError, type RuntimeErrorCode } from './errors';
import { parseOnnxModel, type OnnxModelSummary } from './onnx/parse';
import type { Feeds, TensorData } from './tensor';
import { validateFeeds, type InputMeta } from './validate';

export type ExecutionProvider = 'webgpu' | 'wasm' | 'cpu';

/** The user's backend setting (every module spec carries one): `auto` lets the runtime decide (backendChoice.ts). */
export type BackendPreference = 'auto' | 'webgpu' | 'wasm';

/**
 * Why a session tries the providers it does: a preference resolved against the capability probe (and, where the
 * probe cannot tell, a short timing). Providers the policy left out are `skipped`; providers that were tried and
 * failed are FallbackRecords.
 */
export interface ProviderChoice {
  preference: BackendPreference;
  /** tried in this order */
  providers: ExecutionProvider[];
  skipped: { provider: ExecutionProvider; reason: string }[];
  /** one line for the status bar and the Models page */
  reason: string;
  /** median ms per call of the probe graph, when a timing decided */
  timings?: { wasmMs: number; webgpuMs: number };
}

/** One ORT session on one provider, as the backend modules create it. */
export interface RawSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly InputMeta[];
  readonly outputMetadata: readonly InputMeta[];
  run(feeds: Feeds): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}

export type RawSessionFactory = (bytes: Uint8Array, provider: ExecutionProvider, options: SessionOptions) => Promise<RawSession>;

export interface SessionOptions {
  /** Tried in order; the first that creates a session wins. Default: the backend's own list. */
  preferredProviders?: readonly ExecutionProvider[];
  /** The module's backend setting; the web backend resolves it (auto never prefers a software WebGPU adapter). */
  backend?: BackendPreference;
  /** How the provider order was chosen; the backend sets it and SessionInfo reports it. */
  choice?: ProviderChoice;
  /** Intra-op threads, onnxruntime-node only (web WASM threads are global: WebBackendOptions.numThreads). */
  numThreads?: number;
  /** Testing hook: make WebGPU fail at session creation, or at the first run (as a lost device would). */
  simulateWebGpuFailure?: 'create' | 'run';
  /** Name used in error messages (e.g. 'target/onnx/model.onnx'). */
  file?: string;
  /** Skip the pre-parse for very large models already validated elsewhere. */
  skipParse?: boolean;
  /**
   * The side files an ONNX file's initializers name (`model.onnx_data`, `…_data_1`), already read: ORT's
   * `externalData` session option in both onnxruntime-node and -web (paths as the graph names them).
   */
  externalData?: readonly ExternalDataFile[];
}

export interface ExternalDataFile { path: string; data: Uint8Array }

export interface FallbackRecord {
  from: ExecutionProvider;
  to: ExecutionProvider | null;
  when: 'create' | 'run';
  code: RuntimeErrorCode;
  reason: string;
}

export interface SessionInfo {
  inputNames: string[];
  outputNames: string[];
  inputMetadata: InputMeta[];
  outputMetadata: InputMeta[];
  /** The provider that ran (or will run) the model now. */
  executionProvider: ExecutionProvider;
  /** Every provider skipped or abandoned, oldest first, with the reason: the UI shows these. */
  fallbacks: FallbackRecord[];
  /** How the provider order was chosen (absent when the caller named the providers). */
  choice?: ProviderChoice;
  model: OnnxModelSummary | undefined;
}

export interface ModelSession {
  readonly info: SessionInfo;
  readonly executionProvider: ExecutionProvider;
  run(feeds: Feeds, options?: { signal?: AbortSignal }): Promise<Record<string, TensorData>>;
  dispose(): Promise<void>;
}

export interface OrtBackend {
  readonly name: 'node' | 'web';
  readonly defaultProviders: readonly ExecutionProvider[];
  createSession(bytes: Uint8Array, options?: SessionOptions): Promise<ModelSession>;
}

async function createFirst(factory: RawSessionFactory, bytes: Uint8Array, providers: readonly ExecutionProvider[],
  options: SessionOptions, fallbacks: FallbackRecord[]): Promise<{ raw: RawSession; provider: ExecutionProvider }> {
  let last: RuntimeError | undefined;
  for (const [k, provider] of providers.entries()) {
    try {
      return { raw: await factory(bytes, provider, options), provider };
    } catch (e) {
      last = classifyOrtError(e, { provider, file: options.file });
      // A corrupt or unsupported file fails on every provider; trying the next one only hides the cause.
      if (last.code === 'CORRUPT_MODEL') throw last;
      fallbacks.push({ from: provider, to: providers[k + 1] ?? null, when: 'create', code: last.code, reason: last.message });
    }
  }
  throw last ?? new Error('no execution provider to try');
}

/** Builds a ModelSession over a backend's factory; see the header for the policy. */
export async function createFallbackSession(factory: RawSessionFactory, bytes: Uint8Array, providers: readonly ExecutionProvider[],
  options: SessionOptions = {}): Promise<ModelSession> {
  const model = options.skipParse ? undefined : parseOnnxModel(bytes, options.file);
  const given = new Set((options.externalData ?? []).map((f) => f.path));
  const missing = model?.externalDataFiles.filter((f) => !given.has(f)) ?? [];
  if (model?.usesExternalData && (missing.length > 0 || given.size === 0)) {
    throw new ExternalDataMissingError(options.file ?? 'model.onnx', missing.length > 0 ? missing : ['(an initializer without a location)'], 'not supplied with the .onnx bytes (SessionOptions.externalData)');
  }
  const fallbacks: FallbackRecord[] = [];
  let { raw, provider } = await createFirst(factory, bytes, providers, options, fallbacks);
  let chain: Promise<unknown> = Promise.resolve();
  let disposed = false;

  // The parsed file tells a scalar ([]) from an unknown shape (undefined); ORT metadata gives [] for both.
  const inputMeta = (): readonly InputMeta[] => model?.inputs ?? raw.inputMetadata;
  const info = (): SessionInfo => ({
    inputNames: [...raw.inputNames], outputNames: [...raw.outputNames],
    inputMetadata: [...inputMeta()], outputMetadata: [...(model?.outputs ?? raw.outputMetadata)],
    executionProvider: provider, fallbacks: [...fallbacks], model,
    ...(options.choice ? { choice: options.choice } : {}),
  });

  async function runNow(feeds: Feeds, signal?: AbortSignal): Promise<Record<string, TensorData>> {
    if (disposed) throw new Error('session was disposed');
    if (signal?.aborted) throw new CancelledError('The model run');
    validateFeeds(feeds, inputMeta());
    try {
      return await raw.run(feeds);
    } catch (e) {
      const err = classifyOrtError(e, { provider, file: options.file });
      const next = providers.slice(providers.indexOf(provider) + 1).filter((p) => p !== 'webgpu');
      if (provider !== 'webgpu' || next.length === 0 || err.code === 'INPUT_MISMATCH') throw err;
      fallbacks.push({ from: provider, to: next[0], when: 'run', code: err.code, reason: err.message });
      await raw.release().catch(() => undefined); // the device may already be gone
      ({ raw, provider } = await createFirst(factory, bytes, next, options, fallbacks));
      return await raw.run(feeds);
    }
  }

  return {
    get info() { return info(); },
    get executionProvider() { return provider; },
    run(feeds, runOptions = {}) {
      const result = chain.then(() => runNow(feeds, runOptions.signal));
      chain = result.catch(() => undefined);
      return result.then((out) => {
        // ORT can not abort a kernel mid-run; a run cancelled while executing still finishes but is discarded.
        if (runOptions.signal?.aborted) throw new CancelledError('The model run');
        return out;
      });
    },
    async dispose() {
      disposed = true;
      await chain;
      await raw.release();
    },
  };
}
