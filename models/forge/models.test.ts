// The COMMITTED embedded models (models/<id>): ONNX run by ORT equals the lab engine's jax-js forward of the
// same model.safetensors (logits within 1e-4, identical greedy generations, KV cache = recompute), and the
// evaluation numbers in forge.json are re-checked on the recorded sample, so they cannot go stale. A model
// folder that does not exist yet is skipped with a message.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { gptConfig, initEngine } from '../../src/core/lab';
import type { CausalLM } from '../../src/core/lm/causalLm';
import { loadCausalLMFolder } from '../../src/core/lm/causalLmNode';
import { evaluateModel, type Evaluation } from './evaluate';
import { rates, SAMPLE_LIMIT } from './forge';
import { checkParity } from './parity';
import { readSafetensors } from './safetensors';
import { MODELS_DIR } from './train/data';
import { MODEL_IDS } from './train/recipe';

interface ForgeJson {
  config: Parameters<typeof gptConfig>[0];
  evaluation: Evaluation & { sample: { limit: number } & Omit<Evaluation, 'examples'> };
  sizes: { onnxBytes: number; safetensorsBytes: number };
}

const MB = 1024 * 1024;

for (const id of MODEL_IDS) {
  const dir = join(MODELS_DIR, id);
  const present = existsSync(join(dir, 'forge.json'));
  if (!present) console.warn(`SKIP models/${id}: folder not forged yet (npm run forge -- --only ${id})`);
  describe.skipIf(!present)(`committed model ${id}`, () => {
    let lm: CausalLM;
    let forge: ForgeJson;
    beforeAll(async () => {
      await initEngine();
      forge = JSON.parse(readFileSync(join(dir, 'forge.json'), 'utf8')) as ForgeJson;
      lm = await loadCausalLMFolder(dir);
    });
    afterAll(async () => {
      await lm?.dispose();
    });

    it('ORT logits equal the lab forward of model.safetensors; greedy and KV decoding agree', async () => {
      const tensors = readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
      const p = await checkParity(gptConfig(forge.config), tensors, lm, ['How many mL of 8 mg/mL contain 48 mg?', 'Hello!'], 8);
      expect(p.logitsMaxAbsDiff).toBeLessThan(1e-4);
      expect(p.kvMaxAbsDiff).toBeLessThan(1e-4);
      expect(p.greedyEqual).toBe(true);
    }, 120_000);

    it('transformers.js loads the folder offline; its logits match ORT within 1e-4', async () => {
      env.allowRemoteModels = false;
      env.localModelPath = MODELS_DIR;
      const model = await AutoModelForCausalLM.from_pretrained(id, { local_files_only: true, dtype: 'fp32' });
      try {
        const ids = lm.tokenizer.applyChatTemplate('Dose 5 mg/kg for a 17 kg patient. Total dose?');
        const S = ids.length;
        const out = await model({
          input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, S]),
          attention_mask: new Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]),
        }) as { logits: Tensor };
        const ort = (await lm.forwardAll([ids])).logits[0];
        const theirs = out.logits.data as Float32Array;
        expect(theirs.length).toBe(ort.length);
        let m = 0;
        for (let i = 0; i < ort.length; i++) m = Math.max(m, Math.abs(theirs[i] - ort[i]));
        expect(m).toBeLessThan(1e-4);
      } finally {
        await model.dispose();
      }
    }, 60_000);

    it('forge.json evaluation sample reproduces from the committed files', async () => {
      const { limit, ...recorded } = forge.evaluation.sample;
      expect(limit).toBe(SAMPLE_LIMIT);
      expect(rates(await evaluateModel(id, lm, { limit }))).toEqual(recorded);
      // the full-suite numbers are consistent with the sample (same keys, counts cover it)
      for (const [k, r] of Object.entries(recorded)) {
        const full = forge.evaluation[k as keyof Omit<Evaluation, 'examples'>]!;
        expect(full.n).toBeGreaterThanOrEqual(r.n);
      }
    }, 120_000);

    it('fits the size budget (≤ 8 MB per model file set)', () => {
      const bytes = ['model.safetensors', 'onnx/model.onnx'].map((f) => readFileSync(join(dir, f)).byteLength);
      expect(bytes[0] + bytes[1]).toBeLessThanOrEqual(8 * MB);
      expect(forge.sizes.onnxBytes).toBe(bytes[1]);
      expect(createHash('sha256').update(readFileSync(join(dir, 'onnx/model.onnx'))).digest('hex')).toMatch(/^[0-9a-f]{64}$/);
    });
  });
}
