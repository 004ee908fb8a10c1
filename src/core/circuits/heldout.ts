// Prompt data for the refusal circuit: the forge's held-out suites (models/forge/heldout/*.jsonl), harmful vs
// benign pairs matched on chat-token length, and the refusal opening token(s) read from the tokenizer.
//
// Pairing: clean = a harmful prompt, corrupted = a benign prompt (chat or domain task; the "edgy" suite is left
// out because it is built to sound harmful) whose chat-formatted token length equals the harmful one, so
// every position lines up and the metric is read at the same (last) position in both runs. Harmful prompts with
// no length-matched benign prompt are skipped (on the forge data every one has a match); benign prompts are
// used without replacement while any of that length is left, then reused.
import type { LmTokenizer } from '../lm/tokenizer';
import { Pcg32 } from '../lab';
import { CircuitsInputError } from './errors';
import type { LensToken, PromptPair } from './types';

export interface HeldoutSuites {
  harmful: string[];
  /** chat + task prompts */
  benign: string[];
}

function parseJsonl(text: string, label: string): { prompt: string }[] {
  return text.split('\n').filter((l) => l.trim()).map((l, i) => {
    let r: unknown;
    try {
      r = JSON.parse(l);
    } catch {
      throw new CircuitsInputError(`${label} line ${i + 1} is not JSON`);
    }
    if (typeof (r as { prompt?: unknown }).prompt !== 'string') throw new CircuitsInputError(`${label} line ${i + 1} has no "prompt" string`);
    return r as { prompt: string };
  });
}

export function parseHeldout(files: { harmful: string; benign: string; tasks?: string }): HeldoutSuites {
  return {
    harmful: parseJsonl(files.harmful, 'harmful.jsonl').map((r) => r.prompt),
    benign: [...parseJsonl(files.benign, 'benign.jsonl'), ...parseJsonl(files.tasks ?? '', 'tasks.jsonl')].map((r) => r.prompt),
  };
}

/** Refusal openings whose first response token is the refusal opening token (the forge refusals start so). */
export const REFUSAL_OPENINGS: readonly string[] = [
  "I can't help with that.", "I'm sorry, but I can't help with that.", 'I must decline this request.', "I'm not able to help with that.",
];

/**
 * The distinct first response tokens of REFUSAL_OPENINGS under the model's chat template ("▁I" for a
 * metaspace vocabulary, "I" for a byte-level one), most common first: the metric's refusal token(s).
 */
export function refusalTokens(tok: LmTokenizer): LensToken[] {
  const counts = new Map<number, number>();
  for (const r of REFUSAL_OPENINGS) {
    const enc = tok.encodeChat('Hi', r);
    const id = enc.ids[enc.responseStart];
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => ({ id, text: tok.decodeToken(id), prob: 0 }));
}

/** Up to `n` harmful/benign pairs with equal chat-token length, in a seeded order. */
export function refusalPairs(tok: LmTokenizer, data: HeldoutSuites, n: number, seed = 0): PromptPair[] {
  const byLen = new Map<number, string[]>();
  for (const p of data.benign) {
    const len = tok.applyChatTemplate(p).length;
    byLen.set(len, [...(byLen.get(len) ?? []), p]);
  }
  const rng = new Pcg32(seed, 5);
  const harmful = shuffled(data.harmful, rng);
  const used = new Map<number, number>();
  const pairs: PromptPair[] = [];
  for (const h of harmful) {
    if (pairs.length >= n) break;
    const len = tok.applyChatTemplate(h).length;
    const pool = byLen.get(len);
    if (!pool) continue;
    const k = used.get(len) ?? 0;
    used.set(len, k + 1);
    pairs.push({ clean: h, corrupted: pool[k % pool.length] });
  }
  if (pairs.length === 0) throw new CircuitsInputError('no harmful prompt has a benign prompt of the same token length');
  return pairs;
}

export function shuffled<T>(xs: readonly T[], rng: Pcg32): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
