// BM25 over the handbook (issue #22): questions about a section rank that section's chunk first; the search is
// deterministic and scores are ordered.
import { describe, expect, it } from 'vitest';
import { bm25Retriever, bm25Search, buildBm25Index } from './retrieval';
import { FAITHFUL, chunkOf, handbookChunks } from './testHandbookNode';

const chunks = handbookChunks();
const index = buildBm25Index(chunks);

// Questions asked in other words than the section's own, one per section (plus the gate examples' questions).
const QUESTIONS: readonly [string, string][] = [
  ['How many pounds make a kilogram?', 'Weight in pounds'],
  ['What should be done when the fridge gets warmer than 8 °C for hours?', 'Fridge failure'],
  ['How often must the emergency kit be checked?', 'Emergency kit'],
  ['What is the dose of Ristamol for a teething baby?', 'Ristamol drops for infants'],
  ['Which bin do returned medicines go in?', 'Returned medicines'],
  ['How long is a Tervadol patch worn?', 'Tervadol patch'],
  ['What do I do after a needle pricks my finger?', 'Needle-stick injury'],
  ['How long is a prescription valid?', 'Checking a prescription'],
  ['How much alcohol must hand gel contain?', 'Hand hygiene'],
  ['When should Bexilor be taken?', 'Bexilor tablets'],
];

describe('BM25 retrieval', () => {
  it('ranks the right chunk first for questions about it', () => {
    for (const [question, section] of QUESTIONS) {
      const hits = bm25Search(index, question, 3);
      expect(hits[0]?.chunk.heading, `${question} → ${hits.map((h) => h.chunk.heading).join(' | ')}`).toBe(chunkOf(chunks, section).heading);
    }
  });

  it('finds the cited chunk of every gate example within the top 3 (the retrieval gate\'s evidence), most at rank 1', () => {
    const ranks = FAITHFUL.map((e) => bm25Search(index, `${e.question} ${e.answer}`, 3).findIndex((h) => h.chunk.id === chunkOf(chunks, e.section).id));
    expect(ranks.every((r) => r >= 0), `ranks ${ranks.join(',')}`).toBe(true);
    const questionOnly = FAITHFUL.map((e) => bm25Search(index, e.question, 1)[0]?.chunk.id === chunkOf(chunks, e.section).id);
    // "What is the most Kelmora an adult may take" shares "most … may take" with Dorvalin's maximum-dose sentence.
    expect(questionOnly.filter(Boolean).length, `rank-1 by question alone: ${questionOnly.join(',')}`).toBeGreaterThanOrEqual(FAITHFUL.length - 1);
  });

  it('is deterministic, scores descend, k is respected, and a query sharing no term finds nothing', () => {
    const a = bm25Search(index, 'fridge temperature', 5);
    expect(bm25Search(buildBm25Index(chunks), 'fridge temperature', 5)).toEqual(a);
    expect(a).toHaveLength(5);
    for (let i = 1; i < a.length; i++) expect(a[i].score).toBeLessThanOrEqual(a[i - 1].score);
    expect(bm25Search(index, 'zzz qqq', 3)).toEqual([]);
    expect(bm25Search(buildBm25Index([]), 'fridge', 3)).toEqual([]);
    expect(bm25Retriever(chunks)('fridge temperature', 5)).toEqual(a.map((h) => h.chunk));
  });
});
