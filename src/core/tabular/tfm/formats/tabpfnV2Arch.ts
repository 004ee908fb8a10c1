// A real-architecture TabPFN v2 replica at small width, built at test time (never committed): the ONNX contract of
// the public export (replicas.ts: names, dtypes, ranks, dynamic axes, the in-graph NaN / 12σ / z-score
// preprocessing) over the PerFeatureTransformer of the v2 classifier, with deterministic weights named as its torch
// state dict (tabpfnV2ArchWeights.ts). Read at PriorLabs/TabPFN 0f1848deb157d5d042e64cdb5c37c22c6384f151:
//   model/loading.py      load_model: features_per_group from the config (1 or 2; 2 here), nhid = emsize·4, decoder
//                         {"standard": Linear(emsize, nhid), GELU, Linear(nhid, 10)}, pre_norm False, LayerNorms
//                         without affine, multiquery_item_attention_for_test_set True, feature_positional_embedding
//                         "subspace"; get_encoder / get_y_encoder (the encoder steps below)
//   model/transformer.py  PerFeatureTransformer._forward: X zero-padded to a multiple of features_per_group and
//                         split into groups of 2 features = 1 token; y padded with NaN for the query rows; the target
//                         column appended as the last token of every row; after the layers the query rows' target
//                         token is decoded. add_embeddings "subspace": Linear(emsize/4 → emsize) of torch.randn
//                         (groups, emsize/4) drawn under the model seed, added to every feature token
//   model/encoders.py     x: NanHandlingEncoderStep (NaN → context mean, indicator −2), InputNormalizationEncoderStep
//                         (remove_outliers 12σ set by the classifier, normalize_data over the context, clip ±100),
//                         VariableNumFeaturesEncoderStep (× √(2 / features of the group not constant over all rows)),
//                         LinearInputEncoderStep(4 → emsize, no bias) on [x pair, NaN-indicator pair].
//                         y: NanHandlingEncoderStep (query NaN → mean context label, indicator −2),
//                         MulticlassClassificationTargetEncoder (label → count of distinct context labels below it),
//                         LinearInputEncoderStep(2 → emsize, bias)
//   model/layer.py        PerFeatureEncoderLayer, post-norm: x = LN(x + attn between the tokens of a row);
//                         x = LN(x + attn between rows, per token column: context rows attend to context rows, query
//                         rows attend to context rows only, with every head's keys/values from head 0
//                         (reuse_first_head_kv)); x = LN(x + MLP(Linear, GELU, Linear, no biases))
//   model/multi_head_attention.py  _w_qkv [3, nhead, d_k, emsize], _w_out [nhead, d_v, emsize], scale 1/√d_k
// Simplified (also in the README): small width (emsize 32, 2 layers, 4 heads; InferenceConfig allows 128/192, 12, 4/6);
// untrained weights, and no zero init of the last sub-layers (tabpfnV2ArchWeights.ts); the per-call torch.randn
// feature embeddings are a fixed table of seeded normals (the same vector for group g on every call, as the fixed
// model seed gives, but other draws); ±inf inputs are not given their +2/+4 indicators (the adapters never feed
// them); std = 1 for a single context row is not special-cased (the adapter needs ≥ 2); the target token is
// broadcast over the batch (the contract's y is 1-D: the real graph, traced at batch 1, runs batch 1 only).
import { GraphBuilder, int64 } from '../../../runtime/onnx/builder';
import { tabpfnV2ContractInputs, type ReplicaOptions, type TabpfnVariant } from './replicas';
import { archTensor, layerName, RANDOM_FEATURE_TABLE, SMALL_TABPFN_V2, tabpfnV2ArchWeights, type ArchWeights, type TabpfnV2ArchConfig } from './tabpfnV2ArchWeights';

export interface TabpfnV2ArchOptions extends ReplicaOptions {
  config?: TabpfnV2ArchConfig;
  /** weights (default: tabpfnV2ArchWeights(config, seed)) */
  weights?: ArchWeights;
  seed?: number;
  /**
   * also output 'train_embeddings' [n_ctx, batch, emsize], the context rows' final target tokens (what the model
   * returns beside the logits when only_return_standard_out is false), to test that query rows never reach them
   */
  exposeTrainEmbeddings?: boolean;
}

