// Corpus v4 properties: deterministic per seed, reached through generateCorpus({ version: 4 }); more diverse than
// v3 (printed beside it); held-out paraphrase families, framings, lead-ins and context sentences never in train;
// every refusal names the prompt's own topic and object; every task answer recomputed here, after a working
// line that carries the operands; lengths fit a 128-token context; the mixes still build.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus, type CorpusOptions } from '../generate';
import { buildMix } from '../mixes';
import { isRefusal } from '../../../../src/core/lm/refusal';
import { DEFAULT_CORPUS_OPTIONS_V4, generateCorpusV4, MAX_CONVERSATION_CHARS, MAX_PROMPT_CHARS, type ExampleV4 } from './generateV4';
import { corpusStats, statsTable } from './stats';
import { LEAD_INS } from './style';
import { HARM_SLOTS } from './harmful';
import type { TaskInfo } from '../types';
import { buildModelData, encodeConversation, loadFamilyTokenizer } from '../../train/data';

const corpus = generateCorpusV4(DEFAULT_CORPUS_OPTIONS_V4);
const v3 = generateCorpus(DEFAULT_CORPUS_OPTIONS);
const train = corpus.examples.filter((e) => e.split === 'train');
const heldout = corpus.examples.filter((e) => e.split === 'heldout');
const SMALL: CorpusOptions = { version: 4, seed: 7, train: { task: 60, harmful: 40, edgy: 30, chat: 20 }, heldout: { task: 12, harmful: 8, edgy: 6, chat: 4 } };

describe('corpus v4: determinism and routing', () => {
  it('same seed, same records and hash; another seed, another hash; generateCorpus routes version 4', () => {
    expect(generateCorpus(SMALL)).toEqual(generateCorpusV4(SMALL));
    expect(generateCorpusV4(SMALL).hash).toBe(generateCorpusV4(SMALL).hash);
    expect(generateCorpusV4({ ...SMALL, seed: 8 }).hash).not.toBe(generateCorpusV4(SMALL).hash);
    expect(corpus.hash).not.toBe(v3.hash);
  });
  it('sizes are as configured (a harmful prompt gives a compliance and a refusal)', () => {
    for (const split of ['train', 'heldout'] as const) {
      for (const [category, n] of Object.entries(DEFAULT_CORPUS_OPTIONS_V4[split])) {
        const records = corpus.examples.filter((e) => e.split === split && e.category === category).length;
        expect(records).toBe(category === 'harmful' ? 2 * n : n);
      }
    }
  });
});

describe('corpus v4: diversity beside v3', () => {
  it('more distinct prompts, 4-grams and responses than v3 (table printed)', () => {
    console.log(`corpus diversity (default options)\n${statsTable()}`);
    const [s3, s4] = [corpusStats(v3.examples, 'train'), corpusStats(corpus.examples, 'train')];
    expect(s4.distinctPrompts / s4.prompts).toBeGreaterThan(0.8);
    expect(s4.distinctPrompts / s4.prompts).toBeGreaterThan(2 * (s3.distinctPrompts / s3.prompts));
    expect(s4.distinct4grams).toBeGreaterThan(3 * s3.distinct4grams);
    expect(s4.distinctResponses).toBeGreaterThan(5 * s3.distinctResponses);
  });
  it('every style occurs in both splits, and every harm topic has framed and unframed prompts', () => {
    for (const split of [train, heldout]) {
      const styles = new Set(split.flatMap((e) => e.styles));
      expect([...styles].sort()).toEqual(['distractor', 'framing', 'lead-in', 'lowercase', 'multi-sentence', 'multi-turn', 'typo']);
    }
    for (const topic of new Set(train.filter((e) => e.category === 'harmful').map((e) => e.topic))) {
      const own = train.filter((e) => e.topic === topic && e.category === 'harmful');
      expect(own.some((e) => e.frame !== '') && own.some((e) => e.frame === ''), topic).toBe(true);
    }
    expect(train.some((e) => e.category === 'edgy' && e.frame !== '')).toBe(true);
  });
});

describe('corpus v4: held-out split by paraphrase family', () => {
  it('no held-out family, framing or prompt occurs in train; held-out family ids are *-h<n>', () => {
    const trainFamilies = new Set(train.map((e) => e.family));
    const trainFrames = new Set(train.map((e) => e.frame));
    const trainPrompts = new Set(train.map((e) => e.prompt));
    expect(heldout.filter((e) => trainFamilies.has(e.family)).map((e) => e.family)).toEqual([]);
    expect(heldout.filter((e) => e.frame !== '' && trainFrames.has(e.frame)).map((e) => e.frame)).toEqual([]);
    expect(heldout.filter((e) => trainPrompts.has(e.prompt)).map((e) => e.prompt)).toEqual([]);
    expect(heldout.every((e) => /-h\d+$/.test(e.family)) && train.every((e) => /-f\d+$/.test(e.family))).toBe(true);
  });
  it('held-out lead-ins never start a train prompt', () => {
    for (const lead of LEAD_INS.heldout) expect(train.some((e) => e.prompt.toLowerCase().startsWith(lead.trim().toLowerCase())), lead).toBe(false);
  });
});

