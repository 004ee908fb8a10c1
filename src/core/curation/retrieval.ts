// BM25 over chunks (issue #22): the "whole corpus by retrieval" grounding mode finds the top-k chunks for a
// sample's claim. Pure and deterministic (ties keep corpus order), so a run's evidence can be recomputed.
// Terms are the claim module's content words and numbers, stemmed by prefix, so retrieval and the lexical gate
// read text the same way.
import { stem, wordTokens } from './claims';
import type { Chunk } from './types';

export interface Bm25Options {
  /** Term-frequency saturation (default 1.2). */
  k1?: number;
  /** Length normalisation (default 0.75). */
  b?: number;
}

export interface Bm25Index {
  readonly chunks: readonly Chunk[];
  readonly k1: number;
  readonly b: number;
  readonly avgLength: number;
  /** Per chunk: term → count, and its length in terms. */
  readonly termCounts: readonly ReadonlyMap<string, number>[];
  readonly lengths: readonly number[];
  /** Term → number of chunks that hold it. */
  readonly documentFrequency: ReadonlyMap<string, number>;
}

export interface Bm25Hit { chunk: Chunk; score: number }

const QUERY_STOP = new Set('a an the and or of to in on at by for with is are what how many much which when who does do should can it its this that be from after before'.split(' '));

/** Index terms of a text: word tokens without the commonest function words, stemmed; numbers kept whole. */
export function bm25Terms(text: string): string[] {
  return wordTokens(text).filter((w) => !QUERY_STOP.has(w)).map((w) => (/^\d/.test(w) ? w : stem(w)));
}

export function buildBm25Index(chunks: readonly Chunk[], options: Bm25Options = {}): Bm25Index {
  const termCounts = chunks.map((c) => {
    const counts = new Map<string, number>();
    for (const t of bm25Terms(`${c.heading} ${c.text}`)) counts.set(t, (counts.get(t) ?? 0) + 1);
    return counts;
  });
  const lengths = termCounts.map((m) => [...m.values()].reduce((a, b) => a + b, 0));
  const documentFrequency = new Map<string, number>();
  for (const m of termCounts) for (const t of m.keys()) documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);
  const avgLength = lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0;
  return { chunks, k1: options.k1 ?? 1.2, b: options.b ?? 0.75, avgLength, termCounts, lengths, documentFrequency };
}

/** The k best chunks for `query` (score > 0 only), best first; equal scores keep corpus order. */
export function bm25Search(index: Bm25Index, query: string, k = 3): Bm25Hit[] {
  const n = index.chunks.length;
  const terms = [...new Set(bm25Terms(query))];
  const hits: { i: number; score: number }[] = [];
  for (let i = 0; i < n; i++) {
    const counts = index.termCounts[i];
    let score = 0;
    for (const t of terms) {
      const tf = counts.get(t);
      if (!tf) continue;
      const df = index.documentFrequency.get(t) ?? 0;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      score += (idf * tf * (index.k1 + 1)) / (tf + index.k1 * (1 - index.b + (index.b * index.lengths[i]) / (index.avgLength || 1)));
    }
    if (score > 0) hits.push({ i, score });
  }
  hits.sort((x, y) => y.score - x.score || x.i - y.i);
  return hits.slice(0, k).map(({ i, score }) => ({ chunk: index.chunks[i], score }));
}

/** A retriever over `chunks` (the `Retriever` shape the grounding gate, recovery and the pipeline take). */
export function bm25Retriever(chunks: readonly Chunk[], options: Bm25Options = {}): (query: string, k: number) => Chunk[] {
  const index = buildBm25Index(chunks, options);
  return (query, k) => bm25Search(index, query, k).map((h) => h.chunk);
}
