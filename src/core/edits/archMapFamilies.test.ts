// archMap (the sidecar's circuit → weight-slice mapping) against the family table: the tensor names and shapes
// of every family's replica (src/core/lm/replicas), so the edits path and the runtime agree on what a real
// checkpoint looks like. archMap keeps its own two name patterns (GPT-2, Llama-style); this test is what ties
// them to families.ts. Phi-3's fused qkv_proj / gate_up_proj are not mapped: refused by name.
import { describe, expect, it } from 'vitest';
import { tensorName } from '../lm/families';
import { REPLICAS, replicaConfig, replicaTensorShapes } from '../lm/replicas/specs';
import { maskCount, maskForTensor, resolveArch } from './archMap';
import type { CircuitSelection } from './circuit';
import { MaskMappingError } from './errors';
import type { TensorSpec } from './safetensors';

describe('archMap reads every family\'s real tensor names', () => {
  it.each(REPLICAS.map((r) => r.id))('%s', (id) => {
    const c = replicaConfig(id);
    const specs: TensorSpec[] = [...replicaTensorShapes(c)].map(([name, t]) => ({ name, dtype: 'F32', shape: t.shape }));
    if (c.block.fused && c.family !== 'gpt2') {
      expect(() => resolveArch(specs, c.numHeads)).toThrow(MaskMappingError);
      return;
    }
    const a = resolveArch(specs, c.numHeads);
    expect(a).toEqual({ arch: c.family === 'gpt2' ? 'gpt2' : 'llama', nHeads: c.numHeads, nKvHeads: c.numKvHeads, headDim: c.headDim, dModel: c.hiddenSize });
    // head 3 of layer 1 (kv head 1 under GQA) and MLP 0
    const sel: CircuitSelection = { heads: [[1, 3]], mlps: [0], nodesInGraph: 2, edgesInGraph: 1 };
    const spec = (role: 'q' | 'k' | 'o' | 'qkv' | 'down', l: number) => specs.find((s) => s.name === tensorName(c.tensors, role, l))!;
    if (c.family === 'gpt2') {
      expect(maskCount(maskForTensor(spec('qkv', 1), sel, a)!)).toBe(c.hiddenSize * 3 * c.headDim);
    } else {
      expect(maskForTensor(spec('q', 1), sel, a)!.rowRanges).toEqual([[3 * c.headDim, 4 * c.headDim]]);
      expect(maskForTensor(spec('k', 1), sel, a)!.rowRanges).toEqual([[1 * c.headDim, 2 * c.headDim]]);
      expect(maskForTensor(spec('q', 0), sel, a)).toBeNull();
    }
    expect(maskForTensor(spec('o', 1), sel, a)).not.toBeNull();
    expect(maskCount(maskForTensor(spec('down', 0), sel, a)!)).toBe(c.hiddenSize * c.intermediateSize);
  });
});
