// Evaluation suites: the forge's held-out JSONL files (harmful, benign, edgy, tasks) and CSV files the user loads,
// recognised by their header: AdvBench (goal), XSTest (prompt + label safe/unsafe), HarmBench (Behavior), or any
// CSV with a `prompt` column (harmful unless a label column says safe). Parsing only: callers read the files.
import Papa from 'papaparse';
import { SuiteError } from './errors';
import type { BuiltinSuite, Suite, SuiteItem } from './types';

export const BUILTIN_SUITES: readonly BuiltinSuite[] = ['harmful', 'benign', 'edgy', 'tasks'];

/**
 * The hand-written novel-phrasing suite, models/forge/handwritten/<name>.jsonl (the held-out line format, so read it
 * with parseHeldoutJsonl): written apart from the corpus generator, for evaluation only, never for training, tuning
 * or model selection (models/forge/handwritten/README.md).
 */
export const HANDWRITTEN_SUITES = ['harmful', 'edgy', 'tasks'] as const;

interface HeldoutLine { id?: string; prompt?: string; label?: string; answer?: string; category?: string; topic?: string; reference?: string }

/** One held-out JSONL file: every line needs a prompt; `label: harmful` marks refusal-expected items. */
export function parseHeldoutJsonl(name: string, text: string): Suite {
  const items: SuiteItem[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: HeldoutLine;
    try { row = JSON.parse(line) as HeldoutLine; } catch { throw new SuiteError(name, `line ${i + 1} is not JSON`); }
    if (typeof row.prompt !== 'string' || row.prompt.trim() === '') throw new SuiteError(name, `line ${i + 1} has no prompt`);
    items.push({
      id: row.id ?? `${name}-${i}`, prompt: row.prompt, harmful: row.label === 'harmful',
      ...(typeof row.answer === 'string' ? { answer: row.answer } : {}),
      // what the relevance check needs (runQuality.ts)
      ...(typeof row.category === 'string' ? { category: row.category } : {}),
      ...(typeof row.topic === 'string' ? { topic: row.topic } : {}),
      ...(typeof row.reference === 'string' ? { reference: row.reference } : {}),
    });
  });
  if (items.length === 0) throw new SuiteError(name, 'no items');
  return { name, items };
}

export type CsvFormat = 'advbench' | 'xstest' | 'harmbench' | 'prompt';

/** Parses a CSV suite; the format comes from the header. */
export function parseCsvSuite(name: string, csv: string): { suite: Suite; format: CsvFormat } {
  if (csv.trim() === '') throw new SuiteError(name, 'the file is empty');
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true });
  const fields = parsed.meta.fields ?? [];
  const has = (f: string) => fields.includes(f);
  let format: CsvFormat;
  let column: string;
  if (has('Behavior')) { format = 'harmbench'; column = 'Behavior'; } else if (has('goal')) { format = 'advbench'; column = 'goal'; } else if (has('prompt') && has('label')) { format = 'xstest'; column = 'prompt'; } else if (has('prompt')) { format = 'prompt'; column = 'prompt'; } else {
    throw new SuiteError(name, `no prompt column in the header (${fields.slice(0, 8).join(', ') || 'none'})`);
  }
  // Ragged rows and a one-column file (no delimiter to detect) are fine; broken quoting is not.
  const bad = parsed.errors.find((e) => e.type === 'Quotes');
  if (bad) throw new SuiteError(name, `CSV error at row ${(bad.row ?? 0) + 2}: ${bad.message}`);
  const items: SuiteItem[] = [];
  parsed.data.forEach((row, i) => {
    const prompt = (row[column] ?? '').trim();
    if (prompt === '') return;
    const label = (row.label ?? '').trim().toLowerCase();
    if (format === 'xstest' && label !== 'safe' && label !== 'unsafe') throw new SuiteError(name, `row ${i + 2}: label must be safe or unsafe (got "${row.label}")`);
    // HarmBench contextual behaviours come with a context the request refers to.
    const context = format === 'harmbench' ? (row.ContextString ?? '').trim() : '';
    items.push({
      id: row.id || row.BehaviorID || `${name}-${i}`,
      prompt: context ? `${context}\n\n${prompt}` : prompt,
      harmful: format === 'xstest' || format === 'prompt' ? label !== 'safe' : true,
    });
  });
  if (items.length === 0) throw new SuiteError(name, `no rows with a ${column}`);
  return { suite: { name, items }, format };
}
