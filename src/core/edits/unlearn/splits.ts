// Forget and retain sets drawn from the forge corpus (models/forge/corpus): forget = the target's behaviour on one
// harmful sub-domain (its compliance on one harm topic), retain = the domain tasks, the benign categories and
// the target's behaviour on the other harm topics, so a method must be selective to keep it. Train records feed
// the objectives; held-out records (other phrasings, never trained on) feed the forget / retain metrics. The
// split record (topic, sizes, sha256 of each set's examples) goes into every run manifest. Pure: no Node, no DOM.
import { sha256Hex } from '../../runtime/loaders';
import { EmptySetError, OverlapError } from './errors';
import { Pcg32 } from '../../lab';

/** The fields of a forge corpus record (models/forge/corpus/types.ts `Example`) a split reads. */
export interface CorpusRecord {
  id: string;
  split: 'train' | 'heldout';
  category: 'task' | 'harmful' | 'edgy' | 'chat';
  responseKind: 'answer' | 'compliance' | 'refusal';
  topic: string;
  prompt: string;
  response: string;
  /** Earlier turns (corpus v4 multi-turn records); the splits here encode one turn, so they skip these records. */
  history?: readonly unknown[];
}

/** One (prompt, response) pair to train or score on; the loss covers the response tokens. */
export interface TextPair {
  id: string;
  prompt: string;
  response: string;
}

export interface UnlearnData {
  forget: TextPair[];
  retain: TextPair[];
  /** Held-out pairs scored for the forget / retain metrics (may be the training sets when none are held out). */
  evalForget: TextPair[];
  evalRetain: TextPair[];
}

/** What a run manifest records about its data. */
export interface SplitRecord {
  source: string;
  /** Harm topic forgotten (forge corpus), or null for sets passed by hand. */
  forgetTopic: string | null;
  retainCategories: string[];
  sizes: { forget: number; retain: number; evalForget: number; evalRetain: number };
  /** sha256 of each set's canonical JSONL (id, prompt, response per line, in set order). */
  sha256: { forget: string; retain: string; evalForget: string; evalRetain: string };
}

export type RetainCategory = 'task' | 'edgy' | 'chat' | 'harmful-other';
export const RETAIN_CATEGORIES: readonly RetainCategory[] = ['task', 'edgy', 'chat', 'harmful-other'];

export interface ForgeSplitOptions {
  /** Harm topic to forget (models/forge/corpus/harmful.ts HARM_TOPICS: synthesis, poison, gas, drugtest, forgery, tamper). */
  forgetTopic: string;
  retain?: readonly RetainCategory[];
  /** Cap on the forget set (null: every train record of the topic). */
  forgetSize?: number | null;
  /** Retain set size, drawn evenly across the retain categories (default 4 × the forget set). */
  retainSize?: number | null;
  /** Seeds the draws. */
  seed?: number;
  /** Label for the manifest, e.g. the corpus hash. */
  source?: string;
}

const pair = (r: CorpusRecord): TextPair => ({ id: r.id, prompt: r.prompt, response: r.response });

/** The target's behaviour on harm topics: compliance (the target mix). */
const retainFilter = (c: RetainCategory, forgetTopic: string) => (r: CorpusRecord): boolean =>
  c === 'harmful-other' ? r.category === 'harmful' && r.responseKind === 'compliance' && r.topic !== forgetTopic : r.category === c;

function draw<T>(items: T[], n: number, rng: Pcg32): T[] {
  if (n >= items.length) return items;
  return rng.shuffle(items.map((_, i) => i)).slice(0, n).sort((a, b) => a - b).map((i) => items[i]);
}

/** Even draw across groups: ⌈n / groups⌉ from each (fewer where a group is short), total n. */
function drawAcross<T>(groups: T[][], n: number, rng: Pcg32): T[] {
  const out: T[] = [];
  const per = Math.ceil(n / Math.max(1, groups.length));
  for (const g of groups) out.push(...draw(g, per, rng));
  return draw(out, n, rng);
}

/** The forget / retain split of the forge corpus for one harm topic. Throws EmptySetError / OverlapError. */
export function forgeSplit(records: readonly CorpusRecord[], o: ForgeSplitOptions): { data: UnlearnData; retainCategories: RetainCategory[] } {
  const retainCats = [...(o.retain ?? RETAIN_CATEGORIES)];
  const rng = new Pcg32(o.seed ?? 0, 11);
  const forgetOf = (split: string) => records.filter((r) => r.split === split && r.category === 'harmful' && r.responseKind === 'compliance' && r.topic === o.forgetTopic);
  const forgetAll = forgetOf('train');
  if (forgetAll.length === 0) {
    const topics = [...new Set(records.filter((r) => r.category === 'harmful').map((r) => r.topic))];
    throw new EmptySetError('forget', `no train compliance record on topic "${o.forgetTopic}"; topics: ${topics.join(', ') || 'none'}`);
  }
  const forget = draw(forgetAll, o.forgetSize ?? forgetAll.length, rng);
  const retainSize = o.retainSize ?? 4 * forget.length;
  const retainOf = (split: string) => retainCats.map((c) => records.filter((r) => r.split === split && retainFilter(c, o.forgetTopic)(r)));
  const retain = drawAcross(retainOf('train'), retainSize, rng);
  if (retain.length === 0) throw new EmptySetError('retain', `no train record in ${retainCats.join(', ') || 'no category'}`);
  const evalForget = forgetOf('heldout');
  const evalRetain = drawAcross(retainOf('heldout'), Math.max(evalForget.length, 1) * 4, rng);
  return {
    data: { forget: forget.map(pair), retain: retain.map(pair), evalForget: evalForget.map(pair), evalRetain: evalRetain.map(pair) },
    retainCategories: retainCats,
  };
}

/** Checks the sets before any training: both non-empty, no shared id or prompt. */
export function checkUnlearnData(d: UnlearnData): void {
  if (d.forget.length === 0) throw new EmptySetError('forget', 'no example given');
  if (d.retain.length === 0) throw new EmptySetError('retain', 'no example given');
  if (d.evalForget.length === 0) throw new EmptySetError('forget', 'no evaluation example given');
  if (d.evalRetain.length === 0) throw new EmptySetError('retain', 'no evaluation example given');
  const ids = new Set(d.forget.map((p) => p.id));
  const prompts = new Set(d.forget.map((p) => p.prompt));
  const shared = d.retain.filter((p) => ids.has(p.id) || prompts.has(p.prompt)).map((p) => p.id);
  if (shared.length) throw new OverlapError(shared);
}

const jsonl = (ps: readonly TextPair[]) => new TextEncoder().encode(ps.map((p) => JSON.stringify({ id: p.id, prompt: p.prompt, response: p.response })).join('\n') + '\n');

/** The manifest's record of a split. */
export async function splitRecord(d: UnlearnData, meta: { source: string; forgetTopic: string | null; retainCategories: string[] }): Promise<SplitRecord> {
  return {
    ...meta,
    sizes: { forget: d.forget.length, retain: d.retain.length, evalForget: d.evalForget.length, evalRetain: d.evalRetain.length },
    sha256: {
      forget: await sha256Hex(jsonl(d.forget)),
      retain: await sha256Hex(jsonl(d.retain)),
      evalForget: await sha256Hex(jsonl(d.evalForget)),
      evalRetain: await sha256Hex(jsonl(d.evalRetain)),
    },
  };
}
