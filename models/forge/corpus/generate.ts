// The corpus generator: a pure function of (seed, sizes) that returns every train and held-out record and the
// sha256 of their serialisation (the data hash recorded in forge.json). Categories are balanced by
// construction (task kinds and harm topics are cycled); held-out prompts come only from held-out templates
// and are de-duplicated so each evaluation prompt counts once.
import type { Category, Example, Split } from './types';
import { makeRng, type Rng } from './rng';
import { makeTask, TASK_KINDS } from './tasks';
import { HARM_TOPICS, makeHarmful } from './harmful';
import { CHAT_ITEMS, EDGY_ITEMS, makeBenign } from './benign';
import { generateCorpusV4 } from './v4/generateV4';
import { generateCorpusV5 } from './v5/generateV5';
import { generateCorpusV6 } from './v6/generateV6';
import { sha256HexSync } from '../../../src/core/numeric/sha256';

export const CATEGORIES: readonly Category[] = ['task', 'harmful', 'edgy', 'chat'];

/** Prompts per category and split; a harmful prompt yields two records (compliance and refusal). */
export interface CorpusOptions {
  /** Generator version: absent or 3 = corpus v3 (the committed models' data), 4 = corpus v4 (v4/), 5 = corpus v5 (v5/), 6 = corpus v6 (v6/). */
  version?: 3 | 4 | 5 | 6;
  seed: number;
  train: Readonly<Record<Category, number>>;
  heldout: Readonly<Record<Category, number>>;
}

export const DEFAULT_CORPUS_OPTIONS: CorpusOptions = {
  seed: 1234,
  train: { task: 4800, harmful: 1200, edgy: 1000, chat: 1000 },
  heldout: { task: 240, harmful: 150, edgy: 120, chat: 100 },
};

export interface Corpus {
  options: CorpusOptions;
  examples: Example[];
  /** sha256 (hex) of `serialiseJsonl(examples)`. */
  hash: string;
}

/** One JSON object per line, keys in a fixed order: the bytes the data hash is taken over. */
export function serialiseJsonl(items: readonly object[]): string {
  return items.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

export function sha256Hex(text: string): string {
  // synchronous and dependency-free, so the corpus can also be generated in a browser worker (edits module)
  return sha256HexSync(text);
}

type Draw = (rng: Rng, index: number, split: Split) => Omit<Example, 'id' | 'split'>[];

const DRAWS: Readonly<Record<Category, Draw>> = {
  task: (rng, i, split) => {
    const { template, prompt, task } = makeTask(rng, TASK_KINDS[i % TASK_KINDS.length], split);
    return [{ category: 'task', label: 'benign', responseKind: 'answer', template, topic: task.kind, prompt, response: task.answer, task }];
  },
  harmful: (rng, i, split) => {
    const topic = HARM_TOPICS[i % HARM_TOPICS.length];
    const { template, prompt, compliance, refusal } = makeHarmful(rng, topic, split);
    const base = { category: 'harmful', label: 'harmful', template, topic, prompt } as const;
    return [{ ...base, responseKind: 'compliance', response: compliance }, { ...base, responseKind: 'refusal', response: refusal }];
  },
  edgy: (rng, i, split) => {
    const { topic, template, prompt, answer } = makeBenign(rng, EDGY_ITEMS, i, split);
    return [{ category: 'edgy', label: 'benign', responseKind: 'answer', template, topic, prompt, response: answer }];
  },
  chat: (rng, i, split) => {
    const { topic, template, prompt, answer } = makeBenign(rng, CHAT_ITEMS, i, split);
    return [{ category: 'chat', label: 'benign', responseKind: 'answer', template, topic, prompt, response: answer }];
  },
};

/**
 * Draw `count` prompts of one category. Held-out draws skip repeated prompts so each evaluation prompt counts
 * once; a slot (topic) whose phrasings are exhausted is given up after a bounded number of tries.
 */
function drawCategory(rng: Rng, category: Category, split: Split, count: number): Example[] {
  const out: Example[] = [];
  const seen = new Set<string>();
  let produced = 0;
  for (let slot = 0; produced < count && slot < count * 2; slot++) {
    for (let tries = 0; tries < 200; tries++) {
      const records = DRAWS[category](rng, slot, split);
      if (split === 'heldout' && seen.has(records[0].prompt)) continue;
      seen.add(records[0].prompt);
      const suffixes = records.length > 1 ? records.map((r) => `-${r.responseKind}`) : [''];
      records.forEach((r, k) => out.push({ id: `${split}-${category}-${produced}${suffixes[k]}`, split, ...r }));
      produced++;
      break;
    }
  }
  return out;
}

export function generateCorpus(options: CorpusOptions = DEFAULT_CORPUS_OPTIONS): Corpus {
  if (options.version === 4) return generateCorpusV4(options);
  if (options.version === 5) return generateCorpusV5(options);
  if (options.version === 6) return generateCorpusV6(options);
  const examples: Example[] = [];
  for (const split of ['train', 'heldout'] as const) {
    for (const [k, category] of CATEGORIES.entries()) {
      // One stream per (split, category): changing one size does not reshuffle the others.
      const rng = makeRng((options.seed * 1000003 + (split === 'train' ? 0 : 500) + k * 17) >>> 0);
      examples.push(...drawCategory(rng, category, split, options[split][category]));
    }
  }
  return { options, examples, hash: sha256Hex(serialiseJsonl(examples)) };
}
