// Training data for one forge model: the corpus mix (corpus/mixes.ts) tokenized with the model's tokenizer
// family into chat sequences with the response start (the loss mask boundary).
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadTokenizer, type LmTokenizer } from '../../../src/core/lm/tokenizer';
import { buildMix, type Mix } from '../corpus/mixes';
import type { Corpus } from '../corpus/generate';
import { augmentRecords, type AugmentOptions } from './augment';
import type { MixName, MixRecord } from '../corpus/mixes';
import type { Family } from './recipe';
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

export function buildModelData(corpus: Corpus, mixName: MixName, tok: LmTokenizer, augment?: AugmentOptions): ModelData {
  const mix = buildMix(corpus, mixName, 'train');
  const records = augment ? augmentRecords(mix.records, augment) : mix.records;
  const sequences = records.map((r) => (r.history ? encodeConversation(tok, r) : tok.encodeChat(r.prompt, r.response)));
  const padId = tok.padId ?? tok.bosId ?? 0;
  return { mix, sequences, padId };
}
