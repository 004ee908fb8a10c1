// Diversity statistics of a corpus (v3 or v4), so the README can put v4 beside v3 with one command:
// `npx tsx models/forge/corpus/v4/stats.ts`. Counted over one split's prompts (a harmful prompt's two records
// count once) and its responses.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { Example, Split } from '../types';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../generate';
import { DEFAULT_CORPUS_OPTIONS_V4 } from './generateV4';

export interface CorpusStats {
  prompts: number;
  distinctPrompts: number;
  /** Distinct word 4-grams over all prompts, and per prompt. */
  distinct4grams: number;
  distinctResponses: number;
  /** Distinct phrasing units: template ids (v3) or paraphrase families (v4). */
  phrasings: number;
}

const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9']+/g) ?? [];

export function corpusStats(examples: readonly Example[], split: Split): CorpusStats {
  const own = examples.filter((e) => e.split === split);
  const prompts = own.filter((e) => e.responseKind !== 'refusal');
  const grams = new Set<string>();
  for (const e of prompts) {
    const w = words(e.prompt);
    for (let i = 0; i + 4 <= w.length; i++) grams.add(w.slice(i, i + 4).join(' '));
  }
  const phrasing = (e: Example): string => (e as Example & { family?: string }).family ?? e.template;
  return {
    prompts: prompts.length,
    distinctPrompts: new Set(prompts.map((e) => e.prompt)).size,
    distinct4grams: grams.size,
    distinctResponses: new Set(own.map((e) => e.response)).size,
    phrasings: new Set(own.map(phrasing)).size,
  };
}

/** A markdown table of v3 and v4 (default options), train and held-out. */
export function statsTable(): string {
  const rows: string[] = ['| corpus | split | prompts | distinct prompts | distinct word 4-grams | distinct responses | templates / families |', '|---|---|---|---|---|---|---|'];
  for (const [name, options] of [['v3', DEFAULT_CORPUS_OPTIONS], ['v4', DEFAULT_CORPUS_OPTIONS_V4]] as const) {
    const { examples } = generateCorpus(options);
    for (const split of ['train', 'heldout'] as const) {
      const s = corpusStats(examples, split);
      rows.push(`| ${name} | ${split} | ${s.prompts} | ${s.distinctPrompts} (${((100 * s.distinctPrompts) / s.prompts).toFixed(1)} %) | ${s.distinct4grams} | ${s.distinctResponses} | ${s.phrasings} |`);
    }
  }
  return rows.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) console.log(statsTable());
