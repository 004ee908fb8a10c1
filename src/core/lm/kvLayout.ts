// What a decoder-only ONNX graph expects, read from the session's own input/output metadata (CONVENTIONS #16–17,
// as transformers.js `getCacheNames` / `addPastKeyValues` do): the KV-cache names per layer, KV heads and head
// size (GQA: fewer KV heads than query heads), the cache dtype (fp16 exports keep fp16 caches), and which optional
// inputs exist (`position_ids`: absent in Gemma 2 exports; `num_logits_to_keep`). Then checked against the
// normalised config: a graph from another model or revision is a GraphConfigMismatchError naming every problem,
// not a wrong answer later. Also float16 ↔ float32 for logits (ORT gives fp16 as Uint16Array bits, or a
// Float16Array where the JS engine has one).
import { GraphConfigMismatchError } from '../runtime/errors';
import type { TensorArray } from '../runtime/tensor';
import type { InputMeta } from '../runtime/validate';
import type { NormalizedLmConfig } from './families';

export type CacheDtype = 'float32' | 'float16';

export interface KvLayout {
  layers: number;
  kvHeads: number;
  headDim: number;
  cacheDtype: CacheDtype;
  /** Per layer: [key, value] input names and the output names that feed them next step. */
  past: Array<[string, string]>;
  present: Array<[string, string]>;
  hasPositionIds: boolean;
  hasNumLogitsToKeep: boolean;
  /** Logit width when the graph fixes it, else the config's vocab_size. */
  headWidth: number;
}

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;
const KNOWN = new Set(['input_ids', 'attention_mask', 'position_ids', 'num_logits_to_keep']);

export function readKvLayout(model: string, config: NormalizedLmConfig, inputs: readonly InputMeta[], outputs: readonly InputMeta[]): KvLayout {
  const problems: string[] = [];
  const inNames = new Set(inputs.map((i) => i.name));
  const outNames = new Set(outputs.map((o) => o.name));
  for (const need of ['input_ids', 'attention_mask']) if (!inNames.has(need)) problems.push(`no '${need}' input`);
  const logits = outputs.find((o) => o.name === 'logits');
  if (!logits) problems.push("no 'logits' output");
  const unknown = inputs.filter((i) => !KNOWN.has(i.name) && !PAST.test(i.name)).map((i) => i.name);
  if (unknown.length > 0) problems.push(`inputs this runtime cannot feed: ${unknown.join(', ')} (a decoder-only export with past_key_values is expected)`);

  const pastMeta = inputs.filter((i) => PAST.test(i.name));
  const layers = pastMeta.length === 0 ? 0 : Math.max(...pastMeta.map((m) => Number(PAST.exec(m.name)![1]))) + 1;
  if (pastMeta.length === 0) problems.push('no past_key_values.N.key/value inputs (export with a KV cache: optimum task text-generation-with-past)');
  else if (layers !== config.numLayers) problems.push(`the graph has ${layers} cache layers, config.json num_hidden_layers is ${config.numLayers}`);
  const past: Array<[string, string]> = [];
  const present: Array<[string, string]> = [];
  for (let l = 0; l < layers; l++) {
    const pair = ['key', 'value'].map((kv) => `past_key_values.${l}.${kv}`) as [string, string];
    const out = ['key', 'value'].map((kv) => `present.${l}.${kv}`) as [string, string];
    for (const n of pair) if (!inNames.has(n)) problems.push(`no '${n}' input`);
    for (const n of out) if (!outNames.has(n)) problems.push(`no '${n}' output`);
    past.push(pair);
    present.push(out);
  }

  // [batch, kv_heads, past_len, head_dim]: fixed numbers in the public exports; a symbolic dim falls back to config.
  const dims = (pastMeta[0]?.dims ?? []) as (number | string)[];
  const fixed = (d: number | string | undefined, fallback: number) => (typeof d === 'number' && d > 0 ? d : fallback);
  const kvHeads = fixed(dims[1], config.numKvHeads);
  const headDim = fixed(dims[3], config.headDim);
  if (pastMeta.some((m) => m.dims && m.dims.length !== 4)) problems.push('past_key_values inputs are not rank 4 [batch, kv_heads, past, head_dim]');
  if (kvHeads !== config.numKvHeads) problems.push(`the graph's KV cache has ${kvHeads} heads, config.json num_key_value_heads is ${config.numKvHeads}`);
  if (headDim !== config.headDim) problems.push(`the graph's KV head size is ${headDim}, config.json gives head_dim ${config.headDim}`);
  const dtypes = [...new Set(pastMeta.map((m) => m.dtype))];
  if (dtypes.length > 1) problems.push(`past_key_values mix dtypes (${dtypes.join(', ')})`);
  const cacheDtype = (dtypes[0] ?? 'float32') as CacheDtype;
  if (dtypes.length === 1 && cacheDtype !== 'float32' && cacheDtype !== 'float16') problems.push(`past_key_values dtype ${cacheDtype} is not float32/float16`);

  const width = logits?.dims?.[2];
  const headWidth = typeof width === 'number' && width > 0 ? width : config.vocabSize;
  if (headWidth !== config.vocabSize) problems.push(`the graph's logits have width ${headWidth}, config.json vocab_size is ${config.vocabSize}`);
  if (problems.length > 0) throw new GraphConfigMismatchError(model, problems);
  return {
    layers, kvHeads, headDim, cacheDtype, past, present,
    hasPositionIds: inNames.has('position_ids'),
    hasNumLogitsToKeep: inNames.has('num_logits_to_keep'),
    headWidth,
  };
}

/** IEEE 754 half (as its 16 bits) → number. */
export function halfBitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Float32 view of a float32 or float16 tensor's data (fp16 as Uint16Array bits or a native Float16Array). */
export function toFloat32(type: string, data: TensorArray | ArrayLike<number>): Float32Array {
  if (type === 'float32') return data as Float32Array;
  if (type !== 'float16') throw new TypeError(`expected float32 or float16 logits, got ${type}`);
  if (data instanceof Uint16Array) {
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = halfBitsToNumber(data[i]);
    return out;
  }
  return Float32Array.from(data as ArrayLike<number>); // Float16Array (Chromium 135+, Node 24+)
}
