// The `unowned` freeze of C-Δθ's aligned copy (freeze.ts) on the embedded `target` (forge GPT-2, tied embeddings)
// and on an untied Llama-3 replica: the frozen set is exactly what no circuit node owns; a short `refusal_sft` run
// with the freeze leaves every frozen tensor bit-identical and moves every ownable one, while the same run without
// it moves the embeddings and norms (so the bit-identity check is one an ignored freeze fails); C-Δθ over the whole
// graph at s = 1 then reproduces the frozen copy exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { generateCorpus } from '../../../../models/forge/corpus/generate';
import { importDecoderParams, initEngine, readF32, release, type ArrRecord } from '../../lab';
import { normalizeConfig } from '../../lm/families';
import { replicaSpec, replicaWeights } from '../../lm/replicas/specs';
import { loadTokenizer } from '../../lm/tokenizer';
import { cdeltaLab } from './cdeltaLab';
import { UnlearnConfigError } from './errors';
import { freezeTrainable, ownableTensors, unownedTensors, wholeGraph, type FreezeMode } from './freeze';
import { familyUnlearnModel, type UnlearnModel } from './model';
import { refusalSplit } from './refusalSplit';
import { loadUnlearnModelFolder } from './runNode';
import type { UnlearnData } from './splits';
import { runUnlearning } from './trainer';

const ROOT = join(__dirname, '../../../..');
let model: UnlearnModel;
let data: UnlearnData;

beforeAll(async () => {
  model = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
  const { data: d } = refusalSplit(generateCorpus().examples, { topic: 'poison', refusalSize: 24, retainSize: 48, seed: 0 });
  // short pairs keep T (and each step) small
  const ok = (ps: UnlearnData['forget']) => ps.filter((p) => model.tokenizer.encodeChat(p.prompt, p.response).ids.length <= 56);
  data = { forget: ok(d.forget), retain: ok(d.retain), evalForget: ok(d.evalForget).slice(0, 4), evalRetain: ok(d.evalRetain).slice(0, 4) };
}, 120_000);
afterAll(() => release(model?.params));

const same = (a: ArrRecord, b: ArrRecord, n: string) => Buffer.from(readF32(a[n]).buffer).equals(Buffer.from(readF32(b[n]).buffer));

async function tune(freeze: FreezeMode): Promise<{ params: ArrRecord; trainable: string[]; given: string[] | null }> {
  const trainable = freezeTrainable(model, freeze);
  const r = await runUnlearning(model, data, { method: 'refusal_sft', steps: 3, lr: 1e-2, batchSize: 4, evalSize: 4, seed: 0, ...(trainable ? { trainable } : {}) });
  return { params: r.params, trainable: r.manifest.effective.trainable, given: r.manifest.config.trainable };
}

describe('freeze the tensors no circuit node owns (C-Δθ aligned copy)', () => {
  it('on GPT-2 the unowned tensors are the embeddings, ln_1, ln_f and the o-projection bias', () => {
    expect(data.forget.length).toBeGreaterThanOrEqual(8);
    const unowned = unownedTensors(model);
    const expected = ['wte.weight', 'wpe.weight', 'ln_f.weight', 'ln_f.bias',
      ...Array.from({ length: model.nLayers }, (_, l) => [`h.${l}.ln_1.weight`, `h.${l}.ln_1.bias`, `h.${l}.attn.c_proj.bias`]).flat()];
    expect([...unowned].sort()).toEqual(expected.sort());
    expect(ownableTensors(model).length + unowned.length).toBe(Object.keys(model.params).length);
    expect(freezeTrainable(model, 'none')).toBeNull();
    expect(() => freezeTrainable(model, 'embeddings' as FreezeMode)).toThrow(UnlearnConfigError);
  });

  it('a refusal_sft run with the freeze leaves every frozen tensor bit-identical and moves every other one; without it they move', async () => {
    const frozen = await tune('unowned');
    const free = await tune('none');
    try {
      const unowned = unownedTensors(model);
      expect(frozen.given).toEqual(freezeTrainable(model, 'unowned'));
      expect(frozen.trainable.filter((n) => unowned.includes(n))).toEqual([]);
      for (const n of unowned) expect(same(frozen.params, model.params, n), `${n} frozen`).toBe(true);
      for (const n of ownableTensors(model)) expect(same(frozen.params, model.params, n), `${n} trained`).toBe(false);
      // the control: an ignored freeze (every tensor trainable) moves what the freeze holds, so the check above fails
      const moved = unowned.filter((n) => !same(free.params, model.params, n));
      expect(moved).toEqual(expect.arrayContaining(['wte.weight', 'wpe.weight', 'ln_f.weight', 'h.0.ln_1.weight']));
      // so C-Δθ over the whole graph at s = 1 is the frozen copy, bit for bit, and not the free one
      const whole = cdeltaLab(model, model.params, frozen.params, wholeGraph(model), [1]);
      const wholeFree = cdeltaLab(model, model.params, free.params, wholeGraph(model), [1]);
      expect(Object.keys(model.params).every((n) => same(whole.params[0], frozen.params, n))).toBe(true);
      expect(same(wholeFree.params[0], free.params, 'wte.weight')).toBe(false);
      whole.params.forEach(release);
      wholeFree.params.forEach(release);
    } finally {
      release(frozen.params);
      release(free.params);
    }
  }, 600_000);

  it('on an untied Llama-3 replica the freeze holds embed_tokens, lm_head, input_layernorm and the final norm', async () => {
    await initEngine();
    const config = { ...replicaSpec('llama3').config, vocab_size: 1024, max_position_embeddings: 256, tie_word_embeddings: false };
    const lm = normalizeConfig(config);
    const tokenizer = await loadTokenizer(join(ROOT, 'models/tokenizers/family-a'));
    const llama = familyUnlearnModel('llama3-untied-replica', lm, importDecoderParams(lm, replicaWeights(lm)), tokenizer, config);
    try {
      const unowned = unownedTensors(llama).map((n) => llama.fileName(n));
      const layers = lm.numLayers;
      expect(unowned.sort()).toEqual(['model.embed_tokens.weight', 'lm_head.weight', 'model.norm.weight',
        ...Array.from({ length: layers }, (_, l) => `model.layers.${l}.input_layernorm.weight`)].sort());
    } finally {
      release(llama.params);
    }
  }, 120_000);
});
