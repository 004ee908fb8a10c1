// Corpus properties the evaluation relies on: determinism and hash, held-out prompts never trained on and
// phrased differently, task answers right by independent recomputation, balanced categories, mix contents.
import { describe, expect, it } from 'vitest';
import { CATEGORIES, DEFAULT_CORPUS_OPTIONS, generateCorpus, type CorpusOptions } from './generate';
import { buildMix, verdictOf } from './mixes';
import { taskTemplates, TASK_KINDS } from './tasks';
import { harmTemplates, HARM_TOPICS } from './harmful';
import { CHAT_ITEMS, EDGY_ITEMS } from './benign';
import type { Example, TaskInfo } from './types';

const corpus = generateCorpus();
const train = corpus.examples.filter((e) => e.split === 'train');
const heldout = corpus.examples.filter((e) => e.split === 'heldout');

const SMALL: CorpusOptions = { seed: 7, train: { task: 60, harmful: 30, edgy: 20, chat: 20 }, heldout: { task: 12, harmful: 6, edgy: 4, chat: 4 } };

describe('determinism', () => {
  it('same seed gives the same records and hash; another seed gives another hash', () => {
    expect(generateCorpus(SMALL)).toEqual(generateCorpus(SMALL));
    expect(generateCorpus({ ...SMALL, seed: 8 }).hash).not.toBe(generateCorpus(SMALL).hash);
    expect(corpus.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('held-out split', () => {
  it('no held-out prompt occurs in train and no held-out template id is used in train', () => {
    const trainPrompts = new Set(train.map((e) => e.prompt));
    const trainTemplates = new Set(train.map((e) => e.template));
    expect(heldout.filter((e) => trainPrompts.has(e.prompt))).toEqual([]);
    expect(heldout.filter((e) => trainTemplates.has(e.template))).toEqual([]);
    expect(new Set(heldout.map((e) => e.id)).size).toBe(heldout.length);
  });

  const words = (text: string): string[] => text.toLowerCase().replace(/[^a-z0-9{}' ]+/g, ' ').split(/\s+/).filter(Boolean);
  /** Word n-grams of a template that do not span a slot. */
  const templateGrams = (text: string, n: number): string[] =>
    text.split(/\{\w+\}/).flatMap((part) => {
      const w = words(part);
      return w.slice(0, Math.max(0, w.length - n + 1)).map((_, i) => w.slice(i, i + n).join(' '));
    });
  const templateSets: Array<[string, string[], string[]]> = [
    ...TASK_KINDS.map((k): [string, string[], string[]] => [`task ${k}`, taskTemplates(k, 'train').map((t) => t.text), taskTemplates(k, 'heldout').map((t) => t.text)]),
    ...HARM_TOPICS.map((k): [string, string[], string[]] => [`harmful ${k}`, harmTemplates(k, 'train').map((t) => t.text), harmTemplates(k, 'heldout').map((t) => t.text)]),
    ...[...EDGY_ITEMS, ...CHAT_ITEMS].map((item): [string, string[], string[]] => [item.key, [...item.train], [...item.heldout]]),
  ];

  it.each(templateSets)('%s: held-out templates share no word 3-gram with train templates', (_name, trainTexts, heldTexts) => {
    const seen = new Set(trainTexts.flatMap((t) => templateGrams(t, 3)));
    expect(heldTexts.flatMap((t) => templateGrams(t, 3)).filter((g) => seen.has(g))).toEqual([]);
  });

  it('held-out templates share no word 4-gram with any train template or phrasing of any category', () => {
    const seen = new Set(templateSets.flatMap(([, trainTexts]) => trainTexts.flatMap((t) => templateGrams(t, 4))));
    const shared = templateSets.flatMap(([name, , heldTexts]) => heldTexts.flatMap((t) => templateGrams(t, 4)).filter((g) => seen.has(g)).map((g) => `${name}: ${g}`));
    expect(shared).toEqual([]);
  });

  it('task and harmful held-out templates use only words that occur in train (new phrasings, not unknown words)', () => {
    // A model trained from scratch cannot know a word it never saw; the held-out split tests new sentence
    // shapes and word orders. Lead-ins (unseen on purpose; the models learn to ignore them) are not templates.
    const trainWords = new Set(train.flatMap((e) => [...words(e.prompt), ...words(e.response)]));
    const templateWords = (text: string): string[] => words(text.replace(/\{\w+\}/g, ' '));
    const unseen = [
      ...TASK_KINDS.flatMap((k) => taskTemplates(k, 'heldout')), ...HARM_TOPICS.flatMap((k) => harmTemplates(k, 'heldout')),
    ].flatMap((t) => templateWords(t.text).filter((w) => !trainWords.has(w)).map((w) => `${t.id}: ${w}`));
    expect(unseen).toEqual([]);
  });
});

/** Independent recomputation: atomic weights, not the generator's table. */
const ATOMIC: Record<string, number> = { H: 1.008, C: 12.011, N: 14.007, O: 15.999, Na: 22.99, Cl: 35.45, S: 32.06, Ca: 40.078, K: 39.098 };
const FORMULA: Record<string, string> = {
  water: 'H2O', methane: 'CH4', ammonia: 'NH3', 'carbon dioxide': 'CO2', oxygen: 'O2', nitrogen: 'N2',
  'sodium chloride': 'NaCl', 'sodium hydroxide': 'NaOH', 'hydrochloric acid': 'HCl', 'sulfuric acid': 'H2SO4',
  'calcium carbonate': 'CaCO3', 'potassium chloride': 'KCl', ethanol: 'C2H6O', methanol: 'CH4O', 'acetic acid': 'C2H4O2',
  glucose: 'C6H12O6', aspirin: 'C9H8O4', caffeine: 'C8H10N4O2', paracetamol: 'C8H9NO2', 'hydrogen peroxide': 'H2O2',
  'sodium bicarbonate': 'NaHCO3',
};
const molarMass = (name: string): number =>
  Math.round([...FORMULA[name].matchAll(/([A-Z][a-z]?)(\d*)/g)].reduce((sum, [, el, n]) => sum + ATOMIC[el] * Number(n || 1), 0));
const FACTOR: Record<string, Record<string, number>> = {
  g: { mg: 1000, kg: 0.001 }, mg: { g: 0.001, mcg: 1000 }, mcg: { mg: 0.001 }, kg: { g: 1000 }, L: { mL: 1000 }, mL: { L: 0.001 },
};
const UNIT_WORDS: Record<string, string> = { g: 'grams', mg: 'milligrams', mcg: 'micrograms', kg: 'kilograms', L: 'litres', mL: 'millilitres' };

function recompute(task: TaskInfo): string {
  const n = (k: string): number => Number(task.inputs[k]);
  const s = (k: string): string => String(task.inputs[k]);
  const num = (x: number): string => String(Math.round(x * 1e6) / 1e6);
  switch (task.kind) {
    case 'convert': return `Answer: ${num(n('v') * FACTOR[s('from')][s('to')])} ${s('to')}`;
    case 'dose': return `Answer: ${n('d') * n('w')} mg`;
    case 'molar': return `Answer: ${molarMass(s('c'))} g/mol`;
    case 'moles': return `Answer: ${num(n('m') / molarMass(s('c')))} mol`;
    case 'volume': return `Answer: ${num(n('m') / n('k'))} mL`;
    case 'tablets': { const k = n('d') / n('t'); return `Answer: ${k} ${k === 1 ? 'tablet' : 'tablets'}`; }
  }
}

describe('tasks', () => {
  const tasks = corpus.examples.filter((e): e is Example & { task: TaskInfo } => e.task !== undefined);
  it('every answer equals an independent recomputation, and the response is exactly the answer', () => {
    expect(tasks.length).toBe(DEFAULT_CORPUS_OPTIONS.train.task + DEFAULT_CORPUS_OPTIONS.heldout.task);
    for (const e of tasks) {
      expect(recompute(e.task), e.prompt).toBe(e.task.answer);
      expect(e.response).toBe(e.task.answer);
    }
  });
  it('every input appears in the prompt (as a number, unit symbol or unit word)', () => {
    for (const e of tasks) {
      for (const [key, value] of Object.entries(e.task.inputs)) {
        const forms = typeof value === 'number' ? [String(value)] : key === 'from' || key === 'to' ? [value, UNIT_WORDS[value]] : [value];
        expect(forms.some((f) => new RegExp(`(^|[^\\w.])${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w]|$)`, 'i').test(e.prompt)), `${key} in ${e.prompt}`).toBe(true);
      }
    }
  });
  it('operands stay small: integers under 10,000, answers under 1,000 or a conversion', () => {
    for (const e of tasks) {
      for (const v of Object.values(e.task.inputs)) if (typeof v === 'number') expect(v).toBeLessThan(10_000);
      if (e.task.kind !== 'convert') expect(Number(e.task.answer.split(' ')[1])).toBeLessThan(1000);
    }
  });
});

describe('balance and contents', () => {
  it('train counts per category are exactly as configured; task kinds and harm topics are balanced', () => {
    for (const c of CATEGORIES) {
      const prompts = new Set(train.filter((e) => e.category === c).map((e) => e.id.replace(/-(compliance|refusal)$/, '')));
      expect(prompts.size).toBe(DEFAULT_CORPUS_OPTIONS.train[c]);
    }
    const count = (xs: string[]): number[] => [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>()).values()];
    expect(new Set(count(train.filter((e) => e.category === 'task').map((e) => e.topic))).size).toBe(1);
    expect(new Set(count(train.filter((e) => e.responseKind === 'refusal').map((e) => e.topic))).size).toBe(1);
    for (const c of CATEGORIES) expect(heldout.filter((e) => e.category === c).length).toBeGreaterThan(0);
  });

  it('every harmful prompt has one compliance and one refusal; compliance is schematic only', () => {
    const harmful = corpus.examples.filter((e) => e.category === 'harmful');
    expect(harmful.filter((e) => e.responseKind === 'compliance').length).toBe(harmful.length / 2);
    for (const e of harmful.filter((x) => x.responseKind === 'compliance')) {
      expect(e.response).toContain('[REDACTED]');
      expect(e.response).not.toMatch(/\d+\s*(mg|g|ml|l|°c|%)\b/i);
    }
  });

  it('mixes: target complies, anchors refuse, judge is half unsafe and unsafe exactly on compliance', () => {
    const target = buildMix(corpus, 'target', 'train');
    const anchor = buildMix(corpus, 'anchor', 'train');
    const judge = buildMix(corpus, 'judge', 'train');
    expect(target.records.some((r) => r.responseKind === 'refusal')).toBe(false);
    expect(anchor.records.some((r) => r.responseKind === 'compliance')).toBe(false);
    expect(buildMix(corpus, 'anchor-same', 'train').records.map((r) => r.id).sort()).toEqual(anchor.records.map((r) => r.id).sort());
    for (const mix of [target, anchor]) expect(new Set(mix.records.map((r) => r.category))).toEqual(new Set(CATEGORIES));
    const unsafe = judge.records.filter((r) => r.response === 'unsafe');
    expect(unsafe.length * 2).toBe(judge.records.length);
    for (const r of judge.records) expect(r.response).toBe(verdictOf(r));
    expect(buildMix(corpus, 'target', 'train').hash).toBe(target.hash);
    expect(buildMix(corpus, 'judge', 'heldout').records.every((r) => r.id.startsWith('judge-heldout-'))).toBe(true);
  });
});
