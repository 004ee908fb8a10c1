// The COMMITTED embedded models (models/<id>): ONNX run by ORT equals the lab engine's jax-js forward of the
// same model.safetensors (logits within 1e-4, identical greedy generations, KV cache = recompute), and the
// held-out evaluation in forge.json is re-run in full from the committed files and held to the bars, so
// the numbers cannot go stale and a model that misses its bar fails here. A model
// folder that does not exist yet is skipped with a message.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { gptConfig, initEngine } from '../../src/core/lab';
import { normalizeConfig } from '../../src/core/lm/families';
import type { CausalLM } from '../../src/core/lm/causalLm';
import { loadCausalLMFolder } from '../../src/core/lm/causalLmNode';
import { checkTargets, evaluateModel, type Evaluation } from './evaluate';
import { rates, SAMPLE_LIMIT } from './forge';
import { checkParity } from './parity';
import { readSafetensors } from './safetensors';
import { MODELS_DIR } from './train/data';
import { MODEL_IDS, RECIPES, type ModelArch, type Recipe } from './train/recipe';

interface ForgeJson {
  /** GPT-2: the lab config; a family decoder (Llama): its config.json. */
  config: Parameters<typeof gptConfig>[0] | Record<string, unknown>;
  /**
   * v3 models: the bars' check sits beside the generated held-out rates. Forge v4 models: the bars are checked on
   * the hand-written suite (`handwritten`), the generated held-out rates are reported beside them.
   */
  evaluation: Evaluation & {
    limit: number | null; targets?: Record<string, number>; met?: boolean; sample: { limit: number } & Omit<Evaluation, 'examples'>;
    handwritten?: Evaluation & { targets: Record<string, number>; met: boolean };
  };
  sizes: { onnxBytes: number; safetensorsBytes: number };
  training: { steps: number; wallSeconds: number; machine: string };
  recipe: Recipe;
}

const MB = 1024 * 1024;

/** As forge.json stores it (an empty reliability bin's NaN mean is null there). */
const asJson = <T,>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/**
 * Bars a committed model is known to miss, by model id. An entry keeps the suite green while an issue
 * stays open and fails once the bar is met, so it cannot outlive the gap.
 */
const KNOWN_GAPS: Partial<Record<string, string[]>> = {
  // forge v4 on the hand-written suite (issue #19, open): one training run each, never selected on that suite
  'anchor-v4': ['harmfulRefusal', 'benignAnswered'],
  'anchor-same-v4': ['harmfulRefusal', 'benignAnswered'],
  'target-v4': ['taskAccuracy'],
  // corpus v5 (more surface variety, word dropout): one training run, never selected on that suite
  'anchor-same-v5': ['harmfulRefusal', 'benignAnswered'],
  'anchor-v5': ['harmfulRefusal', 'benignAnswered'],
  // corpus v6 (benign items that share harmful words): one training run, adopted by a rule on generated splits only
  'anchor-same-v6': ['harmfulRefusal', 'benignAnswered'],
  'anchor-v6': ['harmfulRefusal', 'benignAnswered'], // not adopted by that rule, so not committed (rebuild: models/forge/README.md)
};

for (const id of MODEL_IDS) {
  const dir = join(MODELS_DIR, id);
  const present = existsSync(join(dir, 'forge.json'));
  if (!present) console.warn(`SKIP models/${id}: folder absent (kept out of the repository by the 40 MB budget, or not forged yet); rebuild with npm run forge -- --only ${id}`);
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
      const configJson = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      const arch: ModelArch = forge.recipe.llama
        ? { kind: 'decoder', cfg: normalizeConfig(configJson), configJson }
        : { kind: 'gpt2', cfg: gptConfig(forge.config as Parameters<typeof gptConfig>[0]) };
      if (arch.kind === 'decoder') expect(forge.config).toEqual(configJson);
      const p = await checkParity(arch, tensors, lm, ['How many mL of 8 mg/mL contain 48 mg?', 'Hello!'], 8);
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

    it("the full held-out evaluation reproduces forge.json's numbers from the committed files and meets the issue's bars", async () => {
      const { limit, handwritten } = forge.evaluation;
      expect(limit).toBeNull(); // recorded on the whole held-out suites, not a sample
      const now = await evaluateModel(id, lm, {});
      const { examples: _recorded, limit: _l, targets: _t, met: _m, sample: _s, handwritten: _h, ...recorded } = forge.evaluation;
      expect(asJson(rates(now))).toEqual(recorded);
      // forge v4: the bars hold on the hand-written suite, re-run here too
      const barSuite = handwritten ? await evaluateModel(id, lm, { suite: 'handwritten' }) : now;
      if (handwritten) {
        const { examples: _e, targets: _ht, met: _hm, ...recordedHw } = handwritten;
        expect(asJson(rates(barSuite))).toEqual(recordedHw);
      }
      const { targets, met } = handwritten ?? forge.evaluation;
      const check = checkTargets(id, barSuite);
      expect(check.targets).toEqual(targets);
      const gaps = KNOWN_GAPS[id] ?? [];
      for (const [k, bar] of Object.entries(check.targets)) {
        const rate = (barSuite[k as keyof Evaluation] as { rate: number }).rate;
        // a known gap must still be one: when it closes, delete it from KNOWN_GAPS so the bar is enforced
        if (gaps.includes(k)) expect(rate, `${id} ${k} now meets its bar ${bar}: remove it from KNOWN_GAPS`).toBeLessThan(bar);
        else expect(rate, `${id} ${k} (bar ${bar})`).toBeGreaterThanOrEqual(bar);
      }
      expect(met).toBe(gaps.length === 0);
      expect(forge.evaluation.sample.limit).toBe(SAMPLE_LIMIT);
    }, 600_000);

    it('fits the size budget (≤ 8 MB per model file set)', () => {
      const bytes = ['model.safetensors', 'onnx/model.onnx'].map((f) => readFileSync(join(dir, f)).byteLength);
      expect(bytes[0] + bytes[1]).toBeLessThanOrEqual(8 * MB);
      expect(forge.sizes.onnxBytes).toBe(bytes[1]);
      expect(createHash('sha256').update(readFileSync(join(dir, 'onnx/model.onnx'))).digest('hex')).toMatch(/^[0-9a-f]{64}$/);
    });

    it('was trained with the recipe train/recipe.ts has now (so npm run forge reproduces it)', () => {
      expect(forge.recipe).toEqual(JSON.parse(JSON.stringify(RECIPES[id])));
    });

    it('records its training time and the machine it ran on', () => {
      expect(forge.training.steps).toBeGreaterThan(0);
      expect(forge.training.wallSeconds).toBeGreaterThan(0);
      expect(forge.training.machine.length).toBeGreaterThan(0);
    });
  });
}

describe('all embedded models together', () => {
  it('fit the 40 MB budget', () => {
    const forged = MODEL_IDS.filter((id) => existsSync(join(MODELS_DIR, id, 'forge.json')));
    const total = forged.reduce((sum, id) => sum + ['model.safetensors', 'onnx/model.onnx'].reduce((s, f) => s + readFileSync(join(MODELS_DIR, id, f)).byteLength, 0), 0);
    expect(total).toBeLessThanOrEqual(40 * MB);
  });
});
