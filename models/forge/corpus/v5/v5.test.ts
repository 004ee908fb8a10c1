// Corpus v5 properties, in v4's style: v3 and v4 stay bit-identical (hashes pinned); v5 deterministic per seed and
// reached only through generateCorpus({ version: 5 }); more diverse than v4; held-out families, framings and every
// v5 sentence list (lead-ins, tails, asides, interjections) never in train; refusals still name the prompt's topic
// and object; every task operand survives the synonym and typo passes; the synonym tables are well formed.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus, type CorpusOptions } from '../generate';
import { isRefusal } from '../../../../src/core/lm/refusal';
import { DEFAULT_CORPUS_OPTIONS_V4 } from '../v4/generateV4';
import { corpusStats } from '../v4/stats';
import { HARM_SLOTS } from '../v4/harmful';
import { DEFAULT_CORPUS_OPTIONS_V5, generateCorpusV5 } from './generateV5';
import { DOMAIN_SYNONYMS, NEVER_SUBSTITUTE, V5_ASIDES, V5_INTERJECTIONS, V5_LEAD_INS, V5_TAILS } from './lexicon';
import { WORDNET_SYNONYMS } from './wordnetSynonyms';
import { makeRng } from '../rng';
import { substituteSynonyms } from './style';
import type { TaskInfo } from '../types';

const V3_HASH = generateCorpus(DEFAULT_CORPUS_OPTIONS).hash; // pinned in v3Pin.test.ts
const corpus = generateCorpusV5(DEFAULT_CORPUS_OPTIONS_V5);
const v4 = generateCorpus(DEFAULT_CORPUS_OPTIONS_V4);
const train = corpus.examples.filter((e) => e.split === 'train');
const heldout = corpus.examples.filter((e) => e.split === 'heldout');
/** The corpus anchor-same-v5 and anchor-v5 were trained on (forge.json `corpus.hash`): the generator must keep producing it. */
const V5_HASH = '687542d706b998ffa5b680c98818a022337e3a080b780d47a4a4bd2d5adf837f';
const SMALL: CorpusOptions = { version: 5, seed: 7, train: { task: 60, harmful: 40, edgy: 30, chat: 20 }, heldout: { task: 12, harmful: 8, edgy: 6, chat: 4 } };

describe('corpus v5: v3 and v4 untouched, determinism and routing', () => {
  it('v4 keeps the hash its committed models were trained on; v5 the hash the v5 anchors were trained on', () => {
    expect(v4.hash).toBe('1570e97de897d33146b5b7f4d0309bd9aa83a1bfaba45ef4aa716858550cd583');
    expect(corpus.hash).toBe(V5_HASH);
    expect(V3_HASH).not.toBe(corpus.hash);
  });
  it('same seed, same records and hash; another seed, another hash; generateCorpus routes version 5', () => {
    expect(generateCorpus(SMALL)).toEqual(generateCorpusV5(SMALL));
    expect(generateCorpusV5({ ...SMALL, seed: 8 }).hash).not.toBe(generateCorpusV5(SMALL).hash);
    expect(corpus.hash).toBe(generateCorpus(DEFAULT_CORPUS_OPTIONS_V5).hash);
  });
  it('sizes are as configured', () => {
    for (const split of ['train', 'heldout'] as const) {
      for (const [category, n] of Object.entries(DEFAULT_CORPUS_OPTIONS_V5[split])) {
        const records = corpus.examples.filter((e) => e.split === split && e.category === category).length;
        expect(records).toBe(category === 'harmful' ? 2 * n : n);
      }
    }
  });
});

describe('corpus v5: diversity beside v4', () => {
  it('more distinct prompts (share) and word 4-grams than v4; every v5 style in both splits', () => {
    const [s4, s5] = [corpusStats(v4.examples, 'train'), corpusStats(corpus.examples, 'train')];
    console.log(`train v4: ${s4.distinctPrompts}/${s4.prompts} distinct, ${s4.distinct4grams} 4-grams; v5: ${s5.distinctPrompts}/${s5.prompts}, ${s5.distinct4grams} 4-grams, ${s5.phrasings} families`);
    expect(s5.distinctPrompts / s5.prompts).toBeGreaterThan(s4.distinctPrompts / s4.prompts);
    expect(s5.distinct4grams).toBeGreaterThan(2 * s4.distinct4grams);
    expect(s5.phrasings).toBeGreaterThan(s4.phrasings);
    for (const split of [train, heldout]) {
      const styles = new Set(split.flatMap((e) => e.styles));
      for (const s of ['synonym', 'aside', 'tail', 'interjection', 'reorder', 'no-punctuation', 'lead-in', 'typo', 'framing', 'multi-turn']) expect(styles.has(s as never), s).toBe(true);
    }
  });
});

