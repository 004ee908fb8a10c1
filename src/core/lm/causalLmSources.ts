// Where a CausalLM's files come from: a hub repo (remote, opt-in; URLs from transformers.js's env, files
// through the runtime loader for progress/cache/errors) or bytes the caller already has (an embedded model's
// files fetched by the app, a folder read in Node: causalLmNode.ts). All end in `createCausalLM`. This file
// decides which files a model needs: config.json (normalised by the family table), generation_config.json and
// chat_template.jinja when present, the tokenizer, the ONNX file of the chosen dtype (transformers.js names) and
// its external-data chunks; and refuses a model too large for the tab before it is read where it can.
import { withCacheRollback } from '../runtime/cache';
import { DtypeVariantMissingError, formatBytes, ModelNotFoundError, ModelTooLargeError } from '../runtime/errors';
import { loadHubFiles, assertRemoteAllowed, type HubOptions } from '../runtime/hub';
import type { LoadOptions } from '../runtime/loaders';
import { collectExternalData, fetchExternalDataFiles } from '../runtime/externalData';
import type { OrtBackend } from '../runtime/session';
import { createCausalLM, type CausalLM, type CausalLmFiles } from './causalLm';
import { normalizeConfig, type NormalizedLmConfig } from './families';
import { dtypeCandidates, externalDataChunkNames, onnxFileFor, resolveDtype, ONNX_DTYPES, type OnnxDtype, type OnnxDtypeChoice } from './onnxVariants';

/** Always needed (the ONNX file depends on the dtype). */
export const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
/** Read when present. */
export const OPTIONAL_FILES = ['generation_config.json', 'chat_template.jinja'] as const;
/** Every ONNX file name a decoder-only folder can hold, one per dtype. */
export const ONNX_VARIANT_FILES = ONNX_DTYPES.map((d) => onnxFileFor(d));

/**
 * What one tab can hold: ORT-web's WASM heap is a 32-bit address space (4 GiB), and the model bytes, the session's
 * copy of the weights and the KV cache all live there; 3.5 GiB leaves room for the rest of the worker. One .onnx
 * file above 2 GiB is past protobuf's limit whatever the backend (the weights must be in external data).
 */
export const TAB_LIMIT_BYTES = 3.5 * 2 ** 30;
const PROTOBUF_LIMIT_BYTES = 2 ** 31;

export interface CausalLmSourceOptions {
  /** transformers.js dtype names; 'auto' = q8 on wasm, fp32 elsewhere (falls back to what the folder has). */
  dtype?: OnnxDtypeChoice;
  /** The provider the session will most likely run on, for the 'auto' dtype (default 'cpu'). */
  provider?: 'wasm' | 'webgpu' | 'cpu';
  /** Bytes the weights plus a KV cache of `contextTokens` may take (default TAB_LIMIT_BYTES; Node: no limit). */
  limitBytes?: number;
  /** KV-cache length counted in the size bound (default min(context length, 4096)). */
  contextTokens?: number;
}

/**
 * The size bound: weights (every ONNX byte) plus a batch-1 KV cache at `contextTokens`, over `limitBytes` →
 * ModelTooLargeError naming both. Called before reading where sizes are known first (a folder, a hub listing).
 */
export function checkModelSize(model: string, config: NormalizedLmConfig, sizes: { onnx: number; external: number }, dtype: OnnxDtype,
  o: Pick<CausalLmSourceOptions, 'limitBytes' | 'contextTokens'> = {}): void {
  const limit = o.limitBytes ?? TAB_LIMIT_BYTES;
  if (sizes.onnx > PROTOBUF_LIMIT_BYTES) {
    throw new ModelTooLargeError(model, sizes.onnx, PROTOBUF_LIMIT_BYTES, 'one .onnx file over protobuf\'s 2 GiB limit; the weights must be in external data');
  }
  const context = o.contextTokens ?? Math.min(config.maxPositions, 4096);
  const cacheBytes = dtype === 'fp16' || dtype === 'q4f16' ? 2 : 4;
  const kv = 2 * config.numLayers * config.numKvHeads * config.headDim * cacheBytes * context;
  const need = sizes.onnx + sizes.external + kv;
  if (need > limit) {
    throw new ModelTooLargeError(model, need, limit, `weights ${formatBytes(sizes.onnx + sizes.external)} + KV cache ${formatBytes(kv)} at ${context} tokens`);
  }
}

const json = (b: Uint8Array): Record<string, unknown> => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;

/** The normalised config of a config.json's bytes (UnsupportedFamilyError / MalformedConfigError from the table). */
export function readConfig(bytes: Uint8Array): NormalizedLmConfig {
  return normalizeConfig(json(bytes));
}

/**
 * Builds CausalLmFiles from files the caller can look up by folder-relative path (`get` returns undefined when a
 * file is absent). The dtype is resolved against the ONNX variants `get` finds; the external-data files are those
 * the chosen file's graph names, next to it (runtime/externalData.ts; one absent is ExternalDataMissingError).
 */
