// The real-architecture TabICL replica (tabiclArch.ts): its ONNX graph against the float64 reference
// (tabiclArchReference.ts) on several shapes, the properties TabICL's structure implies (train-row permutation
// invariance, independent test rows, one logit per class in the context, sensitivity to feature order and labels),
// state-dict initializer names, and the whole user-TFM path (loadUserTfm → the TabICL adapter) on a bundled dataset.
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../numeric/random';
import { createNodeBackend } from '../../../runtime/ortNode';
import { tensor } from '../../../runtime/tensor';
import { preprocessSplit } from '../../data/preprocess';
import { loadSharedDataset } from '../../data/registry';
import { stratifiedKFold } from '../../data/split';
import { readShared } from '../../data/testData';
import { loadUserTfm } from '../userTfm';
import { buildTabiclArchReplica } from './tabiclArch';
import { tabiclTorchCheckCases } from './tabiclArchCases';
import { TABICL_ARCH_SMALL, tabiclArchReference, tabiclArchShapes, tabiclArchWeights, type TabiclArchConfig } from './tabiclArchReference';

const backend = createNodeBackend({ numThreads: 1 });
const { onnx } = onnxProto;

interface Table { X: number[][][]; y: number[][] }

/** B tables of T rows × H features, the first N rows labelled with k classes (each present, scrambled order). */
function table(B: number, T: number, H: number, N: number, k: number, seed: number): Table {
  const r = mulberry32(seed);
  const X = Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: H }, () => Math.fround(2 * r() - 1 + (r() < 0.3 ? 1.5 : 0)))));
  const y = Array.from({ length: B }, () => {
    const lab = Array.from({ length: N }, (_, i) => (i < k ? i : Math.floor(r() * k)));
    for (let i = N - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [lab[i], lab[j]] = [lab[j], lab[i]]; }
    return lab;
  });
  return { X, y };
}

async function session(bytes: Uint8Array) {
  return backend.createSession(bytes, { file: 'tabicl-arch.onnx' });
}

async function logits(s: Awaited<ReturnType<typeof session>>, t: Table): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const [B, T, H] = [t.X.length, t.X[0].length, t.X[0][0].length];
  const out = await s.run({ X: tensor('float32', Float32Array.from(t.X.flat(2)), [B, T, H]), y_train: tensor('float32', Float32Array.from(t.y.flat()), [B, t.y[0].length]) });
  return { data: out.logits.data as Float32Array, dims: out.logits.dims };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** logits of test row i of table 0, k classes */
const row = (d: Float32Array, i: number, k: number) => d.subarray(i * k, (i + 1) * k);

