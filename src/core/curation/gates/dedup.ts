// The diversity/dedup gate (issue #22): the first of a set of duplicates is kept, later ones are rejected with
// the id they duplicate. Samples the run accepted before the batch (GateContext.accepted: the pipeline passes them
// when it gates a recovery round) count as earlier ones. Exact duplicates are caught after normalising (case, punctuation, spacing); near
// duplicates by Jaccard similarity of word 3-shingles of question + answer, above a threshold. Pairwise over
// the kept samples (O(n·kept)): fine for the thousands of samples a browser run makes.
import { wordTokens } from '../claims';
import { CurationError } from '../errors';
import type { CuratedSample, Gate, GateVerdict } from '../types';

export interface DedupGateOptions {
  /** Jaccard of word shingles at or above which two samples are near duplicates (default 0.8). */
  threshold?: number;
  /** Words per shingle (default 3). */
  shingle?: number;
  name?: string;
}

export const normaliseForDedup = (text: string): string => wordTokens(text).join(' ');

export function shingles(text: string, size = 3): Set<string> {
  const words = wordTokens(text);
  if (words.length <= size) return new Set([words.join(' ')]);
  const out = new Set<string>();
  for (let i = 0; i + size <= words.length; i++) out.add(words.slice(i, i + size).join(' '));
  return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  const union = a.size + b.size - shared;
  return union ? shared / union : 1;
}

export function dedupGate(options: DedupGateOptions = {}): Gate {
  const threshold = options.threshold ?? 0.8;
  const size = options.shingle ?? 3;
  if (!(threshold > 0 && threshold <= 1)) throw new CurationError('bad-option', `dedup threshold must be in (0, 1] (got ${threshold})`);
  if (!(Number.isInteger(size) && size >= 1)) throw new CurationError('bad-option', `dedup shingle size must be a positive integer (got ${size})`);
  const name = options.name ?? 'dedup';
  return {
    name,
    check(samples, _chunks, context) {
      const exact = new Map<string, string>();
      const kept: { id: string; shingles: Set<string> }[] = [];
      const textOf = (s: CuratedSample) => `${s.instruction}\n${s.response}`;
      // samples the run accepted before this batch come first: a recovered sample must not repeat one of them
      const earlier = new Set<string>();
      for (const a of context?.accepted ?? []) {
        earlier.add(a.id);
        if (!exact.has(normaliseForDedup(textOf(a)))) exact.set(normaliseForDedup(textOf(a)), a.id);
        kept.push({ id: a.id, shingles: shingles(textOf(a), size) });
      }
      const which = (id: string) => (earlier.has(id) ? `${id}, accepted earlier in the run` : id);
      return samples.map((s): GateVerdict => {
        const text = textOf(s);
        const key = normaliseForDedup(text);
        const twin = exact.get(key);
        if (twin !== undefined) return { gate: name, sampleId: s.id, outcome: 'reject', reason: `exact duplicate of ${which(twin)} (after normalising case and punctuation)`, calls: 0 };
        const own = shingles(text, size);
        let best: { id: string; j: number } | null = null;
        for (const k of kept) {
          const j = jaccard(own, k.shingles);
          if (j >= threshold && (!best || j > best.j)) best = { id: k.id, j };
        }
        if (best) return { gate: name, sampleId: s.id, outcome: 'reject', reason: `near duplicate of ${which(best.id)} (shingle Jaccard ${best.j.toFixed(2)} ≥ ${threshold})`, calls: 0 };
        exact.set(key, s.id);
        kept.push({ id: s.id, shingles: own });
        return { gate: name, sampleId: s.id, outcome: 'pass', reason: 'no duplicate among earlier samples', calls: 0 };
      });
    },
  };
}
