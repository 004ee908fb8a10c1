// Hugging Face hub models are remote: they load only when the user opts in (`allowRemote`), because the
// workbench must work offline and no download is possible on CI. The hub is a URL: `hubUrl` when the caller has
// one (the app's hub URL setting: a mirror, or the loopback hub of scripts/loopbackHub.ts), else transformers.js's
// `env.remoteHost` (https://huggingface.co/ unless configured). Files go through our loader for progress, cache
// and named errors; its cache keys are whole URLs, so the same repo id on two hubs never shares an entry.
import { RUNTIME_DEFAULTS } from './config';
import { RemoteDisabledError } from './errors';
import { loadFiles, type LoadOptions } from './loaders';

export interface HubOptions {
  allowRemote?: boolean;
  revision?: string;
  /** Base URL of the hub (default: transformers.js's `env.remoteHost`, i.e. RUNTIME_DEFAULTS.hubUrl). */
  hubUrl?: string;
}

/** A hub URL as the user typed it → an http(s) base URL ending in '/', or an error saying what is wrong. */
export function normalizeHubUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new Error(`"${input}" is not a URL: give the hub's base URL, e.g. ${RUNTIME_DEFAULTS.hubUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the hub URL must be http(s), not ${url.protocol}`);
  if (url.search || url.hash) throw new Error('the hub URL takes no query or fragment');
  return url.href.replace(/\/?$/, '/');
}

export function assertRemoteAllowed(id: string, options: HubOptions): void {
  if (!(options.allowRemote ?? RUNTIME_DEFAULTS.allowRemote)) throw new RemoteDisabledError(id);
}

/**
 * URL of `file` in hub repo `id`, laid out by transformers.js's `env.remotePathTemplate`
 * (`{model}/resolve/{revision}/`); transformers.js is imported lazily, on first remote use.
 */
export async function hubFileUrl(id: string, file: string, options: Pick<HubOptions, 'revision' | 'hubUrl'> = {}): Promise<string> {
  const { env } = await import('@huggingface/transformers');
  const path = env.remotePathTemplate.replaceAll('{model}', id).replaceAll('{revision}', encodeURIComponent(options.revision ?? 'main'));
  return `${normalizeHubUrl(options.hubUrl ?? env.remoteHost)}${path}${file}`;
}

/**
 * URL of the hub's listing of `folder` in repo `id` (the Hugging Face API, `api/models/{id}/tree/{revision}/{folder}`:
 * each file's path and size), for a progress total known up front (hubListing.ts). Hubs and mirrors without the
 * API answer 404 and the caller goes without.
 */
export async function hubTreeUrl(id: string, folder: string, options: Pick<HubOptions, 'revision' | 'hubUrl'> = {}): Promise<string> {
  const { env } = await import('@huggingface/transformers');
  const path = folder.replace(/^\/+|\/+$/g, '');
  return `${normalizeHubUrl(options.hubUrl ?? env.remoteHost)}api/models/${id}/tree/${encodeURIComponent(options.revision ?? 'main')}${path ? `/${path}` : ''}`;
}

/** Loads files of a hub repo (keys are `<id>/<file>`); throws RemoteDisabledError unless remote is allowed. */
export async function loadHubFiles(id: string, files: readonly string[], options: LoadOptions & HubOptions): Promise<Map<string, Uint8Array>> {
  assertRemoteAllowed(id, options);
  const requests = await Promise.all(files.map(async (f) => ({ url: await hubFileUrl(id, f, options), path: `${id}/${f}` })));
  return loadFiles(requests, options);
}

/**
 * Puts transformers.js in line with the user's choice (the lm layer loads tokenizers and hub models through it):
 * remote off by default, the hub URL (so its tokenizer downloads use the same hub), local models from our folder, its own nested onnxruntime-web pointed at our wasm files.
 */
export async function configureTransformers(options: { allowRemote?: boolean; hubUrl?: string; localModelPath?: string; wasmPaths?: string } = {}): Promise<void> {
  const { env } = await import('@huggingface/transformers');
  env.allowRemoteModels = options.allowRemote ?? RUNTIME_DEFAULTS.allowRemote;
  env.remoteHost = normalizeHubUrl(options.hubUrl ?? RUNTIME_DEFAULTS.hubUrl);
  env.allowLocalModels = true;
  if (options.localModelPath) env.localModelPath = options.localModelPath;
  const wasm = env.backends.onnx.wasm;
  if (options.wasmPaths && wasm) wasm.wasmPaths = options.wasmPaths;
}
