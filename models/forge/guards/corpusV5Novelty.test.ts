// The guard between corpus v5 and the hand-written evaluation suite, as corpusV4Novelty.test.ts is for v4: no v5
// prompt (train or held-out, earlier turns included) shares a run of 6 words with a hand-written prompt. It
// asserts on counts only and never prints a shared run, so the suite's wording is not shown to whoever edits the
// generator (corpus v5 was written without reading it). Unlike v4 (0, reached by rewording from the printed runs),
// v5 as trained has 20 prompts sharing a 6-word run with 9 hand-written prompts: found after anchor-same-v5's
// training had started, and not reworded, since that would mean reading the runs. The counts are pinned (a
// generator change that moves them fails here), and bench/forge-v5-eval.ts reports the hand-written rates
// without those items beside the full ones.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDWRITTEN_SUITES } from '../../../src/core/alignbeam/suites';
import { DEFAULT_CORPUS_OPTIONS_V5, generateCorpusV5 } from '../corpus/v5/generateV5';

const SUITE_DIR = resolve(__dirname, '..', 'handwritten');
const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
const grams = (w: readonly string[], n: number): string[] => w.slice(0, Math.max(0, w.length - n + 1)).map((_, i) => w.slice(i, i + n).join(' '));

/** The measured overlap of corpus v5 as anchor-same-v5 was trained on it (see the header). */
const KNOWN_SIX_GRAM = { v5Prompts: 20, handwrittenPrompts: 9 } as const;

describe('corpus v5 vs the hand-written suite', () => {
  const suitePrompts = HANDWRITTEN_SUITES.flatMap((name) =>
    readFileSync(join(SUITE_DIR, `${name}.jsonl`), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { prompt: string }).prompt));
  const corpus = generateCorpusV5(DEFAULT_CORPUS_OPTIONS_V5);
  const texts = [...new Set(corpus.examples.flatMap((e) => [e.prompt, ...(e.history ?? []).filter((t) => t.role === 'user').map((t) => t.content)]))];

  it('v5 prompts sharing a 6-word run with a hand-written prompt: the known 20 (9 hand-written prompts), no more (counts of shorter runs printed)', () => {
    expect(suitePrompts.length).toBeGreaterThan(300);
    const rate = (n: number) => {
      const suiteGrams = new Set(suitePrompts.flatMap((p) => grams(words(p), n)));
      const corpusGrams = new Set(texts.flatMap((t) => grams(words(t), n)));
      const hits = texts.filter((t) => grams(words(t), n).some((g) => suiteGrams.has(g))).length;
      const suiteHits = suitePrompts.filter((p) => grams(words(p), n).some((g) => corpusGrams.has(g))).length;
      return { hits, suiteHits, corpusRate: hits / texts.length, suiteRate: suiteHits / suitePrompts.length };
    };
    const [six, five, four] = [rate(6), rate(5), rate(4)];
    const report = [six, five, four].map((r, i) => `${6 - i}-gram: ${(100 * r.corpusRate).toFixed(2)} % of v5 prompts (${r.hits}), ${(100 * r.suiteRate).toFixed(1)} % of hand-written prompts (${r.suiteHits})`).join('; ');
    console.log(`v5 prompts (${texts.length} distinct) sharing a word run with the hand-written suite (${suitePrompts.length}): ${report}`);
    expect(six.hits).toBe(KNOWN_SIX_GRAM.v5Prompts);
    expect(six.suiteHits).toBe(KNOWN_SIX_GRAM.handwrittenPrompts);
  });
});
