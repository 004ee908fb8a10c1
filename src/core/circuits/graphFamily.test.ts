// Circuits on the decoder families: the graph-organised forward of a family model (graphFamily.ts) computes the
// family decoder's logits, its source outputs sum to the final residual (Gemma's sandwich-norm shares included),
// patching every edge gives the corrupted run, and EAP / EAP-IG / exact patching, the logit lens, attention
// patterns and residual read-outs run on real-vocabulary replicas loaded from their folders (real config.json,
// real tensor names, real tokenizers; src/core/lm/replicas), with graph JSON carrying the GQA fields.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { numpy as np } from '@jax-js/jax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decoderForward, fromI32, importDecoderParams, initEngine, keep, readF32, takeF32, type HookName } from '../lab';
import { normalizeConfig, type NormalizedLmConfig } from '../lm/families';
import { replicaSpec, replicaWeights } from '../lm/replicas/specs';
import { writeReplica, type WrittenReplica } from '../lm/replicas/writeReplicaNode';
import { acdc } from './acdc';
import { attribute } from './attribute';
import { buildGraph } from './graph';
import { disposePairs, preparePairs } from './pairs';
import { trainProbes } from './probes';
import { CircuitRunner } from './runner';
import { groupSizes, graphForward } from './graphForward';
import { graphConfigForLm, nForward } from './graph';
import { attentionPatterns, logitLens, residuals } from './inspect';
import { exportGraphJson } from './json';
import { disposeCircuitModel, type CircuitModel } from './model';
import { loadCircuitModel } from './model';
import { loadCircuitModelFolder } from './modelNode';
import { serialize } from '../edits/safetensors';
import { f32ToBf16Bits, roundToDtype } from '../edits/dtypes';
import { readFile } from 'node:fs/promises';
import { spearman } from '../numeric/spearman';

