// Recovery of rejected samples (issue #22 item 5). Two strategies, as the paper compares them:
//   naive     resample: the same chunk, the same prompt, a new seed; then re-gate.
//   adaptive  diagnose the failure mode from the rejecting gate's verdict (its `mode`, else the gate's kind), then a
//             targeted fix, then re-gate:
//               unsupported-claim    strip the unsupported sentence (each one-sentence-shorter answer is re-checked
//                                    by the rejecting gate; the first that passes is kept), else correct its
//                                    numbers from the cited span (as below) when the pairing is clear, else re-ground:
//                                    regenerate from the cited span with "use only facts written in the source";
//                                    a citation of a missing chunk is re-grounded on the retrieved best chunk
//               contradicted-number  correct the number from the cited span (the span's numbers of the same unit,
//                                    in order, when the pairing is unambiguous), else re-prompt with the cited
//                                    span and "use only numbers written in the source"
//               format               normalise the pair (whitespace, markup, question mark) when that is all it
//                                    takes, else regenerate with the format spelled out
//               unsafe               drop: nothing worth keeping is recovered from an unsafe sample
// Hints are the one line added to the generator prompt; a generator never trained with them (the forge's) may read
// them as noise, so `hints: false` regenerates from the same (or the span-only) prompt without them.
// Cost is model calls: each regeneration is one, each gate verdict counts its own (rule gates 0). Budgets are the
// caller's (pipeline.ts): attempts per sample and a run-wide call cap.
import { extractQuantities, type Quantity } from './claims';
import { generateSamples, sentenceSpans, type GenerationOutcome, type Generator } from './generate';
import type { Retriever } from './gates/grounding';
import type { Chunk, CuratedSample, FailureMode, Gate, GateVerdict } from './types';

export type RecoveryStrategy = 'none' | 'naive' | 'adaptive';

export type RecoveryAction = 'generate' | 'resample' | 'strip-claim' | 'reground' | 'reprompt-span' | 'fix-number' | 'fix-format' | 'drop';

/** What went wrong with an attempt: a gate's rejection, a generation that did not parse, or a missing chunk. */
export type Diagnosis = FailureMode | 'generation-failed' | 'missing-chunk';

export const HINTS = {
  facts: 'Use only facts written in the source.',
  numbers: 'Use only numbers written in the source.',
  format: 'Write one line starting "Question:" and one line starting "Answer:".',
} as const;

/** The failure mode of a rejection: the verdict's own mode, else read from the gate's name and reason. */
export function diagnose(v: GateVerdict): FailureMode {
  if (v.mode) return v.mode;
  const text = `${v.gate} ${v.reason}`.toLowerCase();
  if (/unsafe|harm/.test(text)) return 'unsafe';
  if (/format|empty|markup|length/.test(text)) return 'format';
  if (/number|numeric|digit/.test(text)) return 'contradicted-number';
  return 'unsupported-claim';
}

export interface RecoveryContext {
  /** Absent when only imported samples are curated: every step that needs a regeneration then drops. */
  generator?: Generator;
  chunks: ReadonlyMap<string, Chunk>;
  /** Re-grounding a missing citation needs it; without one such a sample cannot be recovered. */
  retrieve?: Retriever;
  /** Add the targeted hint line to regeneration prompts (default true). */
  hints?: boolean;
}

/** One recovery step's result: the new attempt (or a drop), and the calls it cost before re-gating. */
export type RecoveryStep =
  | { action: 'drop'; calls: number; note: string }
  | { action: Exclude<RecoveryAction, 'drop' | 'generate'>; outcome: GenerationOutcome; calls: number; note: string };

