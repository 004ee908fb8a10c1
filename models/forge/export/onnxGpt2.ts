// GPT-2 (the lab's architecture) → ONNX with the transformers.js GPT-2 contract (FACTS.md "transformers.js 4.3
// with a self-made GPT-2 ONNX folder"): inputs input_ids, attention_mask (past + new), position_ids and
// past_key_values.{l}.key/value [batch_size, H, past_sequence_length, hd] with H and hd as numbers (the empty
// first-step cache is built from the declared shape); outputs logits and present.{l}.key/value. The causal mask
// is offset by the past length and combined with the padding mask; gelu_new is written out term for term as
// in core/lab/gpt.ts so the two agree to float rounding.
import { GraphBuilder, int64 } from '../../../src/core/runtime/onnx/builder';
import { headDim, type GptConfig } from '../../../src/core/lab';
import type { HostTensors } from '../train/trainModel';

/** Masked scores: same constant as the lab's causal bias, finite so fully masked (padding) rows stay finite. */
const MASKED = -1e9;

export function exportGpt2Onnx(c: GptConfig, tensors: HostTensors): Uint8Array {
  const H = c.nHead;
  const hd = headDim(c);
  const d = c.dModel;
  const g = new GraphBuilder({ opset: 17, name: 'gpt2', producer: 'workbench-forge', docString: 'GPT-2 with KV cache (transformers.js layout)' });
  const w = (name: string): string => {
    const t = tensors.get(`transformer.${name}`) ?? tensors.get(name);
    if (!t) throw new Error(`exportGpt2Onnx: missing tensor ${name}`);
    g.initializer(name, t.data, t.shape);
    return name;
  };
  const konst = (name: string, data: Float32Array | BigInt64Array, dims: number[]): string => {
    g.initializer(name, data, dims);
    return name;
  };

  g.input('input_ids', 'int64', ['batch_size', 'sequence_length'])
    .input('attention_mask', 'int64', ['batch_size', 'total_sequence_length'])
    .input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  for (let l = 0; l < c.nLayer; l++) {
    g.input(`past_key_values.${l}.key`, 'float32', ['batch_size', H, 'past_sequence_length', hd])
      .input(`past_key_values.${l}.value`, 'float32', ['batch_size', H, 'past_sequence_length', hd]);
  }
  konst('c_zero', int64([0]), [1]);
  konst('c_one', int64([1]), [1]);
  konst('c_two', int64([2]), [1]);
  konst('c_0s', int64([0]), []);
  konst('c_1s', int64([1]), []);
  konst('c_heads', int64([0, 0, H, hd]), [4]);
  konst('c_merge', int64([0, 0, d]), [3]);
  konst('c_qkv_split', int64([d, d, d]), [3]);
  konst('c_masked', new Float32Array([MASKED]), []);
  konst('c_scale', new Float32Array([1 / Math.sqrt(hd)]), []);
  konst('c_half', new Float32Array([0.5]), []);
  konst('c_onef', new Float32Array([1]), []);
  konst('c_gelu_a', new Float32Array([0.044715]), []);
  konst('c_gelu_b', new Float32Array([Math.sqrt(2 / Math.PI)]), []);

  // embeddings: [B,S] → [B,S,d]
  g.node('Gather', [w('wte.weight'), 'input_ids'], ['tok_emb'], { axis: 0 })
    .node('Gather', [w('wpe.weight'), 'position_ids'], ['pos_emb'], { axis: 0 })
    .node('Add', ['tok_emb', 'pos_emb'], ['x_0']);

  // mask [B,1,S,P+S]: key j visible to query i when j ≤ past + i and attention_mask[b, j] = 1
  g.node('Shape', ['past_key_values.0.key'], ['past_shape'])
    .node('Gather', ['past_shape', 'c_two'], ['past_len_1'], { axis: 0 }) // [1]
    .node('Squeeze', ['past_len_1', 'c_zero'], ['past_len']) // []
    .node('Shape', ['input_ids'], ['ids_shape'])
    .node('Gather', ['ids_shape', 'c_one'], ['seq_len_1'], { axis: 0 })
    .node('Squeeze', ['seq_len_1', 'c_zero'], ['seq_len'])
    .node('Add', ['past_len', 'seq_len'], ['total_len'])
    .node('Range', ['past_len', 'total_len', 'c_1s'], ['q_pos']) // [S]
    .node('Range', ['c_0s', 'total_len', 'c_1s'], ['k_pos']) // [P+S]
    .node('Unsqueeze', ['q_pos', 'c_one'], ['q_col']) // [S,1]
    .node('Unsqueeze', ['k_pos', 'c_zero'], ['k_row']) // [1,P+S]
    .node('LessOrEqual', ['k_row', 'q_col'], ['causal']) // [S,P+S]
    .node('Cast', ['attention_mask'], ['pad_bool'], { to: 9 }) // bool
    .node('Unsqueeze', ['pad_bool', int64Const(g, 'c_axes12', [1, 2])], ['pad_4d']) // [B,1,1,P+S]
    .node('And', ['causal', 'pad_4d'], ['visible']); // [B,1,S,P+S]

  let x = 'x_0';
  for (let l = 0; l < c.nLayer; l++) x = block(g, w, c, l, x);
  g.node('LayerNormalization', [x, w('ln_f.weight'), w('ln_f.bias')], ['x_final'], { axis: -1, epsilon: c.lnEps });
  if (c.tiedEmbeddings) g.node('Transpose', ['wte.weight'], ['w_unembed'], { perm: [1, 0] }); // [d,V]
  else g.node('Transpose', [w('lm_head.weight')], ['w_unembed'], { perm: [1, 0] }); // [d,Vh]
  g.node('MatMul', ['x_final', 'w_unembed'], ['logits']); // [B,S,d]@[d,Vh] → [B,S,Vh]
  g.output('logits', 'float32', ['batch_size', 'sequence_length', c.lmHeadWidth]);
  for (let l = 0; l < c.nLayer; l++) {
    g.output(`present.${l}.key`, 'float32', ['batch_size', H, 'total_sequence_length', hd])
      .output(`present.${l}.value`, 'float32', ['batch_size', H, 'total_sequence_length', hd]);
  }
  return g.toBytes();
}

