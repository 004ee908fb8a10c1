// Training sequences → packed [B, T] batches. Examples are concatenated (each already starts with its own BOS
// chat prefix) into rows of exactly T tokens, so no compute goes to padding and every position 0..T−1 gets
// trained: held-out prompts are much longer than training ones (FACTS/README: median ~50 vs ~23 tokens), and
// a learned position row that never saw a gradient would make them fail. A row's first example starts at
// position 0 like inference does. The loss covers response tokens only (the prompt is masked).
import type { HostBatch } from '../../../src/core/lab';
import { Pcg32 } from '../../../src/core/lab';

/** One chat sequence: ids and the index of the first response token. */
export interface Sequence {
  ids: number[];
  responseStart: number;
  /** Loss weight of the response tokens (default 1): soft verdict targets for the judge (recipe.verdictSmoothing). */
  weight?: number;
}

/**
 * Seeded epoch-shuffled packing. Each row is filled with whole examples in shuffled order; an example that
 * does not fit in what is left of a row starts the next row (its tail is padded with `padId`, masked out), so
 * examples are never split across rows. Examples longer than T+1 are truncated.
 */
export class Packer {
  private order: number[] = [];
  private pos = 0;
  private readonly rng: Pcg32;
  constructor(private readonly seqs: readonly Sequence[], private readonly B: number, private readonly T: number, seed: number, private readonly padId: number) {
    if (seqs.length === 0) throw new Error('Packer needs at least one sequence');
    this.rng = new Pcg32(seed, 13);
  }

  private peek(): Sequence {
    if (this.pos >= this.order.length) {
      this.order = this.rng.shuffle(this.seqs.map((_, i) => i));
      this.pos = 0;
    }
    return this.seqs[this.order[this.pos]];
  }

  next(): HostBatch {
    const { B, T } = this;
    // stream[t] is the token at position t of a row (T+1 of them: inputs 0..T−1, targets 1..T)
    const tokens = new Int32Array(B * T).fill(this.padId);
    const targets = new Int32Array(B * T).fill(this.padId);
    const mask = new Float32Array(B * T);
    for (let b = 0; b < B; b++) {
      const row: number[] = [];
      const lossAt: number[] = []; // lossAt[i]: loss weight of the token at row index i as a prediction target (0 = none)
      while (row.length < T + 1) {
        const s = this.peek();
        const n = Math.min(s.ids.length, T + 1);
        if (row.length > 0 && row.length + n > T + 1) break; // does not fit: next row starts with it
        this.pos++;
        for (let i = 0; i < n; i++) {
          row.push(s.ids[i]);
          lossAt.push(i >= Math.max(1, s.responseStart) ? (s.weight ?? 1) : 0);
        }
      }
      for (let t = 0; t < T; t++) {
        if (t < row.length) tokens[b * T + t] = row[t];
        if (t + 1 < row.length) {
          targets[b * T + t] = row[t + 1];
          mask[b * T + t] = lossAt[t + 1];
        }
      }
    }
    return { B, T, tokens, targets, mask };
  }
}
