// The guard between corpus v4 and the hand-written evaluation suite: no v4 prompt (train or held-out, any
// earlier turn included) shares a run of 6 words with a hand-written prompt, so the suite keeps measuring new
// phrasing when models are trained on v4. This is the only forge code outside that folder allowed to read
// it, and it lives outside corpus/, train/ and tokenizer/ on purpose: the suite's own test fails if anything
// there reads it. Shorter shared runs are ordinary domain phrases; their rates are printed, not barred.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDWRITTEN_SUITES } from '../../../src/core/alignbeam/suites';
import { DEFAULT_CORPUS_OPTIONS_V4, generateCorpusV4 } from '../corpus/v4/generateV4';

const SUITE_DIR = resolve(__dirname, '..', 'handwritten');
const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
const grams = (w: readonly string[], n: number): string[] => w.slice(0, Math.max(0, w.length - n + 1)).map((_, i) => w.slice(i, i + n).join(' '));

describe('corpus v4 vs the hand-written suite', () => {
  const suitePrompts = HANDWRITTEN_SUITES.flatMap((name) =>
    readFileSync(join(SUITE_DIR, `${name}.jsonl`), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { prompt: string }).prompt));
  const corpus = generateCorpusV4(DEFAULT_CORPUS_OPTIONS_V4);
  const texts = [...new Set(corpus.examples.flatMap((e) => [e.prompt, ...(e.history ?? []).filter((t) => t.role === 'user').map((t) => t.content)]))];

  it('no v4 prompt shares a 6-word run with a hand-written prompt (rates of shorter runs printed)', () => {
    expect(suitePrompts.length).toBeGreaterThan(300);
    const rate = (n: number) => {
      const suiteGrams = new Set(suitePrompts.flatMap((p) => grams(words(p), n)));
      const corpusGrams = new Set(texts.flatMap((t) => grams(words(t), n)));
      const shared = [...suiteGrams].filter((g) => corpusGrams.has(g));
      const hits = texts.filter((t) => grams(words(t), n).some((g) => suiteGrams.has(g)));
      const suiteHits = suitePrompts.filter((p) => grams(words(p), n).some((g) => corpusGrams.has(g)));
      return { shared, hits, corpusRate: hits.length / texts.length, suiteRate: suiteHits.length / suitePrompts.length };
    };
    const six = rate(6);
    const report = [six, rate(5), rate(4)].map((r, i) => `${6 - i}-gram: ${(100 * r.corpusRate).toFixed(2)} % of v4 prompts, ${(100 * r.suiteRate).toFixed(1)} % of hand-written prompts`).join('; ');
    console.log(`v4 prompts (${texts.length} distinct) sharing a word run with the hand-written suite (${suitePrompts.length}): ${report}`);
    expect(six.shared).toEqual([]);
    expect(six.hits).toEqual([]);
  });
});
