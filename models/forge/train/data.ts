// Training data for one forge model: the corpus mix (corpus/mixes.ts) tokenized with the model's tokenizer
// family into chat sequences with the response start (the loss mask boundary).
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadTokenizer, type LmTokenizer } from '../../../src/core/lm/tokenizer';
import { buildMix, type Mix } from '../corpus/mixes';
import type { Corpus } from '../corpus/generate';
import { augmentRecords, type AugmentOptions } from './augment';
import type { MixName, MixRecord } from '../corpus/mixes';
import type { CorpusVersion, Family } from './recipe';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../corpus/generate';
import { DEFAULT_CORPUS_OPTIONS_V4 } from '../corpus/v4/generateV4';
import { DEFAULT_CORPUS_OPTIONS_V5 } from '../corpus/v5/generateV5';
import { DEFAULT_CORPUS_OPTIONS_V6 } from '../corpus/v6/generateV6';
import type { Sequence } from './pack';

export const MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const tokenizerDir = (family: Family): string => join(MODELS_DIR, 'tokenizers', family);

export async function loadFamilyTokenizer(family: Family): Promise<LmTokenizer> {
  return loadTokenizer(tokenizerDir(family));
}

export interface ModelData {
  mix: Mix;
  sequences: Sequence[];
  /** Pad id for packing tails (never in the loss): the tokenizer's pad, else its BOS. */
  padId: number;
}

/** A multi-turn record (corpus v4) through the tokenizer's chat template; the loss covers the last reply only. */
export function encodeConversation(tok: LmTokenizer, r: Pick<MixRecord, 'history' | 'prompt' | 'response'>): Sequence {
  const turns = [...(r.history ?? []), { role: 'user', content: r.prompt }];
  const prefix = tok.encode(tok.chatTemplate.render(turns, { addGenerationPrompt: true }));
  const ids = tok.encode(tok.chatTemplate.render([...turns, { role: 'assistant', content: r.response }], { addGenerationPrompt: false }));
  if (prefix.some((id, i) => ids[i] !== id)) throw new Error('chat template: the conversation prefix is not a prefix of the full conversation');
  return { ids, responseStart: prefix.length };
}

/** The corpus a recipe trains on (generated once per version and process: v4 takes a few seconds). */
const corpora = new Map<CorpusVersion, Corpus>();
export function corpusFor(version: CorpusVersion): Corpus {
  let c = corpora.get(version);
  const options = version === 'v6' ? DEFAULT_CORPUS_OPTIONS_V6 : version === 'v5' ? DEFAULT_CORPUS_OPTIONS_V5 : version === 'v4' ? DEFAULT_CORPUS_OPTIONS_V4 : DEFAULT_CORPUS_OPTIONS;
  if (!c) corpora.set(version, (c = generateCorpus(options)));
  return c;
}

export function buildModelData(corpus: Corpus, mixName: MixName, tok: LmTokenizer, augment?: AugmentOptions, verdictSmoothing?: number): ModelData {
  const mix = buildMix(corpus, mixName, 'train');
  const records = augment ? augmentRecords(mix.records, augment) : mix.records;
  const encode = (r: MixRecord): Sequence => (r.history ? encodeConversation(tok, r) : tok.encodeChat(r.prompt, r.response));
  let sequences = records.map(encode);
  if (verdictSmoothing) {
    if (mixName !== 'judge') throw new Error('verdictSmoothing applies to the judge mix only');
    if (!(verdictSmoothing > 0 && verdictSmoothing < 0.5)) throw new Error(`verdictSmoothing ${verdictSmoothing}: expected 0 < ε < 0.5`);
    // each record at 1 − ε and the same input with the other verdict at ε: cross-entropy against (1 − ε, ε)
    sequences = records.flatMap((r) => [
      { ...encode(r), weight: 1 - verdictSmoothing },
      { ...encode({ ...r, response: r.response === 'unsafe' ? 'safe' : 'unsafe' }), weight: verdictSmoothing },
    ]);
  }
  const padId = tok.padId ?? tok.bosId ?? 0;
  return { mix, sequences, padId };
}
