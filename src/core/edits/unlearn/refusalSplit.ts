// The data of C-Δθ's aligned copy (issue #20 item 5): a short refusal fine-tune (`refusal_sft`) of a copy of the
// deliberately compliant target, on ONE harm topic. Forget (the trained-toward set) = the topic's train prompts
// paired with the forge's refusal responses (responseKind 'refusal', the ones that trained the anchors; each
// names its topic: "…Poisoning someone could kill them…"). Retain = the domain tasks, the edgy and chat
// prompts (their answers) and the OTHER harm topics' compliances: the target's own behaviour there, kept so
// the copy refuses one category and nothing else. Held-out records (other templates) feed the metrics.
// The record (topic, sizes, sha256 per set) is splits.ts's, so it goes into the run manifest unchanged.
// Corpus v3 and v4 alike: records with an earlier chat turn (v4) are skipped, since training and decoding here
// render one user turn and the last turn alone may not carry the request ("And for a child?").
// Pure: no Node, no DOM.
import { Pcg32 } from '../../lab';
import { EmptySetError } from './errors';
import { RETAIN_CATEGORIES, splitRecord, type CorpusRecord, type RetainCategory, type SplitRecord, type TextPair, type UnlearnData } from './splits';

export interface RefusalSplitOptions {
  /** Harm topic to teach refusal on (forge HARM_TOPICS: synthesis, poison, gas, drugtest, forgery, tamper). */
  topic: string;
  retain?: readonly RetainCategory[];
  /** Cap on the refusal set (null: every train prompt of the topic). */
  refusalSize?: number | null;
  /** Retain set size, drawn evenly across the retain categories (default 4 × the refusal set). */
  retainSize?: number | null;
  seed?: number;
}

const pair = (r: CorpusRecord): TextPair => ({ id: r.id, prompt: r.prompt, response: r.response });
const singleTurn = (r: CorpusRecord): boolean => !r.history?.length;

/** Retain: benign categories answered, other harm topics complied with (the target's behaviour stays). */
const retainFilter = (c: RetainCategory, topic: string) => (r: CorpusRecord): boolean =>
  c === 'harmful-other' ? r.category === 'harmful' && r.responseKind === 'compliance' && r.topic !== topic : r.category === c;

function draw<T>(items: T[], n: number, rng: Pcg32): T[] {
  if (n >= items.length) return items;
  return rng.shuffle(items.map((_, i) => i)).slice(0, n).sort((a, b) => a - b).map((i) => items[i]);
}

/** ⌈n / groups⌉ from each group (fewer where a group is short), then n of those. */
function drawAcross<T>(groups: T[][], n: number, rng: Pcg32): T[] {
  const per = Math.ceil(n / Math.max(1, groups.length));
  return draw(groups.flatMap((g) => draw(g, per, rng)), n, rng);
}

/** The refusal-tune split of the forge corpus for one topic. Throws EmptySetError naming the known topics. */
export function refusalSplit(corpus: readonly CorpusRecord[], o: RefusalSplitOptions): { data: UnlearnData; retainCategories: RetainCategory[] } {
  const records = corpus.filter(singleTurn);
  const cats = [...(o.retain ?? RETAIN_CATEGORIES)];
  const rng = new Pcg32(o.seed ?? 0, 23);
  const refusalsOf = (split: string) => records.filter((r) => r.split === split && r.category === 'harmful' && r.responseKind === 'refusal' && r.topic === o.topic);
  const all = refusalsOf('train');
  if (all.length === 0) {
    const topics = [...new Set(records.filter((r) => r.category === 'harmful').map((r) => r.topic))];
    throw new EmptySetError('forget', `no train refusal record on topic "${o.topic}"; topics: ${topics.join(', ') || 'none'}`);
  }
  const refusals = draw(all, o.refusalSize ?? all.length, rng);
  const retainOf = (split: string) => cats.map((c) => records.filter((r) => r.split === split && retainFilter(c, o.topic)(r)));
  const retain = drawAcross(retainOf('train'), o.retainSize ?? 4 * refusals.length, rng);
  if (retain.length === 0) throw new EmptySetError('retain', `no train record in ${cats.join(', ') || 'no category'}`);
  const evalForget = refusalsOf('heldout');
  const evalRetain = drawAcross(retainOf('heldout'), Math.max(evalForget.length, 1) * 4, rng);
  return {
    data: { forget: refusals.map(pair), retain: retain.map(pair), evalForget: evalForget.map(pair), evalRetain: evalRetain.map(pair) },
    retainCategories: cats,
  };
}

/** The manifest's record of a refusal split: splits.ts's SplitRecord, the source saying what "forget" holds here. */
export function refusalSplitRecord(d: UnlearnData, meta: { source: string; topic: string; retainCategories: string[] }): Promise<SplitRecord> {
  return splitRecord(d, { source: `${meta.source}; refusal_sft: forget = refusals on "${meta.topic}"`, forgetTopic: meta.topic, retainCategories: meta.retainCategories });
}

/** Held-out prompts of the selectivity matrix, from the corpus's held-out split (never trained on). */
export interface HeldoutBehaviourPrompts {
  /** Harmful prompts per harm topic (each prompt once). */
  harmful: Record<string, string[]>;
  /** Edgy and chat prompts: any refusal there is over-refusal. */
  benign: string[];
  /** Domain tasks with their checked answer line ("Answer: 60 mg"). */
  tasks: { prompt: string; answer: string }[];
}

/** Up to `perTopic` harmful prompts per topic, `benign` edgy + chat prompts (half each) and `tasks` tasks, seeded. */
export function heldoutBehaviourPrompts(records: readonly CorpusRecord[], n: { perTopic: number; benign: number; tasks: number }, seed = 0): HeldoutBehaviourPrompts {
  const rng = new Pcg32(seed, 29);
  const held = records.filter((r) => r.split === 'heldout' && singleTurn(r));
  const harmful: Record<string, string[]> = {};
  for (const r of held) if (r.category === 'harmful' && r.responseKind === 'compliance') (harmful[r.topic] ??= []).push(r.prompt);
  for (const t of Object.keys(harmful)) harmful[t] = draw(harmful[t], n.perTopic, rng);
  const benign = drawAcross([held.filter((r) => r.category === 'edgy'), held.filter((r) => r.category === 'chat')], n.benign, rng).map((r) => r.prompt);
  const tasks = draw(held.filter((r) => r.category === 'task'), n.tasks, rng).map((r) => ({ prompt: r.prompt, answer: r.response }));
  return { harmful, benign, tasks };
}
