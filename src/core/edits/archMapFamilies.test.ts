// archMap (the sidecar's circuit → weight-slice mapping) on every family of the table, through each family's
// replica (src/core/lm/replicas): its real config.json and its real tensor names and shapes. The expected slices
// are written here by hand, in Hugging Face names, independently of the table archMap reads: q rows of the head,
// k/v rows of its KV group (also inside Phi-3's fused qkv_proj and GPT-2's c_attn), o_proj columns (c_proj rows),
// the MLP whole with the norms only it reads; shared norms (q_norm/k_norm, Gemma's post_attention_layernorm,
// input_layernorm), embeddings, lm_head and the final norm never.
import { describe, expect, it } from 'vitest';
import { REPLICAS, replicaConfig, replicaSpec, replicaTensorShapes } from '../lm/replicas/specs';
import { detectFamily, forEachMaskedRun, maskForTensor, resolveArch } from './archMap';
import type { CircuitSelection } from './circuit';
import { MaskMappingError } from './errors';
import type { TensorSpec } from './safetensors';

type Pred = (r: number, c: number) => boolean;

/** head 3 of layer 1 and MLP 0 (KV group 1 under the replicas' 4-over-2 GQA). */
const SEL: CircuitSelection = { heads: [[1, 3]], mlps: [0], nodesInGraph: 2, edgesInGraph: 1 };

function expectedSlices(id: string): [RegExp, Pred][] {
  const c = replicaConfig(id);
  const { numHeads: H, numKvHeads: KV, headDim: hd, hiddenSize: d } = c;
  const g = Math.floor(3 / (H / KV));
  const inQ = (x: number) => x >= 3 * hd && x < 4 * hd;
  const inKv = (x: number) => x >= g * hd && x < (g + 1) * hd;
  const all: Pred = () => true;
  if (id === 'gpt2') {
    // Conv1D [in, out]: c_attn columns [q | k | v] of d each (no GQA), c_proj rows = the head's input features
    const inQkv = (x: number) => inQ(x % d);
    return [
      [/^h\.1\.attn\.c_attn\.weight$/, (_r, col) => inQkv(col)],
      [/^h\.1\.attn\.c_attn\.bias$/, (_r, col) => inQkv(col)],
      [/^h\.1\.attn\.c_proj\.weight$/, (r) => inQ(r)],
      [/^h\.0\.mlp\./, all],
      [/^h\.0\.ln_2\./, all],
    ];
  }
  const mlpNorms = id.startsWith('gemma') ? /^model\.layers\.0\.(pre|post)_feedforward_layernorm\.weight$/ : /^model\.layers\.0\.post_attention_layernorm\.weight$/;
  return [
    [/^model\.layers\.1\.self_attn\.q_proj\.weight$/, (r) => inQ(r)],
    [/^model\.layers\.1\.self_attn\.q_proj\.bias$/, (_r, col) => inQ(col)],
    [/^model\.layers\.1\.self_attn\.[kv]_proj\.weight$/, (r) => inKv(r)],
    [/^model\.layers\.1\.self_attn\.[kv]_proj\.bias$/, (_r, col) => inKv(col)],
    // Phi-3: rows [q (H·hd) | k (KV·hd) | v (KV·hd)]
    [/^model\.layers\.1\.self_attn\.qkv_proj\.weight$/, (r) => inQ(r) || inKv(r - H * hd) || inKv(r - (H + KV) * hd)],
    [/^model\.layers\.1\.self_attn\.o_proj\.weight$/, (_r, col) => inQ(col)],
    [/^model\.layers\.0\.mlp\./, all],
    [mlpNorms, all],
  ];
}

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
    const want = expectedSlices(id);
    let touched = 0;
    for (const spec of specs) {
      for (const arch of [a, byNames]) {
        const got = maskedCells(spec, SEL, arch);
        const pred = want.find(([re]) => re.test(spec.name))?.[1];
        if (!pred) {
          expect(got, spec.name).toBeNull();
          continue;
        }
        const cols = spec.shape[spec.shape.length - 1];
        const n = spec.shape.reduce((x, y) => x * y, 1);
        const expected = new Set<number>();
        for (let i = 0; i < n; i++) if (pred(spec.shape.length === 1 ? 0 : Math.floor(i / cols), i % cols)) expected.add(i);
        expect(got, spec.name).toEqual(expected);
        touched++;
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
    expect(() => resolveArch(specs, { config: { ...config, model_type: 'gpt_neox' } })).toThrow(/model_type "gpt_neox" is not a supported family/);
  });
});
