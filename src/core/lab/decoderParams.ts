// Parameters of a family decoder (src/core/lm/families.ts) as a record keyed by the checkpoint's own Hugging Face
// tensor names, in the checkpoint's own layout (nn.Linear [out, in]; GPT-2 Conv1D [in, out]), so a safetensors
// file loads without renaming and an edited record writes back as a drop-in checkpoint. Which tensors exist is
// read from the family table (roles → names), never from per-family code here.
import { tensorName, type LayerRole, type NormalizedLmConfig } from '../lm/families';
import { fromF32, type ArrRecord } from './engine';
import { Pcg32 } from './rng';

export type DecoderParams = ArrRecord;

type Init = 'normal' | 'residual' | 'zeros' | 'norm';

export interface DecoderParamSpec {
  name: string;
  shape: number[];
  init: Init;
}

/** Every tensor the forward pass reads, with its shape and init rule, in a fixed order (the init draws in it). */
export function decoderParamSpecs(c: NormalizedLmConfig): DecoderParamSpec[] {
  const d = c.hiddenSize;
  const hd = c.headDim;
  const qOut = c.numHeads * hd;
  const kvOut = c.numKvHeads * hd;
  const I = c.intermediateSize;
  const t = c.tensors;
  const specs: DecoderParamSpec[] = [];
  const put = (name: string | undefined, shape: number[], init: Init) => {
    if (!name) throw new Error(`the ${c.family} row of the family table lacks a tensor its block needs`);
    specs.push({ name, shape, init });
  };
  // [out, in] for nn.Linear, [in, out] for Conv1D
  const lin = (name: string | undefined, out: number, inp: number, init: Init = 'normal') =>
    put(name, c.block.weightLayout === 'out_in' ? [out, inp] : [inp, out], init);
  const layerNormBias = (name: string | undefined, n: number) => c.block.norm === 'layernorm' && put(name, [n], 'zeros');
  put(t.embed, [c.vocabSize, d], 'normal');
  if (t.positionEmbed) put(t.positionEmbed, [c.maxPositions, d], 'normal');
  for (let l = 0; l < c.numLayers; l++) {
    const n = (role: LayerRole) => tensorName(t, role, l);
    put(n('attn_norm'), [d], 'norm');
    layerNormBias(n('attn_norm_bias'), d);
    if (n('qkv')) {
      lin(n('qkv'), qOut + 2 * kvOut, d);
      if (c.block.qkvBias) put(n('qkv_bias'), [qOut + 2 * kvOut], 'zeros');
    } else {
      lin(n('q'), qOut, d);
      lin(n('k'), kvOut, d);
      lin(n('v'), kvOut, d);
      if (c.block.qkvBias) {
        put(n('q_bias'), [qOut], 'zeros');
        put(n('k_bias'), [kvOut], 'zeros');
        put(n('v_bias'), [kvOut], 'zeros');
      }
    }
    if (c.block.qkNorm) {
      put(n('q_norm'), [hd], 'norm');
      put(n('k_norm'), [hd], 'norm');
    }
    lin(n('o'), d, qOut, 'residual');
    if (n('o_bias')) put(n('o_bias'), [d], 'zeros');
    if (c.block.sandwichNorms) put(n('post_attn_norm'), [d], 'norm');
    put(n('ffn_norm'), [d], 'norm');
    layerNormBias(n('ffn_norm_bias'), d);
    if (c.block.mlp === 'gelu') {
      lin(n('fc'), I, d);
      if (n('fc_bias')) put(n('fc_bias'), [I], 'zeros');
    } else if (n('gate_up')) lin(n('gate_up'), 2 * I, d);
    else {
      lin(n('gate'), I, d);
      lin(n('up'), I, d);
    }
    lin(n('down'), d, I, 'residual');
    if (n('down_bias')) put(n('down_bias'), [d], 'zeros');
    if (c.block.sandwichNorms) put(n('post_ffn_norm'), [d], 'norm');
  }
  put(t.finalNorm, [d], 'norm');
  if (t.finalNormBias) put(t.finalNormBias, [d], 'zeros');
  if (!c.tieWordEmbeddings) put(t.lmHead, [c.vocabSize, d], 'normal'); // nn.Linear in every family, GPT-2 too
  return specs;
}

export type HostTensors = Map<string, { data: Float32Array; shape: number[] }>;

/**
 * Seeded init in the Llama/GPT-2 style: N(0, std) matrices, residual projections (o, down) scaled by
 * 1/sqrt(2·layers), norm gains 1 (0 for Gemma's (1 + w) form, so both start as identity), biases 0.
 */
export function initDecoderParamsHost(c: NormalizedLmConfig, seed: number, std = 0.02): HostTensors {
  const rng = new Pcg32(seed);
  const out: HostTensors = new Map();
  for (const s of decoderParamSpecs(c)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (s.init === 'norm') data.fill(c.block.norm === 'rmsnorm-1p' ? 0 : 1);
    else if (s.init !== 'zeros') {
      const sd = s.init === 'residual' ? std / Math.sqrt(2 * c.numLayers) : std;
      for (let i = 0; i < n; i++) data[i] = rng.normal() * sd;
    }
    out.set(s.name, { data, shape: s.shape });
  }
  return out;
}

/** Engine arrays from a seeded init. */
export function initDecoderParams(c: NormalizedLmConfig, seed: number, std = 0.02): DecoderParams {
  return importDecoderParams(c, initDecoderParamsHost(c, seed, std));
}

/** Thrown when a checkpoint does not match its config.json; the message names every problem. */
export class DecoderParamsError extends Error {
  override readonly name = 'DecoderParamsError';
}

/**
 * name → {data, shape} → engine arrays, checking every tensor the config needs. GPT-2 fine-tunes saved from
 * GPT2LMHeadModel carry a `transformer.` prefix, accepted. A tied model's file may also hold `lm_head.weight`
 * (some exporters save the tie twice): ignored, the head reads the embedding. Extra buffers (GPT-2's attn.bias
 * masks, rotary caches) are ignored.
 */
export function importDecoderParams(c: NormalizedLmConfig, tensors: Map<string, { data: ArrayLike<number>; shape: number[] }>): DecoderParams {
  const params: DecoderParams = {};
  const problems: string[] = [];
  for (const s of decoderParamSpecs(c)) {
    const t = tensors.get(s.name) ?? tensors.get(`transformer.${s.name}`);
    if (!t) {
      problems.push(`${s.name} is missing`);
      continue;
    }
    if (t.shape.length !== s.shape.length || t.shape.some((v, i) => v !== s.shape[i])) {
      problems.push(`${s.name} has shape [${t.shape.join(', ')}] but config.json needs [${s.shape.join(', ')}]`);
      continue;
    }
    params[s.name] = fromF32(t.data, s.shape);
  }
  if (problems.length) {
    for (const a of Object.values(params)) a.dispose();
    const more = problems.length > 6 ? ` (and ${problems.length - 6} more)` : '';
    throw new DecoderParamsError(`the ${c.family} weights do not match config.json: ${problems.slice(0, 6).join('; ')}${more}`);
  }
  return params;
}

/** Parameter count of a config. */
export const decoderParamCount = (c: NormalizedLmConfig): number =>
  decoderParamSpecs(c).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
