// Composition of reward functions: a weighted sum of parts, each optionally clipped and normalised first, the sum
// optionally clipped last. Order per part: raw score → clip to [lo, hi] → normalise → × weight; then Σ parts →
// clip. Normalisations (state lives in the composed reward and persists across batches, so scores of a run are
// comparable):
//   'range'           (x − lo) / (hi − lo) over the part's declared range (after clipping): [0, 1]; needs it finite.
//   'running-zscore'  (x − mean) / sd over every finite score the part has produced so far, this batch included
//                     (Welford, population sd); a part with sd 0 so far (one score, or constant) gives 0.
//   'running-minmax'  (x − min) / (max − min) over the scores so far, this batch included; 0 while max = min.
// A part that fails on a sample (throw, null, NaN, ±∞) makes the sum NaN there: counted in that part's log and in
// the composed reward's own, with the part named in the sample's detail; a missing part is never read as 0.
// `transformReward` is the one-part case (clip/normalise a single function).
import { RewardCompositionError, RewardOptionsError } from './errors';
import { RewardLog, runReward } from './run';
import type { RewardField, RewardFunction, RewardLogEntry, RewardResult, RewardSample } from './types';

export type Normalisation = 'none' | 'range' | 'running-zscore' | 'running-minmax';

export interface RewardTransform {
  clip?: readonly [number, number];
  normalise?: Normalisation;
}

export interface RewardPart extends RewardTransform {
  reward: RewardFunction;
  weight: number;
}

export interface ComposeOptions {
  /** Default: the weighted parts, e.g. "0.6·refusal + 0.4·format", "refusal − judge-unsafe". */
  name?: string;
  description?: string;
  parts: readonly RewardPart[];
  /** Clip of the weighted sum. */
  clip?: readonly [number, number];
}

/** Running mean/variance (Welford) and min/max of the finite values seen. */
class RunningStats {
  n = 0;
  mean = 0;
  private m2 = 0;
  min = Infinity;
  max = -Infinity;

  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
    this.min = Math.min(this.min, x);
    this.max = Math.max(this.max, x);
  }

  get sd(): number {
    return this.n > 0 ? Math.sqrt(this.m2 / this.n) : 0;
  }
}

function checkInterval(what: string, c: readonly [number, number] | undefined): void {
  if (c && !(c.length === 2 && !Number.isNaN(c[0]) && !Number.isNaN(c[1]) && c[0] < c[1])) {
    throw new RewardCompositionError(`${what} clip must be [lo, hi] with lo < hi (got ${JSON.stringify(c)})`);
  }
}

const clipTo = (x: number, c: readonly [number, number] | undefined) => (c ? Math.min(c[1], Math.max(c[0], x)) : x);

/** Range of a part after clip and normalisation, before the weight. */
function partRange(p: RewardPart): [number, number] {
  const [lo, hi] = p.clip ? [Math.max(p.clip[0], p.reward.range[0]), Math.min(p.clip[1], p.reward.range[1])] : p.reward.range;
  switch (p.normalise ?? 'none') {
    case 'none': return [lo, hi];
    case 'range':
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
        throw new RewardOptionsError(p.reward.name, [`normalise 'range' needs a finite range (it has [${lo}, ${hi}]): clip it, or use 'running-zscore'`]);
      }
      return [0, 1];
    case 'running-zscore': return [-Infinity, Infinity];
    case 'running-minmax': return [0, 1];
    default: throw new RewardCompositionError(`unknown normalisation ${String(p.normalise)}`);
  }
}

const fmt = (w: number) => (w === 1 ? '' : `${w}·`);

export class ComposedReward implements RewardFunction {
  readonly name: string;
  readonly description: string;
  readonly range: readonly [number, number];
  readonly requires: readonly RewardField[];
  private readonly partLogs: RewardLog[];
  private readonly stats: RunningStats[];
  private readonly ownLog: RewardLog;

