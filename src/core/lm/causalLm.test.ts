// CausalLM over ORT on the committed embedded models (models/<id>): KV-cache decoding equals full recompute,
// batched left-padded decoding equals one-by-one, stops at eos and at n_positions, transformers.js loads the
// same folder offline with the same logits, and hub ids fail fast offline. Skips visibly when a model folder
// has not been forged yet.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { createNodeBackend } from '../runtime/ortNode';
import { RemoteDisabledError } from '../runtime/errors';
import type { CausalLM } from './causalLm';
import { pickToken } from './causalLm';
import { loadCausalLMFolder } from './causalLmNode';
import { loadHubCausalLM } from './causalLmSources';

const MODELS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models');
const ID = 'target';
const present = existsSync(join(MODELS, ID, 'onnx', 'model.onnx'));
if (!present) console.warn(`SKIP causalLm tests: models/${ID} does not exist yet (run npm run forge)`);

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe.skipIf(!present)(`CausalLM on models/${ID}`, () => {
  let lm: CausalLM;
  beforeAll(async () => {
    lm = await loadCausalLMFolder(join(MODELS, ID));
  });
  afterAll(async () => {
    await lm?.dispose();
  });

  it('reads shapes from config.json and the tokenizer', () => {
    expect(lm.lmHeadWidth).toBe(1024);
    expect(lm.vocabSize).toBe(1024);
    expect(lm.nPositions).toBeGreaterThanOrEqual(64);
    expect(lm.eosId).toBe(lm.tokenizer.eosId);
  });

  it('KV-cache steps give the logits of a full recompute', async () => {
    const ids = lm.tokenizer.applyChatTemplate('Convert 3 g to mg.');
    let res = await lm.prefill([ids]);
    const seq = [...ids];
    for (let i = 0; i < 5; i++) {
      const next = pickToken(res.logits[0], lm.vocabSize);
      seq.push(next);
      res = await lm.step(res.cache, [next]);
      const full = (await lm.forwardAll([seq])).logits[0].slice((seq.length - 1) * lm.lmHeadWidth);
      expect(maxAbs(res.logits[0], full)).toBeLessThan(1e-4);
    }
  });

  it('a left-padded batch decodes each row as if it were alone', async () => {
    const prompts = ['Hello!', 'How many moles are in 46 g of ethanol?', 'What is the molar mass of water?'];
    const ids = prompts.map((p) => lm.tokenizer.applyChatTemplate(p));
    const batched = await lm.generate(ids, { maxNewTokens: 10 });
    for (const [k, p] of ids.entries()) expect(batched[k]).toEqual((await lm.generate([p], { maxNewTokens: 10 }))[0]);
  });

  it('stops at eos (not returned) and never runs past n_positions', async () => {
    const ids = lm.tokenizer.applyChatTemplate('Thank you!');
    const withEos = await lm.generate([ids], { maxNewTokens: 40 });
    const noStop = await lm.generate([ids], { maxNewTokens: 40, stopIds: [] });
    expect(noStop[0].length).toBe(40);
    expect(withEos[0]).not.toContain(lm.eosId);
    expect(withEos[0].length).toBeLessThan(40); // this prompt gets a short answer then <|end|>
    expect(noStop[0].slice(0, withEos[0].length)).toEqual(withEos[0]);
    const long = Array.from({ length: lm.nPositions - 3 }, () => ids[ids.length - 1]);
    expect((await lm.generate([long], { maxNewTokens: 50, stopIds: [] }))[0].length).toBe(3);
  });

  it('top-k sampling is reproducible with a seeded rng and picks only in-vocabulary ids', async () => {
    const mk = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const ids = lm.tokenizer.applyChatTemplate('Hello!');
    const a = await lm.generate([ids], { maxNewTokens: 8, topK: 5, rng: mk(1) });
    const b = await lm.generate([ids], { maxNewTokens: 8, topK: 5, rng: mk(1) });
    expect(a).toEqual(b);
    expect(a[0].every((t) => t < lm.vocabSize)).toBe(true);
  });

  it('transformers.js AutoModelForCausalLM loads the folder offline and its logits match ORT', async () => {
    env.allowRemoteModels = false;
    env.localModelPath = MODELS;
    const model = await AutoModelForCausalLM.from_pretrained(ID, { local_files_only: true, dtype: 'fp32' });
    try {
      const ids = lm.tokenizer.applyChatTemplate('Convert 3 g to mg.');
      const S = ids.length;
      const out = await model({
        input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, S]),
        attention_mask: new Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]),
      }) as { logits: Tensor };
      const ort = (await lm.forwardAll([ids])).logits[0];
      expect(out.logits.dims).toEqual([1, S, lm.lmHeadWidth]);
      expect(maxAbs(out.logits.data as Float32Array, ort)).toBeLessThan(1e-4);
      const gen = await model.generate({
        input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, S]),
        attention_mask: new Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]),
        max_new_tokens: 8, do_sample: false,
      }) as Tensor;
      const theirs = Array.from(gen.data as BigInt64Array, Number).slice(S);
      const ours = (await lm.generate([ids], { maxNewTokens: 8 }))[0];
      expect(theirs.slice(0, ours.length)).toEqual(ours);
    } finally {
      await model.dispose();
    }
  }, 60_000);
});

describe('hub models', () => {
  it('fail fast offline with RemoteDisabledError, before any request', async () => {
    let fetched = 0;
    const fetch = async () => {
      fetched++;
      throw new Error('no network');
    };
    await expect(loadHubCausalLM('openai-community/gpt2', createNodeBackend(), { fetch })).rejects.toBeInstanceOf(RemoteDisabledError);
    expect(fetched).toBe(0);
  });
});
