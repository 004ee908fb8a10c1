// Surface variety for corpus v4, shared by every category: lead-ins, seeded character-level typos, extra
// context sentences, and the assembly of a prompt from its parts. Each part list is split into train and
// held-out halves, so held-out prompts combine request families, lead-ins and framings never seen in train.
import type { Split } from '../types';
import type { Rng } from '../rng';

/** How often each optional part is added (per prompt); typos hit about `typoWord` of the eligible words. */
export const V4_STYLE_RATES = {
  leadIn: 0.3,
  typo: 0.25,
  typoWord: 0.12,
  context: 0.35,
  multiTurn: 0.12,
  lowercase: 0.1,
  /** Harmful prompts only: a role-play / hypothetical / third-party framing. */
  framing: 0.4,
} as const;

export type Style = 'lead-in' | 'typo' | 'multi-sentence' | 'multi-turn' | 'framing' | 'lowercase' | 'distractor'
  // corpus v5 only (v5/style.ts)
  | 'synonym' | 'aside' | 'tail' | 'interjection' | 'reorder' | 'no-punctuation';

export const LEAD_INS: Readonly<Record<Split, readonly string[]>> = {
  train: ['Quick question: ', 'Hi! ', 'Hey, ', 'Please help. ', 'Okay so ', 'I need some help. ', 'Question for you: ', 'Hello. ', 'Be straight with me. '],
  heldout: ['Sorry to bother you, but ', 'Good day. ', 'One more thing: ', 'Right, so ', 'Can I ask something? '],
};

/** Keyboard neighbours for substitution typos (QWERTY rows). */
const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function neighbour(c: string, rng: Rng): string {
  for (const row of ROWS) {
    const i = row.indexOf(c);
    if (i >= 0) return row[Math.max(0, Math.min(row.length - 1, i + (rng.next() < 0.5 ? -1 : 1)))];
  }
  return c;
}

/** One typo in a word: swap two inner letters, drop one, double one, or hit a neighbouring key. */
function typoWord(word: string, rng: Rng): string {
  const i = rng.int(1, word.length - 2);
  switch (rng.int(0, 3)) {
    case 0: return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    case 1: return word.slice(0, i) + word.slice(i + 1);
    case 2: return word.slice(0, i) + word[i] + word.slice(i);
    default: return word.slice(0, i) + neighbour(word[i], rng) + word.slice(i + 1);
  }
}

/**
 * Seeded character noise: each word of 4+ letters not in `keep` (operands, units, compound and
 * drug names: the words a task answer or a refusal's object depends on) gets a typo with probability `rate`.
 */
export function addTypos(text: string, rng: Rng, rate: number, keep: readonly string[]): string {
  const kept = new Set(keep.flatMap((k) => k.toLowerCase().split(/\s+/)));
  return text.replace(/\b[A-Za-z]{4,}\b/g, (w) => (kept.has(w.toLowerCase()) || rng.next() >= rate ? w : typoWord(w, rng)));
}

/** Lead-in + body: a lead-in that does not end a sentence continues it, so the body starts lower-case. */
export function withLeadIn(leadIn: string, body: string): string {
  if (leadIn === '') return body;
  const continues = !/[.!?:]\s$/.test(leadIn);
  return leadIn + (continues && !/^[A-Z]{2}|^I\b/.test(body) ? body.charAt(0).toLowerCase() + body.slice(1) : body);
}

/** Context sentence before or after the request (a multi-sentence prompt). */
export function withContext(rng: Rng, request: string, context: string): string {
  return rng.next() < 0.6 ? `${context} ${request}` : `${request} ${context}`;
}

/** Upper-case the first letter (templates may start with a slot). */
export const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Lower-case the first letter unless it starts a name or "I". */
export const uncap = (s: string): string => (/^(I\b|[A-Z]{2})/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1));
