// RoPE frequencies against transformers' modeling_rope_utils.py for the scalings the families use: default and
// linear (inv_freq / factor), llama3 (the smoothed band between low and high wavelengths) and dynamic NTK (the base
// grows once the sequence passes original_max_position_embeddings; _compute_dynamic_ntk_parameters). Expected
// values are written out from those formulas for one config each, not computed by the code under test.
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../lm/families';
import { ropeFrequencies } from './blocks';

const base = { model_type: 'llama', num_hidden_layers: 1, num_attention_heads: 1, hidden_size: 8, intermediate_size: 8, vocab_size: 8, max_position_embeddings: 64, rope_theta: 10000 };

describe('ropeFrequencies', () => {
  it('default: θ^(−2i/d)', () => {
    const f = ropeFrequencies(normalizeConfig(base), 'full_attention', 16);
    expect(Array.from(f)).toEqual([1, 0.1, 0.01, 0.001].map((v, i) => expect.closeTo(v, 12 - i * 2)));
  });

  it('linear: divided by the factor', () => {
    const f = ropeFrequencies(normalizeConfig({ ...base, rope_scaling: { rope_type: 'linear', factor: 4 } }), 'full_attention', 16);
    expect(f[1]).toBeCloseTo(0.025, 12);
  });

  it('dynamic NTK: unchanged up to the original length, then base·(f·T/L − (f − 1))^(d/(d−2))', () => {
    const c = normalizeConfig({ ...base, rope_scaling: { rope_type: 'dynamic', factor: 2, original_max_position_embeddings: 32 } });
    expect(ropeFrequencies(c, 'full_attention', 32)[1]).toBeCloseTo(0.1, 12);
    // T = 64: base = 10000 · (2·64/32 − 1)^(8/6) = 10000 · 3^(4/3); inv_freq[1] = base^(−2/8)
    const want = (10000 * 3 ** (4 / 3)) ** -0.25;
    expect(ropeFrequencies(c, 'full_attention', 64)[1]).toBeCloseTo(want, 12);
  });

  it('llama3: high frequencies kept, low ones divided by the factor, the band between smoothed', () => {
    const c = normalizeConfig({ ...base, hidden_size: 64, rope_theta: 500000, rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 } });
    const f = ropeFrequencies(c, 'full_attention', 16);
    const raw = (i: number) => 500000 ** (-(2 * i) / 64);
    expect(f[0]).toBe(raw(0)); // wavelength 2π < 8192/4: kept
    expect(f[31]).toBeCloseTo(raw(31) / 8, 15); // wavelength > 8192: divided
    const mid = f.findIndex((_, i) => { const w = (2 * Math.PI) / raw(i); return w > 2048 && w < 8192; });
    const w = (2 * Math.PI) / raw(mid);
    const smooth = (8192 / w - 1) / (4 - 1);
    expect(f[mid]).toBeCloseTo((1 - smooth) * (raw(mid) / 8) + smooth * raw(mid), 15);
  });
});
