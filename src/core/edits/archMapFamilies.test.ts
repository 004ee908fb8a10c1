// archMap (the sidecar's circuit → weight-slice mapping) on every family of the table, through each family's
// replica (src/core/lm/replicas): its real config.json and its real tensor names and shapes, against the slices
// written by hand in familySlices.fixture.ts (independent of the table archMap reads).
import { describe, expect, it } from 'vitest';
import { REPLICAS, replicaConfig, replicaSpec, replicaTensorShapes } from '../lm/replicas/specs';
import { detectFamily, forEachMaskedRun, maskForTensor, resolveArch } from './archMap';
import type { CircuitSelection } from './circuit';
import { MaskMappingError } from './errors';
import { expectedCells, expectedSlicesHead13Mlp0, HEAD_1_3_AND_MLP_0 } from './familySlices.fixture';
import type { TensorSpec } from './safetensors';

function maskedCells(spec: TensorSpec, sel: CircuitSelection, a: ReturnType<typeof resolveArch>): Set<number> | null {
  const m = maskForTensor(spec, sel, a);
  if (!m) return null;
  const out = new Set<number>();
  const n = spec.shape.reduce((x, y) => x * y, 1);
  forEachMaskedRun(m, 0, n, (s, e) => {
    for (let i = s; i < e; i++) out.add(i);
  });
  return out;
}

describe('archMap maps every family of the table by its real names and shapes', () => {
  it.each(REPLICAS.map((r) => r.id))('%s', (id) => {
    const c = replicaConfig(id);
    const specs: TensorSpec[] = [...replicaTensorShapes(c)].map(([name, t]) => ({ name, dtype: 'F32', shape: t.shape }));
    const a = resolveArch(specs, { config: replicaSpec(id).config });
    expect(a).toEqual({ family: c.family, familyFrom: 'config.json', nHeads: c.numHeads, nKvHeads: c.numKvHeads, headDim: c.headDim, dModel: c.hiddenSize });
    // without config.json: the family whose names fit (Llama, Mistral and Qwen2 share names and read as llama)
    const byNames = resolveArch(specs, { nHeads: c.numHeads });
    expect(byNames).toMatchObject({ familyFrom: 'tensor names', nKvHeads: c.numKvHeads, headDim: c.headDim, dModel: c.hiddenSize });
    expect(detectFamily(specs.map((s) => s.name))).toBe(['mistral', 'qwen2'].includes(c.family) ? 'llama' : c.family);
    const want = expectedSlicesHead13Mlp0(c);
    let touched = 0;
    for (const spec of specs) {
      const expected = expectedCells(want, spec.name, spec.shape);
      for (const arch of [a, byNames]) {
        const got = maskedCells(spec, HEAD_1_3_AND_MLP_0, arch);
        expect(got, `${spec.name} (family from ${arch.familyFrom})`).toEqual(expected);
        if (expected) touched++;
      }
    }
    // q (or fused qkv), o and at least one MLP projection and its norm were mapped in both readings
    expect(touched).toBeGreaterThanOrEqual(2 * 4);
  });

  it('every head of a layer still leaves the shared norms alone (q_norm / k_norm, input and Gemma post-attention norms)', () => {
    for (const id of ['qwen3', 'gemma3', 'gemma2']) {
      const c = replicaConfig(id);
      const specs: TensorSpec[] = [...replicaTensorShapes(c)].map(([name, t]) => ({ name, dtype: 'F32', shape: t.shape }));
      const a = resolveArch(specs, { config: replicaSpec(id).config });
      const sel: CircuitSelection = { heads: [0, 1, 2, 3].map((h): [number, number] => [1, h]), mlps: [], nodesInGraph: 4, edgesInGraph: 0 };
      const hit = specs.filter((s) => maskForTensor(s, sel, a)).map((s) => s.name.replace('model.layers.1.', ''));
      expect(hit.sort()).toEqual(['self_attn.k_proj.weight', 'self_attn.o_proj.weight', 'self_attn.q_proj.weight', 'self_attn.v_proj.weight']);
    }
  });

  it('refuses a circuit exported for another model, a config that contradicts the weights, and an unknown family', () => {
    const c = replicaConfig('llama3');
    const specs: TensorSpec[] = [...replicaTensorShapes(c)].map(([name, t]) => ({ name, dtype: 'F32', shape: t.shape }));
    const config = replicaSpec('llama3').config;
    expect(() => resolveArch(specs, { config, circuit: { nHeads: 9, nKvHeads: 3 } })).toThrow(/circuit JSON .* n_heads = 9/);
    expect(() => resolveArch(specs, { config, circuit: { nHeads: 4, nKvHeads: 4 } })).toThrow(/n_key_value_heads = 4, the weights have 2/);
    expect(() => resolveArch(specs, { config: { ...config, num_key_value_heads: 4 } })).toThrow(MaskMappingError);
    expect(() => resolveArch(specs, { config, nHeads: 8 })).toThrow(/nHeads = 8 contradicts config.json's num_attention_heads = 4/);
    expect(() => resolveArch(specs, { config: { ...config, model_type: 'gpt_neox' } })).toThrow(/model_type "gpt_neox" is not a supported family/);
  });
});
