// Language-model training for the forge: examples → padded batches with a loss mask, and one jitted step
// (forward, masked cross-entropy, grads, global-norm clip, AdamW) so a step is a single compiled program.
// Eager grad leaks JS heap and is ~5× slower (FACTS.md), hence jit.
import { jit, valueAndGrad, type OwnedFunction } from '@jax-js/jax';
import type { GptConfig } from './config';
import { fromF32, fromI32, keep, release, type Arr, type ArrRecord } from './engine';
import { gptForward } from './gpt';
import { maskedCrossEntropy } from './loss';
import { adamwScalars, adamwUpdate, clipByGlobalNorm, type AdamWConfig } from './optim';
import { zerosLike, type GptParams } from './params';
import { Pcg32 } from './rng';

/** One training sequence; the loss counts predictions of tokens at index ≥ `lossFrom` (default 1: all). */
export interface Example {
  tokens: number[];
  /** First token index whose prediction is trained (e.g. where the response starts after the prompt). */
  lossFrom?: number;
}

/** Host batch: inputs, next-token targets and the loss mask, all [B, T] row-major. */
export interface HostBatch {
  B: number;
  T: number;
  tokens: Int32Array;
  targets: Int32Array;
  mask: Float32Array;
}

/**
 * Packs examples into a [B, T] batch: inputs = tokens[0..T), targets = tokens[1..T]; a position counts in the
 * loss when its target index is ≥ lossFrom and inside the example; padding (padId) never counts.
 */
export function makeBatch(examples: Example[], T: number, padId = 0): HostBatch {
  const B = examples.length;
  const tokens = new Int32Array(B * T).fill(padId);
  const targets = new Int32Array(B * T).fill(padId);
  const mask = new Float32Array(B * T);
  examples.forEach((ex, b) => {
    const n = Math.min(ex.tokens.length, T + 1);
    const from = Math.max(1, ex.lossFrom ?? 1);
    for (let t = 0; t < Math.min(n, T); t++) tokens[b * T + t] = ex.tokens[t];
    for (let t = 0; t + 1 < n; t++) {
      targets[b * T + t] = ex.tokens[t + 1];
      if (t + 1 >= from) mask[b * T + t] = 1;
    }
  });
  return { B, T, tokens, targets, mask };
}

/** Seeded epoch-shuffled batches over a fixed example list (the same seed gives the same order everywhere). */
export class Batcher {
  private order: number[] = [];
  private pos = 0;
  private readonly rng: Pcg32;
  constructor(private readonly examples: Example[], private readonly batchSize: number, private readonly T: number, seed: number, private readonly padId = 0) {
    if (examples.length === 0) throw new Error('Batcher needs at least one example');
    this.rng = new Pcg32(seed, 7);
  }
  next(): HostBatch {
    const picked: Example[] = [];
    while (picked.length < this.batchSize) {
      if (this.pos >= this.order.length) {
        this.order = this.rng.shuffle(this.examples.map((_, i) => i));
        this.pos = 0;
      }
      picked.push(this.examples[this.order[this.pos++]]);
    }
    return makeBatch(picked, this.T, this.padId);
  }
}

export interface TrainState {
  params: GptParams;
  m: GptParams;
  v: GptParams;
  /** Steps taken so far (drives the LR schedule and bias correction). */
  step: number;
}

export interface StepStats {
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  lr: number;
}

/** Takes ownership of `params`. */
export function initTrainState(params: GptParams): TrainState {
  return { params, m: zerosLike(params), v: zerosLike(params), step: 0 };
}

type StepFn = (p: ArrRecord, m: ArrRecord, v: ArrRecord, tok: Arr, tgt: Arr, mask: Arr, lr: Arr, bc1: Arr, bc2: Arr) =>
  [ArrRecord, ArrRecord, ArrRecord, Arr, Arr];

/** A model's logits [B, T, V] for a parameter record and tokens [B, T]; consumes both (jax-js ownership rule). */
export type LogitsOf = (p: ArrRecord, tokens: Arr) => Arr;

export interface TrainStep {
  run: (s: TrainState, b: HostBatch) => StepStats;
  dispose: () => void;
}

/**
 * A jitted train step for config `c` and optimizer `o`. `run(state, batch)` replaces state.params/m/v with
 * the updated arrays and returns host stats. Compiles on the first call per batch shape. Call `dispose()` when
 * done to free the compiled program.
 */
export function makeTrainStep(c: GptConfig, o: AdamWConfig): TrainStep {
  return makeTrainStepFor((p, tok) => gptForward(c, p, tok).logits, o);
}

/**
 * The same jitted AdamW step for any forward pass (e.g. a family decoder: `(p, t) => decoderForward(cfg, p,
 * t).logits`): masked cross-entropy of `logitsOf`, grads, global-norm clip, AdamW. Weight decay follows
 * `isDecayed` (matrices named `*.weight`), which holds for every family's Hugging Face names.
 */
export function makeTrainStepFor(logitsOf: LogitsOf, o: AdamWConfig): TrainStep {
  const lossOf = (p: ArrRecord, tok: Arr, tgt: Arr, mask: Arr): Arr => maskedCrossEntropy(logitsOf(p, tok), tgt, mask);
  const raw: StepFn = (p, m, v, tok, tgt, mask, lr, bc1, bc2) => {
    // `p` feeds both the gradient and the update: the gradient call gets its own reference.
    const [loss, grads] = valueAndGrad(lossOf)(keep(p), tok, tgt, mask);
    const [clipped, norm] = clipByGlobalNorm(grads, o.gradClip);
    const next = adamwUpdate(o, p, clipped, m, v, { lr, bc1, bc2 });
    return [next.params, next.m, next.v, loss, norm];
  };
  const compiled: OwnedFunction<StepFn> = jit(raw) as OwnedFunction<StepFn>;
  return {
    run(s, b) {
      const sc = adamwScalars(o, s.step);
      const lr = sc.lr.ref.item();
      const [params, m, v, loss, norm] = compiled(
        s.params, s.m, s.v, fromI32(b.tokens, [b.B, b.T]), fromI32(b.targets, [b.B, b.T]), fromF32(b.mask, [b.B, b.T]),
        sc.lr, sc.bc1, sc.bc2,
      );
      Object.assign(s, { params, m, v, step: s.step + 1 });
      return { loss: loss.item(), gradNorm: norm.item(), lr };
    },
    dispose: () => compiled.dispose(),
  };
}

/** Releases a train state's arrays. */
export function disposeTrainState(s: TrainState): void {
  release(s.params);
  release(s.m);
  release(s.v);
}
