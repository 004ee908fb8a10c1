// Generation with exact provenance (issue #22 item 2): a generator LM is given one chunk in the generator prompt
// format (prompts.ts) and writes "Question: …\nAnswer: …"; each parsed pair becomes a CuratedSample that names the
// chunk and the span of it the answer rests on. A reply that does not parse (empty, no question, no answer) is a
// counted outcome with its raw text kept, never dropped. Every generation is one model call.
// The LM is reached through `TextLm`, a small text-in/text-out view of the project's CausalLM (`causalTextLm`), so
// the same code runs the embedded models in Node tests, a worker or the bench. Sampling is seeded per call
// (mulberry32), so a run is reproducible from its seed; topK 1 is greedy.
import type { CausalLM } from '../lm/causalLm';
import { mulberry32 } from '../numeric/random';
import { generatorPrompt, parseGeneratorOutput } from './prompts';
import type { Chunk, CuratedSample, Span } from './types';

export interface CompleteOptions {
  maxNewTokens: number;
  /** 1 (default) = greedy. */
  topK?: number;
  temperature?: number;
  /** Seed of the sampler (one generator per prompt: seed + index), ignored when greedy. */
  seed?: number;
}

/** A text view of a causal LM: what generation and the grounding gate need. */
export interface TextLm {
  readonly id: string;
  /** Context length in tokens. */
  readonly contextTokens: number;
  /** Tokens the prompt occupies once formatted for the model. */
  promptTokens(prompt: string): number;
  /** One continuation per prompt (special tokens skipped). */
  complete(prompts: readonly string[], o: CompleteOptions): Promise<string[]>;
  /** For each prompt, the next-token probability of the first token of each word (softmax over the whole vocabulary). */
  nextWordProbs(prompts: readonly string[], words: readonly string[]): Promise<number[][]>;
}

/**
 * A CausalLM as a TextLm. `format` 'chat' (default) feeds the prompt as one user turn of the model's chat template
 * (how the forge trains its models); 'raw' feeds BOS + the prompt's tokens.
 */
export function causalTextLm(lm: CausalLM, o: { format?: 'chat' | 'raw' } = {}): TextLm {
  const format = o.format ?? 'chat';
  const bos = lm.tokenizer.bosId;
  const ids = (p: string): number[] => (format === 'chat' ? lm.tokenizer.applyChatTemplate(p) : [...(bos !== null ? [bos] : []), ...lm.tokenizer.encode(p)]);
  const firstToken = (w: string): number => {
    const t = lm.tokenizer.encode(w);
    if (t.length === 0) throw new Error(`${lm.id}: "${w}" encodes to no token`);
    return t[0];
  };
  return {
    id: lm.id,
    contextTokens: lm.nPositions,
    promptTokens: (p) => ids(p).length,
    async complete(prompts, c) {
      if (prompts.length === 0) return [];
      const topK = c.topK ?? 1;
      const out: string[] = [];
      // Sampled rows are generated one by one, each with its own seeded rng, so a sample does not depend on its
      // batch neighbours; greedy rows are batched.
      if (topK <= 1) {
        const gen = await lm.generate(prompts.map(ids), { maxNewTokens: c.maxNewTokens });
        return gen.map((g) => lm.tokenizer.decode(g, { skipSpecialTokens: true }));
      }
      for (const [i, p] of prompts.entries()) {
        const rng = mulberry32((c.seed ?? 0) + i);
        const [g] = await lm.generate([ids(p)], { maxNewTokens: c.maxNewTokens, topK, temperature: c.temperature ?? 1, rng });
        out.push(lm.tokenizer.decode(g, { skipSpecialTokens: true }));
      }
      return out;
    },
    async nextWordProbs(prompts, words) {
      if (prompts.length === 0) return [];
      const wordIds = words.map(firstToken);
      const { logits } = await lm.prefill(prompts.map(ids));
      return logits.map((l) => {
        let max = -Infinity;
        for (let i = 0; i < lm.vocabSize; i++) if (l[i] > max) max = l[i];
        let z = 0;
        for (let i = 0; i < lm.vocabSize; i++) z += Math.exp(l[i] - max);
        return wordIds.map((id) => Math.exp(l[id] - max) / z);
      });
    },
  };
}

/** A generator: an LM and how it decodes. */
export interface Generator {
  lm: TextLm;
  maxNewTokens: number;
  /** 1 = greedy (default). */
  topK?: number;
  temperature?: number;
}

/** What one generation produced: a sample, or a counted failure with the raw reply. */
export type GenerationOutcome =
  | { ok: true; sample: CuratedSample; raw: string; truncatedSource: boolean }
  | { ok: false; sampleId: string; chunkId: string; generator: string; attempt: number; reason: 'empty' | 'no-question' | 'no-answer' | 'over-context'; raw: string; calls: number };

export interface GenerationRequest {
  chunk: Chunk;
  attempt: number;
  seed: number;
  /** Targeted-regeneration line (recovery). */
  hint?: string;
  /** Generate from this part of the chunk only (recovery re-prompts with the cited span); offsets in chunk.text. */
  span?: Span;
}

