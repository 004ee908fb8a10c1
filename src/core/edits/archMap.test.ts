// C-Δθ masks: exactly the head/MLP slices of GPT-2 (Conv1D, fused qkv) and Llama (GQA) layouts, checked
// element by element against an independent description of which entries belong to the circuit.
import { describe, expect, it } from 'vitest';
import { forEachMaskedRun, maskForTensor, resolveArch, type RowColMask } from './archMap';
import { applyCDeltaRaw, emptyCDeltaStats } from './cdelta';
import { decodeToF32, encodeFromF32 } from './dtypes';
import { parseCircuit } from './circuit';
import type { TensorSpec } from './safetensors';

function applyFull(spec: TensorSpec, mask: RowColMask | null, chunk: number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  // Target in F32, base in BF16, aligned in F16: mixed input dtypes are decoded per run.
  const target = encodeFromF32('F32', Float32Array.from({ length: n }, (_, i) => i * 0.25));
  const base = encodeFromF32('BF16', new Float32Array(n));
  const aligned = encodeFromF32('F16', new Float32Array(n).fill(1));
  const out = target.slice();
  if (!mask) return decodeToF32('F32', out);
  const stats = [emptyCDeltaStats(spec.name, n, mask)];
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const outChunk = out.slice(s * 4, e * 4);
    applyCDeltaRaw([outChunk], { dtype: 'F32', bytes: target.subarray(s * 4, e * 4) }, { dtype: 'BF16', bytes: base.subarray(s * 2, e * 2) }, { dtype: 'F16', bytes: aligned.subarray(s * 2, e * 2) }, mask, s, [2], stats);
    out.set(outChunk, s * 4);
  }
  expect(stats[0].changed).toBe(stats[0].masked);
  return decodeToF32('F32', out);
}

function touched(spec: TensorSpec, mask: RowColMask | null, chunk: number): Set<string> {
  const out = applyFull(spec, mask, chunk);
  const cols = spec.shape[spec.shape.length - 1];
  const set = new Set<string>();
  out.forEach((v, i) => {
    if (v !== i * 0.25) {
      expect(v).toBe(i * 0.25 + 2);
      set.add(`${Math.floor(i / cols)},${i % cols}`);
    }
  });
  return set;
}

function expected(spec: TensorSpec, pred: (r: number, c: number) => boolean): Set<string> {
  const [rows, cols] = spec.shape.length === 1 ? [1, spec.shape[0]] : spec.shape;
  const set = new Set<string>();
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (pred(r, c)) set.add(`${r},${c}`);
  return set;
}

const circuit = parseCircuit({
  cfg: { n_layers: 2, n_heads: 2 },
  nodes: { input: true, 'a0.h0': false, 'a0.h1': { in_graph: true, score: 0.5 }, m0: false, 'a1.h0': false, 'a1.h1': false, m1: false, logits: true },
  edges: { 'a0.h1->m1': { in_graph: true, score: 1.2 }, 'input->a1.h0<q>': { in_graph: false, score: 0.1 }, 'm0->logits': { in_graph: false, score: 0 } },
});

describe('circuit JSON', () => {
  it('selects nodes in graph and endpoints of in-graph edges', () => {
    expect(circuit.heads).toEqual([[0, 1]]);
    expect(circuit.mlps).toEqual([1]);
    expect(circuit.nHeads).toBe(2);
  });

  it('rejects unknown node names and malformed edges', () => {
    expect(() => parseCircuit({ nodes: { 'attn0.h1': true } })).toThrow(/unknown node name "attn0.h1"/);
    expect(() => parseCircuit({ nodes: {}, edges: { 'a0.h1=>m2': { in_graph: true } } })).toThrow(/edge key/);
    expect(() => parseCircuit([])).toThrow(/top level/);
  });
});

