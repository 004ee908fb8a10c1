// Hugging Face hub models are remote: they load only when the user opts in (`allowRemote`), because the
// workbench must work offline and no download is possible on CI. URLs come from transformers.js's env (so a
// mirror configured there applies here too); the files go through our loader for progress, cache and errors.
import { RUNTIME_DEFAULTS } from './config';
import { RemoteDisabledError } from './errors';
import { loadFiles, type LoadOptions } from './loaders';

export interface HubOptions {
  allowRemote?: boolean;
  revision?: string;
}

export function assertRemoteAllowed(id: string, options: HubOptions): void {
  if (!(options.allowRemote ?? RUNTIME_DEFAULTS.allowRemote)) throw new RemoteDisabledError(id);
}

/** URL of `file` in hub repo `id` at `revision` (transformers.js is imported lazily, on first remote use). */
export async function hubFileUrl(id: string, file: string, revision = 'main'): Promise<string> {
  const { env } = await import('@huggingface/transformers');
  const path = env.remotePathTemplate.replaceAll('{model}', id).replaceAll('{revision}', encodeURIComponent(revision));
  return `${env.remoteHost.replace(/\/?$/, '/')}${path}${file}`;
}

/** Loads files of a hub repo (keys are `<id>/<file>`); throws RemoteDisabledError unless remote is allowed. */
export async function loadHubFiles(id: string, files: readonly string[], options: LoadOptions & HubOptions): Promise<Map<string, Uint8Array>> {
  assertRemoteAllowed(id, options);
  const requests = await Promise.all(files.map(async (f) => ({ url: await hubFileUrl(id, f, options.revision), path: `${id}/${f}` })));
  return loadFiles(requests, options);
}

/**
 * Puts transformers.js in line with the user's choice (the lm layer loads tokenizers and hub models through it):
 * remote off by default, local models from our folder, its own nested onnxruntime-web pointed at our wasm files.
 */
export async function configureTransformers(options: { allowRemote?: boolean; localModelPath?: string; wasmPaths?: string } = {}): Promise<void> {
  const { env } = await import('@huggingface/transformers');
  env.allowRemoteModels = options.allowRemote ?? RUNTIME_DEFAULTS.allowRemote;
  env.allowLocalModels = true;
  if (options.localModelPath) env.localModelPath = options.localModelPath;
  const wasm = env.backends.onnx.wasm;
  if (options.wasmPaths && wasm) wasm.wasmPaths = options.wasmPaths;
}
