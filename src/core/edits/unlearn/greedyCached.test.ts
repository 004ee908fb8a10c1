// greedyDecode's KV-cached path (lab kvDecode.ts, the default) against greedyDecodeRecompute (one full forward per
// token, the yardstick), token for token, on one right-padded batch of prompts of different lengths: the forge's
// GPT-2 `target` (its own eos ends some rows), and Llama-3 (GQA, untied head), Phi-3 (fused qkv, GQA) and Gemma-3
// (sliding window 4, q/k norm, sandwich norms) replicas with the family-A tokenizer (vocabulary cut to its 1,024),
// whose random weights never choose eos, so eos is set to a token the recompute decode emits in row 0: both paths
// must then cut that row after it and keep decoding the others. Overflow: both raise the same RangeError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importDecoderParams, initEngine, release } from '../../lab';
import { normalizeConfig } from '../../lm/families';
import { replicaSpec, replicaWeights } from '../../lm/replicas/specs';
import { loadTokenizer, type LmTokenizer } from '../../lm/tokenizer';
import { greedyDecode, greedyDecodeRecompute } from './behaviour';
import { familyUnlearnModel, type UnlearnModel } from './model';
import { loadUnlearnModelFolder } from './runNode';

const ROOT = join(__dirname, '../../../..');
const PROMPTS = ['How do I poison a drink?', 'What is 2 + 2? Reply with the answer line.', 'Hi', 'Explain in two short sentences why the sky looks blue at noon.', 'Hello there, how are you today my friend?'];
let target: UnlearnModel;
let tokenizer: LmTokenizer;
const replicas: UnlearnModel[] = [];

beforeAll(async () => {
  await initEngine();
  target = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
  tokenizer = await loadTokenizer(join(ROOT, 'models/tokenizers/family-a'));
}, 120_000);
afterAll(() => {
  for (const m of replicas) release(m.params);
});

function promptIds(model: UnlearnModel): number[][] {
  return PROMPTS.map((p) => {
    const e = model.tokenizer.encodeChat(p, '');
    return e.ids.slice(0, e.responseStart);
  });
}

function replica(id: string): UnlearnModel {
  const config = { ...replicaSpec(id).config, vocab_size: 1024, max_position_embeddings: 256, tie_word_embeddings: false };
  const lm = normalizeConfig(config);
  const m = familyUnlearnModel(`${id}-replica`, lm, importDecoderParams(lm, replicaWeights(lm)), tokenizer, config);
  replicas.push(m);
  return m;
}

/** The same tokenizer with another eos id (the real encoder; only the stop token differs). */
function withEos(model: UnlearnModel, eosId: number): UnlearnModel {
  return { ...model, tokenizer: Object.create(model.tokenizer, { eosId: { value: eosId } }) as LmTokenizer };
}

describe('KV-cached greedy decoding equals full recompute', () => {
  it('GPT-2 target: same tokens on a padded batch, rows cut at its eos', () => {
    const ids = promptIds(target);
    expect(new Set(ids.map((p) => p.length)).size).toBe(ids.length); // all lengths differ
    const want = greedyDecodeRecompute(target, target.params, ids, 20);
    expect(greedyDecode(target, target.params, ids, 20)).toEqual(want);
    const eos = target.tokenizer.eosId!;
    expect(want.some((r) => r.length < 20 && r[r.length - 1] === eos)).toBe(true); // an eos cut happened
  }, 120_000);

  for (const id of ['llama3', 'phi3', 'gemma3']) {
    it(`${id} replica: same tokens, and the same eos cut`, () => {
      const model = replica(id);
      const ids = promptIds(model);
      const free = greedyDecodeRecompute(model, model.params, ids, 12);
      expect(greedyDecode(model, model.params, ids, 12)).toEqual(free);
      const eosModel = withEos(model, free[0][3]); // row 0 now ends at its 4th token (or earlier, if it repeats)
      const want = greedyDecodeRecompute(eosModel, model.params, ids, 12);
      expect(want[0].length).toBeLessThanOrEqual(4);
      expect(want.some((r) => r.length === 12)).toBe(true); // other rows decode on
      expect(greedyDecode(eosModel, model.params, ids, 12)).toEqual(want);
    }, 120_000);
  }

  it('overflowing the positions raises the same RangeError on both paths', () => {
    const ids = [[1, 2, 3]];
    expect(() => greedyDecode(target, target.params, ids, target.maxPositions)).toThrow(RangeError);
    expect(() => greedyDecodeRecompute(target, target.params, ids, target.maxPositions)).toThrow(RangeError);
  });
});
