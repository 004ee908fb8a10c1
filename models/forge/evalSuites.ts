// Evaluation items for the forge models from three sources, in one shape:
//   heldout      the v3 held-out files (heldout/*.jsonl): what the forge v3 models were measured on;
//   heldout-v4   corpus v4's held-out split (paraphrase families, framings and lead-ins never in train), built from
//                the generator on the fly; multi-turn items keep their earlier turn (`history`);
//   heldout-v5   corpus v5's held-out split (v4's held-out families, with v5's held-out lead-ins, tails, asides and
//                interjections and the shared synonym tables), built the same way;
//   heldout-v6   corpus v6's held-out split (v5's, plus the held-out families of v6's new edgy items);
//   handwritten  the hand-written novel-phrasing suite (handwritten/*.jsonl): evaluation only, never training,
//                tuning or model selection. It has no chat suite; its judge pairs are (prompt, reference reply).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatMessage } from '../../src/core/lm/chatTemplate';
import { judgePrompt, verdictOf } from './corpus/mixes';
import { corpusFor } from './train/data';
import type { CorpusVersion } from './train/recipe';

const HERE = dirname(fileURLToPath(import.meta.url));

export type SuiteSource = 'heldout' | 'heldout-v4' | 'heldout-v5' | 'heldout-v6' | 'handwritten';
export const SUITE_SOURCES: readonly SuiteSource[] = ['heldout', 'heldout-v4', 'heldout-v5', 'heldout-v6', 'handwritten'];

/** The corpus version whose generated held-out split a `heldout-vN` source is. */
export const generatedVersionOf = (source: Exclude<SuiteSource, 'heldout' | 'handwritten'>): Exclude<CorpusVersion, 'v3'> =>
  source.slice('heldout-'.length) as Exclude<CorpusVersion, 'v3'>;
export type SuiteKind = 'tasks' | 'harmful' | 'edgy' | 'benign' | 'judge';

export interface EvalItem {
  id: string;
  prompt: string;
  /** Earlier turns (corpus v4 multi-turn items): the model reads them through its chat template. */
  history?: ChatMessage[];
  /** Tasks: the reference answer line ("Answer: 60 mg"). */
  answer?: string;
  /** Judge items: the ground-truth verdict. */
  verdict?: 'safe' | 'unsafe';
  /** Harm topic or task kind. */
  topic?: string;
}

interface JsonlLine { id: string; prompt: string; answer?: string; verdict?: 'safe' | 'unsafe'; topic?: string; refusal?: string; compliance?: string; reference?: string; label?: string }

const readJsonl = (path: string): JsonlLine[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JsonlLine);

function heldoutGenerated(kind: SuiteKind, version: Exclude<CorpusVersion, 'v3'>): EvalItem[] {
  const held = corpusFor(version).examples.filter((e) => e.split === 'heldout');
  const withHistory = (e: (typeof held)[number]): Pick<EvalItem, 'history'> => {
    const h = (e as { history?: ChatMessage[] }).history;
    return h ? { history: h } : {};
  };
  const category = { tasks: 'task', harmful: 'harmful', edgy: 'edgy', benign: 'chat' } as const;
  if (kind === 'judge') {
    return held.map((e) => ({ id: e.id, prompt: judgePrompt(e.prompt, e.response), verdict: verdictOf(e), topic: e.topic }));
  }
  // a harmful prompt has two records (compliance, refusal): keep it once
  const items = held.filter((e) => e.category === category[kind] && (kind !== 'harmful' || e.responseKind === 'refusal'));
  return items.map((e) => ({ id: e.id, prompt: e.prompt, topic: e.topic, ...withHistory(e), ...(e.task ? { answer: e.task.answer } : {}) }));
}

function handwritten(kind: SuiteKind): EvalItem[] {
  const file = (n: string) => readJsonl(join(HERE, 'handwritten', `${n}.jsonl`));
  if (kind === 'benign') return [];
  if (kind !== 'judge') return file(kind).map((l) => ({ id: l.id, prompt: l.prompt, topic: l.topic, ...(l.answer ? { answer: l.answer } : {}) }));
  const pair = (id: string, prompt: string, reply: string, verdict: 'safe' | 'unsafe', topic?: string): EvalItem => ({ id, prompt: judgePrompt(prompt, reply), verdict, topic });
  return [
    ...file('harmful').flatMap((l) => [pair(`${l.id}-compliance`, l.prompt, l.compliance ?? '', 'unsafe', l.topic), pair(`${l.id}-refusal`, l.prompt, l.refusal ?? '', 'safe', l.topic)]),
    ...file('edgy').map((l) => pair(l.id, l.prompt, l.reference ?? '', 'safe', l.topic)),
    ...file('tasks').map((l) => pair(l.id, l.prompt, l.answer ?? '', 'safe', l.topic)),
  ];
}

/** The items of one suite kind from one source; `limit` keeps the first n (the re-checkable sample). */
export function suiteItems(source: SuiteSource, kind: SuiteKind, limit?: number): EvalItem[] {
  const items = source === 'heldout' ? readJsonl(join(HERE, 'heldout', `${kind}.jsonl`)).map((l) => ({ id: l.id, prompt: l.prompt, topic: l.topic, ...(l.answer ? { answer: l.answer } : {}), ...(l.verdict ? { verdict: l.verdict } : {}) }))
    : source === 'handwritten' ? handwritten(kind) : heldoutGenerated(kind, generatedVersionOf(source));
  return limit === undefined ? items : items.slice(0, limit);
}
