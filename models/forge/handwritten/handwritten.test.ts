// Guards for the hand-written novel-phrasing suite (README.md beside this file): enough items per category and
// topic, every task answer recomputed here from its operands (molar masses from chemical formulas and atomic
// weights, not from the generator's table), no prompt sharing a 6-word run with the generated corpus or the
// generator's templates, and no training, tokenizer or corpus code that reads this folder.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDWRITTEN_SUITES, parseHeldoutJsonl } from '../../../src/core/alignbeam/suites';
import { isRefusal } from '../../../src/core/lm/refusal';
import { CHAT_ITEMS, EDGY_ITEMS } from '../corpus/benign';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../corpus/generate';
import { HARM_TOPICS, harmTemplates } from '../corpus/harmful';
import { formatNumber, MOLAR_MASS, TASK_KINDS, taskTemplates } from '../corpus/tasks';

const HERE = __dirname;
const FORGE = resolve(HERE, '..');

interface Line {
  id: string; prompt: string; category: string; label: string; topic: string; template: string; style: string; source: string;
  reference?: string; refusal?: string; compliance?: string; answer?: string; kind?: string;
  inputs?: Record<string, number | string>;
}

const read = (name: string): Line[] =>
  readFileSync(join(HERE, `${name}.jsonl`), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Line);
const harmful = read('harmful');
const edgy = read('edgy');
const tasks = read('tasks');
const all = [...harmful, ...edgy, ...tasks];

const countBy = (lines: readonly Line[], key: (l: Line) => string) =>
  lines.reduce<Record<string, number>>((acc, l) => ({ ...acc, [key(l)]: (acc[key(l)] ?? 0) + 1 }), {});

describe('hand-written suite: shape and counts', () => {
  it('at least 100 items per file, unique ids and prompts, every line marked handwritten', () => {
    expect(harmful.length).toBeGreaterThanOrEqual(100);
    expect(edgy.length).toBeGreaterThanOrEqual(100);
    expect(tasks.length).toBeGreaterThanOrEqual(100);
    expect(new Set(all.map((l) => l.id)).size).toBe(all.length);
    expect(new Set(all.map((l) => l.prompt.trim().toLowerCase())).size).toBe(all.length);
    for (const l of all) {
      expect(l.source).toBe('handwritten');
      expect(l.prompt.trim().length).toBeGreaterThan(0);
      expect(l.topic && l.style && l.template).toBeTruthy();
    }
  });

  it('every harm topic of the generator has at least 10 items; every task kind at least 15', () => {
    const topics = countBy(harmful, (l) => l.topic);
    for (const t of HARM_TOPICS) expect(topics[t] ?? 0, t).toBeGreaterThanOrEqual(10);
    const kinds = countBy(tasks, (l) => l.kind ?? '');
    for (const k of TASK_KINDS) expect(kinds[k] ?? 0, k).toBeGreaterThanOrEqual(15);
  });

  it('labels and references: harmful items carry a refusal that reads as one; benign references do not', () => {
    for (const l of harmful) {
      expect([l.category, l.label]).toEqual(['harmful', 'harmful']);
      expect(isRefusal(l.refusal ?? ''), l.id).toBe(true);
      expect(isRefusal(l.compliance ?? ''), l.id).toBe(false);
    }
    for (const l of [...edgy, ...tasks]) {
      expect(l.label).toBe('benign');
      expect(isRefusal(l.reference ?? ''), l.id).toBe(false);
    }
    expect(edgy.every((l) => l.category === 'edgy' && (l.reference ?? '').length > 0)).toBe(true);
  });

  it('loads through the suite parser ALIGNBEAM uses (HANDWRITTEN_SUITES)', () => {
    for (const name of HANDWRITTEN_SUITES) {
      const suite = parseHeldoutJsonl(`handwritten-${name}`, readFileSync(join(HERE, `${name}.jsonl`), 'utf8'));
      expect(suite.items.length).toBe(read(name).length);
      expect(suite.items.every((i) => i.harmful === (name === 'harmful'))).toBe(true);
      if (name === 'tasks') expect(suite.items.every((i) => /^Answer: \S+ \S+$/.test(i.answer ?? ''))).toBe(true);
    }
  });
});

// ---- task answers, recomputed ----

/** Standard atomic weights (IUPAC, conventional values). */
const ATOMIC_WEIGHT: Readonly<Record<string, number>> = {
  H: 1.008, C: 12.011, N: 14.007, O: 15.999, Na: 22.99, Cl: 35.45, S: 32.06, Ca: 40.078, K: 39.098,
};
const FORMULA: Readonly<Record<string, string>> = {
  water: 'H2O', methane: 'CH4', ammonia: 'NH3', 'carbon dioxide': 'CO2', oxygen: 'O2', nitrogen: 'N2',
  'sodium chloride': 'NaCl', 'sodium hydroxide': 'NaOH', 'hydrochloric acid': 'HCl', 'sulfuric acid': 'H2SO4',
  'calcium carbonate': 'CaCO3', 'potassium chloride': 'KCl', ethanol: 'C2H6O', methanol: 'CH4O', 'acetic acid': 'C2H4O2',
  glucose: 'C6H12O6', aspirin: 'C9H8O4', caffeine: 'C8H10N4O2', paracetamol: 'C8H9NO2', 'hydrogen peroxide': 'H2O2',
  'sodium bicarbonate': 'NaHCO3',
};

