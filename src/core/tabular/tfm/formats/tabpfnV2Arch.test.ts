// The real-architecture TabPFN v2 replica (tabpfnV2Arch.ts): ORT agrees with the float64 reference forward within
// 1e-4 on several shapes (batch 1–3, odd feature counts, NaNs), the architecture's structural guarantees hold in
// the ONNX graph (context rows are permutation-invariant, a query row depends only on the context and itself, query
// rows never reach context rows), and the user-TFM path loads both export variants and predicts a bundled dataset
// deterministically.
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../../runtime/ortNode';
import type { ModelSession } from '../../../runtime/session';
import { tensor, type Feeds } from '../../../runtime/tensor';
import { mulberry32 } from '../../../numeric/random';
import { preprocessSplit } from '../../data/preprocess';
import { loadSharedDataset } from '../../data/registry';
import { stratifiedKFold } from '../../data/split';
import { readShared } from '../../data/testData';
import { loadUserTfm } from '../userTfm';
import { buildTabpfnV2ArchReplica } from './tabpfnV2Arch';
import { tabpfnV2ArchReference } from './tabpfnV2ArchReference';
import { RANDOM_FEATURE_TABLE, SMALL_TABPFN_V2, tabpfnV2ArchWeights } from './tabpfnV2ArchWeights';

const backend = createNodeBackend({ numThreads: 1 });
const weights = tabpfnV2ArchWeights(SMALL_TABPFN_V2, 1);

interface Task { X: Float32Array; dims: [number, number, number]; y: Float32Array; sep: number }

/** A random task: N rows (sep context), B batch, F features, labels in {0..k-1}, NaNs at rate `nanRate`. */
function randomTask(seed: number, N: number, B: number, F: number, sep: number, k: number, nanRate = 0): Task {
  const r = mulberry32(seed);
  const y = Float32Array.from({ length: sep }, (_, i) => (i < k ? i : Math.floor(r() * k)));
  const X = Float32Array.from({ length: N * B * F }, (_, t) => {
    const row = Math.floor(t / (B * F));
    if (row > 0 && r() < nanRate) return NaN; // row 0 keeps every column's context non-empty
    const f = t % F;
    return (row < sep ? y[row] * (f % 2 ? 1 : -0.5) : 0) + (r() - 0.5) * (1 + f);
  });
  return { X, dims: [N, B, F], y, sep };
}

async function run(session: ModelSession, t: Task, variant: 'script' | 'traced'): Promise<Float32Array> {
  const feeds: Feeds = { X: tensor('float32', t.X, [...t.dims]), y: tensor('float32', t.y, [t.sep]) };
  if (variant === 'script') {
    feeds.single_eval_pos = tensor('int64', BigInt64Array.of(BigInt(t.sep)), []);
    feeds.only_return_standard_out = tensor('bool', Uint8Array.of(1), []);
  }
  const out = (await session.run(feeds)).output;
  expect(out.dims).toEqual([t.dims[0] - t.sep, t.dims[1], 10]);
  return out.data as Float32Array;
}

/** Rows of X ([N, B, F] sequence-first) as a list of row blocks, and back. */
const rowsOf = (t: Task) => Array.from({ length: t.dims[0] }, (_, i) => t.X.slice(i * t.dims[1] * t.dims[2], (i + 1) * t.dims[1] * t.dims[2]));
const withRows = (t: Task, rows: Float32Array[], y = t.y): Task => {
  const X = new Float32Array(rows.length * rows[0].length);
  rows.forEach((r, i) => X.set(r, i * r.length));
  return { ...t, X, y };
};
const logitRow = (out: Float32Array, q: number, B: number) => out.slice(q * B * 10, (q + 1) * B * 10);

