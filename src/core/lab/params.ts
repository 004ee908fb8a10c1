// Parameters as a plain named record whose keys are Hugging Face GPT-2 names, so a safetensors writer can dump
// them as they are: Conv1D weights keep HF's [in, out] layout (`x @ W`), `lm_head.weight` keeps nn.Linear's
// [out, in]. Init is seeded GPT-2 style: N(0, 0.02), residual projections scaled by 1/sqrt(2·nLayer).
import type { GptConfig } from './config';
import { fromF32, np, readF32, type ArrRecord } from './engine';
import { Pcg32 } from './rng';

export type GptParams = ArrRecord;

type Init = 'normal' | 'residual' | 'zeros' | 'ones';

/** Every parameter name with its shape and init rule, in a fixed order (the init draws in this order). */
export function paramSpecs(c: GptConfig): { name: string; shape: number[]; init: Init }[] {
  const d = c.dModel;
  const specs: { name: string; shape: number[]; init: Init }[] = [
    { name: 'wte.weight', shape: [c.vocabSize, d], init: 'normal' },
    { name: 'wpe.weight', shape: [c.nCtx, d], init: 'normal' },
  ];
  for (let l = 0; l < c.nLayer; l++) {
    const p = `h.${l}.`;
    specs.push(
      { name: `${p}ln_1.weight`, shape: [d], init: 'ones' },
      { name: `${p}ln_1.bias`, shape: [d], init: 'zeros' },
      { name: `${p}attn.c_attn.weight`, shape: [d, 3 * d], init: 'normal' },
      { name: `${p}attn.c_attn.bias`, shape: [3 * d], init: 'zeros' },
      { name: `${p}attn.c_proj.weight`, shape: [d, d], init: 'residual' },
      { name: `${p}attn.c_proj.bias`, shape: [d], init: 'zeros' },
      { name: `${p}ln_2.weight`, shape: [d], init: 'ones' },
      { name: `${p}ln_2.bias`, shape: [d], init: 'zeros' },
      { name: `${p}mlp.c_fc.weight`, shape: [d, c.dMlp], init: 'normal' },
      { name: `${p}mlp.c_fc.bias`, shape: [c.dMlp], init: 'zeros' },
      { name: `${p}mlp.c_proj.weight`, shape: [c.dMlp, d], init: 'residual' },
      { name: `${p}mlp.c_proj.bias`, shape: [d], init: 'zeros' },
    );
  }
  specs.push({ name: 'ln_f.weight', shape: [d], init: 'ones' }, { name: 'ln_f.bias', shape: [d], init: 'zeros' });
  if (!c.tiedEmbeddings) specs.push({ name: 'lm_head.weight', shape: [c.lmHeadWidth, d], init: 'normal' });
  return specs;
}

/** Host-side init: the same seed gives the same bits on every device. */
export function initParamsHost(c: GptConfig, seed: number): Map<string, { data: Float32Array; shape: number[] }> {
  const rng = new Pcg32(seed);
  const residualStd = c.initStd / Math.sqrt(2 * c.nLayer);
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const s of paramSpecs(c)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (s.init === 'ones') data.fill(1);
    else if (s.init !== 'zeros') {
      const std = s.init === 'residual' ? residualStd : c.initStd;
      for (let i = 0; i < n; i++) data[i] = rng.normal() * std;
    }
    out.set(s.name, { data, shape: s.shape });
  }
  return out;
}

/** Seeded GPT-2 init, as engine arrays. */
export function initParams(c: GptConfig, seed: number): GptParams {
  return importParams(c, initParamsHost(c, seed));
}

/**
 * Params → name → {data, shape}, for safetensors writing. Does not consume `params`. With `hfPrefix` the
 * transformer weights get GPT2LMHeadModel's `transformer.` prefix (lm_head stays unprefixed).
 */
export function exportParams(params: GptParams, opts: { hfPrefix?: boolean } = {}): Map<string, { data: Float32Array; shape: number[] }> {
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const [name, a] of Object.entries(params)) {
    const key = opts.hfPrefix && name !== 'lm_head.weight' ? `transformer.${name}` : name;
    out.set(key, { data: readF32(a), shape: [...a.shape] });
  }
  return out;
}

/**
 * name → {data, shape} → params, checking every expected name and shape (a `transformer.` prefix is accepted).
 * Extra entries such as HF's `attn.bias` causal-mask buffers are ignored.
 */
export function importParams(c: GptConfig, tensors: Map<string, { data: ArrayLike<number>; shape: number[] }>): GptParams {
  const params: GptParams = {};
  const missing: string[] = [];
  for (const s of paramSpecs(c)) {
    const t = tensors.get(s.name) ?? tensors.get(`transformer.${s.name}`);
    if (!t) {
      missing.push(s.name);
      continue;
    }
    if (t.shape.length !== s.shape.length || t.shape.some((v, i) => v !== s.shape[i])) {
      throw new Error(`${s.name}: shape [${t.shape.join(', ')}] but the config needs [${s.shape.join(', ')}]`);
    }
    params[s.name] = fromF32(t.data, s.shape);
  }
  if (missing.length) {
    for (const a of Object.values(params)) a.dispose();
    throw new Error(`missing parameters: ${missing.join(', ')}`);
  }
  return params;
}

/** Parameter count (what the forge reports). */
export const paramCount = (c: GptConfig): number =>
  paramSpecs(c).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);

/** AdamW decays matrices (embeddings, projections, lm_head) but not biases or LayerNorm gains (nanoGPT). */
export const isDecayed = (name: string, shape: readonly number[]): boolean => shape.length >= 2 && name.endsWith('.weight');

/** Zeros shaped like every parameter (optimizer moments, delta inputs). */
export function zerosLike(params: GptParams): GptParams {
  const out: GptParams = {};
  for (const [k, a] of Object.entries(params)) out[k] = np.zeros([...a.shape]);
  return out;
}