describe('GPT-2 mapping (d=8, 2 heads of 4)', () => {
  const specs: TensorSpec[] = [
    { name: 'transformer.h.0.attn.c_attn.weight', dtype: 'F32', shape: [8, 24] },
    { name: 'transformer.h.0.attn.c_attn.bias', dtype: 'F32', shape: [24] },
    { name: 'transformer.h.0.attn.c_proj.weight', dtype: 'F32', shape: [8, 8] },
    { name: 'transformer.h.0.attn.c_proj.bias', dtype: 'F32', shape: [8] },
    { name: 'transformer.h.0.mlp.c_fc.weight', dtype: 'F32', shape: [8, 32] },
    { name: 'transformer.h.1.attn.c_attn.weight', dtype: 'F32', shape: [8, 24] },
    { name: 'transformer.h.1.mlp.c_fc.weight', dtype: 'F32', shape: [8, 32] },
    { name: 'transformer.h.1.mlp.c_proj.bias', dtype: 'F32', shape: [8] },
    { name: 'transformer.wte.weight', dtype: 'F32', shape: [16, 8] },
  ];
  const arch = resolveArch(specs, { nHeads: 2 });
  const head1Cols = (c: number) => (c % 8) >= 4;
  const want: Record<string, (r: number, c: number) => boolean> = {
    'transformer.h.0.attn.c_attn.weight': (_r, c) => head1Cols(c),
    'transformer.h.0.attn.c_attn.bias': (_r, c) => head1Cols(c),
    'transformer.h.0.attn.c_proj.weight': (r) => r >= 4,
    'transformer.h.1.mlp.c_fc.weight': () => true,
    'transformer.h.1.mlp.c_proj.bias': () => true,
  };
  it('resolves head geometry from shapes', () => expect(arch).toEqual({ family: 'gpt2', familyFrom: 'tensor names', nHeads: 2, nKvHeads: 2, headDim: 4, dModel: 8 }));
  for (const spec of specs) {
    it(`touches exactly the circuit slices of ${spec.name}`, () => {
      const mask = maskForTensor(spec, circuit, arch);
      const pred = want[spec.name] ?? (() => false);
      for (const chunk of [7, 64, 1000]) expect(touched(spec, mask, chunk)).toEqual(expected(spec, pred));
    });
  }
  it('works without the transformer. prefix and refuses heads the model lacks', () => {
    const bare = specs.map((s) => ({ ...s, name: s.name.replace('transformer.', '') }));
    expect(maskForTensor(bare[0], circuit, resolveArch(bare, { nHeads: 2 }))?.colRanges).toEqual([[4, 8], [12, 16], [20, 24]]);
    expect(() => maskForTensor(specs[0], parseCircuit({ nodes: { 'a0.h5': true } }), arch)).toThrow(/a0.h5 does not exist/);
  });
});

describe('Llama mapping (d=8, 4 heads of 2, 2 kv heads)', () => {
  const specs: TensorSpec[] = [
    { name: 'model.layers.0.self_attn.q_proj.weight', dtype: 'F32', shape: [8, 8] },
    { name: 'model.layers.0.self_attn.k_proj.weight', dtype: 'F32', shape: [4, 8] },
    { name: 'model.layers.0.self_attn.v_proj.weight', dtype: 'F32', shape: [4, 8] },
    { name: 'model.layers.0.self_attn.o_proj.weight', dtype: 'F32', shape: [8, 8] },
    { name: 'model.layers.0.mlp.gate_proj.weight', dtype: 'F32', shape: [16, 8] },
    { name: 'model.layers.1.mlp.up_proj.weight', dtype: 'F32', shape: [16, 8] },
    { name: 'model.layers.1.mlp.down_proj.weight', dtype: 'F32', shape: [8, 16] },
    { name: 'model.norm.weight', dtype: 'F32', shape: [8] },
  ];
  const arch = resolveArch(specs, { nHeads: 4 });
  const sel = parseCircuit({ nodes: { 'a0.h3': true, m1: true, 'a0.h0': false } });
  const want: Record<string, (r: number, c: number) => boolean> = {
    'model.layers.0.self_attn.q_proj.weight': (r) => r >= 6,
    // head 3 uses kv head 3 // (4/2) = 1: rows 2..4
    'model.layers.0.self_attn.k_proj.weight': (r) => r >= 2,
    'model.layers.0.self_attn.v_proj.weight': (r) => r >= 2,
    'model.layers.0.self_attn.o_proj.weight': (_r, c) => c >= 6,
    'model.layers.1.mlp.up_proj.weight': () => true,
    'model.layers.1.mlp.down_proj.weight': () => true,
  };
  it('resolves GQA geometry from shapes', () => expect(arch).toEqual({ family: 'llama', familyFrom: 'tensor names', nHeads: 4, nKvHeads: 2, headDim: 2, dModel: 8 }));
  for (const spec of specs) {
    it(`touches exactly the circuit slices of ${spec.name}`, () => {
      const mask = maskForTensor(spec, sel, arch);
      for (const chunk of [5, 64]) expect(touched(spec, mask, chunk)).toEqual(expected(spec, want[spec.name] ?? (() => false)));
    });
  }
});

describe('forEachMaskedRun', () => {
  it('matches a brute-force scan on a random mask and offsets', () => {
    const m: RowColMask = { rows: 13, cols: 11, rowRanges: [[1, 3], [7, 8], [10, 13]], colRanges: [[0, 2], [5, 9]] };
    const inMask = (i: number) => {
      const r = Math.floor(i / 11);
      const c = i % 11;
      return m.rowRanges.some(([a, b]) => r >= a && r < b) && m.colRanges.some(([a, b]) => c >= a && c < b);
    };
    for (const [s, n] of [[0, 143], [5, 30], [40, 1], [100, 43]]) {
      const got: number[] = [];
      forEachMaskedRun(m, s, n, (a, b) => { for (let i = a; i < b; i++) got.push(s + i); });
      expect(got).toEqual(Array.from({ length: n }, (_, i) => s + i).filter(inMask));
    }
  });
});