/** The normalised pair, or null when normalising changes nothing. */
export function fixFormat(s: CuratedSample): CuratedSample | null {
  const clean = (t: string) => t.replace(/[*_#`>|]+/g, ' ').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  let instruction = clean(s.instruction);
  const response = clean(s.response);
  if (instruction && !/[?.!]$/.test(instruction)) instruction += '?';
  if (!instruction || !response || (instruction === s.instruction && response === s.response)) return null;
  return { ...s, instruction, response };
}

/**
 * The answer with its numbers corrected from the evidence (the cited span, else the chunk): per unit, when the answer
 * and the evidence hold as many numbers, the answer's take the evidence's values in order; when one answer number is
 * absent and exactly one evidence number of its unit is unused, it takes that one. Null when nothing is corrected.
 */
export function fixNumbers(s: CuratedSample, chunk: Chunk): CuratedSample | null {
  const span = chunk.text.slice(s.provenance.span.start, s.provenance.span.end);
  const answer = extractQuantities(s.response).filter((q) => q.unit);
  const edits: { q: Quantity; to: string }[] = [];
  const numberText = (text: string, q: Quantity) => text.slice(q.start, q.numberEnd);
  for (const source of [span, chunk.text]) {
    const evidence = extractQuantities(source).filter((q) => q.unit);
    for (const unit of new Set(answer.map((q) => q.unit))) {
      const a = answer.filter((q) => q.unit === unit);
      const e = evidence.filter((q) => q.unit === unit);
      if (e.length === 0) continue;
      if (a.length === e.length) {
        a.forEach((q, i) => { if (q.value !== e[i].value) edits.push({ q, to: numberText(source, e[i]) }); });
        continue;
      }
      const absent = a.filter((q) => !e.some((x) => x.value === q.value));
      const unused = e.filter((x) => !a.some((q) => q.value === x.value));
      if (absent.length === 1 && unused.length === 1) edits.push({ q: absent[0], to: numberText(source, unused[0]) });
    }
    if (edits.length) break;
  }
  if (edits.length === 0) return null;
  let response = s.response;
  for (const { q, to } of [...edits].sort((x, y) => y.q.start - x.q.start)) response = response.slice(0, q.start) + to + response.slice(q.numberEnd);
  return { ...s, response };
}

const nextAttempt = (s: CuratedSample, attempt: number, patch: Partial<CuratedSample>): CuratedSample => {
  const id = s.id.replace(/:\d+$/, `:${attempt}`);
  return { ...s, ...patch, id, attempt, calls: 0 };
};

/** Answers one sentence shorter, each checked by the rejecting gate; the first it passes, with the calls spent. */
async function stripClaim(s: CuratedSample, gate: Gate, chunks: ReadonlyMap<string, Chunk>, attempt: number): Promise<{ sample: CuratedSample | null; calls: number }> {
  const spans = sentenceSpans(s.response);
  if (spans.length < 2) return { sample: null, calls: 0 };
  const variants = spans.map((sp, k) => nextAttempt(s, attempt, {
    id: `${s.id.replace(/:\d+$/, `:${attempt}`)}~${k}`,
    response: (s.response.slice(0, sp.start) + s.response.slice(sp.end)).replace(/\s+/g, ' ').trim(),
  }));
  const verdicts = await gate.check(variants, chunks);
  const calls = verdicts.reduce((a, v) => a + v.calls, 0);
  const k = verdicts.findIndex((v) => v.outcome === 'pass');
  return { sample: k < 0 ? null : { ...variants[k], id: s.id.replace(/:\d+$/, `:${attempt}`) }, calls };
}

const regenerate = async (ctx: RecoveryContext, chunk: Chunk, attempt: number, seed: number, o: { hint?: string; span?: CuratedSample['provenance']['span'] } = {}) => {
  const { hint, ...rest } = o;
  return (await generateSamples(ctx.generator!, [{ chunk, attempt, seed, ...rest, ...(hint && ctx.hints !== false ? { hint } : {}) }]))[0];
};

const NO_GENERATOR = { action: 'drop', calls: 0, note: 'needs a regeneration and the run has no generator' } as const;

/**
 * One recovery step for the latest attempt of a sample. `previous` is the last sample (absent when generation
 * failed); `verdict` the first rejecting verdict; `gate` the gate that gave it.
 */
export async function recover(strategy: Exclude<RecoveryStrategy, 'none'>, ctx: RecoveryContext, o: {
  chunkId: string; attempt: number; seed: number; diagnosis: Diagnosis; previous?: CuratedSample; gate?: Gate;
}): Promise<RecoveryStep> {
  const chunk = ctx.chunks.get(o.chunkId);
  const step = await recoverStep(strategy, ctx, o, chunk);
  return step === null ? NO_GENERATOR : step;
}

/** null: the step needs a regeneration and there is no generator. */
async function recoverStep(strategy: Exclude<RecoveryStrategy, 'none'>, ctx: RecoveryContext, o: Parameters<typeof recover>[2], chunk: Chunk | undefined): Promise<RecoveryStep | null> {
  const regen = ctx.generator ? regenerate : null;
  if (strategy === 'naive') {
    if (!chunk) return { action: 'drop', calls: 0, note: `resampling needs the cited chunk ${o.chunkId}, which is not in the corpus` };
    if (!regen) return null;
    return { action: 'resample', outcome: await regen(ctx, chunk, o.attempt, o.seed), calls: 1, note: `new seed ${o.seed}` };
  }
  switch (o.diagnosis) {
    case 'unsafe':
      return { action: 'drop', calls: 0, note: 'unsafe: dropped' };
    case 'missing-chunk': {
      const query = o.previous ? `${o.previous.instruction} ${o.previous.response}` : '';
      const found = query && ctx.retrieve ? ctx.retrieve(query, 1)[0] : undefined;
      if (!found) return { action: 'drop', calls: 0, note: `cited chunk ${o.chunkId} is missing and ${ctx.retrieve ? 'retrieval found nothing' : 'no retriever was given'}` };
      if (!regen) return null;
      return { action: 'reground', outcome: await regen(ctx, found, o.attempt, o.seed, { hint: HINTS.facts }), calls: 1, note: `re-grounded on retrieved chunk ${found.id}` };
    }
    case 'generation-failed':
    case 'format': {
      if (o.previous) {
        const fixed = fixFormat(o.previous);
        if (fixed) return { action: 'fix-format', outcome: { ok: true, sample: nextAttempt(fixed, o.attempt, {}), raw: '', truncatedSource: false }, calls: 0, note: 'normalised markup and whitespace' };
      }
      if (!chunk) return { action: 'drop', calls: 0, note: `chunk ${o.chunkId} is not in the corpus` };
      if (!regen) return null;
      return { action: 'fix-format', outcome: await regen(ctx, chunk, o.attempt, o.seed, { hint: HINTS.format }), calls: 1, note: 'regenerated with the format spelled out' };
    }
    case 'unsupported-claim': {
      if (o.previous && o.gate) {
        const stripped = await stripClaim(o.previous, o.gate, ctx.chunks, o.attempt);
        if (stripped.sample) return { action: 'strip-claim', outcome: { ok: true, sample: stripped.sample, raw: '', truncatedSource: false }, calls: stripped.calls, note: 'dropped the unsupported sentence' };
        if (!chunk) return recoverStep('adaptive', ctx, { ...o, diagnosis: 'missing-chunk' }, chunk);
        // an unsupported claim is often a wrong number a model judge did not name: correct it when the pairing is clear
        const renumbered = fixNumbers(o.previous, chunk);
        if (renumbered) return { action: 'fix-number', outcome: { ok: true, sample: nextAttempt(renumbered, o.attempt, {}), raw: '', truncatedSource: false }, calls: stripped.calls, note: `numbers corrected from the cited span: "${renumbered.response}"` };
        if (!regen) return null;
        return { action: 'reground', outcome: await regen(ctx, chunk, o.attempt, o.seed, { hint: HINTS.facts, span: o.previous.provenance.span }), calls: stripped.calls + 1, note: 'regenerated from the cited span, facts only' };
      }
      if (!chunk) return recoverStep('adaptive', ctx, { ...o, diagnosis: 'missing-chunk' }, chunk);
      if (!regen) return null;
      return { action: 'reground', outcome: await regen(ctx, chunk, o.attempt, o.seed, { hint: HINTS.facts }), calls: 1, note: 'regenerated, facts only' };
    }
    case 'contradicted-number': {
      if (!chunk) return recoverStep('adaptive', ctx, { ...o, diagnosis: 'missing-chunk' }, chunk);
      const fixed = o.previous ? fixNumbers(o.previous, chunk) : null;
      if (fixed) return { action: 'fix-number', outcome: { ok: true, sample: nextAttempt(fixed, o.attempt, {}), raw: '', truncatedSource: false }, calls: 0, note: `numbers corrected from the cited span: "${fixed.response}"` };
      const span = o.previous?.provenance.span;
      if (!regen) return null;
      return { action: 'reprompt-span', outcome: await regen(ctx, chunk, o.attempt, o.seed, { hint: HINTS.numbers, ...(span ? { span } : {}) }), calls: 1, note: 'regenerated from the cited span, numbers from the source only' };
    }
  }
}
