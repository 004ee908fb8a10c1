// A small byte-pair-encoding trainer whose merge count is set exactly (the `tokenizers` npm binding exposes
// no vocab-size option). It learns merges over pre-tokenized words with counts, in the classic way: count
// adjacent symbol pairs, merge the most frequent, update only the words that contained it. Ties break by
// code-unit order of the pair, so the result is a pure function of the input.

/** A merge rule: the two symbols joined, in rank order (rank 0 is applied first). */
export type Merge = readonly [string, string];

export interface LearnMergesOptions {
  /** Word (already pre-tokenized and mapped to symbols' characters) → occurrence count. */
  wordCounts: ReadonlyMap<string, number>;
  /** Initial symbols of a word (bytes mapped to characters, or code points). */
  toSymbols: (word: string) => string[];
  numMerges: number;
  /** Veto for a pair, e.g. never merge digits (Llama's split_digits). */
  canMerge?: (left: string, right: string) => boolean;
  /** Pairs seen fewer times are never merged (default 2: a merge must be worth something). */
  minCount?: number;
}

const SEP = '\u0000';

interface Word {
  symbols: string[];
  count: number;
}

function pairsOf(symbols: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < symbols.length; i++) out.push(symbols[i] + SEP + symbols[i + 1]);
  return out;
}

/** Learn exactly `numMerges` merges, or throw if the corpus cannot support that many. */
export function learnMerges(options: LearnMergesOptions): Merge[] {
  const { wordCounts, toSymbols, numMerges, canMerge = () => true, minCount = 2 } = options;
  const words: Word[] = [...wordCounts].map(([word, count]) => ({ symbols: toSymbols(word), count }));
  const pairCounts = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();

  const addWord = (index: number, sign: 1 | -1): void => {
    const word = words[index];
    for (const pair of pairsOf(word.symbols)) {
      pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + sign * word.count);
      if (sign > 0) {
        let set = pairWords.get(pair);
        if (!set) pairWords.set(pair, (set = new Set()));
        set.add(index);
      }
    }
  };
  words.forEach((_, i) => addWord(i, 1));

  const merges: Merge[] = [];
  while (merges.length < numMerges) {
    let best: string | null = null;
    let bestCount = 0;
    for (const [pair, count] of pairCounts) {
      if (count < minCount) continue;
      if (best !== null && (count < bestCount || (count === bestCount && pair >= best))) continue;
      const [left, right] = pair.split(SEP);
      if (!canMerge(left, right)) continue;
      best = pair;
      bestCount = count;
    }
    if (best === null) {
      throw new Error(`BPE: only ${merges.length} merges possible (asked for ${numMerges}); enlarge the corpus or shrink the vocab`);
    }
    const [left, right] = best.split(SEP);
    merges.push([left, right]);
    const merged = left + right;
    for (const index of pairWords.get(best) ?? []) {
      const word = words[index];
      addWord(index, -1);
      const next: string[] = [];
      for (let i = 0; i < word.symbols.length; i++) {
        if (i + 1 < word.symbols.length && word.symbols[i] === left && word.symbols[i + 1] === right) {
          next.push(merged);
          i++;
        } else {
          next.push(word.symbols[i]);
        }
      }
      word.symbols = next;
      addWord(index, 1);
    }
    pairCounts.delete(best);
    pairWords.delete(best);
  }
  return merges;
}

/** Count pre-tokenized words over many texts. */
export function countWords(texts: Iterable<string>, preTokenize: (text: string) => string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of preTokenize(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}
