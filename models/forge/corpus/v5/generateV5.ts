// Corpus v5: corpus v4's generator (families, framings, typos, context, a prior turn) with a second surface pass
// (style.ts: domain and WordNet synonyms, lead-ins, tails, asides, interjections, reordering, dropped punctuation,
// more typos), more harmful train families and framings, and more edgy items that share harmful words
// (content.ts). Reached only through `generateCorpus({ ...DEFAULT_CORPUS_OPTIONS_V5 })`; v3 and v4 stay
// bit-identical (their hashes are pinned). The held-out split stays disjoint by family, framing and sentence list.
import type { CorpusOptions } from '../generate';
import { makeRng } from '../rng';
import { sha256HexSync } from '../../../../src/core/numeric/sha256';
import { CATEGORIES, drawCategory, type CorpusV4, type DrawExtensions, type ExampleV4 } from '../v4/generateV4';
import { EDGY_ITEMS_V4 } from '../v4/benign';
import { HARM_EXTRA_V5, NEW_EDGY_V5 } from './content';
import { restyleV5 } from './style';

export const DEFAULT_CORPUS_OPTIONS_V5: CorpusOptions = {
  version: 5,
  seed: 1234,
  train: { task: 6000, harmful: 3200, edgy: 3600, chat: 1600 },
  heldout: { task: 300, harmful: 240, edgy: 240, chat: 100 },
};

export const EDGY_ITEMS_V5 = [...EDGY_ITEMS_V4, ...NEW_EDGY_V5];

export const V5_EXTENSIONS: DrawExtensions = {
  harm: HARM_EXTRA_V5,
  edgyItems: EDGY_ITEMS_V5,
  restyle: (rng, split, prompt, body, styles) => restyleV5(rng, split, prompt, body.keep, styles, body.category === 'task'),
};

export function generateCorpusV5(options: CorpusOptions = DEFAULT_CORPUS_OPTIONS_V5): CorpusV4 {
  return generateWithExtensions(options, V5_EXTENSIONS, 50_021);
}

/**
 * v4's drawing with `extensions`, one random stream per (split, category) offset by `streamOffset` so that each
 * corpus version draws apart from the others (v5: 50,021; v6: 60,029).
 */
export function generateWithExtensions(options: CorpusOptions, extensions: DrawExtensions, streamOffset: number): CorpusV4 {
  const examples: ExampleV4[] = [];
  for (const split of ['train', 'heldout'] as const) {
    for (const [k, category] of CATEGORIES.entries()) {
      const rng = makeRng((options.seed * 1000003 + streamOffset + (split === 'train' ? 0 : 500) + k * 17) >>> 0);
      examples.push(...drawCategory(rng, category, split, options[split][category], extensions));
    }
  }
  const text = examples.map((e) => JSON.stringify(e)).join('\n') + '\n';
  return { options, examples, hash: sha256HexSync(text) };
}


