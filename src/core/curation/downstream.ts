// The downstream step of the curation study (issue #22 item 7): a curated dataset is fine-tuned on and the tuned
// model answers a hand-written, held-out QA suite over the source corpus (data/curation/handbook-qa-heldout.jsonl,
// written apart from the generator prompts, never used for tuning). This file holds the pure pieces the bench
// (bench/curation-downstream.ts) and its tests share: the suite parser, answer scoring (normalised exact match,
// the reference contained in the reply, numeric correctness, numbers the source never states) and the summary.
// Scoring is lexical on purpose: the numbers of a reply are read with claims.ts extractQuantities, the reader the
// lexical claim gate uses, so "a fabricated number" means the same thing at the gate and downstream.
import { parseHeldoutJsonl } from '../alignbeam/suites';
import { extractQuantities, type Quantity } from './claims';
import { CurationError } from './errors';

/** One held-out question with its checked short answer. */
export interface QaItem { id: string; prompt: string; answer: string }

/** Parses the held-out QA JSONL (the experiments held-out line format, so it also loads as a training eval suite). */
export function parseQaSuite(name: string, text: string): QaItem[] {
  let items;
  try {
    items = parseHeldoutJsonl(name, text).items;
  } catch (e) {
    throw new CurationError('jsonl-parse', `${name}: ${(e as Error).message}`);
  }
  const seen = new Set<string>();
  return items.map((it, i) => {
    if (it.answer === undefined || it.answer.trim() === '') throw new CurationError('jsonl-missing-field', `${name} line ${i + 1} (${it.id}) has no "answer": every QA item needs its reference answer`);
    if (seen.has(it.id)) throw new CurationError('jsonl-parse', `${name}: the id "${it.id}" appears twice`);
    seen.add(it.id);
    return { id: it.id, prompt: it.prompt, answer: it.answer };
  });
}

/**
 * Lowercase words, numbers and unit symbols only: "percent" and "°C"/"degrees" read as one unit, punctuation and a
 * leading article dropped, so "The dose is 10 mL." and "the dose is 10 ml" normalise alike.
 */
export function normaliseAnswer(text: string): string {
  return text.toLowerCase()
    .replace(/\bper ?cent\b/g, '%').replace(/°\s*c\b|\bdegrees(?: celsius| c)?\b/g, '°c')
    .replace(/(\d)\s*%/g, '$1 %')
    .replace(/[^a-z0-9.%/°\s]/g, ' ')
    .replace(/\.(?!\d)|(?<!\d)\./g, ' ')
    .replace(/\s+/g, ' ').trim()
    .replace(/^(?:the|a|an) /, '');
}

/** Token F1 of two normalised texts (SQuAD's: shared tokens counted with multiplicity); 0 when either is empty. */
export function tokenF1(reply: string, answer: string): number {
  const r = reply.split(' ').filter(Boolean);
  const a = answer.split(' ').filter(Boolean);
  if (!r.length || !a.length) return 0;
  const left = new Map<string, number>();
  for (const w of a) left.set(w, (left.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of r) if ((left.get(w) ?? 0) > 0) { shared++; left.set(w, left.get(w)! - 1); }
  if (shared === 0) return 0;
  const precision = shared / r.length;
  const recall = shared / a.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Every value a source states (number values only: a unit mismatch is the gate's business, not this count's). */
export const sourceNumberValues = (text: string): Set<number> => new Set(extractQuantities(text).map((q) => q.value));

const sameQuantity = (ref: Quantity, got: Quantity) => ref.value === got.value && (ref.unit === got.unit || ref.unit === '' || got.unit === '');

/** The verdicts on one reply. */
export interface AnswerScore {
  id: string;
  reply: string;
  /** normalise(reply) === normalise(answer). */
  exact: boolean;
  /** The normalised answer appears in the normalised reply at word boundaries. */
  contains: boolean;
  /** SQuAD-style token F1 of the normalised reply against the normalised answer (partial credit). */
  f1: number;
  /** Every quantity of the answer is in the reply (same value, same unit or one side unitless); null when the answer has no number. */
  numericCorrect: boolean | null;
  /** Numbers of the reply whose value is neither in the source nor in the question. */
  fabricatedNumbers: string[];
  hasNumber: boolean;
}

/** Scores one reply against its item; `sourceValues` from sourceNumberValues(corpus text). */
export function scoreAnswer(item: QaItem, reply: string, sourceValues: ReadonlySet<number>): AnswerScore {
  const got = extractQuantities(reply);
  const ref = extractQuantities(item.answer);
  const asked = sourceNumberValues(item.prompt);
  const r = normaliseAnswer(reply);
  const a = normaliseAnswer(item.answer);
  return {
    id: item.id, reply,
    exact: r === a,
    contains: a !== '' && ` ${r} `.includes(` ${a} `),
    f1: tokenF1(r, a),
    numericCorrect: ref.length ? ref.every((q) => got.some((g) => sameQuantity(q, g))) : null,
    fabricatedNumbers: got.filter((g) => !sourceValues.has(g.value) && !asked.has(g.value)).map((g) => g.raw),
    hasNumber: got.length > 0,
  };
}

/** k of n and the rate (null when n is 0). */
export interface Rate { k: number; n: number; rate: number | null }
const rate = (flags: readonly boolean[]): Rate => {
  const k = flags.filter(Boolean).length;
  return { k, n: flags.length, rate: flags.length ? k / flags.length : null };
};

/** Suite-level figures of a set of scores. */
export interface QaSummary {
  exact: Rate;
  contains: Rate;
  /** Mean token F1 (null over no scores). */
  f1: number | null;
  /** Over the items whose answer has a number. */
  numericCorrect: Rate;
  /** Replies with at least one number absent from the source (over every reply). */
  fabricatedNumber: Rate;
  /** Replies with any number. */
  withNumber: Rate;
}

export function summariseScores(scores: readonly AnswerScore[]): QaSummary {
  return {
    exact: rate(scores.map((s) => s.exact)),
    contains: rate(scores.map((s) => s.contains)),
    f1: scores.length ? scores.reduce((t, s) => t + s.f1, 0) / scores.length : null,
    numericCorrect: rate(scores.filter((s) => s.numericCorrect !== null).map((s) => s.numericCorrect === true)),
    fabricatedNumber: rate(scores.map((s) => s.fabricatedNumbers.length > 0)),
    withNumber: rate(scores.map((s) => s.hasNumber)),
  };
}

/**
 * How many training answers state a number the source never states: what a dataset teaches to fabricate. Rows in
 * the export's Alpaca shape ({ instruction, output }).
 */
export function datasetFabricatedNumbers(rows: readonly { instruction: string; output: string }[], sourceValues: ReadonlySet<number>): Rate {
  return rate(rows.map((r) => {
    const asked = sourceNumberValues(r.instruction);
    return extractQuantities(r.output).some((q) => !sourceValues.has(q.value) && !asked.has(q.value));
  }));
}