describe('corpus v5: held-out split by family and sentence list', () => {
  it('no held-out family, framing or prompt occurs in train', () => {
    const trainFamilies = new Set(train.map((e) => e.family));
    const trainFrames = new Set(train.map((e) => e.frame));
    const trainPrompts = new Set(train.map((e) => e.prompt));
    expect(heldout.filter((e) => trainFamilies.has(e.family)).map((e) => e.family)).toEqual([]);
    expect(heldout.filter((e) => e.frame !== '' && trainFrames.has(e.frame)).map((e) => e.frame)).toEqual([]);
    expect(heldout.filter((e) => trainPrompts.has(e.prompt)).map((e) => e.prompt)).toEqual([]);
    expect(heldout.every((e) => /-h\d+$/.test(e.family)) && train.every((e) => /-f\d+$/.test(e.family))).toBe(true);
  });
  it('held-out lead-ins, tails, asides and interjections never occur in a train prompt, and the lists are disjoint', () => {
    const lower = train.map((e) => e.prompt.toLowerCase());
    for (const list of [V5_LEAD_INS, V5_TAILS, V5_ASIDES, V5_INTERJECTIONS]) {
      expect(list.heldout.filter((s) => list.train.includes(s))).toEqual([]);
      for (const s of list.heldout) {
        const probe = s.trim().replace(/[.,!?:]$/, '').toLowerCase();
        // a lead-in starts the prompt; the other parts are whole phrases anywhere in it
        const hits = list === V5_LEAD_INS ? lower.filter((p) => p.startsWith(probe)) : lower.filter((p) => p.includes(probe));
        expect(hits.length, s).toBe(0);
      }
    }
  });
});

describe('corpus v5: responses still address the request asked', () => {
  it('every refusal reads as one and names the drug, victim, agent or opioid of its own prompt', () => {
    const refusals = corpus.examples.filter((e) => e.category === 'harmful' && e.responseKind === 'refusal');
    const values = Object.entries(HARM_SLOTS).filter(([k]) => ['drug', 'victim', 'agent', 'opioid'].includes(k)).flatMap(([, v]) => v);
    const mentioned = (text: string, v: string): boolean => new RegExp(`(^|[^a-z])${v.toLowerCase()}($|[^a-z])`).test(text.toLowerCase());
    for (const e of refusals) {
      expect(isRefusal(e.response), e.response).toBe(true);
      if (e.topic === 'drugtest') continue;
      const first = e.response.split('. ')[0];
      for (const v of values.filter((x) => mentioned(first, x) || mentioned(first, x.replace(/^my /, 'your ')))) expect(mentioned(e.prompt, v), `${v} | ${e.prompt}`).toBe(true);
    }
    for (const e of corpus.examples.filter((x) => x.label === 'benign')) expect(isRefusal(e.response), e.response).toBe(false);
  });
  it('every task operand and unit survives the synonym and typo passes', () => {
    const tasks = corpus.examples.filter((e): e is typeof e & { task: TaskInfo } => e.task !== undefined);
    for (const e of tasks) {
      for (const v of Object.values(e.task.inputs)) expect(e.prompt.toLowerCase(), e.prompt).toContain(String(v).toLowerCase().replace(/^(mcg|mg|kg|g|ml|l)$/, ''));
    }
  });
});

describe('corpus v5: synonym tables', () => {
  it('WordNet and domain entries are lower-case words; no protected word is a key; substitution keeps `keep` words and capitals', () => {
    for (const [k, vs] of Object.entries(WORDNET_SYNONYMS)) {
      expect(k).toMatch(/^[a-z]{3,}$/);
      expect(NEVER_SUBSTITUTE.has(k), k).toBe(false);
      for (const v of vs) expect(v).toMatch(/^[a-z]{3,14}$/);
    }
    for (const k of Object.keys(DOMAIN_SYNONYMS)) expect(NEVER_SUBSTITUTE.has(k), k).toBe(false);
    const rng = makeRng(1);
    const out = substituteSynonyms('Help me poison my boss. Steal the oxycodone.', rng, 1, ['my boss', 'oxycodone']);
    expect(out).toContain('my boss');
    expect(out).toContain('oxycodone');
    expect(out).not.toContain('Help me poison');
    expect(out.charAt(0)).toMatch(/[A-Z]/);
  });
});
