// Node-only: a CausalLM from a model folder on disk (tests, forge evaluation, sidecar), through onnxruntime-node.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createNodeBackend } from '../runtime/ortNode';
import type { OrtBackend } from '../runtime/session';
import { createCausalLM, type CausalLM } from './causalLm';
import { parseCausalLmFiles } from './causalLmSources';

export async function loadCausalLMFolder(folder: string, backend: OrtBackend = createNodeBackend()): Promise<CausalLM> {
  const names = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'] as const;
  const bytes = new Map<string, Uint8Array>();
  for (const n of names) {
    try {
      bytes.set(n, new Uint8Array(await readFile(join(folder, n))));
    } catch {
      // reported by parseCausalLmFiles with the list of required files
    }
  }
  return createCausalLM(basename(folder), parseCausalLmFiles((f) => bytes.get(f), folder), backend);
}