describe('TabICL real-architecture replica (small width, seeded weights)', () => {
  const weights = tabiclArchWeights(TABICL_ARCH_SMALL, 3);
  const bytes = buildTabiclArchReplica({ weights });

  it.each([
    ['B 1, 12 rows (8 train), 5 features, 2 classes', 1, 12, 5, 8, 2, TABICL_ARCH_SMALL],
    ['B 2, 20 rows (14 train), 4 features, 3 classes', 2, 20, 4, 14, 3, TABICL_ARCH_SMALL],
    ['B 1, 9 rows (6 train), 7 features, 5 classes', 1, 9, 7, 6, 5, TABICL_ARCH_SMALL],
    ['B 1, 30 rows (24 train), 2 features, 4 classes', 1, 30, 2, 24, 4, TABICL_ARCH_SMALL],
    ['B 2, 15 rows (10 train), 6 features, 3 classes, non-interleaved RoPE, 3 blocks/stage, 2 CLS', 2, 15, 6, 10, 3,
      { ...TABICL_ARCH_SMALL, row_rope_interleaved: false, col_num_blocks: 2, row_num_blocks: 3, icl_num_blocks: 3, row_num_cls: 2 }],
  ] as [string, number, number, number, number, number, TabiclArchConfig][])('ONNX = float64 reference within 1e-4: %s', async (_l, B, T, H, N, k, config) => {
    const t = table(B, T, H, N, k, T * 31 + H);
    const w = config === TABICL_ARCH_SMALL ? weights : tabiclArchWeights(config, 5);
    const ref = tabiclArchReference(config, w, t.X, t.y).flat(2);
    const s = await session(config === TABICL_ARCH_SMALL ? bytes : buildTabiclArchReplica({ config, weights: w }));
    const out = await logits(s, t);
    expect(out.dims).toEqual([B, T - N, k]);
    expect(maxDiff(ref, out.data)).toBeLessThan(1e-4);
    // not a constant map: test rows get different logits
    expect(maxDiff(row(out.data, 0, k), row(out.data, 1, k))).toBeGreaterThan(1e-3);
    await s.dispose();
  });

  it('initializers carry the torch state-dict names, every one of them used, and the seed fixes the bytes', () => {
    const names = onnx.ModelProto.decode(bytes).graph!.initializer!.map((i) => i.name!).filter((n) => !n.startsWith('const.'));
    expect(new Set(names)).toEqual(new Set(tabiclArchShapes(TABICL_ARCH_SMALL).map(([n]) => n)));
    expect(names).toContain('icl_predictor.tf_icl.blocks.1.attn.ssmax_layer.query_mlp.2.weight');
    expect(names).toContain('col_embedder.tf_col.blocks.0.ind_vectors');
    expect(Buffer.from(buildTabiclArchReplica({ seed: 3 })).equals(bytes)).toBe(true);
    expect(Buffer.from(buildTabiclArchReplica({ seed: 4 })).equals(bytes)).toBe(false);
  });

  // Logits of TabICL's own torch modules (soda-inria/tabicl 8f1aa2098c894ab91dba15209cf2002ba4be6c6c src/tabicl/_model,
  // TabICL(**config).load_state_dict(these weights, strict=True), eval, use_amp off; torch 2.13.0+cpu, 2026-12-07),
  // printed by bench/tabicl-arch-torch-check.py on the cases of tabiclArchCases.ts, rounded to 1e-6.
  const TORCH_LOGITS = [
    [-0.687168, 0.079253, -0.834928, -0.657766, 0.00495, -0.818471, -0.616129, 0.144128, -0.8051, -0.75734, 0.168734, -0.845572,
      -0.630273, 0.150619, -0.792721, -0.766989, 0.028411, -0.88731, -0.466136, -0.033647, -0.809867, -0.658742, 0.056708, -0.84492,
      -0.636499, 0.028449, -0.832852, -0.66665, 0.067846, -0.809984, -0.73375, 0.039886, -0.84084, -0.582776, 0.070178, -0.816935],
    [0.606024, -0.197454, -0.880218, -0.249668, 0.752611, -0.117551, -0.647666, -0.225217, 0.53293, -0.217075, -0.897561, -0.197796,
      0.472639, -0.178118, -0.951746, -0.280468, 0.570889, -0.190222, -0.90852, -0.265352],
  ];
  it.each([0, 1])('matches the logits TabICL\'s torch code gave for the same weights and inputs (case %i)', async (ci) => {
    const c = tabiclTorchCheckCases()[ci];
    const s = await session(buildTabiclArchReplica({ config: c.config, weights: c.weights }));
    const out = await logits(s, { X: c.X, y: c.y });
    expect(maxDiff(out.data, TORCH_LOGITS[ci])).toBeLessThan(1e-5);
    expect(maxDiff(tabiclArchReference(c.config, c.weights, c.X, c.y).flat(2), TORCH_LOGITS[ci])).toBeLessThan(1e-5);
    await s.dispose();
  });

  it('test logits do not depend on the order of the train rows, nor on the other test rows', async () => {
    const s = await session(bytes);
    const N = 16;
    const k = 3;
    const t = table(1, 22, 5, N, k, 11);
    const base = await logits(s, t);
    // the same train rows (features and labels together) in another order
    const perm = Array.from({ length: N }, (_, i) => (i * 7 + 3) % N);
    const shuffled: Table = { X: [[...perm.map((i) => t.X[0][i]), ...t.X[0].slice(N)]], y: [perm.map((i) => t.y[0][i])] };
    expect(maxDiff((await logits(s, shuffled)).data, base.data)).toBeLessThan(1e-5);
    // change test row 2 only: its logits move, the other test rows' stay
    const moved: Table = { X: [t.X[0].map((r, i) => (i === N + 2 ? r.map((v) => -2 * v + 1) : r))], y: t.y };
    const after = (await logits(s, moved)).data;
    expect(maxDiff(row(after, 2, k), row(base.data, 2, k))).toBeGreaterThan(1e-3);
    for (const i of [0, 1, 3, 4, 5]) expect(maxDiff(row(after, i, k), row(base.data, i, k))).toBeLessThan(1e-6);
    // test rows alone in their own call get the same logits (queries never see each other)
    const alone = (await logits(s, { X: [[...t.X[0].slice(0, N), t.X[0][N + 4]]], y: t.y })).data;
    expect(maxDiff(alone, row(base.data, 4, k))).toBeLessThan(1e-5);
    await s.dispose();
  });

  it('what the architecture must see: labels of the train rows, feature order (RoPE, groups), train features', async () => {
    const s = await session(bytes);
    const N = 16;
    const k = 3;
    const t = table(1, 22, 5, N, k, 12);
    const base = (await logits(s, t)).data;
    // labels reassigned among the train rows (same class counts): the label embeddings must change the answer
    const relabel: Table = { X: t.X, y: [t.y[0].map((_, i) => t.y[0][(i + 1) % N])] };
    expect(maxDiff((await logits(s, relabel)).data, base)).toBeGreaterThan(1e-3);
    // features rotated by one column in every row: not invariant (RoPE positions and the (g + 2^i) mod H groups)
    const rotated: Table = { X: [t.X[0].map((r) => [...r.slice(1), r[0]])], y: t.y };
    expect(maxDiff((await logits(s, rotated)).data, base)).toBeGreaterThan(1e-3);
    // one train row's features changed: the column embedding and the ICL keys see it
    const train: Table = { X: [t.X[0].map((r, i) => (i === 5 ? r.map((v) => v + 2) : r))], y: t.y };
    expect(maxDiff((await logits(s, train)).data, base)).toBeGreaterThan(1e-4);
    await s.dispose();
  });

  it('gives one logit per distinct label in y_train[0], up to max_classes (10)', async () => {
    const s = await session(bytes);
    for (const k of [2, 4, 7, 10]) {
      const out = await logits(s, table(1, 24, 3, 20, k, k));
      expect(out.dims).toEqual([1, 4, k]);
    }
    await s.dispose();
  });

  it('loads through the user-TFM path as a TabICL export and predicts breast-cancer-wisconsin deterministically', async () => {
    const task = await loadSharedDataset('breast-cancer-wisconsin', readShared('breast-cancer-wisconsin.csv'));
    const fold = stratifiedKFold(task.y, 2, 5, 1)[0];
    const { train, test } = preprocessSplit(task, fold.train, fold.test);
    const user = await loadUserTfm(bytes, JSON.stringify({ nEstimators: 4 }), backend);
    expect(user.format).toBe('tabicl');
    const p = await user.teacher.predict(train, train.y, 2, test);
    expect([p.n, p.k]).toEqual([test.n, 2]);
    let spread = 0;
    for (let i = 0; i < p.n; i++) {
      expect(p.probs[i * 2] + p.probs[i * 2 + 1]).toBeCloseTo(1, 9);
      expect(p.probs[i * 2]).toBeGreaterThanOrEqual(0);
      spread = Math.max(spread, Math.abs(p.probs[i * 2] - p.probs[0]));
    }
    expect(spread).toBeGreaterThan(1e-3);
    const again = await user.teacher.predict(train, train.y, 2, test);
    expect(Array.from(again.probs)).toEqual(Array.from(p.probs));
    await user.dispose();
  });
});
