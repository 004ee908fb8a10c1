// Held-out evaluation of the curation models (issue #22) on synthetic fact sheets they never trained on
// (factSheets.ts held-out split: new entity names, number draws and one held-out sentence/question/claim shape
// per fact kind). Greedy, ORT (CausalLM), the prompts of src/core/curation/prompts.ts through the chat template.
//   grounding  accuracy per label and a 3 × 3 confusion matrix, read two ways: `closed` = the argmax over the
//              three label words' first tokens (what a gate can read from one prefill), `generated` = greedy text
//              parsed by parseGroundingOutput (parse failures counted); accuracy per way the pair was made.
//   generator  parse rate (parseGeneratorOutput), and faithfulness by a lexical check: every number of the answer
//              occurs in the chunk; every content word (≥ 4 letters) of the answer occurs in the chunk; the
//              question names the chunk's entity; the answer states exactly one fact of the chunk (its numbers).
import type { CausalLM } from '../../../src/core/lm/causalLm';
import { GROUNDING_LABELS, parseGeneratorOutput, parseGroundingOutput, type GroundingLabel } from '../../../src/core/curation/prompts';
import { DEFAULT_SHEET_OPTIONS, generateSheets, type FactSheet } from './factSheets';
import { generatorExamples, groundingExamples, type GeneratorExample, type GroundingExample } from './trainingData';

export interface Rate { n: number; k: number; rate: number }
const rate = (flags: boolean[]): Rate => ({ n: flags.length, k: flags.filter(Boolean).length, rate: flags.length ? flags.filter(Boolean).length / flags.length : 0 });

/** Held-out items (seeds apart from training's data seeds). */
export function heldoutSheets(): FactSheet[] {
  return generateSheets(DEFAULT_SHEET_OPTIONS).heldout;
}
export const heldoutGrounding = (limit?: number): GroundingExample[] => groundingExamples(heldoutSheets(), 9101, 3).slice(0, limit);
export const heldoutGenerator = (limit?: number): GeneratorExample[] => generatorExamples(heldoutSheets(), 9102, 1).slice(0, limit);

export interface GroundingEvaluation {
  n: number;
  /** Closed-set reading (first-token argmax over the three labels). */
  closed: { accuracy: Rate; perLabel: Record<GroundingLabel, Rate>; perHow: Record<string, Rate>; confusion: Record<GroundingLabel, Record<GroundingLabel, number>> };
  /** Greedy text parsed by parseGroundingOutput. */
  generated: { accuracy: Rate; parsed: Rate; perLabel: Record<GroundingLabel, Rate> };
  examples: { claim: string; evidence: string; label: GroundingLabel; predicted: string }[];
}

const emptyConfusion = (): Record<GroundingLabel, Record<GroundingLabel, number>> =>
  Object.fromEntries(GROUNDING_LABELS.map((t) => [t, Object.fromEntries(GROUNDING_LABELS.map((p) => [p, 0]))])) as Record<GroundingLabel, Record<GroundingLabel, number>>;

function groupRates<K extends string>(keys: K[], flags: boolean[]): Record<K, Rate> {
  const out = {} as Record<K, Rate>;
  for (const key of [...new Set(keys)].sort()) out[key] = rate(flags.filter((_, i) => keys[i] === key));
  return out;
}

export async function evaluateGrounding(lm: CausalLM, items: readonly GroundingExample[], batch = 16): Promise<GroundingEvaluation> {
  const firstIds = GROUNDING_LABELS.map((w) => lm.tokenizer.encode(w)[0]);
  if (new Set(firstIds).size !== 3) throw new Error('grounding labels share a first token: the closed-set reading needs distinct ones');
  const closed: GroundingLabel[] = [];
  const generated: string[] = [];
  for (let i = 0; i < items.length; i += batch) {
    const chunk = items.slice(i, i + batch);
    const prompts = chunk.map((it) => lm.tokenizer.applyChatTemplate(it.prompt));
    const { logits } = await lm.prefill(prompts);
    chunk.forEach((_, k) => {
      const scores = firstIds.map((id) => logits[k][id]);
      closed.push(GROUNDING_LABELS[scores.indexOf(Math.max(...scores))]);
    });
    const outs = await lm.generate(prompts, { maxNewTokens: 10 }); // "unsupported" is 7 family-A tokens
    generated.push(...outs.map((ids) => lm.tokenizer.decode(ids, { skipSpecialTokens: true })));
  }
  const labels = items.map((it) => it.label);
  const confusion = emptyConfusion();
  closed.forEach((p, i) => confusion[labels[i]][p]++);
  const closedOk = closed.map((p, i) => p === labels[i]);
  const parsed = generated.map((g) => parseGroundingOutput(g));
  const genOk = parsed.map((p, i) => p.ok && p.label === labels[i]);
  return {
    n: items.length,
    closed: { accuracy: rate(closedOk), perLabel: groupRates(labels, closedOk), perHow: groupRates(items.map((it) => it.how), closedOk), confusion },
    generated: { accuracy: rate(genOk), parsed: rate(parsed.map((p) => p.ok)), perLabel: groupRates(labels, genOk) },
    examples: items.slice(0, 6).map((it, i) => ({ claim: it.claim, evidence: it.evidence, label: it.label, predicted: generated[i] })),
  };
}

