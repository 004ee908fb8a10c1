// Contract replicas of the public TFM exports, built at test time (never committed): small ONNX graphs with exactly
// the real input/output names, ranks, dtypes and dynamic axes, and the real in-graph semantics as far as the
// contract reaches, over a simple in-context head (a kernel vote: each query row attends to the context rows by
// scaled negative squared distance and averages their one-hot labels) instead of the real transformer weights.
//
// TabPFN v2 (PriorLabs/TabPFN 0f1848deb157d5d042e64cdb5c37c22c6384f151 src/tabpfn/misc/compile_to_onnx.py, and
// the newer two-input export in tests/test_classifier_interface.py at b474f152269050e99664562e44795e12d7d30fb0):
//   X float32 [num_datapoints, batch_size, num_features] (context rows then query rows, sequence-first),
//   y float32 [num_labels] (context labels), single_eval_pos int64 [] (= num_labels; the script export only),
//   only_return_standard_out bool [] (script export only) → output float32 [num_test, batch_size, 10] logits.
//   In graph: NaN → context mean (NanHandlingEncoderStep), two-stage 12σ soft outlier clip and mean/std (ddof 1)
//   standardisation over the first single_eval_pos rows, clipped to ±100 (InputNormalizationEncoderStep with
//   remove_outliers_std 12), labels flattened to their rank among the context's distinct labels
//   (MulticlassClassificationTargetEncoder); 10 logit slots whatever the class count.
// TabICL (soda-inria/tabicl 8f1aa2098c894ab91dba15209cf2002ba4be6c6c src/tabicl/_model/tabicl.py TabICL.forward,
// learning.py _predict_standard; the package ships no ONNX exporter, so the contract is what torch.onnx.export of
// TabICL.forward(X, y_train) gives with input_names ['X', 'y_train'] and output_names ['logits']):
//   X float32 [batch, rows, features] (context then query, batch-first), y_train float32 [batch, train_size]
//   → logits float32 [batch, test_size, num_classes], num_classes = distinct labels in y_train[0] (logits, no
//   softmax: return_logits=True). No normalisation in graph: the package preprocesses outside.
import { GraphBuilder, int64 } from '../../../runtime/onnx/builder';

const f32 = (v: number): Float32Array => Float32Array.of(v);
const EYE10 = Float32Array.from({ length: 100 }, (_, i) => (i % 11 === 0 ? 1 : 0));

export interface ReplicaOptions {
  /** rename inputs (to build a bad export for the error tests) */
  rename?: Record<string, string>;
  /** the labels' declared dtype (the graph casts back to float32): a bad export for the error tests */
  labelDtype?: 'float32' | 'int64';
  /** kernel sharpness: score = τ · (2 q·c − |c|²) / features */
  tau?: number;
  /** declare X's feature axis with this fixed size (an export traced without dynamic_axes): for the error tests */
  fixedFeatures?: number;
  /** also output the in-graph normalised features 'z' [rows, batch, features] (TabPFN), to test that step */
  exposeNormalised?: boolean;
}

/** The kernel vote's constants. */
function constants(g: GraphBuilder, tau: number): void {
  g.initializer('c.two', f32(2), [])
    .initializer('c.tau', f32(tau), []).initializer('c.eps', f32(1e-3), []).initializer('c.eye10', EYE10, [10, 10])
    .initializer('c.i1', int64([1]), [1]).initializer('c.i2', int64([2]), [1]);
}

/** The row-slicing constants (split). */
function sliceConstants(g: GraphBuilder): void {
  g.initializer('c.i0', int64([0]), [1]).initializer('c.end', int64([2 ** 62]), [1]);
}

/** Rows [0, sep) and [sep, end) of `x` along `axis` (an int64 [1] initializer name). */
function split(g: GraphBuilder, x: string, sep: string, axis: string, out: string): [string, string] {
  g.node('Slice', [x, 'c.i0', sep, axis], [`${out}.ctx`]).node('Slice', [x, sep, 'c.end', axis], [`${out}.qry`]);
  return [`${out}.ctx`, `${out}.qry`];
}

