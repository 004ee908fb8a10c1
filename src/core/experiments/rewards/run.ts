// Running a reward function: check the batch, call it, turn what it returned into scores with every failure named
// and counted, and keep a per-function running log. A function that throws, returns null, NaN or ±∞, or the wrong
// number of scores never stops a run and never becomes a zero: the sample's score is NaN and the failure is listed
// (RewardResult.failures) and counted (RewardLog). A batch missing a field the function needs is the caller's
// mistake and throws RewardInputError before the function runs.
import { RewardInputError } from './errors';
import type { RewardFailure, RewardFailureKind, RewardField, RewardFunction, RewardLogEntry, RewardOutput, RewardResult, RewardSample } from './types';

/** Throws RewardInputError for the first sample without a string prompt/completion or a field `fn` requires. */
export function validateBatch(fn: Pick<RewardFunction, 'name' | 'requires'>, batch: readonly RewardSample[]): void {
  batch.forEach((s, i) => {
    if (s === null || typeof s !== 'object') throw new RewardInputError(fn.name, i, 'prompt', 'is not an object; it needs');
    for (const key of ['prompt', 'completion'] as const) {
      if (typeof s[key] !== 'string') throw new RewardInputError(fn.name, i, key, s[key] === undefined ? 'has no' : 'has a non-string');
    }
    for (const field of fn.requires ?? []) {
      if (fieldValue(s, field) === undefined) throw new RewardInputError(fn.name, i, field, 'has no');
    }
  });
}

/** A required field's value on a sample (undefined when absent). */
export function fieldValue(s: RewardSample, field: RewardField): unknown {
  return field === 'reference' ? s.reference : s.metadata?.[field.slice('metadata.'.length)];
}

type SplitOutput = { scores: readonly unknown[]; details?: readonly unknown[]; components?: RewardResult[] };

function split(out: RewardOutput): SplitOutput {
  return Array.isArray(out) ? { scores: out } : (out as SplitOutput);
}

/** Scores `batch` with `fn`; never throws for the function's own failures (see the file header). */
export async function runReward(fn: RewardFunction, batch: readonly RewardSample[], log?: RewardLog): Promise<RewardResult> {
  validateBatch(fn, batch);
  const failAll = (message: string, error?: unknown): RewardResult => ({
    name: fn.name, scores: batch.map(() => NaN), outOfRange: 0,
    failures: batch.map((_, index) => ({ index, kind: 'threw', message, ...(error === undefined ? {} : { error }) })),
  });
  let result: RewardResult;
  try {
    const out = split(await fn.score(batch));
    if (!Array.isArray(out.scores) || out.scores.length !== batch.length) {
      result = failAll(`returned ${Array.isArray(out.scores) ? out.scores.length : typeof out.scores} scores for ${batch.length} samples`);
    } else {
      const failures: RewardFailure[] = [];
      let outOfRange = 0;
      const scores = out.scores.map((v, index) => {
        if (v instanceof Error) {
          failures.push({ index, kind: 'error', message: `${v.name}: ${v.message}`, error: v });
          return NaN;
        }
        const kind: RewardFailureKind | null = v === null || v === undefined ? 'null' : typeof v !== 'number' || Number.isNaN(v) ? 'nan'
          : Number.isFinite(v) ? null : 'infinite';
        if (kind) {
          failures.push({ index, kind, message: `returned ${String(v)}` });
          return NaN;
        }
        const x = v as number;
        if (x < fn.range[0] || x > fn.range[1]) outOfRange++;
        return x;
      });
      result = { name: fn.name, scores, failures, outOfRange, ...(out.details ? { details: out.details } : {}),
        ...(out.components ? { components: out.components } : {}) };
    }
  } catch (e) {
    if (e instanceof RewardInputError) throw e; // a bad row found by the function itself is still the caller's mistake
    result = failAll(e instanceof Error ? `${e.name}: ${e.message}` : String(e), e);
  }
  log?.record(result);
  return result;
}

/** Running totals of one function's results (count, mean, failures by kind). */
export class RewardLog {
  private calls = 0;
  private samples = 0;
  private scored = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;
  private outOfRange = 0;
  private readonly failures: Record<RewardFailureKind, number> = { threw: 0, null: 0, error: 0, nan: 0, infinite: 0 };
  private lastFailure: string | undefined;

  constructor(readonly name: string) {}

  record(r: RewardResult): void {
    this.calls++;
    this.samples += r.scores.length;
    this.outOfRange += r.outOfRange;
    for (const x of r.scores) {
      if (!Number.isFinite(x)) continue;
      this.scored++;
      this.sum += x;
      this.min = Math.min(this.min, x);
      this.max = Math.max(this.max, x);
    }
    for (const f of r.failures) this.failures[f.kind]++;
    const last = r.failures.at(-1);
    if (last) this.lastFailure = `sample ${last.index}: ${last.kind} (${last.message})`;
  }

  snapshot(): RewardLogEntry {
    return {
      name: this.name, calls: this.calls, samples: this.samples, scored: this.scored,
      mean: this.scored > 0 ? this.sum / this.scored : NaN, min: this.scored > 0 ? this.min : NaN, max: this.scored > 0 ? this.max : NaN,
      failures: { ...this.failures }, outOfRange: this.outOfRange, ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
    };
  }
}
