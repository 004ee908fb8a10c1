// Loads a causal LM by reference for the browser worker (and Node, with a file fetch): an embedded id from
// models/manifest.json (sizes + sha256 checked, through the model cache), a folder URL ('/models/x/', 'https://…/'),
// or a hub id ('org/name', only when remote models are allowed: RemoteDisabledError otherwise). All end in the same
// parseCausalLmFiles + createCausalLM as the Node loader.
import { createCausalLM, type CausalLM } from '../lm/causalLm';
import { loadCausalLMFrom, loadHubCausalLM, OPTIONAL_FILES, parseCausalLmFiles, type CausalLmFileFetcher, type CausalLmSourceOptions } from '../lm/causalLmSources';
import type { OnnxDtypeChoice } from '../lm/onnxVariants';
import { withCacheRollback, type ModelCache } from '../runtime/cache';
import { loadFiles, loadManifest, loadManifestModel, type FetchLike } from '../runtime/loaders';
import type { ProgressCallback } from '../runtime/progress';
import { resolveModelSource, type Manifest } from '../runtime/registry';
import type { OrtBackend } from '../runtime/session';

export const CAUSAL_LM_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'] as const;

export interface ModelLoaderDeps {
  backend: () => Promise<OrtBackend>;
  fetch: FetchLike;
  cache?: ModelCache;
  /** Absolute in browsers (Cache API keys), e.g. new URL('/models/', location.href).href. */
  modelsBaseUrl: string;
  /** Read at each load, so a worker can change them between loads (llm.worker.ts `configureHub`). */
  allowRemote?: boolean;
  /** The hub hub ids resolve on (default transformers.js's remoteHost: https://huggingface.co/). */
  hubUrl?: string;
  /**
   * The execution provider sessions will most likely run on, read at each load: it picks the 'auto' dtype the way
   * transformers.js does (q8 on wasm, fp32 elsewhere). Default 'cpu' (Node); the llm worker derives it from the
   * backend preference ('webgpu' or 'wasm').
   */
  provider?: () => NonNullable<CausalLmSourceOptions['provider']>;
}

export interface LoadModelOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /**
   * Which ONNX variant of a hub id or folder URL to load (transformers.js dtype names; default 'auto' = the
   * provider's default, falling back to the variants that exist). Embedded models have one file and ignore it.
   */
  dtype?: OnnxDtypeChoice;
}

/** The dtype options the loader passes to the causal-LM sources for one load. */
function dtypeRequest(deps: Pick<ModelLoaderDeps, 'provider'>, o: LoadModelOptions): Required<Pick<CausalLmSourceOptions, 'dtype' | 'provider'>> {
  return { dtype: o.dtype ?? 'auto', provider: deps.provider?.() ?? 'cpu' };
}

const isFolderUrl = (ref: string) => /^(https?:\/\/|\/|\.\.?\/)/.test(ref);

export function createModelLoader(deps: ModelLoaderDeps): (ref: string, o?: LoadModelOptions) => Promise<CausalLM> {
  let manifest: Promise<Manifest> | undefined;
  // A load that fails after some files were cached (a later 404, a graph that does not match its config)
  // takes them back out: nothing half-loaded stays in the cache.
  return (ref, o = {}) => withCacheRollback(deps.cache, (cache) => load(ref, o, cache));
  async function load(ref: string, o: LoadModelOptions, cache: ModelCache | undefined): Promise<CausalLM> {
    const opts = { fetch: deps.fetch, cache, onProgress: o.onProgress, signal: o.signal };
    const variant = dtypeRequest(deps, o);
    if (isFolderUrl(ref)) {
      // A folder URL cannot be listed: the same probing as a hub (optional files, dtype file, external data).
      const base = ref.endsWith('/') ? ref : `${ref}/`;
      const fetchFiles: CausalLmFileFetcher = (files, progress) =>
        loadFiles(files.map((f) => ({ url: `${base}${f}`, path: f })), progress ? opts : { ...opts, onProgress: undefined });
      return loadCausalLMFrom(ref, fetchFiles, await deps.backend(), variant);
    }
    manifest ??= loadManifest(deps.modelsBaseUrl, { fetch: deps.fetch, signal: o.signal });
    const m = await manifest.catch((e: unknown) => { manifest = undefined; throw e; });
    const source = resolveModelSource(ref, m, { allowRemote: deps.allowRemote });
    if (source.kind === 'hub') return loadHubCausalLM(source.id, await deps.backend(), { ...opts, ...variant, allowRemote: deps.allowRemote, hubUrl: deps.hubUrl });
    const wanted = new Set<string>([...CAUSAL_LM_FILES, ...OPTIONAL_FILES]);
    const files = await loadManifestModel(source.model, deps.modelsBaseUrl, { ...opts, include: (p) => wanted.has(p) });
    return createCausalLM(ref, parseCausalLmFiles((f) => files.get(`${source.model.id}/${f}`), ref), await deps.backend());
  }
}