/** The kernel vote over batch-first context/query features; `onehot` is [n_ctx, 10] or [B, n_ctx, 10]. */
function kernelVote(g: GraphBuilder, ctx: string, qry: string, onehot: string, nFeat: string, out: string): void {
  g.node('Transpose', [ctx], [`${out}.ct`], { perm: [0, 2, 1] }) // [B,F,Nc]
    .node('MatMul', [qry, `${out}.ct`], [`${out}.qc`]) // [B,Nq,Nc]
    .node('Mul', [ctx, ctx], [`${out}.c2`]).node('ReduceSum', [`${out}.c2`, 'c.i2'], [`${out}.cc0`], { keepdims: 1 }) // [B,Nc,1]
    .node('Transpose', [`${out}.cc0`], [`${out}.cc`], { perm: [0, 2, 1] }) // [B,1,Nc]
    .node('Mul', [`${out}.qc`, 'c.two'], [`${out}.qc2`]).node('Sub', [`${out}.qc2`, `${out}.cc`], [`${out}.s0`])
    .node('Cast', [nFeat], [`${out}.nf`], { to: 1 }).node('Div', ['c.tau', `${out}.nf`], [`${out}.scale`])
    .node('Mul', [`${out}.s0`, `${out}.scale`], [`${out}.s`])
    .node('Softmax', [`${out}.s`], [`${out}.p`], { axis: -1 }) // [B,Nq,Nc]
    .node('MatMul', [`${out}.p`, onehot], [`${out}.vote`]) // [B,Nq,10]
    .node('Add', [`${out}.vote`, 'c.eps'], [`${out}.v1`]).node('Log', [`${out}.v1`], [out]);
}

/** Mean over the first rows (axis 0) with weights w (1 = counted), keepdims. */
function weightedMean(g: GraphBuilder, x: string, w: string, out: string): void {
  g.node('Mul', [x, w], [`${out}.xw`]).node('ReduceSum', [`${out}.xw`, 'c.i0'], [`${out}.s`], { keepdims: 1 })
    .node('ReduceSum', [w, 'c.i0'], [`${out}.n0`], { keepdims: 1 }).node('Max', [`${out}.n0`, 'c.one'], [`${out}.n`])
    .node('Div', [`${out}.s`, `${out}.n`], [out]);
}

/** Sample std (ddof 1) about `mean` over weighted rows, keepdims. */
function weightedStd(g: GraphBuilder, x: string, w: string, mean: string, out: string): void {
  g.node('Sub', [x, mean], [`${out}.d0`]).node('Mul', [`${out}.d0`, w], [`${out}.d`]).node('Mul', [`${out}.d`, `${out}.d`], [`${out}.d2`])
    .node('ReduceSum', [`${out}.d2`, 'c.i0'], [`${out}.ss`], { keepdims: 1 })
    .node('ReduceSum', [w, 'c.i0'], [`${out}.n`], { keepdims: 1 }).node('Sub', [`${out}.n`, 'c.one'], [`${out}.n1`])
    .node('Div', [`${out}.ss`, `${out}.n1`], [`${out}.v`]).node('Sqrt', [`${out}.v`], [out]);
}

export type TabpfnVariant = 'script' | 'traced';

/**
 * A TabPFN v2 classifier export. 'script' = compile_to_onnx.py (X, y, single_eval_pos, only_return_standard_out);
 * 'traced' = the test export where only X and y stay graph inputs (single_eval_pos is then len(y)).
 */
