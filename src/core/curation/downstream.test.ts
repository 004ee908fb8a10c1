// The downstream QA suite and its scoring (downstream.ts): the shipped held-out suite parses and every reference
// answer is checked against the handbook (its numbers with their units and its words are written there), and the
// scores equal hand-worked values on written replies.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractQuantities, wordTokens } from './claims';
import { datasetFabricatedNumbers, normaliseAnswer, parseQaSuite, scoreAnswer, sourceNumberValues, summariseScores, tokenF1, type QaItem } from './downstream';
import { CurationError } from './errors';
import { HANDBOOK_PATH } from './testHandbookNode';

const SUITE_PATH = fileURLToPath(new URL('../../../data/curation/handbook-qa-heldout.jsonl', import.meta.url));
const handbook = readFileSync(HANDBOOK_PATH, 'utf8');
const values = sourceNumberValues(handbook);
const item = (answer: string, prompt = 'How long does mixed Dorvalin last?'): QaItem => ({ id: 'q', prompt, answer });

describe('the held-out handbook QA suite', () => {
  const items = parseQaSuite('handbook-qa-heldout.jsonl', readFileSync(SUITE_PATH, 'utf8'));

  it('has at least 40 questions with unique ids', () => {
    expect(items.length).toBeGreaterThanOrEqual(40);
    expect(new Set(items.map((q) => q.id)).size).toBe(items.length);
  });

  it('every reference answer is written in the handbook: each quantity with its unit, each word', () => {
    const stated = extractQuantities(handbook);
    const words = new Set(wordTokens(handbook));
    for (const q of items) {
      for (const a of extractQuantities(q.answer)) {
        expect(stated.some((s) => s.value === a.value && s.unit === a.unit), `${q.id}: ${a.raw}`).toBe(true);
      }
      for (const w of wordTokens(q.answer)) expect(words.has(w), `${q.id}: "${w}"`).toBe(true);
    }
  });

  it('no question is a sentence of the handbook, and each answer scores as exact, numerically right and unfabricated', () => {
    for (const q of items) {
      expect(handbook.toLowerCase()).not.toContain(q.prompt.toLowerCase().replace(/\?$/, ''));
      const s = scoreAnswer(q, q.answer, values);
      expect(s.exact && s.contains && s.numericCorrect !== false && s.fabricatedNumbers.length === 0, q.id).toBe(true);
    }
  });
});

describe('parseQaSuite', () => {
  it('names a missing answer, a repeated id and a line that is not JSON', () => {
    const err = (text: string) => { try { parseQaSuite('s.jsonl', text); } catch (e) { return e as CurationError; } throw new Error('no error'); };
    expect(err('{"id":"a","prompt":"Why?"}\n')).toMatchObject({ kind: 'jsonl-missing-field', message: expect.stringMatching(/line 1 \(a\) has no "answer"/) });
    expect(err('{"id":"a","prompt":"Why?","answer":"x"}\n{"id":"a","prompt":"How?","answer":"y"}\n').message).toMatch(/"a" appears twice/);
    expect(err('{"id":"a",\n')).toMatchObject({ kind: 'jsonl-parse', message: expect.stringMatching(/line 1 is not JSON/) });
  });
});

describe('answer scoring', () => {
  it('normalises case, punctuation, articles and unit spellings', () => {
    expect(normaliseAnswer('The dose is 10 mL.')).toBe('dose is 10 ml');
    expect(normaliseAnswer('2 percent')).toBe(normaliseAnswer('2%'));
    expect(normaliseAnswer('30 degrees Celsius')).toBe(normaliseAnswer('30 °C'));
    expect(normaliseAnswer('0.5 mL')).toBe('0.5 ml');
  });

  it('exact, contained, numeric and fabricated verdicts of written replies', () => {
    expect(scoreAnswer(item('10 days'), '10 days.', values)).toMatchObject({ exact: true, contains: true, f1: 1, numericCorrect: true, fabricatedNumbers: [] });
    // partial credit: 2 shared tokens, precision 2/4, recall 2/2 → F1 2/3
    expect(scoreAnswer(item('10 days'), 'lasts 10 days mixed', values).f1).toBeCloseTo(2 / 3, 12);
    expect(tokenF1('a a b', 'a b b')).toBeCloseTo(2 / 3, 12);
    expect(tokenF1('', 'a')).toBe(0);
    expect(scoreAnswer(item('10 days'), 'Mixed Dorvalin lasts 10 days.', values)).toMatchObject({ exact: false, contains: true, numericCorrect: true });
    // a number the handbook states, but the wrong one: not fabricated, not correct
    expect(scoreAnswer(item('10 days'), 'It lasts 28 days.', values)).toMatchObject({ contains: false, numericCorrect: false, fabricatedNumbers: [] });
    // 37 is stated nowhere in the handbook; 8 °C is in the question
    expect(scoreAnswer(item('2 hours', 'How long may the fridge stay above 8 °C?'), 'Above 8 °C for 37 hours.', values))
      .toMatchObject({ numericCorrect: false, fabricatedNumbers: ['37 hours'], hasNumber: true });
    // a range needs both ends; a unitless number matches by value
    expect(scoreAnswer(item('2 to 8 °C'), 'Between 2 and 8 °C.', values).numericCorrect).toBe(true);
    expect(scoreAnswer(item('2 to 8 °C'), 'Below 8 °C.', values).numericCorrect).toBe(false);
    expect(scoreAnswer(item('6 years'), 'Under 6.', values).numericCorrect).toBe(true);
    // a text answer has no numeric verdict
    expect(scoreAnswer(item('blue'), 'The blue bin.', values)).toMatchObject({ contains: true, numericCorrect: null, hasNumber: false });
  });

  it('summarises rates over the replies (numeric over number answers only; empty is null)', () => {
    const s = summariseScores([
      scoreAnswer(item('10 days'), '10 days', values),
      scoreAnswer(item('blue'), 'red', values),
      scoreAnswer(item('5 days'), '41 days', values),
    ]);
    expect(s.exact).toEqual({ k: 1, n: 3, rate: 1 / 3 });
    // F1: 1, 0, and "41 days" vs "5 days" shares "days": 0.5
    expect(s.f1).toBeCloseTo((1 + 0 + 0.5) / 3, 12);
    expect(s.numericCorrect).toEqual({ k: 1, n: 2, rate: 0.5 });
    expect(s.fabricatedNumber).toEqual({ k: 1, n: 3, rate: 1 / 3 });
    expect(s.withNumber).toEqual({ k: 2, n: 3, rate: 2 / 3 });
    expect(summariseScores([]).exact.rate).toBeNull();
    expect(summariseScores([]).f1).toBeNull();
  });

  it('counts training answers that state numbers the source never states', () => {
    expect(datasetFabricatedNumbers([
      { instruction: 'How long does mixed Dorvalin last?', output: '10 days.' },
      { instruction: 'What is the dose of Galdrin?', output: '45 mg twice a day.' },
      { instruction: 'Is 41 mg a safe dose?', output: 'No, 41 mg is too much.' },
    ], values)).toEqual({ k: 1, n: 3, rate: 1 / 3 });
  });
});
