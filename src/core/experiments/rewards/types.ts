// Types of the reward layer (issue #21 item 3): what a reward function takes and returns, and what a run of one
// reports. A module-bottom file: it imports nothing from its siblings (CONVENTIONS #22).

/** One (prompt, completion) pair to score; `reference` and `metadata` are the extra columns some rewards need. */
export interface RewardSample {
  prompt: string;
  completion: string;
  /** The expected answer (exact-match rewards read it). */
  reference?: string;
  /** Any other column of the row (`harmful` for the refusal reward, ...). */
  metadata?: Readonly<Record<string, unknown>>;
}

/** A field a reward needs on every sample beyond prompt and completion: `reference` or `metadata.<key>`. */
export type RewardField = 'reference' | `metadata.${string}`;

/**
 * One score per sample. `null` means "this function declines to score this sample" (TRL's None), an Error "this
 * sample failed, and why" (a judge's unparseable answer); like NaN and ±∞ each is counted as a failure of the
 * function and shows as NaN in the result, never as zero.
 */
export type RawScores = readonly (number | null | Error)[];

/** What `score` may return: the scores, optionally with a per-sample detail (a judge's verdict, a parse error). */
export type RewardOutput = RawScores | { scores: RawScores; details?: readonly unknown[]; components?: RewardResult[] };

export interface RewardFunction {
  /** Unique name in a registry and in logs ("refusal", "judge-unsafe", "0.6·refusal + 0.4·format"). */
  readonly name: string;
  /** The scores it promises, [lo, hi]; ±Infinity where unbounded. A finite score outside it is counted, kept. */
  readonly range: readonly [number, number];
  /** One line: what a high score means. */
  readonly description: string;
  /** Fields every sample must carry (checked before `score` runs: RewardInputError names the row and field). */
  readonly requires?: readonly RewardField[];
  /** One score per sample, in order; sync or async. */
  score(batch: readonly RewardSample[]): RewardOutput | Promise<RewardOutput>;
}

/** Why a sample has no score: the whole call threw, or the function returned null / an Error / NaN / ±∞ for it. */
export type RewardFailureKind = 'threw' | 'null' | 'error' | 'nan' | 'infinite';

export interface RewardFailure {
  index: number;
  kind: RewardFailureKind;
  /** The error's message, or the value returned. */
  message: string;
  /** The error itself (kind 'threw' or 'error'), for a caller that must rethrow it. */
  error?: unknown;
}

/** One run of a reward function over a batch. */
export interface RewardResult {
  name: string;
  /** One per sample; NaN exactly where `failures` lists the sample. */
  scores: number[];
  failures: RewardFailure[];
  /** Finite scores outside the declared range (kept in `scores`). */
  outOfRange: number;
  details?: readonly unknown[];
  /** For a composed reward: each component's own result, before weighting. */
  components?: RewardResult[];
}

/** Running totals of one reward function over every batch it scored (the per-call log). */
export interface RewardLogEntry {
  name: string;
  /** Batches scored. */
  calls: number;
  samples: number;
  /** Samples with a finite score. */
  scored: number;
  /** Mean of the finite scores (NaN before the first one). */
  mean: number;
  min: number;
  max: number;
  /** Failed samples by kind; `threw` counts samples of batches whose call threw. */
  failures: Record<RewardFailureKind, number>;
  outOfRange: number;
  /** The latest failure's message (what to look at first). */
  lastFailure?: string;
}
