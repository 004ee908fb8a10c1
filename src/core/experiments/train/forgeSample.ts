// Built-in training data for the browser's training panel, drawn from the forge corpus (models/forge/corpus, the
// data the embedded models were trained on): SFT rows are prompt/completion pairs of the train split, categories
// interleaved (tasks, chat, edgy questions, harmful prompts with their refusal); DPO rows are the train split's
// harmful prompts with the refusal chosen over the compliance (the refusal-vs-compliance pairs of
// rewards/refusalPairs.ts, here from the train split). Deterministic: the first `size` of a fixed order, so the same
// size gives the same rows in the browser and in Node.

/** The fields of a forge corpus record this file reads (models/forge/corpus/types.ts Example). */
export interface ForgeRecord {
  split: string;
  category: string;
  responseKind: string;
  prompt: string;
  response: string;
}

export type SampleRow = { prompt: string; completion: string } | { prompt: string; chosen: string; rejected: string };

/** `size` rows in the method's format (fewer if the corpus has fewer). */
export function forgeSampleRows(records: readonly ForgeRecord[], method: 'sft' | 'dpo', size: number): SampleRow[] {
  const train = records.filter((r) => r.split === 'train');
  if (method === 'dpo') {
    const byPrompt = new Map<string, { refusal?: string; compliance?: string }>();
    for (const r of train) {
      if (r.category !== 'harmful') continue;
      const e = byPrompt.get(r.prompt) ?? {};
      if (r.responseKind === 'refusal') e.refusal ??= r.response;
      if (r.responseKind === 'compliance') e.compliance ??= r.response;
      byPrompt.set(r.prompt, e);
    }
    const out: SampleRow[] = [];
    for (const [prompt, e] of byPrompt) {
      if (out.length >= size) break;
      if (e.refusal !== undefined && e.compliance !== undefined) out.push({ prompt, chosen: e.refusal, rejected: e.compliance });
    }
    return out;
  }
  // round-robin over categories, so a small sample still shows every kind of reply; harmful prompts keep their refusal
  const queues = new Map<string, ForgeRecord[]>();
  for (const r of train) {
    if (r.category === 'harmful' && r.responseKind !== 'refusal') continue;
    const q = queues.get(r.category) ?? [];
    q.push(r);
    queues.set(r.category, q);
  }
  const out: SampleRow[] = [];
  const lists = [...queues.values()];
  for (let i = 0; out.length < size && lists.some((l) => i < l.length); i++) {
    for (const l of lists) if (i < l.length && out.length < size) out.push({ prompt: l[i].prompt, completion: l[i].response });
  }
  return out;
}

/** Rows as JSONL (one object per line), the form the Node CLI reads. */
export const rowsToJsonl = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