describe('TabPFN v2 real-architecture replica (small width)', () => {
  it.each([
    ['batch 1, 5 features (odd: one padded group), NaNs', 11, 18, 1, 5, 12, 3, 0.1],
    ['batch 2, 4 features, 2 classes', 12, 25, 2, 4, 17, 2, 0],
    ['batch 3, 1 feature, NaNs, 10 classes', 13, 30, 3, 1, 22, 10, 0.15],
    ['batch 1, 7 features, a single query row', 14, 15, 1, 7, 14, 4, 0.05],
  ])('ONNX matches the float64 reference within 1e-4: %s', async (_l, seed, N, B, F, sep, k, nanRate) => {
    const t = randomTask(seed, N, B, F, sep, k, nanRate);
    const want = tabpfnV2ArchReference(SMALL_TABPFN_V2, weights, t.X, t.dims, t.y, t.sep);
    for (const variant of ['script', 'traced'] as const) {
      const session = await backend.createSession(buildTabpfnV2ArchReplica(variant), { file: 'replica.onnx' });
      const got = await run(session, t, variant);
      expect(got.length).toBe(want.length);
      let worst = 0;
      got.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - want[i])); });
      expect(worst).toBeLessThan(1e-4);
      await session.dispose();
    }
    // the logits are not degenerate: they vary across query rows and slots
    expect(Math.max(...want) - Math.min(...want)).toBeGreaterThan(0.1);
  });

  it('initializers carry the torch state-dict names and shapes, every weight used, and the seed fixes the bytes', () => {
    const bytes = buildTabpfnV2ArchReplica('script', { seed: 3 });
    const inits = onnxProto.onnx.ModelProto.decode(bytes).graph!.initializer!;
    const named = new Map(inits.filter((i) => !/^(a|c)\./.test(i.name!)).map((i) => [i.name!, (i.dims ?? []).map(Number)]));
    const w = tabpfnV2ArchWeights(SMALL_TABPFN_V2, 3);
    expect(new Set(named.keys())).toEqual(new Set(w.keys()));
    for (const [name, t] of w) expect(named.get(name)).toEqual(t.dims);
    expect(named.get('transformer_encoder.layers.1.self_attn_between_items._w_qkv')).toEqual([3, 4, 8, 32]);
    expect(named.get('encoder.5.layer.weight')).toEqual([32, 4]); // 2 features + their 2 NaN indicators, no bias
    expect(named.has('encoder.5.layer.bias')).toBe(false);
    expect(named.has(RANDOM_FEATURE_TABLE)).toBe(true);
    expect(buildTabpfnV2ArchReplica('script', { seed: 3 })).toEqual(bytes);
    expect(buildTabpfnV2ArchReplica('script', { seed: 4 })).not.toEqual(bytes);
  });

  it('context rows are exchangeable, query rows independent, and query rows never reach the context', async () => {
    const session = await backend.createSession(buildTabpfnV2ArchReplica('traced'), { file: 'replica.onnx' });
    const t = randomTask(21, 26, 2, 5, 20, 3, 0.1);
    const B = t.dims[1];
    const base = await run(session, t, 'traced');
    const rows = rowsOf(t);
    // permuting the context rows (with their labels) leaves every query's logits unchanged
    const perm = Array.from({ length: t.sep }, (_, i) => (i * 7 + 3) % t.sep);
    const permuted = await run(session, withRows(t, [...perm.map((i) => rows[i]), ...rows.slice(t.sep)], Float32Array.from(perm, (i) => t.y[i])), 'traced');
    permuted.forEach((v, i) => expect(v).toBeCloseTo(base[i], 4));
    // changing, dropping or reordering the other queries leaves query 0's logits unchanged
    const others = rows.slice(t.sep + 1).map((r) => r.map((v) => v * -3 + 1));
    const changed = await run(session, withRows(t, [...rows.slice(0, t.sep + 1), ...others.reverse()]), 'traced');
    logitRow(changed, 0, B).forEach((v, i) => expect(v).toBeCloseTo(base[i], 4));
    const alone = await run(session, withRows({ ...t, dims: [t.sep + 1, B, 5] }, rows.slice(0, t.sep + 1)), 'traced');
    alone.forEach((v, i) => expect(v).toBeCloseTo(base[i], 4));
    // …and moving a query row into another query's place moves its logits with it
    const swapped = await run(session, withRows(t, [...rows.slice(0, t.sep), rows[t.sep + 1], rows[t.sep], ...rows.slice(t.sep + 2)]), 'traced');
    logitRow(swapped, 1, B).forEach((v, i) => expect(v).toBeCloseTo(base[i], 4));
    // but changing the context does change the queries (the test above could not pass by ignoring the context)
    const relabelled = await run(session, withRows(t, rows, t.y.map((v) => (v + 1) % 3)), 'traced');
    expect(Math.max(...relabelled.map((v, i) => Math.abs(v - base[i])))).toBeGreaterThan(1e-2);
    await session.dispose();
  });

  it('query rows never reach the context rows: their final target tokens ignore the queries', async () => {
    const session = await backend.createSession(buildTabpfnV2ArchReplica('traced', { exposeTrainEmbeddings: true }), { file: 'replica.onnx' });
    const t = randomTask(31, 24, 2, 3, 18, 2, 0.1);
    const rows = rowsOf(t);
    const embed = async (task: Task) => {
      const out = await session.run({ X: tensor('float32', task.X, [...task.dims]), y: tensor('float32', task.y, [task.sep]) });
      expect(out.train_embeddings.dims).toEqual([task.sep, task.dims[1], SMALL_TABPFN_V2.emsize]);
      return out.train_embeddings.data as Float32Array;
    };
    const base = await embed(t);
    const other = await embed(withRows(t, [...rows.slice(0, t.sep), ...rows.slice(t.sep).map((r) => r.map((v) => 5 - 2 * v))]));
    const fewer = await embed(withRows({ ...t, dims: [t.sep + 2, 2, 3] }, rows.slice(0, t.sep + 2)));
    base.forEach((v, i) => { expect(other[i]).toBeCloseTo(v, 5); expect(fewer[i]).toBeCloseTo(v, 5); });
    // and the context rows do attend to each other: changing one context row moves the others' tokens
    const moved = await embed(withRows(t, [rows[0].map((v) => v + 2), ...rows.slice(1)]));
    const rest = (a: Float32Array) => a.slice(2 * SMALL_TABPFN_V2.emsize); // rows 1.. (batch 2 × emsize per row)
    expect(Math.max(...rest(moved).map((v, i) => Math.abs(v - rest(base)[i])))).toBeGreaterThan(1e-3);
    await session.dispose();
  });

  it.each(['script', 'traced'] as const)('loads through the user-TFM path (%s export) and predicts breast-cancer-wisconsin deterministically', async (variant) => {
    const task = await loadSharedDataset('breast-cancer-wisconsin', readShared('breast-cancer-wisconsin.csv'));
    const fold = stratifiedKFold(task.y, 2, 5, 1)[0];
    const { train, test } = preprocessSplit(task, fold.train.slice(0, 120), fold.test.slice(0, 40));
    const bytes = buildTabpfnV2ArchReplica(variant);
    const predict = async () => {
      const user = await loadUserTfm(bytes, '', backend);
      expect(user.format).toBe('tabpfn-v2');
      const p = await user.teacher.predict(train, train.y, 2, test);
      await user.dispose();
      return p;
    };
    const a = await predict();
    expect([a.n, a.k]).toEqual([test.n, 2]);
    for (let i = 0; i < a.n; i++) {
      expect(a.probs[2 * i] + a.probs[2 * i + 1]).toBeCloseTo(1, 9);
      expect(a.probs[2 * i]).toBeGreaterThan(0);
    }
    const spread = Math.max(...a.probs) - Math.min(...a.probs);
    expect(spread).toBeGreaterThan(1e-3); // untrained, but not constant across queries
    const b = await predict();
    expect(Array.from(b.probs)).toEqual(Array.from(a.probs));
  });
});
