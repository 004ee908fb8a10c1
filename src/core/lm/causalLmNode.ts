// Node-only: a CausalLM from a model folder on disk (tests, forge evaluation, sidecar), through onnxruntime-node.
// The folder is listed first, so the dtype is resolved against the variants really there and the size bound is
// checked from file sizes before any weight is read.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createNodeBackend } from '../runtime/ortNode';
import type { OrtBackend } from '../runtime/session';
import { createCausalLM, type CausalLM } from './causalLm';
import { checkModelSize, OPTIONAL_FILES, parseCausalLmFiles, readConfig, REQUIRED_FILES, type CausalLmSourceOptions } from './causalLmSources';
import { externalDataChunkNames, resolveDtype } from './onnxVariants';

async function listOnnx(folder: string): Promise<string[]> {
  try {
    return (await readdir(join(folder, 'onnx'))).map((f) => `onnx/${f}`);
  } catch {
    return [];
  }
}

/** Node has no tab limit: `limitBytes` defaults to unlimited here (pass TAB_LIMIT_BYTES to check as the browser would). */
export async function loadCausalLMFolder(folder: string, backend: OrtBackend = createNodeBackend(), o: CausalLmSourceOptions = {}): Promise<CausalLM> {
  const label = basename(folder);
  const opts = { ...o, limitBytes: o.limitBytes ?? Infinity };
  const listed = await listOnnx(folder);
  const wanted = new Set<string>([...REQUIRED_FILES, ...OPTIONAL_FILES]);
  const bytes = new Map<string, Uint8Array>();
  const read = async (f: string) => {
    try {
      bytes.set(f, new Uint8Array(await readFile(join(folder, f))));
    } catch {
      // a missing required file is reported by parseCausalLmFiles with the list of required files
    }
  };
  for (const f of wanted) await read(f);
  const config = bytes.get('config.json');
  if (config && listed.length > 0) {
    const { dtype, file } = resolveDtype(label, opts.dtype ?? 'auto', opts.provider ?? 'cpu', listed);
    const chunks = externalDataChunkNames(file, 100).filter((f) => listed.includes(f));
    const size = async (f: string) => (await stat(join(folder, f))).size;
    const external = (await Promise.all(chunks.map(size))).reduce((a, b) => a + b, 0);
    checkModelSize(label, readConfig(config), { onnx: await size(file), external }, dtype, opts);
    for (const f of [file, ...chunks]) await read(f);
  }
  return createCausalLM(label, parseCausalLmFiles((f) => bytes.get(f), label, opts), backend);
}
