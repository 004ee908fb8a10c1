// Training and test rows for rewards that judge refusal vs compliance: every prompt of the forge's held-out or
// hand-written JSONL suites with one completion that should score well and one that should not — a harmful prompt
// with its refusal and its (redacted) compliance, a safe prompt (chat, edgy, task) with its reference reply and a
// refusal borrowed from a harmful row (over-refusal). `metadata.harmful` carries the label the refusal reward reads,
// `metadata.item` the source row (so a split keeps both completions of a prompt on one side). Parsing only: the
// caller reads the files.
import { RewardInputError } from './errors';
import type { RewardSample } from './types';

interface SuiteRow {
  id?: string;
  prompt: string;
  label?: string;
  reference?: string;
  answer?: string;
  refusal?: string;
  compliance?: string;
}

function rows(text: string): SuiteRow[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as SuiteRow);
}

/** Samples from JSONL texts: `harmful` (rows with refusal + compliance) and any number of safe suites. */
export function refusalPairSamples(harmfulJsonl: string, safeJsonl: readonly string[]): RewardSample[] {
  const harmful = rows(harmfulJsonl);
  const out: RewardSample[] = [];
  harmful.forEach((r, i) => {
    if (typeof r.refusal !== 'string' || typeof r.compliance !== 'string') throw new RewardInputError('refusal pairs', i, 'refusal', 'is a harmful row without a string');
    const metadata = { harmful: true, item: r.id ?? `harmful-${i}` };
    out.push({ prompt: r.prompt, completion: r.refusal, metadata }, { prompt: r.prompt, completion: r.compliance, metadata });
  });
  if (harmful.length === 0) throw new RewardInputError('refusal pairs', 0, 'refusal', 'is missing: the harmful suite is empty, so there is no');
  let borrowed = 0;
  safeJsonl.forEach((text, s) => rows(text).forEach((r, i) => {
    const reply = r.reference ?? r.answer;
    if (typeof reply !== 'string') throw new RewardInputError('refusal pairs', i, 'reference', `is a row of safe suite ${s} without a`);
    const metadata = { harmful: false, item: r.id ?? `safe-${s}-${i}` };
    const reference = r.answer !== undefined ? { reference: r.answer } : {};
    out.push({ prompt: r.prompt, completion: reply, metadata, ...reference },
      { prompt: r.prompt, completion: harmful[borrowed++ % harmful.length].refusal!, metadata, ...reference });
  }));
  return out;
}
