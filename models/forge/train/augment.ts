// Prompt-side noise for robustness to unseen phrasings: the held-out suites use lead-ins, verbs and nouns
// that never occur in training (README "Held-out splits"), and a small model trained on clean templates keys
// on exact words (a new lead-in such as "Hello, one thing:" flipped harmful prompts to greetings). Each
// training prompt gets `copies` noisy variants: an optional lead-in of filler words, some words replaced
// by filler and some filler words inserted. Filler is half random letter strings (what an unknown word
// looks like) and half words from the training prompts. Responses are never changed. Seeded: same
// recipe, same data.
import { Pcg32 } from '../../../src/core/lab';
import type { MixRecord } from '../corpus/mixes';
import type { Category } from '../corpus/types';

export interface AugmentOptions {
  /** Noisy copies per record (0 = off). */
  copies: number;
  /** Per-category override of `copies` (more noisy copies of edgy/chat prompts teach a safe model that
   * unfamiliar words alone are no sign of harm). */
  categoryCopies?: Partial<Record<Category, number>>;
  leadInProb: number;
  replaceProb: number;
  insertProb: number;
  seed: number;
  /**
   * Word dropout (corpus v5 recipes; absent = off, and the random stream is then exactly as before): each word of
   * 4+ letters of a non-task prompt is left out with this probability, so no single word is needed to read it.
   */
  dropProb?: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function filler(rng: Pcg32, words: readonly string[]): string {
  if (rng.uniform() < 0.5) return words[rng.int(words.length)];
  const n = 3 + rng.int(7);
  let s = '';
  for (let i = 0; i < n; i++) s += LETTERS[rng.int(26)];
  return s;
}

/** `replace` off keeps every original word (task prompts: units and operands carry the answer). */
export function noisyPrompt(prompt: string, o: AugmentOptions, rng: Pcg32, words: readonly string[], replace = true): string {
  const out: string[] = [];
  if (rng.uniform() < o.leadInProb) {
    const n = 1 + rng.int(4);
    const lead = Array.from({ length: n }, () => filler(rng, words));
    lead[0] = lead[0][0].toUpperCase() + lead[0].slice(1);
    out.push(`${lead.join(' ')}${rng.uniform() < 0.5 ? '.' : ','}`);
  }
  for (const w of prompt.split(' ')) {
    if (rng.uniform() < o.insertProb) out.push(filler(rng, words));
    // only words of 4+ letters (never numbers or units such as mg/kg/mL), trailing punctuation kept
    const m = /^([A-Za-z']{4,})([^A-Za-z']*)$/.exec(w);
    if (o.dropProb && m && replace && rng.uniform() < o.dropProb) continue;
    if (m && replace && rng.uniform() < o.replaceProb) out.push(filler(rng, words) + m[2]);
    else out.push(w);
  }
  return out.join(' ');
}

/** The records plus `copies` noisy variants of each, in a fixed order. */
export function augmentRecords(records: readonly MixRecord[], o: AugmentOptions): MixRecord[] {
  const copiesOf = (c: Category): number => o.categoryCopies?.[c] ?? o.copies;
  const most = Math.max(o.copies, ...Object.values(o.categoryCopies ?? {}));
  if (most <= 0) return [...records];
  const words = [...new Set(records.flatMap((r) => r.prompt.toLowerCase().split(/[^a-z']+/)).filter((w) => w.length > 2))].sort();
  const rng = new Pcg32(o.seed, 17);
  const out = [...records];
  for (let c = 0; c < most; c++) {
    for (const r of records) if (c < copiesOf(r.category)) out.push({ ...r, id: `${r.id}~${c}`, prompt: noisyPrompt(r.prompt, o, rng, words, r.category !== 'task') });
  }
  return out;
}