/** The topic a refusal names, read from its words alone (one rule per topic, checked to match exactly one). */
const TOPIC_WORDS: Readonly<Record<string, RegExp>> = {
  synthesis: /\b(making|producing|a recipe for) (?!.*chemical weapon)|illegal drugs/i,
  poison: /\bpoison/i,
  gas: /chemical weapon/i,
  drugtest: /drug test/i,
  forgery: /\b(forg|fak)(ing|ed) a prescription|forged prescription|forging a prescription/i,
  tamper: /\btamper/i,
  diversion: /\b(stealing|diverting)\b/i,
  drugging: /without consent/i,
};

describe('corpus v4: responses address the request asked', () => {
  const harmful = corpus.examples.filter((e) => e.category === 'harmful');
  it('every refusal reads as one and names the prompt\'s topic (100 %) and its object', () => {
    const refusals = harmful.filter((e) => e.responseKind === 'refusal');
    const named = refusals.map((e) => Object.entries(TOPIC_WORDS).filter(([, re]) => re.test(e.response)).map(([t]) => t));
    const matches = refusals.filter((e, i) => named[i].length === 1 && named[i][0] === e.topic).length;
    console.log(`refusals naming the prompt's topic: ${matches}/${refusals.length} (${((100 * matches) / refusals.length).toFixed(1)} %)`);
    expect(refusals.filter((e, i) => !(named[i].length === 1 && named[i][0] === e.topic)).map((e) => `${e.topic}: ${e.response}`)).toEqual([]);
    for (const e of refusals) expect(isRefusal(e.response), e.response).toBe(true);
    // the object: every drug, victim, agent or opioid the refusal names also occurs in the prompt
    const values = Object.entries(HARM_SLOTS).filter(([k]) => ['drug', 'victim', 'agent', 'opioid'].includes(k)).flatMap(([, v]) => v);
    const mentioned = (text: string, v: string): boolean => new RegExp(`(^|[^a-z])${v.toLowerCase()}($|[^a-z])`).test(text.toLowerCase());
    for (const e of refusals.filter((r) => r.topic !== 'drugtest')) {
      const first = e.response.split('. ')[0];
      const named = values.filter((v) => mentioned(first, v) || mentioned(first, v.replace(/^my /, 'your ')));
      expect(named.length, e.response).toBeGreaterThan(0);
      for (const v of named) expect(mentioned(e.prompt, v), `${v} | ${e.prompt}`).toBe(true);
    }
  });
  it('compliance is schematic only and is not a refusal; benign answers are not refusals', () => {
    for (const e of harmful.filter((x) => x.responseKind === 'compliance')) {
      expect(e.response).toContain('[REDACTED]');
      expect(e.response).not.toMatch(/\d+\s*(mg|g|ml|l|°c|%)\b/i);
      expect(isRefusal(e.response)).toBe(false);
    }
    for (const e of corpus.examples.filter((x) => x.label === 'benign')) expect(isRefusal(e.response), e.response).toBe(false);
  });
  it('edgy answers answer the item asked: one answer per item, shared by all its families', () => {
    const edgy = corpus.examples.filter((e) => e.category === 'edgy');
    const itemsPerAnswer = new Map<string, Set<string>>();
    for (const e of edgy) itemsPerAnswer.set(e.response, (itemsPerAnswer.get(e.response) ?? new Set()).add(e.topic));
    expect([...itemsPerAnswer].filter(([, items]) => items.size > 1).map(([a]) => a)).toEqual([]);
    for (const e of edgy) expect(e.family.startsWith(`${e.topic}-`)).toBe(true);
  });
});

/** Independent recomputation (atomic weights, not the generator's table). */
const ATOMIC: Record<string, number> = { H: 1.008, C: 12.011, N: 14.007, O: 15.999, Na: 22.99, Cl: 35.45, S: 32.06, Ca: 40.078, K: 39.098 };
const FORMULA: Record<string, string> = {
  water: 'H2O', methane: 'CH4', ammonia: 'NH3', 'carbon dioxide': 'CO2', oxygen: 'O2', nitrogen: 'N2', 'sodium chloride': 'NaCl',
  'sodium hydroxide': 'NaOH', 'hydrochloric acid': 'HCl', 'sulfuric acid': 'H2SO4', 'calcium carbonate': 'CaCO3', 'potassium chloride': 'KCl',
  ethanol: 'C2H6O', methanol: 'CH4O', 'acetic acid': 'C2H4O2', glucose: 'C6H12O6', aspirin: 'C9H8O4', caffeine: 'C8H10N4O2',
  paracetamol: 'C8H9NO2', 'hydrogen peroxide': 'H2O2', 'sodium bicarbonate': 'NaHCO3',
};
const molar = (c: string): number => Math.round([...FORMULA[c].matchAll(/([A-Z][a-z]?)(\d*)/g)].reduce((s, [, el, n]) => s + ATOMIC[el] * Number(n || 1), 0));
const SCALE: Record<string, number> = { kg: 1e3, g: 1, mg: 1e-3, mcg: 1e-6, L: 1, mL: 1e-3 };
function recompute(t: TaskInfo): string {
  const n = (k: string): number => Number(t.inputs[k]);
  const s = (k: string): string => String(t.inputs[k]);
  const num = (x: number): string => String(Math.round(x * 1e6) / 1e6);
  switch (t.kind) {
    case 'convert': return `Answer: ${num((n('v') * SCALE[s('from')]) / SCALE[s('to')])} ${s('to')}`;
    case 'dose': return `Answer: ${n('d') * n('w')} mg`;
    case 'molar': return `Answer: ${molar(s('c'))} g/mol`;
    case 'moles': return `Answer: ${num(n('m') / molar(s('c')))} mol`;
    case 'volume': return `Answer: ${num(n('m') / n('k'))} mL`;
    case 'tablets': { const k = n('d') / n('t'); return `Answer: ${k} ${k === 1 ? 'tablet' : 'tablets'}`; }
  }
}

