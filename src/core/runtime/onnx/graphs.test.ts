// Graphs made by the builder run in onnxruntime (node CPU and web WASM, both available in Node) and agree with
// plain-JS reference maths: MLP, LayerNorm, Gather, a causal-mask attention score block, shape plumbing, and an
// ai.onnx.ml TreeEnsembleClassifier with post_transform LOGISTIC.
import { describe, expect, it } from 'vitest';
import { createNodeBackend } from '../ortNode';
import { createWebBackend } from '../ortWeb';
import type { OrtBackend } from '../session';
import { tensor, type TensorData } from '../tensor';
import { GraphBuilder, int64 } from './builder';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5; };
}
const randn = (n: number, seed: number) => { const r = rng(seed); return Float32Array.from({ length: n }, () => r() * 2); };
const softmax = (xs: number[]) => { const m = Math.max(...xs); const e = xs.map((x) => Math.exp(x - m)); const s = e.reduce((a, b) => a + b, 0); return e.map((x) => x / s); };
const floats = (t: TensorData) => Array.from(t.data as Float32Array);

function expectClose(actual: number[], expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  const worst = Math.max(...actual.map((a, i) => Math.abs(a - expected[i])));
  expect(worst).toBeLessThanOrEqual(tol);
}

const backends: [string, () => OrtBackend][] = [
  ['onnxruntime-node cpu', () => createNodeBackend({ numThreads: 1 })],
  ['onnxruntime-web wasm', () => createWebBackend({ wasmPaths: null, numThreads: 1, providers: ['wasm'] })],
];

async function run(backend: OrtBackend, bytes: Uint8Array, feeds: Record<string, TensorData>) {
  const s = await backend.createSession(bytes);
  try { return await s.run(feeds); } finally { await s.dispose(); }
}