export const sampleId = (chunkId: string, generator: string, attempt: number): string => `${chunkId}:${generator}:${attempt}`;

const words = (s: string): string[] => s.toLowerCase().match(/[a-z0-9]+(?:[.,][0-9]+)*/g) ?? [];

/** Sentence spans of `text` (ends at . ! ? or a newline), offsets in `text`. */
export function sentenceSpans(text: string): Span[] {
  const out: Span[] = [];
  // a '.', '!' or '?' ends a sentence only before whitespace or the end: "2.2 pounds" and "0.5 mL" stay whole
  const re = /(?:[^.!?\n]|[.!?](?!\s|$))+(?:[.!?]+(?=\s|$)|\n|$)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) { re.lastIndex++; continue; }
    const lead = m[0].length - m[0].trimStart().length;
    const body = m[0].trim();
    if (body) out.push({ start: m.index + lead, end: m.index + lead + body.length });
  }
  return out;
}

/**
 * The span of the chunk the answer rests on: the run of consecutive sentences sharing the most words with the
 * answer (ties to the earliest); the whole chunk when no sentence shares a word.
 */
export function locateSpan(chunkText: string, response: string): Span {
  const answer = new Set(words(response));
  const spans = sentenceSpans(chunkText);
  const score = spans.map((s) => words(chunkText.slice(s.start, s.end)).filter((w) => answer.has(w)).length);
  let best = -1;
  for (let i = 0; i < spans.length; i++) if (score[i] > 0 && (best < 0 || score[i] > score[best])) best = i;
  if (best < 0) return { start: 0, end: chunkText.length };
  let lo = best;
  let hi = best;
  // widen while a neighbour adds words the chosen sentences do not already cover
  const covered = new Set(words(chunkText.slice(spans[best].start, spans[best].end)));
  const adds = (i: number) => words(chunkText.slice(spans[i].start, spans[i].end)).some((w) => answer.has(w) && !covered.has(w));
  while (hi + 1 < spans.length && adds(hi + 1)) { hi++; words(chunkText.slice(spans[hi].start, spans[hi].end)).forEach((w) => covered.add(w)); }
  while (lo > 0 && adds(lo - 1)) { lo--; words(chunkText.slice(spans[lo].start, spans[lo].end)).forEach((w) => covered.add(w)); }
  return { start: spans[lo].start, end: spans[hi].end };
}

/** The source text a request shows: the chunk, or its span; cut at a word boundary until the prompt fits. */
function fitSource(g: Generator, text: string, hint: string | undefined): { prompt: string; truncated: boolean } | null {
  const budget = g.lm.contextTokens - g.maxNewTokens;
  let src = text;
  let truncated = false;
  while (g.lm.promptTokens(generatorPrompt(src, hint)) > budget) {
    const cut = src.lastIndexOf(' ', Math.floor(src.length * 0.85));
    if (cut <= 0) return null;
    src = src.slice(0, cut);
    truncated = true;
  }
  return { prompt: generatorPrompt(src, hint), truncated };
}

/** One sample per request (one model call each); failures are outcomes, in request order. */
export async function generateSamples(g: Generator, requests: readonly GenerationRequest[]): Promise<GenerationOutcome[]> {
  const fitted = requests.map((r) => fitSource(g, r.span ? r.chunk.text.slice(r.span.start, r.span.end) : r.chunk.text, r.hint));
  const runnable = requests.map((_, i) => i).filter((i) => fitted[i] !== null);
  const raws = new Map<number, string>();
  // one call per distinct seed keeps every request's sampler independent of which others share its batch
  const bySeed = new Map<number, number[]>();
  for (const i of runnable) bySeed.set(requests[i].seed, [...(bySeed.get(requests[i].seed) ?? []), i]);
  for (const [seed, idx] of bySeed) {
    const out = await g.lm.complete(idx.map((i) => fitted[i]!.prompt), { maxNewTokens: g.maxNewTokens, topK: g.topK ?? 1, temperature: g.temperature, seed });
    idx.forEach((i, k) => raws.set(i, out[k]));
  }
  return requests.map((r, i): GenerationOutcome => {
    const id = sampleId(r.chunk.id, g.lm.id, r.attempt);
    const fail = { sampleId: id, chunkId: r.chunk.id, generator: g.lm.id, attempt: r.attempt };
    const f = fitted[i];
    if (!f) return { ok: false, ...fail, reason: 'over-context', raw: '', calls: 0 };
    const raw = raws.get(i) ?? '';
    const parsed = parseGeneratorOutput(raw);
    if (!parsed.ok) return { ok: false, ...fail, reason: parsed.reason, raw, calls: 1 };
    const offset = r.span?.start ?? 0;
    const local = locateSpan(r.span ? r.chunk.text.slice(r.span.start, r.span.end) : r.chunk.text, parsed.response);
    return {
      ok: true, raw, truncatedSource: f.truncated,
      sample: { id, instruction: parsed.instruction, response: parsed.response, generator: g.lm.id, attempt: r.attempt, calls: 1,
        provenance: { chunkId: r.chunk.id, span: { start: local.start + offset, end: local.end + offset } } },
    };
  });
}