function int64Const(g: GraphBuilder, name: string, values: number[]): string {
  if (!g.info(name)) g.initializer(name, int64(values), [values.length]);
  return name;
}

function block(g: GraphBuilder, w: (n: string) => string, c: GptConfig, l: number, x: string): string {
  const p = `h.${l}.`;
  const n = (s: string) => `l${l}_${s}`;
  // attention: LN → fused c_attn [B,S,3d] → q,k,v [B,H,S,hd]
  g.node('LayerNormalization', [x, w(`${p}ln_1.weight`), w(`${p}ln_1.bias`)], [n('ln1')], { axis: -1, epsilon: c.lnEps })
    .node('MatMul', [n('ln1'), w(`${p}attn.c_attn.weight`)], [n('qkv_mm')])
    .node('Add', [n('qkv_mm'), w(`${p}attn.c_attn.bias`)], [n('qkv')])
    .node('Split', [n('qkv'), 'c_qkv_split'], [n('q_flat'), n('k_flat'), n('v_flat')], { axis: 2 });
  for (const s of ['q', 'k', 'v']) {
    g.node('Reshape', [n(`${s}_flat`), 'c_heads'], [n(`${s}_bshd`)]) // [B,S,H,hd]
      .node('Transpose', [n(`${s}_bshd`)], [n(`${s}_new`)], { perm: [0, 2, 1, 3] }); // [B,H,S,hd]
  }
  g.node('Concat', [`past_key_values.${l}.key`, n('k_new')], [`present.${l}.key`], { axis: 2 }) // [B,H,P+S,hd]
    .node('Concat', [`past_key_values.${l}.value`, n('v_new')], [`present.${l}.value`], { axis: 2 })
    .node('Transpose', [`present.${l}.key`], [n('k_t')], { perm: [0, 1, 3, 2] }) // [B,H,hd,P+S]
    .node('MatMul', [n('q_new'), n('k_t')], [n('scores_raw')]) // [B,H,S,P+S]
    .node('Mul', [n('scores_raw'), 'c_scale'], [n('scores')])
    .node('Where', ['visible', n('scores'), 'c_masked'], [n('scores_masked')])
    .node('Softmax', [n('scores_masked')], [n('pattern')], { axis: -1 })
    .node('MatMul', [n('pattern'), `present.${l}.value`], [n('z')]) // [B,H,S,hd]
    .node('Transpose', [n('z')], [n('z_t')], { perm: [0, 2, 1, 3] }) // [B,S,H,hd]
    .node('Reshape', [n('z_t'), 'c_merge'], [n('z_flat')]) // [B,S,d]
    .node('MatMul', [n('z_flat'), w(`${p}attn.c_proj.weight`)], [n('attn_mm')])
    .node('Add', [n('attn_mm'), w(`${p}attn.c_proj.bias`)], [n('attn_out')])
    .node('Add', [x, n('attn_out')], [n('mid')]);
  // MLP: LN → c_fc → gelu_new → c_proj
  g.node('LayerNormalization', [n('mid'), w(`${p}ln_2.weight`), w(`${p}ln_2.bias`)], [n('ln2')], { axis: -1, epsilon: c.lnEps })
    .node('MatMul', [n('ln2'), w(`${p}mlp.c_fc.weight`)], [n('fc_mm')])
    .node('Add', [n('fc_mm'), w(`${p}mlp.c_fc.bias`)], [n('fc')])
    // gelu_new(x) = x·0.5·(tanh(√(2/π)·(x + 0.044715·x·x·x)) + 1), same order as the lab
    .node('Mul', [n('fc'), n('fc')], [n('fc2')])
    .node('Mul', [n('fc2'), n('fc')], [n('fc3')])
    .node('Mul', [n('fc3'), 'c_gelu_a'], [n('fc3a')])
    .node('Add', [n('fc'), n('fc3a')], [n('inner0')])
    .node('Mul', [n('inner0'), 'c_gelu_b'], [n('inner')])
    .node('Tanh', [n('inner')], [n('th')])
    .node('Add', [n('th'), 'c_onef'], [n('th1')])
    .node('Mul', [n('fc'), 'c_half'], [n('half_x')])
    .node('Mul', [n('half_x'), n('th1')], [n('act')])
    .node('MatMul', [n('act'), w(`${p}mlp.c_proj.weight`)], [n('proj_mm')])
    .node('Add', [n('proj_mm'), w(`${p}mlp.c_proj.bias`)], [n('mlp_out')])
    .node('Add', [n('mid'), n('mlp_out')], [n('out')]);
  return n('out');
}
