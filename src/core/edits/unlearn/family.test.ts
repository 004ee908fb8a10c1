// Unlearning is family-generic: RMU on a Llama-3-shaped replica (real config keys and tensor names from
// src/core/lm/replicas, random weights, width 64, vocabulary cut to the forge tokenizer's 1,024) runs through
// decoderForward, picks its trainable tensors through the family table (model.layers.{l}.mlp.down_proj.weight),
// and writes its checkpoint under those real names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDecoderParams, initEngine, readF32, release } from '../../lab';
import { normalizeConfig } from '../../lm/families';
import { bitDifference } from '../../numeric/bitDifference';
import { replicaSpec, replicaWeights } from '../../lm/replicas/specs';
import { loadTokenizer } from '../../lm/tokenizer';
import { parseHeader, parseHeaderLength } from '../safetensors';
import { familyUnlearnModel, type UnlearnModel } from './model';
import { folderSink, forgeUnlearnData, lastCheckpoint } from './runNode';
import { runUnlearning } from './trainer';
import { runMansu } from './mansuPipeline';

const ROOT = join(__dirname, '../../../..');
let model: UnlearnModel;
let out: string;

beforeAll(async () => {
  await initEngine();
  const config = { ...replicaSpec('llama3').config, vocab_size: 1024, max_position_embeddings: 256 };
  const lm = normalizeConfig(config);
  const tokenizer = await loadTokenizer(join(ROOT, 'models/tokenizers/family-a'));
  model = familyUnlearnModel('llama3-replica', lm, importDecoderParams(lm, replicaWeights(lm)), tokenizer, config);
  out = await mkdtemp(join(tmpdir(), 'unlearn-llama-'));
}, 120_000);
afterAll(async () => {
  release(model?.params);
  if (out) await rm(out, { recursive: true, force: true });
});

describe('unlearning on a llama-family replica', () => {
  it('RMU: steers layer 1, trains only the family\'s down_proj tensors, checkpoint under real HF names', async () => {
    const { data, split } = await forgeUnlearnData({ forgetTopic: 'forgery', forgetSize: 8, retainSize: 16 });
    const ok = (ps: typeof data.forget) => ps.filter((p) => model.tokenizer.encodeChat(p.prompt, p.response).ids.length <= 52);
    const short = { forget: ok(data.forget), retain: ok(data.retain), evalForget: ok(data.evalForget), evalRetain: ok(data.evalRetain) };
    const r = await runUnlearning(model, short, { method: 'rmu', steps: 6, batchSize: 4, evalSize: 4, lr: 3e-3, checkpointEvery: 6 }, {
      split, sink: folderSink(out, null, model.configJson),
    });
    expect(r.status).toBe('done');
    expect(r.manifest.model.family).toBe('llama');
    expect(r.manifest.effective.rmu?.layer).toBe(1);
    expect(r.manifest.effective.trainable).toEqual(['model.layers.0.mlp.down_proj.weight', 'model.layers.1.mlp.down_proj.weight']);
    const losses = r.manifest.losses.map((l) => l.forget);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]); // activations move toward c·u
    for (const n of ['model.layers.1.mlp.up_proj.weight', 'model.embed_tokens.weight', 'model.layers.1.self_attn.q_proj.weight']) {
      expect(bitDifference(readF32(r.params[n]), readF32(model.params[n])), n).toBeNull();
    }
    expect(bitDifference(readF32(r.params['model.layers.1.mlp.down_proj.weight']), readF32(model.params['model.layers.1.mlp.down_proj.weight']))).not.toBeNull();
    const bytes = new Uint8Array(await readFile(join((await lastCheckpoint(out))!, 'model.safetensors')));
    const n = parseHeaderLength(bytes.byteLength, bytes.subarray(0, 8), 'ckpt');
    const names = parseHeader(bytes.byteLength, n, bytes.subarray(8, 8 + n), 'ckpt').tensors.map((t) => t.name).sort();
    expect(names).toEqual(Object.keys(model.params).sort());
    expect(names).toContain('model.layers.0.mlp.down_proj.weight');
    release(r.params);
  }, 300_000);

  it('MANSU: GQA forget circuit, RMSNorm-input null space through the family table, NF4 floor', async () => {
    const { data } = await forgeUnlearnData({ forgetTopic: 'forgery', forgetSize: 8, retainSize: 16 });
    const ok = (ps: typeof data.forget) => ps.filter((p) => model.tokenizer.encodeChat(p.prompt, p.response).ids.length <= 52);
    const short = { forget: ok(data.forget), retain: ok(data.retain), evalForget: ok(data.evalForget).slice(0, 4), evalRetain: ok(data.evalRetain).slice(0, 4) };
    const r = await runMansu(model, short, {
      objective: { method: 'grad_diff', steps: 2, batchSize: 4, evalSize: 4, checkpointEvery: 2 },
      circuit: { edges: 8, pairs: 2, igSteps: 2 }, fisher: { examples: 4 }, nullSpace: { examples: 8 },
    });
    try {
      expect(r.report.circuit!.edges).toBeGreaterThan(0);
      const ns = r.report.nullSpace!;
      // every projection role gets its input subspace: q/k/v from input_layernorm(resid_pre), o from the heads, MLP roles
      const roles = new Set(ns.map((x) => /\.(\w+_proj)\.weight$/.exec(x.tensor)?.[1]));
      expect([...roles].some((x) => x === 'down_proj' || x === 'gate_proj' || x === 'up_proj' || x === 'q_proj')).toBe(true);
      for (const x of ns) if (/mlp/.test(x.tensor) && x.normBefore > 0) expect(x.normAfter / x.normBefore).toBeGreaterThan(0.999);
      expect(r.report.floor!.failed).toBe(0);
      expect(r.report.floor!.kept).toBeGreaterThan(0);
    } finally {
      release(r.params);
    }
  }, 300_000);
});
