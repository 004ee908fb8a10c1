// The BPE trainer on hand-checkable inputs: merge order, exact merge count, vetoes, and failure when the
// corpus cannot supply the requested vocabulary.
import { describe, expect, it } from 'vitest';
import { countWords, learnMerges } from './trainBpe';

const chars = (w: string): string[] => Array.from(w);

describe('learnMerges', () => {
  it('merges the most frequent pair first and updates counts after each merge', () => {
    // "low"×5, "lower"×2, "newest"×6, "widest"×3 (the Sennrich et al. example): e+s (9), es+t (9), l+o (7)…
    const wordCounts = new Map([['low', 5], ['lower', 2], ['newest', 6], ['widest', 3]]);
    const merges = learnMerges({ wordCounts, toSymbols: chars, numMerges: 4 });
    expect(merges).toEqual([['e', 's'], ['es', 't'], ['l', 'o'], ['lo', 'w']]);
  });

  it('returns exactly the number asked for, deterministically, with ties broken by pair order', () => {
    const wordCounts = countWords(['ab ab cd cd', 'ab cd'], (t) => t.split(' '));
    const a = learnMerges({ wordCounts, toSymbols: chars, numMerges: 2 });
    expect(a).toEqual([['a', 'b'], ['c', 'd']]);
    expect(learnMerges({ wordCounts, toSymbols: chars, numMerges: 2 })).toEqual(a);
  });

  it('honours the veto (digits never merged) and the minimum pair count', () => {
    const wordCounts = new Map([['a12', 10], ['bc', 3], ['de', 1]]);
    const merges = learnMerges({ wordCounts, toSymbols: chars, numMerges: 1, canMerge: (l, r) => !/\d/.test(l + r) });
    expect(merges).toEqual([['b', 'c']]);
    expect(() => learnMerges({ wordCounts, toSymbols: chars, numMerges: 2, canMerge: (l, r) => !/\d/.test(l + r) }))
      .toThrow(/only 1 merges possible/);
  });
});
