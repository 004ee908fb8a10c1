// The family decoder against ONNX Runtime on every architecture replica (real config keys, real tensor names, real
// vocabulary sizes; src/core/lm/replicas): the lab's logits equal ORT's fp32 graph within 1e-4. Then, on small
// float64 versions of each family, gradients w.r.t. every parameter tensor match central finite differences,
// jit(grad) matches eager grad, and the per-head (EAP) path computes the same model as the shared GQA path.
import { grad, jit, numpy as np } from '@jax-js/jax';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeConfig, type NormalizedLmConfig } from '../lm/families';
import { buildDecoderOnnx } from '../lm/replicas/onnxDecoder';
import { replicaConfig, replicaSpec, replicaWeights, REPLICAS } from '../lm/replicas/specs';
import { softcap } from './blocks';
import { decoderDims, decoderForward } from './decoder';
import { importDecoderParams } from './decoderParams';
import { fromI32, initEngine, keep, readF32, takeF32, type ArrRecord } from './engine';
import { finiteDifferenceMismatches, toF64, type Host64 } from './gradCheck';
import { hookShapes, type HookName } from './hooks';
import { logitAt, maskedCrossEntropy, positionMask } from './loss';
import { mulberry32 } from '../numeric/random';

beforeAll(async () => {
  await initEngine();
});

const int64 = (ids: number[], B: number, T: number) => new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [B, T]);

function tokensFor(vocab: number, n: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => Math.floor(r() * vocab));
}

describe('decoderForward equals ONNX Runtime (fp32) on every family replica', () => {
  for (const { id } of REPLICAS) {
    it(id, async () => {
      // the replica's fp32 graph as writeReplica would write it (same builder, config and weights), handed to ORT as
      // bytes: this test reads no other file of the folder (tokenizer, safetensors), and writing them cost ~0.5-1 s of
      // CPU per family; the folder itself is tested in lm/replicas/replicas.test.ts
      const c = replicaConfig(id);
      const weights = replicaWeights(c);
      const B = 2;
      const T = 7; // > the Gemma replicas' sliding window (4), so the local layers' masks matter
      const ids = tokensFor(c.vocabSize, B * T, 5);
      const session = await ort.InferenceSession.create(onnxProto.onnx.ModelProto.encode(buildDecoderOnnx(c, weights, 'fp32')).finish());
      const feeds: Record<string, ort.Tensor> = { input_ids: int64(ids, B, T), attention_mask: int64(Array(B * T).fill(1), B, T) };
      if (session.inputNames.includes('position_ids')) feeds.position_ids = int64(Array.from({ length: B * T }, (_, i) => i % T), B, T);
      for (let l = 0; l < c.numLayers; l++) {
        for (const kv of ['key', 'value']) feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [B, c.numKvHeads, 0, c.headDim]);
      }
      const want = Float32Array.from((await session.run(feeds)).logits.data as Float32Array); // a copy: release() frees ORT's buffer
      await session.release();
      const got = takeF32(decoderForward(c, importDecoderParams(c, weights), fromI32(ids, [B, T])).logits);
      expect(got.length).toBe(want.length);
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < got.length; i++) {
        diff = Math.max(diff, Math.abs(got[i] - want[i]));
        scale = Math.max(scale, Math.abs(want[i]));
      }
      expect(scale).toBeGreaterThan(0.5); // the replica's logits are not trivially small
      expect(diff).toBeLessThan(1e-4);
    });
  }
});

/** A family's replica config at float64-test size: vocab 23, 2 layers, 4 query heads over 2 KV heads. */
function tinyConfig(id: string, over: Record<string, unknown> = {}): NormalizedLmConfig {
  const spec = replicaSpec(id).config;
  const small = spec.model_type === 'gpt2'
    ? { vocab_size: 23, n_embd: 16, n_positions: 16 }
    : { vocab_size: 23, hidden_size: 16, head_dim: 8, intermediate_size: 24 };
  return normalizeConfig({ ...spec, ...small, ...over });
}

/**
 * jax-js evaluates tanh to float32 accuracy even in float64 (6e-8 relative, not smooth), and soft-capping
 * multiplies that error by the cap (30, 50): finite differences of Gemma 2's loss then carry ~2 % noise. Its
 * parameter-gradient check runs uncapped; the capping op's own gradient is checked against 1 − tanh² below.
 */
const FD_OVERRIDES: Record<string, Record<string, unknown>> = { gemma2: { attn_logit_softcapping: null, final_logit_softcapping: null } };


const TOK = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
const TGT = [1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9];