  constructor(private readonly o: ComposeOptions) {
    if (o.parts.length === 0) throw new RewardCompositionError('no parts');
    const names = o.parts.map((p) => p.reward.name);
    if (new Set(names).size !== names.length) throw new RewardCompositionError(`two parts share a name (${names.join(', ')})`);
    for (const p of o.parts) {
      if (!Number.isFinite(p.weight)) throw new RewardCompositionError(`weight of ${p.reward.name} is ${p.weight}`);
      checkInterval(p.reward.name, p.clip);
    }
    checkInterval('the sum\'s', o.clip);
    this.name = o.name ?? o.parts.map((p, i) => `${p.weight < 0 ? (i > 0 ? ' − ' : '−') : i > 0 ? ' + ' : ''}${fmt(Math.abs(p.weight))}${p.reward.name}`).join('');
    this.description = o.description ?? `weighted sum of ${names.join(', ')}`;
    let lo = 0;
    let hi = 0;
    for (const p of o.parts) {
      const [a, b] = partRange(p).map((x) => (p.weight === 0 || x === 0 ? 0 : p.weight * x));
      lo += Math.min(a, b);
      hi += Math.max(a, b);
    }
    this.range = o.clip ? [Math.max(lo, o.clip[0]), Math.min(hi, o.clip[1])] : [lo, hi];
    this.requires = [...new Set(o.parts.flatMap((p) => p.reward.requires ?? []))];
    this.partLogs = o.parts.map((p) => new RewardLog(p.reward.name));
    this.stats = o.parts.map(() => new RunningStats());
    this.ownLog = new RewardLog(this.name);
  }

  async score(batch: readonly RewardSample[]): Promise<{ scores: number[]; details: (string | undefined)[]; components: RewardResult[] }> {
    const components: RewardResult[] = [];
    for (const [i, p] of this.o.parts.entries()) components.push(await runReward(p.reward, batch, this.partLogs[i]));
    const values = this.o.parts.map((p, i) => this.transform(p, this.stats[i], components[i].scores));
    const details = batch.map((_, s) => {
      const failed = components.filter((c) => Number.isNaN(c.scores[s])).map((c) => c.name);
      return failed.length > 0 ? `failed part: ${failed.join(', ')}` : undefined;
    });
    const scores = batch.map((_, s) => {
      let sum = 0;
      for (const [i, p] of this.o.parts.entries()) sum += p.weight * values[i][s];
      return Number.isNaN(sum) ? NaN : clipTo(sum, this.o.clip);
    });
    return { scores, details, components };
  }

  /** Scores a batch and records it in this reward's own log (next to each part's). */
  run(batch: readonly RewardSample[]): Promise<RewardResult> {
    return runReward(this, batch, this.ownLog);
  }

  /** The composed reward's log (batches through `run`), then each part's, in order. */
  logs(): RewardLogEntry[] {
    return [this.ownLog.snapshot(), ...this.partLogs.map((l) => l.snapshot())];
  }

  private transform(p: RewardPart, stats: RunningStats, raw: readonly number[]): number[] {
    const clipped = raw.map((x) => (Number.isNaN(x) ? NaN : clipTo(x, p.clip)));
    const mode = p.normalise ?? 'none';
    if (mode === 'none') return clipped;
    if (mode === 'range') {
      const [lo, hi] = partRange({ ...p, normalise: 'none' });
      return clipped.map((x) => (x - lo) / (hi - lo));
    }
    for (const x of clipped) if (!Number.isNaN(x)) stats.add(x);
    if (mode === 'running-zscore') return clipped.map((x) => (stats.sd > 0 ? (x - stats.mean) / stats.sd : Number.isNaN(x) ? NaN : 0));
    return clipped.map((x) => (stats.max > stats.min ? (x - stats.min) / (stats.max - stats.min) : Number.isNaN(x) ? NaN : 0));
  }
}

export function composeRewards(o: ComposeOptions): ComposedReward {
  return new ComposedReward(o);
}

/** One function clipped and/or normalised (a one-part composition, weight 1). */
export function transformReward(reward: RewardFunction, t: RewardTransform & { name?: string }): ComposedReward {
  return new ComposedReward({ name: t.name ?? `${reward.name}[${[t.clip ? `clip ${t.clip[0]}..${t.clip[1]}` : '', t.normalise ?? ''].filter((s) => s && s !== 'none').join(', ')}]`,
    description: reward.description, parts: [{ reward, weight: 1, ...t }] });
}
