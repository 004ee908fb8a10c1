// Encoded training sequences → fixed-shape [B, T] batches (inputs, next-token targets, loss mask), drawn in a
// seeded epoch-shuffled order that a resumed run replays exactly (PCG32: same bits in Node and browsers).
import { Pcg32 } from '../../lab';
import type { MaskedSequence } from './data';

export interface MaskedBatch { B: number; T: number; tokens: Int32Array; targets: Int32Array; mask: Float32Array }

/** Inputs tokens[0..T), targets tokens[1..T]; a target counts where its token is trained and inside the sequence. */
export function maskedBatch(rows: readonly MaskedSequence[], T: number, padId: number): MaskedBatch {
  const B = rows.length;
  const tokens = new Int32Array(B * T).fill(padId);
  const targets = new Int32Array(B * T).fill(padId);
  const mask = new Float32Array(B * T);
  rows.forEach((r, b) => {
    const n = Math.min(r.tokens.length, T + 1);
    for (let t = 0; t < Math.min(n, T); t++) tokens[b * T + t] = r.tokens[t];
    for (let t = 0; t + 1 < n; t++) {
      targets[b * T + t] = r.tokens[t + 1];
      mask[b * T + t] = r.trained[t + 1];
    }
  });
  return { B, T, tokens, targets, mask };
}

/** Seeded order over n items, batchSize at a time, reshuffled every epoch. */
export class IndexSampler {
  private order: number[] = [];
  private pos = 0;
  private readonly rng: Pcg32;
  constructor(private readonly n: number, private readonly batchSize: number, seed: number) {
    this.rng = new Pcg32(seed, 11);
  }
  next(): number[] {
    const out: number[] = [];
    while (out.length < this.batchSize) {
      if (this.pos >= this.order.length) {
        this.order = this.rng.shuffle(Array.from({ length: this.n }, (_, i) => i));
        this.pos = 0;
      }
      out.push(this.order[this.pos++]);
    }
    return out;
  }
  /** Skips `steps` batches: a run resumed at step s draws what the uninterrupted run drew from s on. */
  skip(steps: number): void {
    for (let i = 0; i < steps; i++) this.next();
  }
}