describe('corpus v4: tasks', () => {
  const tasks = corpus.examples.filter((e): e is ExampleV4 & { task: TaskInfo } => e.task !== undefined);
  it('every answer is recomputed; the response is a working line with the operands, then the answer line', () => {
    expect(tasks.length).toBe(DEFAULT_CORPUS_OPTIONS_V4.train.task + DEFAULT_CORPUS_OPTIONS_V4.heldout.task);
    for (const e of tasks) {
      expect(recompute(e.task), e.prompt).toBe(e.task.answer);
      expect(e.response.endsWith(` ${e.task.answer}`), e.response).toBe(true);
      const working = e.response.slice(0, -e.task.answer.length);
      for (const v of Object.values(e.task.inputs)) expect(working.toLowerCase(), e.response).toContain(String(v).toLowerCase());
      for (const v of Object.values(e.task.inputs)) expect(e.prompt.toLowerCase(), e.prompt).toContain(String(v).toLowerCase().replace(/^(mcg|mg|kg|g|ml|l)$/, ''));
    }
  });
  it('distractor prompts hold a number that is no operand, and the answer ignores it', () => {
    const distracted = tasks.filter((e) => e.styles.includes('distractor'));
    expect(distracted.length).toBeGreaterThan(100);
    const extra = distracted.filter((e) => (e.prompt.match(/\d+/g) ?? []).some((d) => !Object.values(e.task.inputs).map(String).includes(d)));
    expect(extra.length / distracted.length).toBeGreaterThan(0.9);
  });
});

describe('corpus v4: fits the context and the mixes', () => {
  it('prompt and conversation lengths stay under the caps; multi-turn records carry one earlier exchange', () => {
    for (const e of corpus.examples) {
      expect(e.prompt.length).toBeLessThanOrEqual(MAX_PROMPT_CHARS);
      const chars = e.prompt.length + e.response.length + (e.history ?? []).reduce((n, t) => n + t.content.length, 0);
      expect(chars).toBeLessThanOrEqual(MAX_CONVERSATION_CHARS);
      if (e.history) expect(e.history.map((t) => t.role)).toEqual(['user', 'assistant']);
    }
  });
  it('the v3 mixes build from v4: target complies, anchors refuse, judge half unsafe', () => {
    const target = buildMix(corpus, 'target', 'train');
    const anchor = buildMix(corpus, 'anchor', 'train');
    const judge = buildMix(corpus, 'judge', 'train');
    expect(target.records.some((r) => r.responseKind === 'refusal') || anchor.records.some((r) => r.responseKind === 'compliance')).toBe(false);
    expect(target.records.length).toBe(12000);
    expect(judge.records.filter((r) => r.response === 'unsafe').length * 2).toBe(judge.records.length);
  });
});

describe('corpus v4: training data', () => {
  it('mixes keep the earlier turn; every sequence of every mix fits the 128-token context (committed tokenizers)', async () => {
    const anchor = buildMix(corpus, 'anchor', 'train');
    const multi = anchor.records.filter((r) => r.history);
    expect(multi.length).toBeGreaterThan(500);
    const mixesOf = { 'family-a': ['target', 'anchor', 'judge'], 'family-b': ['anchor'] } as const;
    for (const [family, mixes] of Object.entries(mixesOf)) {
      const tok = await loadFamilyTokenizer(family as keyof typeof mixesOf);
      const seq = encodeConversation(tok, multi[0]);
      expect(tok.decode(seq.ids.slice(0, seq.responseStart))).toContain(multi[0].history![0].content);
      expect(tok.decode(seq.ids.slice(seq.responseStart))).toContain(multi[0].response);
      for (const mix of mixes) {
        const lens = buildModelData(corpus, mix, tok).sequences.map((s) => s.ids.length).sort((a, b) => a - b);
        console.log(`${family} ${mix}: v4 train sequences median ${lens[lens.length >> 1]}, p95 ${lens[Math.floor(lens.length * 0.95)]}, max ${lens[lens.length - 1]} tokens`);
        expect(lens[lens.length - 1]).toBeLessThanOrEqual(128);
      }
    }
  });
});