/** The real-architecture replica as ONNX bytes: contract as the public export, small-width PerFeatureTransformer. */
export function buildTabpfnV2ArchReplica(variant: TabpfnVariant = 'script', opts: TabpfnV2ArchOptions = {}): Uint8Array {
  const c = opts.config ?? SMALL_TABPFN_V2;
  const w = opts.weights ?? tabpfnV2ArchWeights(c, opts.seed ?? 1);
  const g = new GraphBuilder({ opset: 17, name: 'tabpfn-v2-arch-replica', producer: 'workbench-tfm-replica',
    docString: `TabPFN v2 classifier replica: the export's contract over a PerFeatureTransformer at emsize ${c.emsize}, ${c.nlayers} layers, ${c.nhead} heads (untrained, not TabPFN weights).` });
  tabpfnV2ContractInputs(g, variant, opts); // → z [N,B,F], ok [N,B,F], yf [n_ctx], sep [1]
  const X = opts.rename?.X ?? 'X';
  let uid = 0;
  const op = (type: string, ins: string[], attrs: Record<string, number | number[]> = {}): string => {
    const out = `a.${type.toLowerCase()}_${uid++}`;
    g.node(type, ins, [out], attrs);
    return out;
  };
  const konst = (data: Float32Array | BigInt64Array, dims: number[]): string => {
    const name = `a.const_${uid++}`;
    g.initializer(name, data, dims);
    return name;
  };
  const i64 = (v: number[]) => konst(int64(v), [v.length]);
  const f32 = (v: number) => konst(Float32Array.of(v), []);
  const param = (name: string): string => {
    if (!g.info(name)) { const t = archTensor(w, name); g.initializer(name, t.data, t.dims); }
    return name;
  };
  /** nn.Linear: x [..., in] → [..., out] from the [out, in] weight (transposed in graph; ORT folds it). */
  const linear = (x: string, name: string, bias: boolean): string => {
    const y = op('MatMul', [x, op('Transpose', [param(`${name}.weight`)], { perm: [1, 0] })]);
    return bias ? op('Add', [y, param(`${name}.bias`)]) : y;
  };
  const gelu = (x: string) => op('Mul', [op('Mul', [x, f32(0.5)]), op('Add', [op('Erf', [op('Div', [x, f32(Math.SQRT2)])]), f32(1)])]);
  const lnScale = konst(new Float32Array(c.emsize).fill(1), [c.emsize]);
  const layerNorm = (x: string) => op('LayerNormalization', [x, lnScale], { axis: -1, epsilon: 1e-5 });
  const e = c.emsize;
  const h = c.nhead;
  const dk = e / h;
  const fpg = c.featuresPerGroup;

  // --- x encoder: pad to whole groups, NaN indicators, × √(fpg / used), Linear(2·fpg → e), + feature embeddings
  const nanInd = op('Mul', [op('Cast', [op('Not', ['ok'])], { to: 1 }), f32(-2)]);
  const F = op('Shape', [X], { start: 2, end: 3 });
  const missing = op('Mod', [op('Sub', [i64([fpg]), op('Mod', [F, i64([fpg])])]), i64([fpg])]);
  const pads = op('Concat', [i64([0, 0, 0, 0, 0]), missing], { axis: 0 });
  const grouped = (x: string) => op('Reshape', [op('Transpose', [op('Pad', [x, pads])], { perm: [1, 0, 2] }), i64([0, 0, -1, fpg])]); // [B,N,G,fpg]
  const xg = grouped('z');
  const ng = grouped(nanInd);
  const first = op('Slice', [xg, i64([0]), i64([1]), i64([1])]);
  const varies = op('ReduceMax', [op('Cast', [op('Not', [op('Equal', [xg, first])])], { to: 1 })], { axes: [1], keepdims: 1 });
  const used = op('Max', [op('ReduceSum', [varies, i64([3])], { keepdims: 1 }), f32(1)]); // [B,1,G,1]
  const scale = op('Sqrt', [op('Div', [f32(fpg), used])]);
  const tokIn = op('Concat', [op('Mul', [xg, scale]), ng], { axis: 3 }); // [B,N,G,2·fpg]
  const G = op('Shape', [xg], { start: 2, end: 3 });
  const table = op('Slice', [param(RANDOM_FEATURE_TABLE), i64([0]), G, i64([0])]); // [G, e/4]
  const pos = linear(table, 'feature_positional_embedding_embeddings', true); // [G, e]
  const xTok = op('Add', [linear(tokIn, 'encoder.5.layer', false), pos]); // [B,N,G,e]

  // --- y encoder: query labels NaN → mean context label; rank among the distinct context labels; NaN indicator
  const N = op('Shape', [X], { start: 0, end: 1 });
  const Bn = op('Shape', [X], { start: 1, end: 2 });
  const nq = op('Sub', [N, 'sep']);
  const yMean = op('ReduceMean', ['yf'], { axes: [0], keepdims: 1 });
  const yFull = op('Concat', ['yf', op('Expand', [yMean, nq])], { axis: 0 }); // [N]
  const uniq = op('Unique', ['yf'], { sorted: 1 });
  const rank = op('ReduceSum', [op('Cast', [op('Greater', [op('Unsqueeze', [yFull, i64([1])]), uniq])], { to: 1 }), i64([1])], { keepdims: 1 }); // [N,1]
  const yNan = op('Concat', [op('Expand', [f32(0), 'sep']), op('Expand', [f32(-2), nq])], { axis: 0 });
  const yIn = op('Concat', [rank, op('Unsqueeze', [yNan, i64([1])])], { axis: 1 }); // [N,2]
  const yTok = op('Expand', [op('Unsqueeze', [linear(yIn, 'y_encoder.2.layer', true), i64([0, 2])]),
    op('Concat', [Bn, i64([1, 1, 1])], { axis: 0 })]); // [B,N,1,e]
  let state = op('Concat', [xTok, yTok], { axis: 2 }); // [B,N,G+1,e]

  // --- attention: x [A,C,T,e] (A, C batch axes) attends over its T axis
  const qkvMatrix = (name: string, j: number, headOnly: boolean): string => {
    let wj = op('Gather', [param(name), i64([j])], { axis: 0 }); // [1,h,dk,e]
    if (headOnly) wj = op('Slice', [wj, i64([0]), i64([1]), i64([1])]); // [1,1,dk,e]
    return op('Transpose', [op('Reshape', [wj, i64([-1, e])])], { perm: [1, 0] }); // [e, heads·dk]
  };
  const heads = (x: string, n: number) => op('Transpose', [op('Reshape', [x, i64([0, 0, 0, n, dk])])], { perm: [0, 1, 3, 2, 4] }); // [A,C,n,T,dk]
  const attend = (xq: string, xkv: string, prefix: string, firstHeadKv: boolean): string => {
    const wqkv = `${prefix}._w_qkv`;
    const kvHeads = firstHeadKv ? 1 : h;
    const q = heads(op('MatMul', [xq, qkvMatrix(wqkv, 0, false)]), h);
    const k = heads(op('MatMul', [xkv, qkvMatrix(wqkv, 1, firstHeadKv)]), kvHeads); // one head broadcasts over h
    const v = heads(op('MatMul', [xkv, qkvMatrix(wqkv, 2, firstHeadKv)]), kvHeads);
    const s = op('Mul', [op('MatMul', [q, op('Transpose', [k], { perm: [0, 1, 2, 4, 3] })]), f32(1 / Math.sqrt(dk))]);
    const o = op('MatMul', [op('Softmax', [s], { axis: -1 }), v]); // [A,C,h,Tq,dk]
    const flat = op('Reshape', [op('Transpose', [o], { perm: [0, 1, 3, 2, 4] }), i64([0, 0, 0, h * dk])]);
    return op('MatMul', [flat, op('Reshape', [param(`${prefix}._w_out`), i64([h * dk, e])])]);
  };
  const end = i64([2 ** 62]);
  for (let l = 0; l < c.nlayers; l++) {
    state = layerNorm(op('Add', [state, attend(state, state, layerName(l, 'self_attn_between_features'), false)]));
    const cols = op('Transpose', [state], { perm: [0, 2, 1, 3] }); // [B,T,N,e]
    const train = op('Slice', [cols, i64([0]), 'sep', i64([2])]);
    const test = op('Slice', [cols, 'sep', end, i64([2])]);
    const items = layerName(l, 'self_attn_between_items');
    const mixed = op('Concat', [attend(train, train, items, false), attend(test, train, items, true)], { axis: 2 });
    state = layerNorm(op('Add', [state, op('Transpose', [mixed], { perm: [0, 2, 1, 3] })]));
    const hid = gelu(op('MatMul', [state, op('Transpose', [param(layerName(l, 'mlp.linear1.weight'))], { perm: [1, 0] })]));
    state = layerNorm(op('Add', [state, op('MatMul', [hid, op('Transpose', [param(layerName(l, 'mlp.linear2.weight'))], { perm: [1, 0] })])]));
  }

  // --- decoder on the query rows' target token → [num_test, batch, 10]
  const target = op('Squeeze', [op('Slice', [op('Slice', [state, 'sep', end, i64([1])]), i64([-1]), end, i64([2])]), i64([2])]); // [B,nq,e]
  const logits = linear(gelu(linear(op('Transpose', [target], { perm: [1, 0, 2] }), 'decoder_dict.standard.0', true)), 'decoder_dict.standard.2', true);
  g.node('Identity', [logits], ['output']).output('output', 'float32', ['num_test', 'batch_size', c.nOut]);
  if (opts.exposeTrainEmbeddings) {
    const trainTarget = op('Squeeze', [op('Slice', [op('Slice', [state, i64([0]), 'sep', i64([1])]), i64([-1]), end, i64([2])]), i64([2])]);
    g.node('Transpose', [trainTarget], ['train_embeddings'], { perm: [1, 0, 2] }).output('train_embeddings', 'float32', ['num_train', 'batch_size', e]);
  }
  return g.toBytes();
}