export function buildTabpfnV2Replica(variant: TabpfnVariant = 'script', opts: ReplicaOptions = {}): Uint8Array {
  const g = new GraphBuilder({ opset: 17, name: 'tabpfn-v2-replica', producer: 'workbench-tfm-replica',
    docString: 'Contract replica of a TabPFN v2 classifier ONNX export (kernel-vote head, not TabPFN weights).' });
  tabpfnV2ContractInputs(g, variant, opts);
  constants(g, opts.tau ?? 4);
  // labels → rank among the context's distinct labels → one-hot over 10 slots
  g.node('Unique', ['yf'], ['uniq'], { sorted: 1 }).node('Unsqueeze', ['yf', 'c.i1'], ['ycol'])
    .node('Greater', ['ycol', 'uniq'], ['gt']).node('Cast', ['gt'], ['gtf'], { to: 1 })
    .node('ReduceSum', ['gtf', 'c.i1'], ['rank'], { keepdims: 0 }).node('Cast', ['rank'], ['ranki'], { to: 7 })
    .node('Gather', ['c.eye10', 'ranki'], ['onehot']); // [n_ctx, 10]
  g.node('Transpose', ['z'], ['zb'], { perm: [1, 0, 2] }); // [B,N,F]
  const [ctx, qry] = split(g, 'zb', 'sep', 'c.i1', 'zbs');
  g.node('Shape', [opts.rename?.X ?? 'X'], ['nFeat'], { start: 2, end: 3 });
  kernelVote(g, ctx, qry, 'onehot', 'nFeat', 'logitsB'); // [B,Nq,10]
  g.node('Transpose', ['logitsB'], ['output'], { perm: [1, 0, 2] })
    .output('output', 'float32', ['num_test', 'batch_size', 10]);
  if (opts.exposeNormalised) g.output('z', 'float32', ['num_datapoints', 'batch_size', 'num_features']);
  return g.toBytes();
}

/**
 * The TabPFN v2 export's inputs and its in-graph preprocessing, shared by the kernel-vote replica and the
 * real-architecture one (tabpfnV2Arch.ts). Declares the inputs (renamed per opts) and defines: 'sep' int64 [1]
 * (context rows), 'yf' float32 [n_ctx] (context labels), 'ok' bool [N, B, F] (not NaN), 'z' float32 [N, B, F]
 * (NaN → context mean, 12σ soft clip, z-score over the context, clip ±100), and the constants c.* it uses.
 */
