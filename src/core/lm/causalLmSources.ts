// Where a CausalLM's files come from: a hub repo (remote, opt-in; URLs from transformers.js's env, files
// through the runtime loader for progress/cache/errors) or bytes the caller already has (an embedded model's
// files fetched by the app, a folder read in Node: causalLmNode.ts). All end in `createCausalLM`.
import { loadHubFiles, assertRemoteAllowed, type HubOptions } from '../runtime/hub';
import type { LoadOptions } from '../runtime/loaders';
import type { OrtBackend } from '../runtime/session';
import { createCausalLM, type CausalLM, type CausalLmConfig, type CausalLmFiles } from './causalLm';

const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'] as const;

/** Parses the four files of a GPT-2-layout folder (keys relative to the folder). */
export function parseCausalLmFiles(get: (file: (typeof FILES)[number]) => Uint8Array | undefined, label: string): CausalLmFiles {
  const text = (f: (typeof FILES)[number]): Record<string, unknown> => {
    const b = get(f);
    if (!b) throw new Error(`${label}: ${f} is missing (a causal-LM folder needs ${FILES.join(', ')})`);
    return JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;
  };
  const config = text('config.json') as unknown as CausalLmConfig;
  for (const k of ['n_layer', 'n_head', 'n_embd', 'n_positions', 'vocab_size'] as const) {
    if (!Number.isInteger(config[k])) throw new Error(`${label}: config.json has no integer ${k} (GPT-2 layout expected)`);
  }
  const onnx = get('onnx/model.onnx');
  if (!onnx) throw new Error(`${label}: onnx/model.onnx is missing`);
  return { config, tokenizer: { tokenizerJson: text('tokenizer.json'), tokenizerConfig: text('tokenizer_config.json') }, onnx };
}

/**
 * A hub model by id (e.g. an ONNX GPT-2 export with the transformers.js layout). Offline (the default), this
 * throws RemoteDisabledError before any request.
 */
export async function loadHubCausalLM(id: string, backend: OrtBackend, options: LoadOptions & HubOptions): Promise<CausalLM> {
  assertRemoteAllowed(id, options);
  const files = await loadHubFiles(id, FILES, options);
  return createCausalLM(id, parseCausalLmFiles((f) => files.get(`${id}/${f}`), id), backend);
}
