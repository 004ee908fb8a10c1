// The model → corpus map and the topic lists are data kept by hand: these tests tie them to their sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../../../../models/forge/corpus/generate';
import { HARM_TOPICS } from '../../../../models/forge/corpus/harmful';
import { HARM_TOPICS_V4 } from '../../../../models/forge/corpus/v4/harmful';
import { DEFAULT_CORPUS_OPTIONS_V4 } from '../../../../models/forge/corpus/v4/generateV4';
import { corpusOfModel, harmTopicsOfModel, HARM_TOPICS_BY_CORPUS, MODEL_CORPUS } from './corpora';
import { forgeBehaviourPrompts, forgeUnlearnData } from './runNode';
import { forgeSplit } from './splits';

const MODELS = join(__dirname, '../../../../models');

describe('forge corpora of the embedded models', () => {
  it('each model is mapped to the corpus its forge.json recipe names (absent = v3)', () => {
    for (const [id, version] of Object.entries(MODEL_CORPUS)) {
      const forge = JSON.parse(readFileSync(join(MODELS, id, 'forge.json'), 'utf8')) as { recipe: { corpus?: string } };
      expect(version, id).toBe(forge.recipe.corpus ?? 'v3');
    }
    expect(corpusOfModel('target-v4')).toBe('v4');
    expect(corpusOfModel('not-a-model')).toBe('v3');
  });

  it('the topic lists are the corpus modules\' lists', () => {
    expect([...HARM_TOPICS_BY_CORPUS.v3]).toEqual([...HARM_TOPICS]);
    expect([...HARM_TOPICS_BY_CORPUS.v4]).toEqual([...HARM_TOPICS_V4]);
    expect(harmTopicsOfModel('target')).not.toContain('diversion');
    expect(harmTopicsOfModel('target-v4')).toContain('drugging');
  });

  it('every listed topic has a forget / retain split in its corpus, and the v4-only topics have none in v3', () => {
    const records = { v3: generateCorpus(DEFAULT_CORPUS_OPTIONS).examples, v4: generateCorpus(DEFAULT_CORPUS_OPTIONS_V4).examples };
    for (const version of ['v3', 'v4'] as const) {
      for (const topic of HARM_TOPICS_BY_CORPUS[version]) {
        const { data } = forgeSplit(records[version], { forgetTopic: topic, forgetSize: 8, retainSize: 16 });
        expect(data.forget.length, `${version} ${topic}`).toBe(8);
        expect(data.evalForget.length, `${version} ${topic} held out`).toBeGreaterThan(0);
      }
    }
    for (const topic of ['diversion', 'drugging']) expect(() => forgeSplit(records.v3, { forgetTopic: topic, forgetSize: 8, retainSize: 16 })).toThrow(/no .*record|topics:/);
  }, 120_000);

  it('the Node split and behaviour prompts come from the corpus asked for (v4: its hash in the record, single-turn prompts)', async () => {
    const v4 = generateCorpus(DEFAULT_CORPUS_OPTIONS_V4);
    const { split } = await forgeUnlearnData({ corpus: 'v4', forgetTopic: 'drugging', forgetSize: 8, retainSize: 16 });
    expect(split.source).toContain(v4.hash);
    expect(split.forgetTopic).toBe('drugging');
    const v3 = await forgeUnlearnData({ forgetTopic: 'poison', forgetSize: 8, retainSize: 16 });
    expect(v3.split.source).toBe(`forge corpus seed 1234, sha256 ${generateCorpus(DEFAULT_CORPUS_OPTIONS).hash}`);
    const ids = new Set(v4.examples.filter((e) => (e as { history?: readonly unknown[] }).history?.length).map((e) => e.id));
    const prompts = forgeBehaviourPrompts('drugging', 40, 'v4');
    expect(prompts.forget.length).toBeGreaterThan(20);
    for (const p of [...prompts.forget, ...prompts.otherHarmful, ...prompts.benign]) expect(ids.has(p.id)).toBe(false);
    expect(() => forgeBehaviourPrompts('drugging', 4)).not.toThrow();
    expect(forgeBehaviourPrompts('drugging', 4).forget).toEqual([]);
  }, 120_000);
});