export function tabpfnV2ContractInputs(g: GraphBuilder, variant: TabpfnVariant, opts: ReplicaOptions = {}): void {
  const name = (n: string) => opts.rename?.[n] ?? n;
  const X = name('X');
  const y = name('y');
  g.input(X, 'float32', ['num_datapoints', 'batch_size', opts.fixedFeatures ?? 'num_features']).input(y, opts.labelDtype ?? 'float32', ['num_labels']);
  sliceConstants(g);
  g.initializer('c.zero', f32(0), []).initializer('c.one', f32(1), []).initializer('c.sigma', f32(12), []).initializer('c.tiny', f32(1e-20), []).initializer('c.hi', f32(100), []).initializer('c.lo', f32(-100), []);
  if (variant === 'script') {
    g.input(name('single_eval_pos'), 'int64', []).input(name('only_return_standard_out'), 'bool', []);
    g.node('Unsqueeze', [name('single_eval_pos'), 'c.i0'], ['sep']); // [1]
  } else {
    g.node('Shape', [y], ['sep']);
  }
  g.node('Cast', [y], ['yf'], { to: 1 });
  // NaN → the context mean of the feature
  g.node('Equal', [X, X], ['ok']).node('Cast', ['ok'], ['okf'], { to: 1 }).node('Where', ['ok', X, 'c.zero'], ['x0']);
  const [x0c] = split(g, 'x0', 'sep', 'c.i0', 'x0s');
  const [okc] = split(g, 'okf', 'sep', 'c.i0', 'oks');
  weightedMean(g, x0c, okc, 'nanMean');
  g.node('Where', ['ok', X, 'nanMean'], ['xi']);
  // two-stage 12σ bounds over the context rows, then the soft clip on every row
  const [tr] = split(g, 'xi', 'sep', 'c.i0', 'xis');
  g.node('Shape', [tr], ['trShape']).node('ConstantOfShape', ['trShape'], ['ones'], { value: { tensor: { dtype: 'float32', dims: [1], data: f32(1) } } });
  weightedMean(g, tr, 'ones', 'm1');
  weightedStd(g, tr, 'ones', 'm1', 's1');
  g.node('Sub', [tr, 'm1'], ['d1']).node('Abs', ['d1'], ['ad1']).node('Mul', ['s1', 'c.sigma'], ['cut1'])
    .node('LessOrEqual', ['ad1', 'cut1'], ['in1']).node('Cast', ['in1'], ['w1'], { to: 1 });
  weightedMean(g, tr, 'w1', 'm2');
  weightedStd(g, tr, 'w1', 'm2', 's2');
  g.node('Mul', ['s2', 'c.sigma'], ['cut2']).node('Sub', ['m2', 'cut2'], ['lower']).node('Add', ['m2', 'cut2'], ['upper'])
    .node('Abs', ['xi'], ['ax']).node('Add', ['ax', 'c.one'], ['ax1']).node('Log', ['ax1'], ['lx'])
    .node('Sub', ['lower', 'lx'], ['loSoft']).node('Max', ['loSoft', 'xi'], ['xa'])
    .node('Abs', ['xa'], ['axa']).node('Add', ['axa', 'c.one'], ['axa1']).node('Log', ['axa1'], ['lxa'])
    .node('Add', ['lxa', 'upper'], ['hiSoft']).node('Min', ['hiSoft', 'xa'], ['xb']);
  // standardise by the context rows (ddof 1, + 1e-20), clip to ±100
  const [trb] = split(g, 'xb', 'sep', 'c.i0', 'xbs');
  weightedMean(g, trb, 'ones', 'm3');
  weightedStd(g, trb, 'ones', 'm3', 's3');
  g.node('Add', ['s3', 'c.tiny'], ['s3e']).node('Sub', ['xb', 'm3'], ['zc']).node('Div', ['zc', 's3e'], ['z0'])
    .node('Max', ['z0', 'c.lo'], ['z1']).node('Min', ['z1', 'c.hi'], ['z']);
}

/** A TabICL classifier export: X [B, T, H], y_train [B, train_size] → logits [B, test_size, num_classes]. */
export function buildTabiclReplica(opts: ReplicaOptions = {}): Uint8Array {
  const name = (n: string) => opts.rename?.[n] ?? n;
  const g = new GraphBuilder({ opset: 17, name: 'tabicl-replica', producer: 'workbench-tfm-replica',
    docString: 'Contract replica of a TabICL classifier ONNX export (kernel-vote head, not TabICL weights).' });
  const X = name('X');
  const y = name('y_train');
  g.input(X, 'float32', ['batch', 'rows', opts.fixedFeatures ?? 'features']).input(y, opts.labelDtype ?? 'float32', ['batch', 'train_size']);
  constants(g, opts.tau ?? 4);
  sliceConstants(g);
  g.initializer('c.s0', int64([0]), []);
  g.node('Shape', [y], ['sep'], { start: 1, end: 2 }).node('Cast', [y], ['yf'], { to: 1 });
  const [ctx, qry] = split(g, X, 'sep', 'c.i1', 'xs');
  g.node('Cast', ['yf'], ['yi'], { to: 7 }).node('Gather', ['c.eye10', 'yi'], ['onehot']); // [B,n_ctx,10]
  g.node('Shape', [X], ['nFeat'], { start: 2, end: 3 });
  kernelVote(g, ctx, qry, 'onehot', 'nFeat', 'all'); // [B,Nq,10]
  // out[:, :, :num_classes], num_classes = len(unique(y_train[0]))
  g.node('Gather', ['yf', 'c.s0'], ['y0'], { axis: 0 }).node('Unique', ['y0'], ['uniq'], { sorted: 1 })
    .node('Shape', ['uniq'], ['nc']).node('Slice', ['all', 'c.i0', 'nc', 'c.i2'], ['logits'])
    .output('logits', 'float32', ['batch', 'test_size', 'num_classes']);
  return g.toBytes();
}
