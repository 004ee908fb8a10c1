// Test fixture shared by archMapFamilies.test.ts and sidecar/families.test.ts: which elements of which tensor a
// circuit of head a1.h3 and MLP m0 owns, written by hand in Hugging Face tensor names for every family of the
// table, independently of the table archMap reads. q rows of the head; k/v rows of its KV group (also inside
// Phi-3's fused qkv_proj and GPT-2's c_attn); o_proj columns (GPT-2 c_proj rows: Conv1D is [in, out]); the MLP
// whole with the norms only it reads. Everything else (input_layernorm, q_norm/k_norm, Gemma's
// post_attention_layernorm, embeddings tied or not, lm_head, the final norm) is never touched.
import type { NormalizedLmConfig } from '../lm/families';
import type { CircuitSelection } from './circuit';

/** (row, column) of the tensor's 2-D view (a 1-D tensor is one row) → owned by the circuit. */
export type CellPredicate = (r: number, c: number) => boolean;

/** head 3 of layer 1 and MLP 0 (KV group 1 under the replicas' 4-over-2 GQA). */
export const HEAD_1_3_AND_MLP_0: CircuitSelection = { heads: [[1, 3]], mlps: [0], nodesInGraph: 2, edgesInGraph: 1 };

export function expectedSlicesHead13Mlp0(c: NormalizedLmConfig): [RegExp, CellPredicate][] {
  const { numHeads: H, numKvHeads: KV, headDim: hd, hiddenSize: d } = c;
  const g = Math.floor(3 / (H / KV));
  const inQ = (x: number) => x >= 3 * hd && x < 4 * hd;
  const inKv = (x: number) => x >= g * hd && x < (g + 1) * hd;
  const all: CellPredicate = () => true;
  if (c.family === 'gpt2') {
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
  const gemma = c.family === 'gemma2' || c.family === 'gemma3_text';
  const mlpNorms = gemma ? /^model\.layers\.0\.(pre|post)_feedforward_layernorm\.weight$/ : /^model\.layers\.0\.post_attention_layernorm\.weight$/;
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

/** The owned flat element indices of one tensor under `expectedSlicesHead13Mlp0`, or null when it owns none. */
export function expectedCells(slices: readonly [RegExp, CellPredicate][], name: string, shape: readonly number[]): Set<number> | null {
  const pred = slices.find(([re]) => re.test(name))?.[1];
  if (!pred) return null;
  const cols = shape[shape.length - 1];
  const n = shape.reduce((x, y) => x * y, 1);
  const out = new Set<number>();
  for (let i = 0; i < n; i++) if (pred(shape.length === 1 ? 0 : Math.floor(i / cols), i % cols)) out.add(i);
  return out;
}