/** Integer molar mass from the formula, as the corpus rounds it. */
function molarMass(compound: string): number {
  const formula = FORMULA[compound];
  if (!formula) throw new Error(`no formula for "${compound}"`);
  let total = 0;
  for (const [, element, count] of formula.matchAll(/([A-Z][a-z]?)(\d*)/g)) total += ATOMIC_WEIGHT[element] * (count ? Number(count) : 1);
  return Math.round(total);
}

/** Mass units in grams, volume units in litres: the conversions the corpus teaches. */
const UNIT_SCALE: Readonly<Record<string, [dimension: string, scale: number]>> = {
  kg: ['mass', 1000], g: ['mass', 1], mg: ['mass', 1e-3], mcg: ['mass', 1e-6], L: ['volume', 1], mL: ['volume', 1e-3],
};
const UNIT_SPELLINGS: Readonly<Record<string, RegExp>> = {
  kg: /\b(kg|kilo(gram)?s?)\b/i, g: /\b(g|grams?)\b/i, mg: /\b(mg|milligrams?)\b/i, mcg: /\b(mcg|micrograms?)\b/i,
  L: /\b(L|litres?|liters?)\b/, mL: /\b(mL|millilitres?|milliliters?)\b/,
};

const num = (x: number | string | undefined): number => {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`operand ${String(x)} is not a number`);
  return x;
};
const count = (n: number, unit: string) => {
  if (!Number.isInteger(n)) throw new Error(`${n} ${unit} is not a whole number`);
  return n;
};

/** The answer line recomputed from a task's operands. */
function recompute(kind: string, inputs: Record<string, number | string>): string {
  switch (kind) {
    case 'convert': {
      const [fromDim, fromScale] = UNIT_SCALE[String(inputs.from)];
      const [toDim, toScale] = UNIT_SCALE[String(inputs.to)];
      if (fromDim !== toDim) throw new Error(`cannot convert ${inputs.from} to ${inputs.to}`);
      return `Answer: ${formatNumber((num(inputs.v) * fromScale) / toScale)} ${inputs.to}`;
    }
    case 'dose': return `Answer: ${num(inputs.d) * num(inputs.w)} mg`;
    case 'molar': return `Answer: ${molarMass(String(inputs.c))} g/mol`;
    case 'moles': return `Answer: ${count(num(inputs.m) / molarMass(String(inputs.c)), 'mol')} mol`;
    case 'volume': return `Answer: ${count(num(inputs.m) / num(inputs.k), 'mL')} mL`;
    case 'tablets': {
      const n = count(num(inputs.d) / num(inputs.t), 'tablets');
      return `Answer: ${n} ${n === 1 ? 'tablet' : 'tablets'}`;
    }
    default: throw new Error(`unknown task kind "${kind}"`);
  }
}

/**
 * The generator's operand ranges (corpus/tasks.ts, makeTask): the suite varies the phrasing, not the arithmetic,
 * so a miss means the model could not read the sentence, not that the numbers were new.
 */
function inGeneratorRange(kind: string, inputs: Record<string, number | string>): boolean {
  const between = (x: number, lo: number, hi: number) => Number.isInteger(x) && x >= lo && x <= hi;
  switch (kind) {
    case 'convert': {
      const v = num(inputs.v);
      const up = ['g>mg', 'L>mL', 'mg>mcg', 'kg>g'].includes(`${inputs.from}>${inputs.to}`);
      const down = ['mg>g', 'mL>L', 'mcg>mg', 'g>kg'].includes(`${inputs.from}>${inputs.to}`);
      return (up && between(v, 1, 9)) || (down && [100, 1000].some((f) => v % f === 0 && between(v / f, 1, 9)));
    }
    case 'dose': return between(num(inputs.d), 1, 5) && between(num(inputs.w), 2, 12);
    case 'molar': return String(inputs.c) in MOLAR_MASS;
    case 'moles': return molarMass(String(inputs.c)) <= 100 && between(num(inputs.m) / molarMass(String(inputs.c)), 1, 4);
    case 'volume': return between(num(inputs.k), 2, 5) && between(num(inputs.m) / num(inputs.k), 1, 9);
    case 'tablets': return [50, 100, 200, 250, 500].includes(num(inputs.t)) && between(num(inputs.d) / num(inputs.t), 1, 4);
    default: return false;
  }
}

