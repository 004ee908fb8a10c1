// A GPT-2-layout checkpoint loaded into the lab engine for circuit work, from bytes (no file system, no DOM),
// so the lab worker (fetched files) and Node tests (read files: modelNode.ts) share one route. It reads
// config.json (HF GPT2Config fields), tokenizer.json + tokenizer_config.json and model.safetensors (F32, F16 or
// BF16 tensors, HF names with or without the `transformer.` prefix), like the forge's parity check does.
import { decodeToF32 } from '../edits/dtypes';
import { parseHeader, parseHeaderLength } from '../edits/safetensors';
import { gptConfig, importParams, initEngine, release, type GptConfig, type GptParams } from '../lab';
import { loadTokenizer, type LmTokenizer } from '../lm/tokenizer';
import { sha256Hex } from '../runtime/loaders';
import { CircuitsModelError } from './errors';
import type { GraphConfig } from './types';

export interface CircuitModelFiles {
  'config.json': Uint8Array;
  'tokenizer.json': Uint8Array;
  'tokenizer_config.json': Uint8Array;
  'model.safetensors': Uint8Array;
}
export const CIRCUIT_MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'] as const;

export interface CircuitModel {
  id: string;
  cfg: GptConfig;
  graphCfg: GraphConfig;
  /** Engine arrays; owned by the model (call `disposeCircuitModel`). */
  params: GptParams;
  tokenizer: LmTokenizer;
  weightsSha256: string;
}

const json = (bytes: Uint8Array, label: string): Record<string, unknown> => {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch (e) {
    throw new CircuitsModelError(`${label} is not valid JSON (${(e as Error).message}); re-export the model folder.`);
  }
};

/** Lab config from a Hugging Face GPT-2 `config.json` (errors name the missing field). */
export function gptConfigFromHf(hf: Record<string, unknown>, label = 'config.json'): GptConfig {
  if (hf.model_type !== undefined && hf.model_type !== 'gpt2') {
    throw new CircuitsModelError(`${label}: model_type "${String(hf.model_type)}" — the circuits engine runs GPT-2-style models only`);
  }
  const int = (k: string): number => {
    const v = hf[k];
    if (!Number.isInteger(v)) throw new CircuitsModelError(`${label}: missing integer field ${k} (GPT-2 layout expected)`);
    return v as number;
  };
  if (hf.activation_function !== undefined && hf.activation_function !== 'gelu_new') {
    throw new CircuitsModelError(`${label}: activation ${String(hf.activation_function)} is not supported (gelu_new only)`);
  }
  const dModel = int('n_embd');
  const nInner = hf.n_inner;
  return gptConfig({
    vocabSize: int('vocab_size'),
    nCtx: int('n_positions'),
    dModel,
    nHead: int('n_head'),
    nLayer: int('n_layer'),
    dMlp: Number.isInteger(nInner) ? (nInner as number) : 4 * dModel,
    tiedEmbeddings: hf.tie_word_embeddings !== false,
    lnEps: typeof hf.layer_norm_epsilon === 'number' ? hf.layer_norm_epsilon : 1e-5,
  });
}

/** name → {data, shape} of every float tensor in a safetensors file. */
export function readSafetensorsF32(bytes: Uint8Array, label = 'model.safetensors'): Map<string, { data: Float32Array; shape: number[] }> {
  let header;
  try {
    const n = parseHeaderLength(bytes.byteLength, bytes.subarray(0, 8), label);
    header = parseHeader(bytes.byteLength, n, bytes.subarray(8, 8 + n), label);
  } catch (e) {
    throw new CircuitsModelError((e as Error).message);
  }
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const t of header.tensors) {
    if (t.dtype !== 'F32' && t.dtype !== 'F16' && t.dtype !== 'BF16') continue; // masks, int buffers
    out.set(t.name, { data: decodeToF32(t.dtype, bytes.subarray(t.begin, t.end)), shape: [...t.shape] });
  }
  return out;
}

export async function loadCircuitModel(id: string, files: CircuitModelFiles): Promise<CircuitModel> {
  for (const f of CIRCUIT_MODEL_FILES) {
    if (!files[f]) throw new CircuitsModelError(`${id}: ${f} is missing (a circuits model folder needs ${CIRCUIT_MODEL_FILES.join(', ')})`);
  }
  await initEngine();
  const cfg = gptConfigFromHf(json(files['config.json'], `${id}/config.json`), `${id}/config.json`);
  const tokenizer = await loadTokenizer({
    tokenizerJson: json(files['tokenizer.json'], `${id}/tokenizer.json`),
    tokenizerConfig: json(files['tokenizer_config.json'], `${id}/tokenizer_config.json`),
  });
  if (tokenizer.vocabSize > cfg.vocabSize) {
    throw new CircuitsModelError(`${id}: the tokenizer has ${tokenizer.vocabSize} tokens but the model only ${cfg.vocabSize} embeddings`);
  }
  let params: GptParams;
  try {
    params = importParams(cfg, readSafetensorsF32(files['model.safetensors'], `${id}/model.safetensors`));
  } catch (e) {
    if (e instanceof CircuitsModelError) throw e;
    throw new CircuitsModelError(`${id}/model.safetensors does not match config.json: ${(e as Error).message}`);
  }
  return {
    id, cfg, params, tokenizer,
    graphCfg: { nLayers: cfg.nLayer, nHeads: cfg.nHead, dModel: cfg.dModel, parallelAttnMlp: false },
    weightsSha256: await sha256Hex(files['model.safetensors']),
  };
}

export function disposeCircuitModel(m: CircuitModel): void {
  release(m.params);
}