export interface GeneratorEvaluation {
  n: number;
  parsed: Rate;
  /** Among parsed: every number of the answer occurs in the chunk. */
  numbersInChunk: Rate;
  /** Among parsed: every content word (≥ 4 letters) of the answer occurs in the chunk. */
  wordsInChunk: Rate;
  /** Among parsed: the question names the chunk's entity. */
  questionNamesEntity: Rate;
  /** Among parsed: the answer's numbers are exactly those of one fact of the chunk (an answer with no number passes when it is about a food fact). */
  answersOneFact: Rate;
  examples: { chunk: string; output: string }[];
}

// a clock time "10:00" counts as the number 10 (the hours fact stores the hour)
const numbersOf = (s: string): string[] => s.replace(/\b(\d{1,2}):00\b/g, '$1').match(/\d+(?:\.\d+)?/g) ?? [];
const wordsOf = (s: string): string[] => (s.toLowerCase().match(/[a-z]{4,}/g) ?? []);

/** The lexical faithfulness check of one answer against its chunk (also used by the tests on the training targets). */
export function lexicalFaithfulness(chunk: string, sheetFacts: { values: number[]; kind: string }[], entity: string, question: string, answer: string) {
  const chunkNums = new Set(numbersOf(chunk));
  const chunkWords = new Set(wordsOf(chunk));
  const nums = numbersOf(answer);
  const key = (xs: (string | number)[]) => xs.map(String).sort().join(',');
  return {
    numbersInChunk: nums.every((x) => chunkNums.has(x)),
    wordsInChunk: wordsOf(answer).every((w) => chunkWords.has(w) || ['between', 'every', 'after', 'opening', 'within', 'each', 'takes', 'take', 'stored', 'with', 'food', 'meals', 'before', 'empty', 'stomach', 'more', 'than', 'tablets', 'packs', 'hours', 'days', 'opens', 'closes', 'from', 'adults'].includes(w)),
    questionNamesEntity: question.includes(entity),
    answersOneFact: sheetFacts.some((f) => key(f.values) === key(nums) && (nums.length > 0 || f.kind === 'food')),
  };
}

export async function evaluateGenerator(lm: CausalLM, items: readonly GeneratorExample[], batch = 16, sheets = heldoutSheets()): Promise<GeneratorEvaluation> {
  const outputs: string[] = [];
  for (let i = 0; i < items.length; i += batch) {
    const chunk = items.slice(i, i + batch);
    const outs = await lm.generate(chunk.map((it) => lm.tokenizer.applyChatTemplate(it.prompt)), { maxNewTokens: 48 });
    outputs.push(...outs.map((ids) => lm.tokenizer.decode(ids, { skipSpecialTokens: true })));
  }
  const byId = new Map(sheets.map((s) => [s.id, s]));
  const parses = outputs.map((o) => parseGeneratorOutput(o));
  const checks = parses.flatMap((p, i) => {
    if (!p.ok) return [];
    const sheet = byId.get(items[i].sheetId);
    if (!sheet) throw new Error(`held-out sheet ${items[i].sheetId} missing`);
    return [lexicalFaithfulness(sheet.text, sheet.facts, sheet.entity, p.instruction, p.response)];
  });
  return {
    n: items.length,
    parsed: rate(parses.map((p) => p.ok)),
    numbersInChunk: rate(checks.map((c) => c.numbersInChunk)),
    wordsInChunk: rate(checks.map((c) => c.wordsInChunk)),
    questionNamesEntity: rate(checks.map((c) => c.questionNamesEntity)),
    answersOneFact: rate(checks.map((c) => c.answersOneFact)),
    examples: items.slice(0, 6).map((it, i) => ({ chunk: it.chunk, output: outputs[i] })),
  };
}
