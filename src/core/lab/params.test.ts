import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GPT_CONFIG, gptConfig, toHfConfig } from './config';
import { initEngine, release } from './engine';
import { exportParams, importParams, initParams, initParamsHost, isDecayed, paramCount, paramSpecs } from './params';

beforeAll(async () => {
  await initEngine();
});

describe('config', () => {
  it('fills defaults from the model width and vocabulary', () => {
    const c = gptConfig({ vocabSize: 17, dModel: 8, nHead: 2 });
    expect(c.dMlp).toBe(32);
    expect(c.lmHeadWidth).toBe(17);
    expect(toHfConfig(c)).toMatchObject({ model_type: 'gpt2', n_embd: 8, n_inner: null, activation_function: 'gelu_new' });
  });

  it('rejects impossible shapes', () => {
    expect(() => gptConfig({ dModel: 10, nHead: 4 })).toThrow(/divisible/);
    expect(() => gptConfig({ vocabSize: 17, lmHeadWidth: 20 })).toThrow(/tied/);
    expect(() => gptConfig({ vocabSize: 17, lmHeadWidth: 16, tiedEmbeddings: false })).toThrow(/lmHeadWidth/);
    expect(gptConfig({ vocabSize: 17, lmHeadWidth: 24, tiedEmbeddings: false }).lmHeadWidth).toBe(24);
  });
});

describe('params', () => {
  it('use Hugging Face GPT-2 names and Conv1D [in, out] layouts', () => {
    const c = gptConfig({ vocabSize: 17, nCtx: 8, dModel: 8, nHead: 2, nLayer: 1, tiedEmbeddings: false, lmHeadWidth: 24 });
    const shapes = Object.fromEntries(paramSpecs(c).map((s) => [s.name, s.shape]));
    expect(shapes).toEqual({
      'wte.weight': [17, 8], 'wpe.weight': [8, 8],
      'h.0.ln_1.weight': [8], 'h.0.ln_1.bias': [8],
      'h.0.attn.c_attn.weight': [8, 24], 'h.0.attn.c_attn.bias': [24],
      'h.0.attn.c_proj.weight': [8, 8], 'h.0.attn.c_proj.bias': [8],
      'h.0.ln_2.weight': [8], 'h.0.ln_2.bias': [8],
      'h.0.mlp.c_fc.weight': [8, 32], 'h.0.mlp.c_fc.bias': [32],
      'h.0.mlp.c_proj.weight': [32, 8], 'h.0.mlp.c_proj.bias': [8],
      'ln_f.weight': [8], 'ln_f.bias': [8],
      'lm_head.weight': [24, 8],
    });
    // the FACTS.md forge model: 0.93 M parameters
    expect(paramCount(DEFAULT_GPT_CONFIG)).toBe(1024 * 128 + 64 * 128 + 4 * (12 * 128 * 128 + 13 * 128) + 2 * 128);
    expect(isDecayed('h.0.attn.c_attn.weight', [8, 24])).toBe(true);
    expect(isDecayed('h.0.ln_1.weight', [8])).toBe(false);
  });

  it('init is seeded, GPT-2 scaled, and the same on every call', () => {
    const c = gptConfig({ vocabSize: 64, nCtx: 16, dModel: 32, nHead: 2, nLayer: 2 });
    const a = initParamsHost(c, 11);
    const b = initParamsHost(c, 11);
    const other = initParamsHost(c, 12);
    expect(a.get('wte.weight')!.data).toEqual(b.get('wte.weight')!.data);
    expect(a.get('wte.weight')!.data).not.toEqual(other.get('wte.weight')!.data);
    const std = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    expect(std(a.get('h.0.mlp.c_fc.weight')!.data)).toBeCloseTo(0.02, 2);
    expect(std(a.get('h.0.mlp.c_proj.weight')!.data)).toBeCloseTo(0.02 / Math.sqrt(4), 2);
    expect(Array.from(a.get('h.1.ln_2.weight')!.data).every((v) => v === 1)).toBe(true);
    expect(Array.from(a.get('h.1.attn.c_attn.bias')!.data).every((v) => v === 0)).toBe(true);
  });

  it('export → import round-trips names, shapes and values, with or without the transformer. prefix', () => {
    const c = gptConfig({ vocabSize: 17, nCtx: 8, dModel: 8, nHead: 2, nLayer: 2, tiedEmbeddings: false, lmHeadWidth: 24 });
    const params = initParams(c, 3);
    const flat = exportParams(params);
    const hf = exportParams(params, { hfPrefix: true });
    expect(hf.has('transformer.h.1.mlp.c_fc.weight') && hf.has('lm_head.weight') && !hf.has('transformer.lm_head.weight')).toBe(true);
    for (const m of [flat, hf]) {
      const back = exportParams(importParams(c, m));
      for (const [k, v] of flat) {
        expect(back.get(k)!.shape).toEqual(v.shape);
        expect(back.get(k)!.data).toEqual(v.data);
      }
    }
    expect(params['wte.weight'].refCount).toBe(1); // export reads without consuming
    release(params);
    flat.delete('h.0.ln_1.bias');
    expect(() => importParams(c, flat)).toThrow(/missing parameters: h\.0\.ln_1\.bias/);
    flat.set('h.0.ln_1.bias', { data: new Float32Array(9), shape: [9] });
    expect(() => importParams(c, flat)).toThrow(/shape \[9\]/);
  });
});
