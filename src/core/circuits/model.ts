// A checkpoint loaded into the lab engine for circuit work, from bytes (no file system, no DOM), so the lab worker
// (fetched files) and Node tests (read files: modelNode.ts) share one route. It reads config.json,
// tokenizer.json + tokenizer_config.json and model.safetensors (F32, F16 or BF16 tensors under the checkpoint's
// real Hugging Face names). GPT-2 configs load into the lab GPT (the forge's models, `transformer.` prefix or
// not); every other family of src/core/lm/families.ts (Llama, Mistral, Qwen2/3, Gemma 2/3, Phi-3) loads into the
// lab's family decoder, read through the family table.
import { decodeToF32 } from '../edits/dtypes';
import { parseHeader, parseHeaderLength } from '../edits/safetensors';
import {
  decoderForward, gptConfig, gptForward, importDecoderParams, importParams, initEngine, release,
  type Arr, type ForwardResult, type GptConfig, type GptParams, type HookOptions,
} from '../lab';
import { LmConfigError, normalizeConfig, type NormalizedLmConfig } from '../lm/families';
import { loadTokenizer, type LmTokenizer } from '../lm/tokenizer';
import { sha256Hex } from '../runtime/loaders';
import { CircuitsModelError } from './errors';
import { graphConfigForLm } from './graph';
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
  /**
   * Sizes every circuits routine reads (layers, heads, width, context, vocabulary). For a family model it is the
   * GPT-shaped summary of `lm` (familyDims); the forward passes then run on `lm`.
   */
  cfg: GptConfig;
  /** Set for models of a family other than GPT-2: the normalised config the family decoder runs. */
  lm?: NormalizedLmConfig;
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

/** A family config.json through the one family table; its errors become circuits model errors (code kept in the text). */
function familyConfig(hf: Record<string, unknown>, label: string): NormalizedLmConfig {
  try {
    return normalizeConfig(hf);
  } catch (e) {
    if (e instanceof LmConfigError) throw new CircuitsModelError(`${label}: ${e.message} ${e.remedy}`);
    throw e;
  }
}

/**
 * The GPT-shaped size summary of a family config (CircuitModel.cfg). Only sizes: the forward passes read `lm`.
 * The head width may differ from dModel / nHead (Qwen3, Gemma): code that needs it reads lm.headDim.
 */
export function familyDims(lm: NormalizedLmConfig): GptConfig {
  return {
    vocabSize: lm.vocabSize, nCtx: lm.maxPositions, dModel: lm.hiddenSize, nHead: lm.numHeads, nLayer: lm.numLayers,
    dMlp: lm.intermediateSize, tiedEmbeddings: lm.tieWordEmbeddings, lmHeadWidth: lm.vocabSize, lnEps: lm.normEps, initStd: 0.02,
  };
}

/** The config a forward pass runs: the family decoder's for family models, the lab GPT's otherwise. */
export const forwardConfig = (m: Pick<CircuitModel, 'cfg' | 'lm'>): GptConfig | NormalizedLmConfig => m.lm ?? m.cfg;

/** The hooked forward pass of the model's engine (consumes params and tokens, as every lab forward does). */
export function modelForward(m: Pick<CircuitModel, 'cfg' | 'lm'>, params: GptParams, tokens: Arr, opts: HookOptions = {}): ForwardResult {
  return m.lm ? decoderForward(m.lm, params, tokens, opts) : gptForward(m.cfg, params, tokens, opts);
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
  const hf = json(files['config.json'], `${id}/config.json`);
  const lm = hf.model_type === undefined || hf.model_type === 'gpt2' ? undefined : familyConfig(hf, `${id}/config.json`);
  const cfg = lm ? familyDims(lm) : gptConfigFromHf(hf, `${id}/config.json`);
  const tokenizer = await loadTokenizer({
    tokenizerJson: json(files['tokenizer.json'], `${id}/tokenizer.json`),
    tokenizerConfig: json(files['tokenizer_config.json'], `${id}/tokenizer_config.json`),
  });
  if (tokenizer.vocabSize > cfg.vocabSize) {
    throw new CircuitsModelError(`${id}: the tokenizer has ${tokenizer.vocabSize} tokens but the model only ${cfg.vocabSize} embeddings`);
  }
  let params: GptParams;
  try {
    const tensors = readSafetensorsF32(files['model.safetensors'], `${id}/model.safetensors`);
    params = lm ? importDecoderParams(lm, tensors) : importParams(cfg, tensors);
  } catch (e) {
    if (e instanceof CircuitsModelError) throw e;
    throw new CircuitsModelError(`${id}/model.safetensors does not match config.json: ${(e as Error).message}`);
  }
  return {
    id, cfg, lm, params, tokenizer,
    graphCfg: lm ? graphConfigForLm(lm) : { nLayers: cfg.nLayer, nHeads: cfg.nHead, dModel: cfg.dModel, parallelAttnMlp: false },
    weightsSha256: await sha256Hex(files['model.safetensors']),
  };
}

export function disposeCircuitModel(m: CircuitModel): void {
  release(m.params);
}