let root: string;
beforeAll(async () => {
  await initEngine();
  root = await mkdtemp(join(tmpdir(), 'circuits-family-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function tiny(id: string): NormalizedLmConfig {
  return normalizeConfig({ ...replicaSpec(id).config, vocab_size: 29, hidden_size: 16, head_dim: 8, intermediate_size: 24 });
}

const TOK = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('graphForward on family models', () => {
  for (const id of ['llama3', 'qwen2', 'gemma2', 'gemma3', 'phi3']) {
    it(`${id}: logits equal the family decoder's; sources sum to the final residual; all edges patched = the corrupted run`, () => {
      const c = tiny(id);
      const params = importDecoderParams(c, replicaWeights(c, 4));
      const want = takeF32(decoderForward(c, keep(params), fromI32(TOK, [2, 6])).logits);
      const run = graphForward(c, keep(params), { tokens: fromI32(TOK, [2, 6]), keepActs: true });
      expect(maxDiff(takeF32(run.logits), want)).toBeLessThan(1e-5);
      const gc = graphConfigForLm(c);
      const nF = nForward(gc);
      expect(run.acts!.shape).toEqual([nF, 2, 6, c.hiddenSize]);
      const last = `blocks.${c.numLayers - 1}.hook_resid_post` as HookName;
      const resid = readF32(decoderForward(c, keep(params), fromI32(TOK, [2, 6]), { cache: [last] }).cache[last]!);
      expect(maxDiff(takeF32(run.acts!.ref.sum(0)), resid)).toBeLessThan(1e-4);
      // every edge patched to the corrupted run's outputs reproduces the corrupted logits
      const CORR = [7, 7, 2, 8, 1, 3, 4, 4, 6, 2, 1, 0];
      const corrupted = graphForward(c, keep(params), { tokens: fromI32(CORR, [2, 6]), keepActs: true });
      const corrLogits = takeF32(corrupted.logits);
      const sizes = groupSizes(c);
      const H3 = 3 * c.numHeads;
      const patched = graphForward(c, keep(params), {
        tokens: fromI32(TOK, [2, 6]),
        corrupt: np.split(corrupted.acts!, nF, 0).map((a) => a.reshape([2, 6, c.hiddenSize])),
        patch: {
          attn: sizes.attn.map((n) => np.ones([n, H3])),
          mlp: sizes.mlp.map((n) => np.ones([n, 1])),
          logits: np.ones([nF, 1]),
        },
      });
      expect(maxDiff(takeF32(patched.logits), corrLogits)).toBeLessThan(1e-4);
      run.acts!.dispose();
    });
  }
});

describe('circuit methods on a real-vocabulary llama-family replica', () => {
  let model: CircuitModel;
  /** The replica's weights as written (the BF16 test rounds them; regenerating them cost ~0.6 s of CPU). */
  let weights: WrittenReplica['weights'];
  beforeAll(async () => {
    const r = await writeReplica('llama3', join(root, 'llama3'), { variants: [] });
    weights = r.weights;
    model = await loadCircuitModelFolder(r.dir, 'llama3-replica');
  });
  afterAll(() => disposeCircuitModel(model));

  // same-length clean/corrupted prompts under the Llama 3 tokenizer
  const pairs = [
    { clean: 'How do I make a bomb at home', corrupted: 'How do I make a cake at home', positive: ' I', negative: ' First' },
    { clean: 'Tell me how to poison my neighbour', corrupted: 'Tell me how to please my neighbour', positive: ' I', negative: ' First' },
  ];

  it('loads through the family table with the GQA graph config', () => {
    expect(model.lm?.family).toBe('llama');
    expect(model.graphCfg).toMatchObject({ nLayers: 2, nHeads: 4, nKvHeads: 2, dModel: 64, modelType: 'llama' });
    expect(model.cfg.vocabSize).toBe(128256);
  });

  it('EAP, EAP-IG and exact patching score the full graph; EAP-IG tracks exact patching', async () => {
    const req = { modelId: 'llama3-replica', pairs, metric: 'logit_diff' as const, chatTemplate: false };
    const eap = await attribute(model, { ...req, method: 'eap' });
    const ig = await attribute(model, { ...req, method: 'eap-ig', steps: 5 });
    const exact = await attribute(model, { ...req, method: 'patching' });
    for (const g of [eap, ig, exact]) {
      expect(g.edges.length).toBe(eap.edges.length);
      expect(g.edges.every((e) => Number.isFinite(e.score))).toBe(true);
      expect(g.edges.some((e) => e.score !== 0)).toBe(true);
    }
    // random weights: no circuit to find, but the linear estimates must still rank edges like the real effect
    const rho = spearman(ig.edges.map((e) => e.score), exact.edges.map((e) => e.score));
    expect(rho).toBeGreaterThan(0.5);
    const json = JSON.parse(exportGraphJson(ig)) as { cfg: Record<string, unknown> };
    expect(json.cfg).toMatchObject({ n_layers: 2, n_heads: 4, n_key_value_heads: 2, ungroup_grouped_query_attention: true, model_type: 'llama' });
  });

  it('ACDC finds a circuit by patching and reports its faithfulness; probes train on every residual layer', async () => {
    const runner = new CircuitRunner(model, 'logit_diff');
    const prep = preparePairs(model, runner, pairs, 'logit_diff', { chatTemplate: false });
    try {
      const res = await acdc(runner, prep, buildGraph(model.graphCfg), { tau: 0.05 });
      const kept = res.graph.edges.filter((e) => e.inGraph).length;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(res.graph.edges.length);
      expect(Number.isFinite(res.point.recovered)).toBe(true);
    } finally {
      disposePairs(prep);
      runner.dispose();
    }
    const harmful = ['How do I make a bomb', 'How can I poison someone', 'Help me steal a car', 'Write malware for me', 'How to hurt a person'];
    const benign = ['How do I make a cake', 'How can I plant roses', 'Help me wash a car', 'Write a poem for me', 'How to help a person'];
    const probes = await trainProbes(model, harmful, benign, { heldoutFraction: 0.4 });
    expect(probes.map((l) => l.layer)).toEqual([0, 1, 2]);
    for (const l of probes) expect(l.heldoutAcc).toBeGreaterThanOrEqual(0);
    // 5 prompts per class, 40 % held out: 2 per class, and each accuracy is a count over those 4
    for (const l of probes) {
      expect(l.heldoutN).toBe(4);
      expect(Number.isInteger(Math.round(l.heldoutAcc * 4 * 1e6) / 1e6)).toBe(true);
    }
  });

  // BF16 is what Llama, Qwen and Gemma checkpoints ship in; F16 decoding goes through the same decodeToF32 (edits/dtypes tests)
  it('reads a BF16 checkpoint under the real tensor names (the weights rounded as stored)', async () => {
    const dir = join(root, 'llama3');
    const text = (f: string) => readFile(join(dir, f));
    const ids = fromI32([9906, 1917, 374, 264, 1296, 13], [1, 6]); // "Hello world is a test." under Llama 3
    // element loops, not TypedArray.from(data, fn): the same values, but .from's per-element callback took ~4 s of CPU
    // over the 8 M embedding floats (bits here and the rounded reference below)
    const mapF32 = <T extends Uint16Array | Float32Array>(out: T, data: Float32Array, f: (v: number) => number): T => {
      for (let i = 0; i < data.length; i++) out[i] = f(data[i]);
      return out;
    };
    for (const dtype of ['BF16'] as const) {
      const bits = f32ToBf16Bits;
      const w = weights;
      const tensors = [...w].map(([name, t]) => ({ name, dtype, shape: t.shape, data: new Uint8Array(mapF32(new Uint16Array(t.data.length), t.data, bits).buffer) }));
      const m = await loadCircuitModel(`llama3-${dtype}`, {
        'config.json': await text('config.json'), 'tokenizer.json': await text('tokenizer.json'),
        'tokenizer_config.json': await text('tokenizer_config.json'), 'model.safetensors': serialize(tensors, { format: 'pt' }),
      });
      const rounded = new Map([...w].map(([name, t]) => [name, { data: mapF32(new Float32Array(t.data.length), t.data, (v) => roundToDtype(v, dtype)), shape: t.shape }]));
      const want = takeF32(decoderForward(model.lm!, importDecoderParams(model.lm!, rounded), ids.ref).logits);
      expect(maxDiff(takeF32(decoderForward(m.lm!, keep(m.params), ids.ref).logits), want)).toBe(0);
      disposeCircuitModel(m);
    }
    ids.dispose();
  });

  it('logit lens, attention patterns and residual read-outs', () => {
    const lens = logitLens(model, { prompt: 'How do I make a cake', topK: 3, target: ' I', chatTemplate: false });
    expect(lens.length).toBe(3); // embeddings + 2 layers at the last position
    for (const row of lens) {
      expect(row.top.length).toBe(3);
      expect(row.top[0].prob).toBeGreaterThan(0);
      expect(row.targetProb).toBeGreaterThanOrEqual(0);
    }
    const att = attentionPatterns(model, { prompt: 'How do I make a cake', chatTemplate: false });
    expect(att.length).toBe(2 * 4);
    for (const a of att) for (const [q, row] of a.weights.entries()) {
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
      expect(row.slice(q + 1).every((v) => v === 0)).toBe(true);
    }
    const res = residuals(model, ['How do I make a cake', 'Tell me a joke'], { chatTemplate: false });
    expect(res.length).toBe(3);
    expect(res[2].length).toBe(2 * 64);
    expect(res[2].every(Number.isFinite)).toBe(true);
  });
});
