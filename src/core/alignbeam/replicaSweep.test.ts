// The Sweep tab's engine calls on a pair given by hub id (issue #17): qwen3 and llama3 architecture replicas (random
// weights, the real 151,669- and 128,256-token vocabularies) written here and served by the loopback hub, loaded by
// alignbeamLoadPair through the browser loader path, then a tiny α × K sweep (shape of the result, α = 0 decoding as
// target-only) and a sweep cancelled mid-run. Only mechanics: the models are random, so no metric value is checked.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackHub, type LoopbackHub } from '../../../scripts/loopbackHub';
import { writeReplica } from '../lm/replicas/writeReplicaNode';
import type { FetchLike } from '../runtime/loaders';
import { createNodeBackend } from '../runtime/ortNode';
import { createAlignbeamEngine, type AlignbeamEngine } from './engine';
import { createModelLoader } from './loadModel';
import { DEFAULT_ALIGNBEAM_SETTINGS, type AlignbeamSettings, type BuiltinSuite, type EvalMetrics } from './types';

const IDS = { target: 'replicas/qwen3', anchor: 'replicas/llama3', judge: 'replicas/qwen3' } as const;
// Few tokens and one item per suite: each decode step runs a 151k-vocabulary head on shared CPU cores.
const S: AlignbeamSettings = { ...DEFAULT_ALIGNBEAM_SETTINGS, maxNewTokens: 3, m: 0 };
const SUITES = ['harmful', 'tasks'];

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const fetchAny: FetchLike = async (url, init) => (url.startsWith('file:') ? new Response(await readFile(fileURLToPath(url))) : fetch(url, init));
let dir: string;
let hub: LoopbackHub;
let engine: AlignbeamEngine;

/** The metrics that do not depend on timing. */
const quality = (m: EvalMetrics) => [m.refusalRate, m.overRefusal, m.taskAccuracy, m.n, m.skipped];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alignbeam-replica-sweep-'));
  const mounts: Record<string, string> = {};
  for (const id of ['qwen3', 'llama3']) {
    await writeReplica(id, join(dir, id), { variants: ['fp32'] });
    mounts[`replicas/${id}`] = join(dir, id);
  }
  hub = await startLoopbackHub({ embedded: false, mounts });
  const backend = createNodeBackend();
  engine = createAlignbeamEngine({
    loadModel: createModelLoader({ backend: async () => backend, fetch: fetchAny, modelsBaseUrl: new URL('../../../models/', import.meta.url).href, allowRemote: true, hubUrl: hub.url }),
    builtinSuite: async (name: BuiltinSuite) => readFile(join(ROOT, 'models/forge/heldout', `${name}.jsonl`), 'utf8'),
  });
}, 600_000);

afterAll(async () => {
  const models = engine?.pair?.models;
  if (models) await Promise.all([...new Set([models.target, models.anchor, models.judge])].map((m) => m.dispose()));
  await hub?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the sweep on a hub-id replica pair (qwen3 target, llama3 anchor)', () => {
  it('loads the pair by hub id from the loopback hub', async () => {
    const info = await engine.alignbeamLoadPair(IDS);
    expect(info.sameVocab).toBe(false);
    expect([info.target.vocabSize, info.anchor.vocabSize]).toEqual([151669, 128256]);
    expect(hub.requests.map((r) => `${r.path} ${r.status}`)).toContain('/replicas/llama3/resolve/main/onnx/model.onnx_data 302');
  }, 300_000);

  it('a 2 α × 1 K sweep over 2 items gives one row per grid point, each with its metrics; α = 0 decodes as target-only', async () => {
    const progress: number[] = [];
    const res = await engine.alignbeamSweep({ alpha: [0, 0.8], K: [1], m: [0] }, S, SUITES, 1, (e) => { if (e.kind === 'sweep') progress.push(e.done); });
    expect(res.cancelled).toBe(false);
    expect(res.suites).toEqual(SUITES);
    expect(res.rows.map((r) => [r.alpha, r.K, r.m])).toEqual([[0, 1, 0], [0.8, 1, 0]]);
    expect(progress).toEqual([1, 2, 3]); // target-only, then each grid point
    expect(res.targetOnly.n).toBe(2);
    for (const row of res.rows) {
      expect(row.metrics.n + row.metrics.skipped).toBe(2);
      expect(row.metrics.msPerItem).toBeGreaterThan(0);
      expect(row.metrics.overhead).toBeGreaterThan(0); // measured against this run's target-only
      expect(row.metrics.tokensPerSecond).toBeGreaterThan(0);
      expect(row.metrics.judgeParseErrors).toBeGreaterThanOrEqual(0);
    }
    // α = 0 mixes nothing: its row scores as target-only does, and its texts are target-only's, item by item
    expect(quality(res.rows[0].metrics)).toEqual(quality(res.targetOnly));
    const [only, ab] = await engine.alignbeamEvaluate({ methods: ['target-only', 'alignbeam'], suites: SUITES, limit: 1, settings: { ...S, alpha: 0, K: 1 } });
    expect(ab.items.map((i) => i.response)).toEqual(only.items.map((i) => i.response));
    expect(only.items.map((i) => i.response).join('')).not.toBe(''); // random weights still emit tokens
  }, 300_000);

  it('alignbeamCancel stops a running sweep, which returns the rows it finished', async () => {
    const res = await engine.alignbeamSweep({ alpha: [0, 0.5, 1], K: [1], m: [0] }, S, SUITES, 1, (e) => {
      if (e.kind === 'sweep' && e.done === 2) void engine.alignbeamCancel();
    });
    expect(res.cancelled).toBe(true);
    expect(res.rows.length).toBeGreaterThanOrEqual(1);
    expect(res.rows.length).toBeLessThan(3);
    // the engine is free again
    const again = await engine.alignbeamSweep({ alpha: [0], K: [1], m: [0] }, S, ['tasks'], 1);
    expect(again.rows).toHaveLength(1);
  }, 300_000);
});