describe('gradients of every family', () => {
  for (const { id } of REPLICAS) {
    it(`${id}: every parameter tensor matches central finite differences (float64)`, () => {
      const c = tinyConfig(id, FD_OVERRIDES[id]);
      const h: Host64 = new Map([...replicaWeights(c, 11)].map(([k, v]) => [k, { data: Float64Array.from(v.data), shape: v.shape }]));
      const mask = np.array(Float64Array.from([0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1]), { shape: [2, 6], dtype: np.float64 });
      const loss = (p: ArrRecord) => maskedCrossEntropy(decoderForward(c, p, fromI32(TOK, [2, 6])).logits, fromI32(TGT, [2, 6]), mask.ref);
      const g = grad(loss)(toF64(h));
      const lossJit = jit(loss);
      const bad = finiteDifferenceMismatches(h, g, lossJit);
      lossJit.dispose();
      mask.dispose();
      expect(bad).toEqual([]);
    });
  }

  it('soft-capping differentiates as c·tanh(x/c) should: 1 − tanh²(x/c)', () => {
    const xs = [0.3, 5, 20, 45, -60];
    const g = grad((x: np.Array) => softcap(x, 30).sum())(np.array(Float64Array.from(xs), { dtype: np.float64 })).dataSync() as Float64Array;
    xs.forEach((x, i) => expect(Math.abs(g[i] - (1 - Math.tanh(x / 30) ** 2))).toBeLessThan(1e-6));
  });

  it('jit(grad) equals eager grad for a last-position metric (llama3, with GQA and llama3 rope scaling)', () => {
    const c = tinyConfig('llama3');
    const params = importDecoderParams(c, replicaWeights(c, 3));
    const metric = (p: ArrRecord) => logitAt(decoderForward(c, p, fromI32(TOK, [2, 6])).logits, positionMask([5, 3], 6), fromI32([7, 2], [2]));
    const eager = grad(metric)(keep(params));
    const jitted = jit(grad(metric))(keep(params));
    for (const k of Object.keys(params)) {
      const a = takeF32(jitted[k]);
      const b = takeF32(eager[k]);
      let num = 0;
      let den = 0;
      a.forEach((v, i) => {
        num = Math.max(num, Math.abs(v - b[i]));
        den = Math.max(den, Math.abs(b[i]));
      });
      expect([k, num / Math.max(den, 1e-12) < 1e-5]).toEqual([k, true]);
    }
  });
});

describe('hooks on the family decoder', () => {
  for (const id of ['llama3', 'qwen2', 'gemma2', 'phi3']) {
    it(`${id}: every hook has its documented shape; per-head q/k/v inputs and head outputs compute the same model`, () => {
      const c = tinyConfig(id);
      const params = importDecoderParams(c, replicaWeights(c, 2));
      const shapes = hookShapes(decoderDims(c), 2, 6);
      const toks = fromI32(TOK, [2, 6]);
      const base = takeF32(decoderForward(c, keep(params), toks.ref).logits);
      const { logits, cache } = decoderForward(c, keep(params), toks.ref, { cache: shapes.keys() });
      const all = takeF32(logits);
      for (const [name, shape] of shapes) expect([name, cache[name]?.shape]).toEqual([name, shape]);
      const maxDiff = (a: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - base[i])), 0);
      expect(maxDiff(all)).toBeLessThan(1e-5);
      // the per-head k input of head 1 (KV group 0) patched to head 0's value changes nothing: same group weights
      const kin = cache['blocks.1.attn.hook_k_input' as HookName]!;
      const patched = takeF32(decoderForward(c, keep(params), toks.ref, { patch: { ['blocks.1.attn.hook_k_input' as HookName]: kin.ref } }).logits);
      expect(maxDiff(patched)).toBeLessThan(1e-5);
      for (const a of Object.values(cache)) a?.dispose();
      // the final residual is the embedding plus every attention and MLP write (the residual decomposition EAP uses)
      const resid = readF32(decoderForward(c, keep(params), toks.ref, { cache: [`blocks.${c.numLayers - 1}.hook_resid_post` as HookName] }).cache[`blocks.${c.numLayers - 1}.hook_resid_post` as HookName]!);
      expect(resid.every(Number.isFinite)).toBe(true);
      toks.dispose();
    });
  }

  it('rejects unknown hooks and over-long sequences', () => {
    const c = tinyConfig('qwen3');
    const params = importDecoderParams(c, replicaWeights(c, 2));
    expect(() => decoderForward(c, keep(params), fromI32(TOK, [2, 6]), { cache: ['blocks.2.hook_resid_pre'] })).toThrow(/unknown hook/);
    const short = { ...c, maxPositions: 4 };
    expect(() => decoderForward(short, keep(params), fromI32(TOK, [2, 6]))).toThrow(/exceeds max_position_embeddings/);
  });

  it('a checkpoint that does not match its config names every problem', () => {
    const c = tinyConfig('qwen2');
    const w = replicaWeights(c, 2);
    w.delete('model.layers.1.self_attn.k_proj.bias');
    w.set('model.layers.0.self_attn.k_proj.weight', { data: new Float32Array(8 * 16), shape: [8, 16] });
    expect(() => importDecoderParams(c, w)).toThrow(/layers\.0\.self_attn\.k_proj\.weight has shape \[8, 16\] but config\.json needs \[16, 16\].*layers\.1\.self_attn\.k_proj\.bias is missing/);
  });
});
