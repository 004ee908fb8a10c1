// The prompt formats of the curation module's two model roles (issue #22), one source for the forge that trains
// them and the pipeline that runs them:
//   generator  source chunk → one instruction/answer pair grounded in it ("Question: …\nAnswer: …");
//   grounding  claim + evidence → supported / unsupported / abstain (MiniCheck-style: does the evidence carry the
//              claim?). `abstain` = the evidence says nothing either way (unrelated or empty), so "no source" mode
//              mostly abstains by design.
// Parsers never throw: a reply that does not fit the format is a counted parse failure with the raw text kept.
import type { Span } from './types';

export const GENERATOR_INSTRUCTION = 'Write one question a reader could ask about the source, and its answer from the source.';

/** Generator prompt; `hint` is the targeted-regeneration line recovery adds ("Use only numbers written in the source."). */
export function generatorPrompt(chunkText: string, hint?: string): string {
  return `### Source:\n${chunkText.trim()}\n### Task: ${GENERATOR_INSTRUCTION}${hint ? ` ${hint.trim()}` : ''}\n### Output:\n`;
}

export type GeneratorParse =
  | { ok: true; instruction: string; response: string }
  | { ok: false; reason: 'empty' | 'no-question' | 'no-answer'; raw: string };

/** Reads "Question: …\nAnswer: …" (extra text after the answer's line is cut at the first blank line or "###"). */
export function parseGeneratorOutput(raw: string): GeneratorParse {
  const text = raw.replace(/\r\n/g, '\n').trim();
  if (!text) return { ok: false, reason: 'empty', raw };
  const q = /(?:^|\n)\s*Question:[ \t]*([^\n]*)/.exec(text);
  if (!q || !q[1].trim()) return { ok: false, reason: 'no-question', raw };
  const rest = text.slice(q.index + q[0].length);
  const a = /^\s*\n\s*Answer:[ \t]*([\s\S]*?)\s*(?=\n\s*\n|\n###|$)/.exec(rest);
  if (!a || !a[1].trim()) return { ok: false, reason: 'no-answer', raw };
  return { ok: true, instruction: q[1].trim(), response: a[1].trim() };
}

/** The target the forge trains the generator on. */
export function generatorTarget(instruction: string, response: string): string {
  return `Question: ${instruction.trim()}\nAnswer: ${response.trim()}\n`;
}

export const GROUNDING_LABELS = ['supported', 'unsupported', 'abstain'] as const;
export type GroundingLabel = (typeof GROUNDING_LABELS)[number];

/** Grounding prompt; `evidence` empty = the "no source" mode. The model answers with one label word. */
export function groundingPrompt(claim: string, evidence: string): string {
  return `### Evidence:\n${evidence.trim() || '(none)'}\n### Claim:\n${claim.trim()}\n### Verdict:`;
}

/** One label word (first word of the reply, case-insensitive); anything else is a counted parse failure. */
export function parseGroundingOutput(raw: string): { ok: true; label: GroundingLabel } | { ok: false; raw: string } {
  const word = raw.trim().split(/\s+/)[0]?.toLowerCase().replace(/[^a-z]/g, '') ?? '';
  return (GROUNDING_LABELS as readonly string[]).includes(word) ? { ok: true, label: word as GroundingLabel } : { ok: false, raw };
}

/** The claim a sample makes, as the grounding model reads it: its answer in the context of its question. */
export function sampleClaim(instruction: string, response: string): string {
  return `${instruction.trim()} ${response.trim()}`;
}

/** Whole-chunk span helper for samples whose generator does not point inside the chunk. */
export const wholeSpan = (text: string): Span => ({ start: 0, end: text.length });
