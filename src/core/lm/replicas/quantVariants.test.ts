// The q8 (model_quantized.onnx) and q4f16 (model_q4f16.onnx) replica files, and a graph that declares
// num_logits_to_keep, through the causal-LM runtime on onnxruntime-node:
// - q8 is onnxruntime's quantize_dynamic form (DynamicQuantizeLinear + MatMulInteger + Cast/Mul), q4f16 is
//   MatMulNBits with T = float16 and fp16 caches/logits: each within its stated bound of the float64 reference on
//   the weights the file holds, and KV-cache steps within the same bound of a full recompute;
// - num_logits_to_keep: the runtime feeds it (only when declared: the plain graph would reject an unknown input),
//   the graph returns logits for the last N positions, and the last-position logits equal the plain graph's.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../runtime/ortNode';
import { loadCausalLMFolder } from '../causalLmNode';
import { weightsAsVariant } from './onnxDecoder';
import { referenceForward } from './reference';
import { VARIANT_FILES, writeReplica, type WrittenReplica } from './writeReplicaNode';

const work = mkdtempSync(join(tmpdir(), 'replica-quant-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const backend = createNodeBackend({ numThreads: 1 });

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/**
 * Bounds, relative to the largest reference logit (`scale`):
 * - q8: the reference holds the dequantised uint8 weights but not the activation quantisation (one uint8 per
 *   value, per tensor, per call), which adds ≈ 1/255 of each activation range per linear: 3 % of scale. Measured
 *   (onnxruntime-node 1.30, 8 tokens): qwen3 2.0 %, gemma2 0.9 %. This bound catches a wrong layout, scale or zero
 *   point (errors of the order of scale), not the weight rounding alone: against the unquantised weights the
 *   error is 2.4 % / 1.1 %, within the activation noise.
 * - q4f16: the fp16 file's bound, 2e-3 · scale + 1e-3. Measured: qwen3 0.0125 (bound 0.032), gemma2 0.0112
 *   (0.035); against the unquantised weights 2.2 / 1.65, so the bound does see the q4 rounding.
 */
const TOLERANCE = { q8: (scale: number) => 3e-2 * scale, q4f16: (scale: number) => 2e-3 * scale + 1e-3 } as const;

// qwen3: untied head, q/k norms; gemma2: tied head (q8 keeps it float; q4f16 quantises a copy), logit softcap
describe.each(['qwen3', 'gemma2'])('%s replica: q8 and q4f16 files', (id) => {
  let rep: WrittenReplica;
  beforeAll(async () => {
    rep = await writeReplica(id, join(work, id), { variants: ['q8', 'q4f16'] });
  }, 120_000);

  it.each(['q8', 'q4f16'] as const)('%s: logits within the stated bound of the reference, cache steps = recompute', async (v) => {
    const lm = await loadCausalLMFolder(rep.dir, backend, { dtype: v });
    try {
      expect(lm.dtype).toBe(v);
      expect(lm.kv.cacheDtype).toBe(v === 'q4f16' ? 'float16' : 'float32');
      const seq = lm.tokenizer.encode('The quick brown fox jumps over the lazy dog.').slice(0, 8);
      const got = (await lm.forwardAll([seq])).logits[0];
      const ref = referenceForward(rep.config, weightsAsVariant(rep.config, rep.weights, v), {
        inputIds: [seq], attentionMask: [seq.map(() => 1)], positionIds: [seq.map((_, t) => t)],
      }).logits;
      expect(got.length).toBe(ref.length);
      const scale = ref.reduce((a, r) => Math.max(a, Math.abs(r)), 0);
      const tol = TOLERANCE[v](scale);
      const err = maxAbs(got, ref);
      expect(err, `${id} ${v}: max |ORT − reference| ${err.toExponential(2)} vs bound ${tol.toExponential(2)} (scale ${scale.toFixed(3)})`).toBeLessThan(tol);
      let res = await lm.prefill([seq.slice(0, -2)]);
      for (const t of seq.slice(-2)) res = await lm.step(res.cache, [t]);
      expect(res.cache.past['past_key_values.0.key'].type).toBe(v === 'q4f16' ? 'float16' : 'float32');
      expect(maxAbs(res.logits[0], got.slice((seq.length - 1) * lm.lmHeadWidth))).toBeLessThan(tol);
    } finally {
      await lm.dispose();
    }
  }, 60_000);
});

describe('num_logits_to_keep declared in the graph (phi3 replica, fp32)', () => {
  let plain: WrittenReplica;
  let keep: WrittenReplica;
  beforeAll(async () => {
    plain = await writeReplica('phi3', join(work, 'phi3-plain'), { variants: ['fp32'] });
    keep = await writeReplica('phi3', join(work, 'phi3-keep'), { variants: ['fp32'], numLogitsToKeep: true });
  }, 120_000);

  it('the graph returns logits for the last N positions only (0 = all)', async () => {
    const s = await ort.InferenceSession.create(join(keep.dir, 'onnx', VARIANT_FILES.fp32));
    try {
      expect(s.inputNames).toContain('num_logits_to_keep');
      const S = 5;
      const i64 = (v: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(v, BigInt), dims);
      const c = keep.config;
      const feeds: Record<string, ort.Tensor> = {
        input_ids: i64([1, 2, 3, 4, 5], [1, S]), attention_mask: i64(Array(S).fill(1), [1, S]), position_ids: i64([0, 1, 2, 3, 4], [1, S]),
      };
      for (let l = 0; l < c.numLayers; l++) {
        for (const kv of ['key', 'value']) feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, c.numKvHeads, 0, c.headDim]);
      }
      const all = await s.run({ ...feeds, num_logits_to_keep: i64([0], []) });
      const two = await s.run({ ...feeds, num_logits_to_keep: i64([2], []) });
      expect(all.logits.dims).toEqual([1, S, c.vocabSize]);
      expect(two.logits.dims).toEqual([1, 2, c.vocabSize]);
      expect(maxAbs(two.logits.data as Float32Array, (all.logits.data as Float32Array).slice((S - 2) * c.vocabSize))).toBeLessThan(1e-5);
    } finally {
      await s.release();
    }
  }, 60_000);

  it('the runtime feeds it only where declared; prefill and a step give the plain graph\'s last-position logits', async () => {
    const [a, b] = await Promise.all([loadCausalLMFolder(plain.dir, backend, { dtype: 'fp32' }), loadCausalLMFolder(keep.dir, backend, { dtype: 'fp32' })]);
    try {
      expect([a.kv.hasNumLogitsToKeep, b.kv.hasNumLogitsToKeep]).toEqual([false, true]);
      const prompts = [a.tokenizer.encode('Name a prime number.'), a.tokenizer.encode('Hi')];
      const [pa, pb] = [await a.prefill(prompts), await b.prefill(prompts)];
      for (let k = 0; k < prompts.length; k++) expect(maxAbs(pa.logits[k], pb.logits[k])).toBeLessThan(1e-5);
      const [sa, sb] = [await a.step(pa.cache, [7, 9]), await b.step(pb.cache, [7, 9])];
      for (let k = 0; k < prompts.length; k++) expect(maxAbs(sa.logits[k], sb.logits[k])).toBeLessThan(1e-5);
      // forwardAll asks for every position (num_logits_to_keep = 0)
      const fb = await b.forwardAll([prompts[0]]);
      expect(fb.logits[0].length).toBe(prompts[0].length * b.lmHeadWidth);
      expect(maxAbs(fb.logits[0].slice((prompts[0].length - 1) * b.lmHeadWidth), pb.logits[0])).toBeLessThan(1e-4);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  }, 60_000);
});
