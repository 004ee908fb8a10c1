// The same replica folders load in transformers.js's AutoModelForCausalLM (offline, by path), and it agrees with
// CausalLM: same logits (fp32 within 1e-4, fp16 within half-precision rounding) and the same greedy tokens —
// so the runtime reads the export contract as the ecosystem does (GQA, no position_ids on Gemma 2, Phi-3's
// fused weights, Llama 3's external data, fp16 caches).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { afterAll, expect, it } from 'vitest';
import { createNodeBackend } from '../runtime/ortNode';
import { toFloat32 } from './kvLayout';
import { loadCausalLMFolder } from './causalLmNode';
import { writeReplica } from './replicas/writeReplicaNode';

const work = mkdtempSync(join(tmpdir(), 'lmruntime-tjs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it.each(['qwen3', 'gemma2', 'phi3', 'llama3'])('%s: transformers.js and CausalLM give the same logits and greedy tokens (fp32, fp16)', async (id) => {
  const dir = join(work, id);
  await writeReplica(id, dir, { variants: ['fp32', 'fp16'] });
  env.allowRemoteModels = false;
  for (const dtype of ['fp32', 'fp16'] as const) {
    const theirs = await AutoModelForCausalLM.from_pretrained(dir, { local_files_only: true, dtype });
    const ours = await loadCausalLMFolder(dir, createNodeBackend(), { dtype });
    try {
      const ids = ours.tokenizer.encode('The ideal gas law');
      const S = ids.length;
      const feeds = () => ({ input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, S]), attention_mask: new Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]) });
      const out = await theirs(feeds()) as { logits: Tensor };
      expect(out.logits.dims).toEqual([1, S, ours.lmHeadWidth]);
      const a = toFloat32(out.logits.type, out.logits.data as Float32Array);
      const b = (await ours.forwardAll([ids])).logits[0];
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(a[i]));
      }
      expect(worst).toBeLessThan(dtype === 'fp16' ? 2e-3 * scale + 1e-3 : 1e-4);
      const gen = await theirs.generate({ ...feeds(), max_new_tokens: 6, do_sample: false }) as Tensor;
      const them = Array.from(gen.data as BigInt64Array, Number).slice(S);
      const us = (await ours.generate([ids], { maxNewTokens: 6 }))[0];
      expect(them.slice(0, us.length)).toEqual(us);
    } finally {
      await theirs.dispose();
      await ours.dispose();
    }
  }
}, 120_000);