export function parseCausalLmFiles(lookup: (file: string) => Uint8Array | undefined, label: string, o: CausalLmSourceOptions = {}): CausalLmFiles {
  // Optional files and dtype variants are probed: a getter that throws for an absent file (readFileSync) means absent.
  const get = (f: string): Uint8Array | undefined => {
    try {
      return lookup(f);
    } catch {
      return undefined;
    }
  };
  const need = (f: string): Uint8Array => {
    const b = get(f);
    if (!b) throw new ModelNotFoundError(`${label}/${f}`, `${f} is missing (a causal-LM folder needs ${REQUIRED_FILES.join(', ')} and onnx/model*.onnx)`);
    return b;
  };
  const config = readConfig(need('config.json'));
  const present = ONNX_VARIANT_FILES.filter((f) => get(f) !== undefined);
  const { dtype, file } = resolveDtype(label, o.dtype ?? 'auto', o.provider ?? 'cpu', present);
  const onnx = need(file);
  const externalData = collectExternalData(label, file, onnx, get);
  checkModelSize(label, config, { onnx: onnx.byteLength, external: externalData.reduce((a, f) => a + f.data.byteLength, 0) }, dtype, o);
  const generation = get('generation_config.json');
  const jinja = get('chat_template.jinja');
  return {
    config,
    ...(generation ? { generationConfig: json(generation) } : {}),
    tokenizer: {
      tokenizerJson: json(need('tokenizer.json')),
      tokenizerConfig: json(need('tokenizer_config.json')),
      ...(jinja ? { chatTemplateJinja: new TextDecoder().decode(jinja) } : {}),
    },
    onnx, onnxFile: file, dtype, externalData,
  };
}

/** transformers.js_config.use_external_data_format: chunk count for `file` (true = 1), as transformers.js reads it. */
export function externalChunkCount(configJson: Record<string, unknown>, file: string): number {
  const v = (configJson['transformers.js_config'] as { use_external_data_format?: unknown } | undefined)?.use_external_data_format;
  const base = file.replace(/^onnx\//, '');
  const pick = v && typeof v === 'object' ? (v as Record<string, unknown>)[base] ?? (v as Record<string, unknown>).model : v;
  return Number(pick ?? 0) || 0;
}

/**
 * Fetches files by folder-relative path (keys of the result are those paths). `progress` is false for the small
 * probes (config, optional files), so the caller's bar is one total over the tokenizer and the weights.
 */
export type CausalLmFileFetcher = (files: readonly string[], progress: boolean) => Promise<Map<string, Uint8Array>>;

/**
 * A causal LM from a source that cannot be listed (a hub repo, a folder URL): config.json first, the optional
 * files where they exist (404 = absent), then one download of the tokenizer, the ONNX file of the dtype and its
 * external-data files (config.json's transformers.js_config count brings them early; the graph's own locations
 * decide, runtime/externalData.ts). With dtype 'auto' the candidates are tried in order on 404 (transformers.js's
 * default first); none found is DtypeVariantMissingError.
 */
export async function loadCausalLMFrom(label: string, fetchFiles: CausalLmFileFetcher, backend: OrtBackend, o: CausalLmSourceOptions = {}): Promise<CausalLM> {
  const all = new Map<string, Uint8Array>(await fetchFiles(['config.json'], false));
  const configJson = json(all.get('config.json')!);
  readConfig(all.get('config.json')!); // an unsupported family fails before any weight is fetched
  for (const f of OPTIONAL_FILES) {
    try {
      for (const [k, v] of await fetchFiles([f], false)) all.set(k, v);
    } catch (e) {
      if (!(e instanceof ModelNotFoundError)) throw e;
    }
  }
  const provider = o.provider ?? 'cpu';
  const candidates = dtypeCandidates(o.dtype ?? 'auto', provider);
  for (const [i, dtype] of candidates.entries()) {
    const file = onnxFileFor(dtype);
    try {
      // config.json's chunk count (as transformers.js reads it) lets the weights come in the same download, under
      // one progress total; the graph's own locations decide, and any side file the hint missed is fetched after.
      const got = await fetchFiles(['tokenizer.json', 'tokenizer_config.json', file, ...externalDataChunkNames(file, externalChunkCount(configJson, file))], true);
      for (const [k, v] of got) all.set(k, v);
      for (const [k, v] of await fetchExternalDataFiles(label, file, all.get(file)!, (paths) => fetchFiles(paths, true), all)) all.set(k, v);
      return await createCausalLM(label, parseCausalLmFiles((f) => all.get(f), label, { ...o, dtype }), backend);
    } catch (e) {
      const onnxMissing = e instanceof ModelNotFoundError && e.url.endsWith(file);
      if (!onnxMissing) throw e;
      if (i + 1 < candidates.length) continue;
      throw new DtypeVariantMissingError(label, candidates.length > 1 ? `${candidates.join('/')} (auto)` : dtype, candidates.map((d) => onnxFileFor(d)).join(', '), []);
    }
  }
  throw new Error('unreachable: no dtype candidates');
}

/**
 * A hub model by id (an onnx-community / transformers.js layout). Offline (the default), this throws
 * RemoteDisabledError before any request. Files as loadCausalLMFrom fetches them; the cache keeps nothing of a
 * load that fails.
 */
export async function loadHubCausalLM(id: string, backend: OrtBackend, options: LoadOptions & HubOptions & CausalLmSourceOptions): Promise<CausalLM> {
  assertRemoteAllowed(id, options);
  return withCacheRollback(options.cache, async (cache) => {
    const fetchFiles: CausalLmFileFetcher = async (files, progress) => {
      const got = await loadHubFiles(id, files, { ...options, cache, ...(progress ? {} : { onProgress: undefined }) });
      return new Map([...got].map(([k, v]) => [k.slice(id.length + 1), v]));
    };
    return loadCausalLMFrom(id, fetchFiles, backend, options);
  });
}
