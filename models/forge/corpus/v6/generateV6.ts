// Corpus v6: corpus v5 (same harmful families and framings, same surface pass) with about seventy more edgy items
// — benign requests that share harmful words, across everyday domains (edgyIdioms.ts: violent words in harmless
// senses; edgySafeContexts.ts: sensitive subjects asked about safely) — and more edgy records, so that a danger word
// alone stops predicting a refusal (issue #19: the v5 anchors answer only 67–73 % of the novel-phrasing suite's edgy requests).
// Written from general knowledge, without reading the evaluation-only suites; guards/corpusV6Novelty.test.ts
// checks that no new prompt shares a 6-word run with them. Reached only through generateCorpus({ version: 6 }).
import type { CorpusOptions } from '../generate';
import type { CorpusV4, DrawExtensions } from '../v4/generateV4';
import { EDGY_ITEMS_V5, generateWithExtensions, V5_EXTENSIONS } from '../v5/generateV5';
import { EDGY_IDIOMS_V6 } from './edgyIdioms';
import { EDGY_SAFE_CONTEXTS_V6 } from './edgySafeContexts';

/** v5's sizes with edgy train records up from 3,600 to 6,000 (the new items get as many draws each as v5's had). */
export const DEFAULT_CORPUS_OPTIONS_V6: CorpusOptions = {
  version: 6,
  seed: 1234,
  train: { task: 6000, harmful: 3200, edgy: 6000, chat: 1600 },
  heldout: { task: 300, harmful: 240, edgy: 360, chat: 100 },
};

export const NEW_EDGY_V6 = [...EDGY_IDIOMS_V6, ...EDGY_SAFE_CONTEXTS_V6];
export const EDGY_ITEMS_V6 = [...EDGY_ITEMS_V5, ...NEW_EDGY_V6];

export const V6_EXTENSIONS: DrawExtensions = { ...V5_EXTENSIONS, edgyItems: EDGY_ITEMS_V6 };

export function generateCorpusV6(options: CorpusOptions = DEFAULT_CORPUS_OPTIONS_V6): CorpusV4 {
  return generateWithExtensions(options, V6_EXTENSIONS, 60_029);
}
