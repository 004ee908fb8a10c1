// The format gate (issue #22, failure mode `format`): an instruction/answer pair must be readable as one —
// a non-empty question ending in "?", a non-empty answer that does not stop mid-word, carries no JSON or
// markup junk and no leftover prompt markers. Rule-based, no model calls.
import { wordTokens } from '../claims';
import type { Gate, GateVerdict } from '../types';

export interface FormatGateOptions {
  /** Instructions must end with "?" (default true: the generator writes questions). */
  requireQuestionMark?: boolean;
  /** Longest answer in characters (default 1200). */
  maxResponseChars?: number;
  name?: string;
}

// An answer may end on punctuation, a digit, a closing bracket or quote, or a unit/whole word of its source.
const CLEAN_END = /[.!?)"'%\d°]$|\b(?:mg|mcg|g|kg|ml|l|mL|L|°C|units|[Yy]es|[Nn]o)$/;

/** Why a pair is malformed, or null when it is well formed. `sourceWords` = lowercase words of the cited chunk. */
export function formatProblem(instruction: string, response: string, sourceWords: ReadonlySet<string>, options: FormatGateOptions = {}): string | null {
  const q = instruction.trim();
  const a = response.trim();
  if (!q) return 'the question is empty';
  if (!a) return 'the answer is empty';
  if ((options.requireQuestionMark ?? true) && !q.endsWith('?')) return `the question does not end with "?" ("${q.slice(-30)}")`;
  if (/(^|\n)\s*(###|Question:|Answer:)/.test(a) || /###/.test(q)) return 'prompt markers (###, Question:, Answer:) leaked into the pair';
  if (/^[[{]/.test(a) || /"\s*:\s*["{[\d]|[{}[\]]{2,}/.test(a)) return `the answer looks like JSON or markup junk ("${a.slice(0, 30)}")`;
  const symbols = a.replace(/[\p{L}\p{N}\s.,;:!?'"()%°/-]/gu, '').length;
  if (symbols / a.length > 0.2) return `the answer is ${Math.round((100 * symbols) / a.length)}% symbols`;
  if (a.length > (options.maxResponseChars ?? 1200)) return `the answer is ${a.length} characters long (limit ${options.maxResponseChars ?? 1200})`;
  if (!CLEAN_END.test(a)) {
    const last = wordTokens(a).at(-1) ?? '';
    if (!sourceWords.has(last)) return `the answer stops mid-word or mid-sentence ("…${a.slice(-20)}")`;
  }
  return null;
}

export function formatGate(options: FormatGateOptions = {}): Gate {
  const name = options.name ?? 'format';
  return {
    name,
    check(samples, chunks) {
      return samples.map((s): GateVerdict => {
        const chunk = chunks.get(s.provenance.chunkId);
        const problem = formatProblem(s.instruction, s.response, new Set(chunk ? wordTokens(chunk.text) : []), options);
        return problem
          ? { gate: name, sampleId: s.id, outcome: 'reject', mode: 'format', reason: problem, calls: 0 }
          : { gate: name, sampleId: s.id, outcome: 'pass', reason: 'well-formed question and answer', calls: 0 };
      });
    },
  };
}
