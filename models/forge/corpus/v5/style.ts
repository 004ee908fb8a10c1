// Corpus v5's surface pass, run on each v4-decorated prompt (generateV4's `restyle` hook): word substitution from
// hand-picked domain synonyms and WordNet's first-sense synonyms, more lead-ins, polite tails, irrelevant asides,
// interjected clauses, sentence reordering, dropped punctuation and a second round of typos. Every list has a
// train half and a held-out half; the synonym tables are shared (a word never trained on cannot be read).
import type { Split } from '../types';
import type { Rng } from '../rng';
import { addTypos, cap, withLeadIn, type Style } from '../v4/style';
import { DOMAIN_SYNONYMS, NEVER_SUBSTITUTE, V5_ASIDES, V5_INTERJECTIONS, V5_LEAD_INS, V5_TAILS, WORDNET_SKIP } from './lexicon';
import { WORDNET_SYNONYMS } from './wordnetSynonyms';

/** Per-prompt rates of each v5 part (on top of v4's `V4_STYLE_RATES`). */
export const V5_STYLE_RATES = {
  synonym: 0.6,
  /** Share of eligible words swapped in a prompt that gets synonyms. */
  synonymWord: 0.35,
  leadIn: 0.2,
  tail: 0.2,
  aside: 0.25,
  interjection: 0.15,
  reorder: 0.3,
  noPunctuation: 0.1,
  typo: 0.2,
  typoWord: 0.08,
} as const;


/** Synonyms of a lower-case word: the domain table first, then WordNet's (minus its wrong-sense entries). */
export function synonymsOf(word: string): readonly string[] {
  if (NEVER_SUBSTITUTE.has(word)) return [];
  return DOMAIN_SYNONYMS[word] ?? (WORDNET_SKIP.has(word) ? [] : WORDNET_SYNONYMS[word] ?? []);
}

/** Swaps each word that has synonyms (and is not in `keep`) with probability `rate`; capitals are kept. */
export function substituteSynonyms(text: string, rng: Rng, rate: number, keep: readonly string[]): string {
  const kept = new Set(keep.flatMap((k) => k.toLowerCase().split(/\s+/)));
  return text.replace(/\b[A-Za-z]{3,}\b/g, (w) => {
    const lower = w.toLowerCase();
    const syn = kept.has(lower) ? [] : synonymsOf(lower);
    if (syn.length === 0 || rng.next() >= rate) return w;
    const s = rng.pick(syn);
    return w === lower ? s : /^[A-Z][a-z]/.test(w) ? cap(s) : s;
  });
}

/** Splits after sentence ends (". ", "? ", "! "); a one-sentence text comes back whole. */
const sentences = (t: string): string[] => t.split(/(?<=[.?!])\s+(?=[A-Z])/);

/** The v5 pass; `styles` gets the names of the parts applied (the record's `styles`). */
export function restyleV5(rng: Rng, split: Split, prompt: string, keep: readonly string[], styles: Style[], task: boolean): string {
  let p = prompt;
  if (rng.next() < V5_STYLE_RATES.synonym) {
    const swapped = substituteSynonyms(p, rng, V5_STYLE_RATES.synonymWord, keep);
    if (swapped !== p) styles.push('synonym');
    p = swapped;
  }
  if (rng.next() < V5_STYLE_RATES.interjection) {
    const clause = rng.pick(V5_INTERJECTIONS[split]);
    const q = p.lastIndexOf('?');
    if (q > 0 && !task) {
      p = `${p.slice(0, q)}, ${clause}${p.slice(q)}`;
      styles.push('interjection');
    }
  }
  const parts = sentences(p);
  if (parts.length > 1 && rng.next() < V5_STYLE_RATES.reorder) {
    p = [...parts.slice(1), parts[0]].join(' ');
    styles.push('reorder');
  }
  if (rng.next() < V5_STYLE_RATES.aside) {
    const aside = rng.pick(V5_ASIDES[split]);
    p = rng.next() < 0.5 ? `${aside} ${p}` : `${p} ${aside}`;
    styles.push('aside');
  }
  if (rng.next() < V5_STYLE_RATES.tail) {
    p = `${p} ${rng.pick(V5_TAILS[split])}`;
    styles.push('tail');
  }
  if (rng.next() < V5_STYLE_RATES.leadIn) {
    p = withLeadIn(rng.pick(V5_LEAD_INS[split]), p);
    styles.push('lead-in');
  }
  if (!task && rng.next() < V5_STYLE_RATES.noPunctuation) {
    p = p.replace(/[?.!,:;](?=\s|$)/g, ''); // never a decimal point
    styles.push('no-punctuation');
  }
  if (rng.next() < V5_STYLE_RATES.typo) {
    // task prompts also keep every unit and task word: the answer is read from them
    const noisy = addTypos(p, rng, V5_STYLE_RATES.typoWord, task ? [...keep, ...NEVER_SUBSTITUTE] : keep);
    if (noisy !== p) styles.push('typo');
    p = noisy;
  }
  return p;
}