describe.each(backends)('builder graphs on %s', (_label, make) => {
  const backend = make();

  it('MLP MatMul+Add+Relu+MatMul+Add+Softmax matches the JS reference within 1e-6', async () => {
    const [n, d, h, k] = [5, 4, 8, 3];
    const x = randn(n * d, 1), w1 = randn(d * h, 2), b1 = randn(h, 3), w2 = randn(h * k, 4), b2 = randn(k, 5);
    const bytes = new GraphBuilder()
      .input('x', 'float32', ['batch', d])
      .initializer('w1', w1, [d, h]).initializer('b1', b1, [h]).initializer('w2', w2, [h, k]).initializer('b2', b2, [k])
      .node('MatMul', ['x', 'w1'], ['xw1']).node('Add', ['xw1', 'b1'], ['z1']).node('Relu', ['z1'], ['a1'])
      .node('MatMul', ['a1', 'w2'], ['xw2']).node('Add', ['xw2', 'b2'], ['z2']).node('Softmax', ['z2'], ['p'], { axis: -1 })
      .output('p').toBytes();
    const out = await run(backend, bytes, { x: tensor('float32', x, [n, d]) });
    const ref: number[] = [];
    for (let i = 0; i < n; i++) {
      const a1 = Array.from({ length: h }, (_, j) => Math.max(0, b1[j] + [...Array(d).keys()].reduce((s, q) => s + x[i * d + q] * w1[q * h + j], 0)));
      const z2 = Array.from({ length: k }, (_, j) => b2[j] + a1.reduce((s, a, q) => s + a * w2[q * k + j], 0));
      ref.push(...softmax(z2));
    }
    expect(out.p.dims).toEqual([n, k]);
    expectClose(floats(out.p), ref, 1e-6);
  });

  it('LayerNormalization over the last axis matches the reference', async () => {
    const [b, t, c] = [2, 3, 6];
    const x = randn(b * t * c, 7), gamma = randn(c, 8), beta = randn(c, 9);
    const bytes = new GraphBuilder()
      .input('x', 'float32', ['batch', 'seq', c]).initializer('g', gamma, [c]).initializer('b', beta, [c])
      .node('LayerNormalization', ['x', 'g', 'b'], ['y'], { axis: -1, epsilon: 1e-5 }).output('y').toBytes();
    const out = await run(backend, bytes, { x: tensor('float32', x, [b, t, c]) });
    const ref: number[] = [];
    for (let r = 0; r < b * t; r++) {
      const row = Array.from(x.subarray(r * c, r * c + c));
      const mean = row.reduce((s, v) => s + v, 0) / c;
      const v = row.reduce((s, q) => s + (q - mean) ** 2, 0) / c;
      ref.push(...row.map((q, j) => ((q - mean) / Math.sqrt(v + 1e-5)) * gamma[j] + beta[j]));
    }
    expectClose(floats(out.y), ref, 1e-5);
  });

  it('Gather picks embedding rows exactly', async () => {
    const table = randn(10 * 4, 10);
    const ids = [3, 0, 9, 3, 7, 1];
    const bytes = new GraphBuilder().input('ids', 'int64', ['batch', 'seq']).initializer('wte', table, [10, 4])
      .node('Gather', ['wte', 'ids'], ['emb'], { axis: 0 }).output('emb').toBytes();
    const out = await run(backend, bytes, { ids: tensor('int64', int64(ids), [2, 3]) });
    expect(out.emb.dims).toEqual([2, 3, 4]);
    expect(floats(out.emb)).toEqual(ids.flatMap((i) => Array.from(table.subarray(i * 4, i * 4 + 4))));
  });

  it('causal-mask scores (Shape, Gather, Range, Unsqueeze, LessOrEqual, Where, Softmax) match the reference', async () => {
    const s = 4;
    const scores = randn(s * s, 11);
    const bytes = new GraphBuilder()
      .input('scores', 'float32', [1, 'seq', 'seq'])
      .initializer('one', int64([1]), []).initializer('zero', int64([0]), []).initializer('step', int64([1]), [])
      .initializer('ax0', int64([0]), [1]).initializer('ax1', int64([1]), [1]).initializer('neg', new Float32Array([-1e9]), [])
      .node('Shape', ['scores'], ['shape']).node('Gather', ['shape', 'one'], ['len'], { axis: 0 })
      .node('Range', ['zero', 'len', 'step'], ['pos'])
      .node('Unsqueeze', ['pos', 'ax0'], ['row']).node('Unsqueeze', ['pos', 'ax1'], ['col'])
      .node('LessOrEqual', ['row', 'col'], ['allowed'])
      .node('Where', ['allowed', 'scores', 'neg'], ['masked']).node('Softmax', ['masked'], ['att'], { axis: -1 })
      .output('att').toBytes();
    const out = await run(backend, bytes, { scores: tensor('float32', scores, [1, s, s]) });
    const ref = [...Array(s).keys()].flatMap((i) => softmax([...Array(s).keys()].map((j) => (j <= i ? scores[i * s + j] : -1e9))));
    expectClose(floats(out.att), ref, 1e-6);
  });

  it('Constant, Split, Concat, Transpose, Slice, Cast and ReduceMean move data as numpy would', async () => {
    const x = Float32Array.from({ length: 12 }, (_, i) => i);
    const bytes = new GraphBuilder()
      .input('x', 'float32', [2, 6]).initializer('ends', int64([3]), [1]).initializer('axes', int64([0]), [1])
      .node('Constant', [], ['starts'], { value: { tensor: { dtype: 'int64', dims: [1], data: int64([1]) } } })
      .node('Split', ['x'], ['a', 'b', 'c'], { axis: 1 })
      .node('Concat', ['c', 'b', 'a'], ['cba'], { axis: 1 })
      .node('Transpose', ['cba'], ['t'], { perm: [1, 0] })
      .node('Slice', ['t', 'starts', 'ends', 'axes'], ['sl'])
      .node('ReduceMean', ['sl'], ['m'], { axes: [1], keepdims: 0 })
      .node('Cast', ['m'], ['mi'], { to: 7 })
      .output('sl').output('mi').toBytes();
    const out = await run(backend, bytes, { x: tensor('float32', x, [2, 6]) });
    // cba rows: [4,5,2,3,0,1] and [10,11,8,9,6,7]; transposed rows 1..2: [5,11], [2,8]
    expect(out.sl.dims).toEqual([2, 2]);
    expect(floats(out.sl)).toEqual([5, 11, 2, 8]);
    expect(Array.from(out.mi.data as BigInt64Array, Number)).toEqual([8, 5]);
  });

  // Binary convention (as skl2onnx writes it): every leaf weight on class_ids 0 and two class labels. Weights on
  // class 1 instead give [σ(0), σ(s)] = [0.5, σ(s)] in ORT 1.30, which is not a distribution: exporters must not.
  it('TreeEnsembleClassifier (LOGISTIC, BRANCH_LT) returns [1-σ(s), σ(s)] of the summed leaf weights', async () => {
    const bytes = new GraphBuilder()
      .input('X', 'float32', ['N', 2])
      .node('TreeEnsembleClassifier', ['X'], ['label', 'probabilities'], {
        classlabels_int64s: [0, 1], post_transform: 'LOGISTIC',
        nodes_treeids: [0, 0, 0, 1, 1, 1], nodes_nodeids: [0, 1, 2, 0, 1, 2], nodes_featureids: [0, 0, 0, 1, 0, 0],
        nodes_modes: ['BRANCH_LT', 'LEAF', 'LEAF', 'BRANCH_LT', 'LEAF', 'LEAF'],
        nodes_values: [0.5, 0, 0, 1, 0, 0], nodes_truenodeids: [1, 0, 0, 1, 0, 0], nodes_falsenodeids: [2, 0, 0, 2, 0, 0],
        class_treeids: [0, 0, 1, 1], class_nodeids: [1, 2, 1, 2], class_ids: [0, 0, 0, 0], class_weights: [0.8, -0.3, -0.5, 1.2],
      }, { domain: 'ai.onnx.ml', name: 'gbdt' })
      .output('label').output('probabilities').toBytes();
    const rows = [[0.2, 0.5], [0.9, 0.5], [0.2, 1], [0.9, 3]];
    const out = await run(backend, bytes, { X: tensor('float32', Float32Array.from(rows.flat()), [4, 2]) });
    const sigma = (s: number) => 1 / (1 + Math.exp(-s));
    const scores = rows.map(([a, b]) => (a < 0.5 ? 0.8 : -0.3) + (b < 1 ? -0.5 : 1.2));
    expectClose(floats(out.probabilities), scores.flatMap((s) => [1 - sigma(s), sigma(s)]), 1e-6);
    expect(Array.from(out.label.data as BigInt64Array, Number)).toEqual(scores.map((s) => (s > 0 ? 1 : 0)));
  });
});
