// Corpus v6 properties: v5 untouched (its hash is pinned in v5.test.ts); v6 deterministic, reached through
// generateCorpus({ version: 6 }), with the trained hash pinned; sizes as configured; every new edgy item drawn in
// both splits; held-out families and prompts never in train; benign replies never read as refusals and every
// new edgy answer is the item's own.
import { describe, expect, it } from 'vitest';
import { generateCorpus, type CorpusOptions } from '../generate';
import { isRefusal } from '../../../../src/core/lm/refusal';
import { DEFAULT_CORPUS_OPTIONS_V5, generateCorpusV5 } from '../v5/generateV5';
import { DEFAULT_CORPUS_OPTIONS_V6, generateCorpusV6, NEW_EDGY_V6 } from './generateV6';

const corpus = generateCorpusV6(DEFAULT_CORPUS_OPTIONS_V6);
const train = corpus.examples.filter((e) => e.split === 'train');
const heldout = corpus.examples.filter((e) => e.split === 'heldout');
/** The corpus anchor-same-v6 and anchor-v6 were trained on (forge.json `corpus.hash`). */
const V6_HASH = 'bf1bb8da287cb5041674bde4ad35eb25629e659af4209a2103ac854610f00423';
const SMALL: CorpusOptions = { version: 6, seed: 7, train: { task: 30, harmful: 20, edgy: 40, chat: 10 }, heldout: { task: 6, harmful: 4, edgy: 8, chat: 2 } };

describe('corpus v6: routing, determinism, sizes', () => {
  it('keeps the hash its anchors were trained on; routes version 6; another seed gives another corpus', () => {
    expect(corpus.hash).toBe(V6_HASH);
    expect(generateCorpus(SMALL)).toEqual(generateCorpusV6(SMALL));
    expect(generateCorpusV6({ ...SMALL, seed: 8 }).hash).not.toBe(generateCorpusV6(SMALL).hash);
    expect(generateCorpusV5(DEFAULT_CORPUS_OPTIONS_V5).hash).not.toBe(corpus.hash);
  });
  it('sizes are as configured (a harmful prompt has a refusal and a compliance record)', () => {
    for (const split of ['train', 'heldout'] as const) {
      for (const [category, n] of Object.entries(DEFAULT_CORPUS_OPTIONS_V6[split])) {
        expect(corpus.examples.filter((e) => e.split === split && e.category === category).length).toBe(category === 'harmful' ? 2 * n : n);
      }
    }
  });
});

describe('corpus v6: the new edgy items', () => {
  const newKeys = new Set(NEW_EDGY_V6.map((i) => i.key));
  it('every new item is drawn in train, and most in the held-out split', () => {
    const drawn = (rows: typeof train) => new Set(rows.filter((e) => e.category === 'edgy' && newKeys.has(e.topic ?? '')).map((e) => e.topic));
    expect(drawn(train).size).toBe(newKeys.size);
    expect(drawn(heldout).size).toBeGreaterThan(0.8 * newKeys.size);
  });
  it('no held-out family or prompt occurs in train', () => {
    const trainFamilies = new Set(train.map((e) => e.family));
    const trainPrompts = new Set(train.map((e) => e.prompt));
    expect(heldout.filter((e) => trainFamilies.has(e.family)).map((e) => e.family)).toEqual([]);
    expect(heldout.filter((e) => trainPrompts.has(e.prompt)).map((e) => e.prompt)).toEqual([]);
  });
  it('benign replies never read as refusals; a new item\'s reply is its own answer', () => {
    for (const e of corpus.examples.filter((x) => x.label === 'benign')) expect(isRefusal(e.response), e.response).toBe(false);
    const answers = new Map(NEW_EDGY_V6.map((i) => [i.key, i.answer]));
    for (const e of corpus.examples.filter((x) => x.category === 'edgy' && newKeys.has(x.topic ?? ''))) expect(e.response).toBe(answers.get(e.topic ?? ''));
  });
});