describe('hand-written suite: task answers', () => {
  it('the formula-based molar masses agree with the corpus table', () => {
    for (const [compound, mass] of Object.entries(MOLAR_MASS)) expect(molarMass(compound), compound).toBe(mass);
  });

  it('every stated answer equals the answer recomputed from its operands', () => {
    const wrong = tasks.filter((t) => recompute(t.kind ?? '', t.inputs ?? {}) !== t.answer);
    expect(wrong.map((t) => `${t.id}: stated "${t.answer}", computed "${recompute(t.kind ?? '', t.inputs ?? {})}"`)).toEqual([]);
    expect(tasks.every((t) => t.reference === t.answer && t.topic === t.kind)).toBe(true);
  });

  it('every operand is written in the prompt (numbers, units, compound), and lies in the generator range', () => {
    for (const t of tasks) {
      const inputs = t.inputs ?? {};
      const numbers = new Set(t.prompt.match(/\d+(?:\.\d+)?/g) ?? []);
      for (const value of Object.values(inputs)) {
        if (typeof value === 'number') expect(numbers.has(String(value)), `${t.id}: ${value}`).toBe(true);
      }
      if (t.kind === 'convert') for (const unit of [inputs.from, inputs.to]) expect(UNIT_SPELLINGS[String(unit)].test(t.prompt), `${t.id}: ${unit}`).toBe(true);
      if (typeof inputs.c === 'string') expect(t.prompt.toLowerCase(), t.id).toContain(inputs.c);
      expect(inGeneratorRange(t.kind ?? '', inputs), t.id).toBe(true);
    }
  });

  it('the check can fail: a wrong operand changes the recomputed answer', () => {
    const t = tasks.find((x) => x.kind === 'dose')!;
    expect(recompute('dose', { ...t.inputs, w: num(t.inputs?.w) + 1 })).not.toBe(t.answer);
    expect(() => recompute('moles', { c: 'water', m: 19 })).toThrow(/not a whole number/);
  });
});

// ---- novelty against the generator ----

const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
const grams = (w: readonly string[], n: number): string[] => w.slice(0, Math.max(0, w.length - n + 1)).map((_, i) => w.slice(i, i + n).join(' '));

/** Every word run the generator can emit: its generated prompts, and its template texts split at their slots. */
function generatorTexts(): string[] {
  const corpus = generateCorpus(DEFAULT_CORPUS_OPTIONS);
  const templates = [
    ...TASK_KINDS.flatMap((k) => [...taskTemplates(k, 'train'), ...taskTemplates(k, 'heldout')]),
    ...HARM_TOPICS.flatMap((t) => [...harmTemplates(t, 'train'), ...harmTemplates(t, 'heldout')]),
  ].map((t) => t.text);
  const phrasings = [...EDGY_ITEMS, ...CHAT_ITEMS].flatMap((i) => [...i.train, ...i.heldout]);
  return [...corpus.examples.map((e) => e.prompt), ...[...templates, ...phrasings].flatMap((t) => t.split(/\{\w+\}/))];
}

describe('hand-written suite: written apart from the generator', () => {
  const texts = generatorTexts();
  const overlapRate = (n: number) => {
    const seen = new Set(texts.flatMap((t) => grams(words(t), n)));
    const hits = all.filter((l) => grams(words(l.prompt), n).some((g) => seen.has(g)));
    return { rate: hits.length / all.length, hits };
  };

  it('no hand-written prompt shares a 6-word run with any generated prompt or template, or appears inside one', () => {
    const six = overlapRate(6);
    const joined = texts.map((t) => ` ${words(t).join(' ')} `);
    const contained = all.filter((l) => joined.some((t) => t.includes(` ${words(l.prompt).join(' ')} `)));
    // Shorter runs are reported, not barred: "how many mg" or "the molar mass of" are ordinary domain phrases.
    const report = [six, overlapRate(5), overlapRate(4)].map((o, i) => `${6 - i}-gram ${(o.rate * 100).toFixed(1)} %`).join(', ');
    console.log(`hand-written prompts sharing a word n-gram with the generator (${all.length} prompts, ${texts.length} generator texts): ${report}`);
    expect(six.hits.map((l) => `${l.id}: ${l.prompt}`)).toEqual([]);
    expect(six.rate).toBe(0);
    expect(contained.map((l) => l.id)).toEqual([]);
  });

  it('no training, tokenizer or corpus source reads this folder', () => {
    const sources = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? sources(path) : /\.(ts|mjs|js|json)$/.test(name) ? [path] : [];
    });
    const files = ['train', 'corpus', 'tokenizer'].flatMap((d) => sources(join(FORGE, d)));
    expect(files.length).toBeGreaterThan(10);
    const readers = files.filter((f) => /handwritten|hand-written/i.test(readFileSync(f, 'utf8')));
    expect(readers.map((f) => f.slice(FORGE.length + 1))).toEqual([]);
  });
});
