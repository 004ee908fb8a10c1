// The reward layer's arithmetic and bookkeeping: weighted sums, clips and the three normalisations against values
// worked out by hand; functions that throw, return NaN / ±∞ / null / an Error / the wrong count are counted per
// function and reported, never read as 0; the registry builds rewards by name with strict options.
import { describe, expect, it } from 'vitest';
import { composeRewards, transformReward } from './compose';
import { RewardCompositionError, RewardOptionsError, UnknownRewardError, DuplicateRewardError } from './errors';
import { defaultRewardRegistry } from './registry';
import { RewardLog, runReward } from './run';
import type { RewardFunction, RewardSample } from './types';

const batch = (...completions: string[]): RewardSample[] => completions.map((completion) => ({ prompt: 'p', completion }));
/** A reward that reads its score from the completion ("2.5" → 2.5, "nan" → NaN, "inf"/"-inf" → ±∞, "null", "err" → an Error). */
const numeric = (name = 'numeric', range: [number, number] = [-Infinity, Infinity]): RewardFunction => ({
  name, range, description: 'the completion read as a number',
  score: (b) => b.map((s) => (s.completion === 'null' ? null : s.completion === 'inf' ? Infinity : s.completion === '-inf' ? -Infinity : s.completion === 'err' ? new Error('bad row') : Number(s.completion))),
});
const constant = (name: string, value: number, range: [number, number] = [0, 1]): RewardFunction => ({ name, range, description: 'constant', score: (b) => b.map(() => value) });

describe('runReward and RewardLog', () => {
  it('counts NaN, ±∞, null and per-sample errors by kind; their scores are NaN, never 0', async () => {
    const log = new RewardLog('numeric');
    const r = await runReward(numeric('numeric', [0, 1]), batch('0.5', 'nan', 'inf', 'null', 'err', '2', '-inf'), log);
    expect(r.scores.map((x) => (Number.isNaN(x) ? 'NaN' : x))).toEqual([0.5, 'NaN', 'NaN', 'NaN', 'NaN', 2, 'NaN']);
    expect(r.failures.map((f) => [f.index, f.kind])).toEqual([[1, 'nan'], [2, 'infinite'], [3, 'null'], [4, 'error'], [6, 'infinite']]);
    expect(r.failures[3].message).toBe('Error: bad row');
    expect(r.outOfRange).toBe(1); // 2 is outside [0, 1]: counted, kept
    await runReward(numeric('numeric', [0, 1]), batch('0.25'), log);
    const entry = log.snapshot();
    expect(entry).toMatchObject({ calls: 2, samples: 8, scored: 3, min: 0.25, max: 2, outOfRange: 1,
      failures: { threw: 0, null: 1, error: 1, nan: 1, infinite: 2 } });
    expect(entry.mean).toBeCloseTo((0.5 + 2 + 0.25) / 3, 12);
    expect(entry.lastFailure).toBe('sample 6: infinite (returned -Infinity)');
  });
  it('a function that throws (sync or async) or returns the wrong count fails the whole batch, counted as threw', async () => {
    const throwsSync: RewardFunction = { name: 'sync', range: [0, 1], description: '', score: () => { throw new TypeError('boom'); } };
    const throwsAsync: RewardFunction = { name: 'async', range: [0, 1], description: '', score: async () => { throw new Error('later'); } };
    const short: RewardFunction = { name: 'short', range: [0, 1], description: '', score: () => [1] };
    for (const fn of [throwsSync, throwsAsync, short]) {
      const log = new RewardLog(fn.name);
      const r = await runReward(fn, batch('a', 'b'), log);
      expect(r.scores.every(Number.isNaN)).toBe(true);
      expect(log.snapshot().failures.threw).toBe(2);
      expect(log.snapshot().mean).toBeNaN();
    }
    expect((await runReward(throwsSync, batch('a'))).failures[0]).toMatchObject({ kind: 'threw', message: 'TypeError: boom' });
    expect((await runReward(short, batch('a', 'b'))).failures[0].message).toBe('returned 1 scores for 2 samples');
  });
});

describe('composition', () => {
  it('weighted sum, range from the parts, each part logged; the sum clipped last', async () => {
    const c = composeRewards({ parts: [{ reward: constant('a', 1), weight: 0.6 }, { reward: constant('b', 0.5), weight: -2 }] });
    expect(c.name).toBe('0.6·a − 2·b');
    expect(c.range).toEqual([-2, 0.6]);
    const r = await c.run(batch('x', 'y'));
    expect(r.scores[0]).toBeCloseTo(0.6 - 1, 12);
    expect(r.components!.map((p) => p.name)).toEqual(['a', 'b']);
    const clipped = composeRewards({ parts: [{ reward: numeric(), weight: 2 }], clip: [-1, 1] });
    expect((await clipped.run(batch('0.25', '3', '-7'))).scores).toEqual([0.5, 1, -1]);
    expect(clipped.range).toEqual([-1, 1]);
    const logs = c.logs();
    expect(logs.map((l) => [l.name, l.calls, l.samples])).toEqual([['0.6·a − 2·b', 1, 2], ['a', 1, 2], ['b', 1, 2]]);
    expect(logs[2].mean).toBe(0.5);
  });
  it('a failing part makes the sum NaN where it failed, names the part, and is counted in both logs', async () => {
    const c = composeRewards({ parts: [{ reward: constant('ok', 1), weight: 1 }, { reward: numeric('num'), weight: 1 }] });
    const r = await c.run(batch('1', 'nan', '2'));
    expect(r.scores[0]).toBe(2);
    expect(r.scores[1]).toBeNaN();
    expect(r.scores[2]).toBe(3);
    expect(r.details).toEqual([undefined, 'failed part: num', undefined]);
    const [own, ok, num] = c.logs();
    expect(own.failures.nan).toBe(1);
    expect(ok.failures.nan).toBe(0);
    expect(num.failures.nan).toBe(1);
  });
  it('per-part clip then normalise: range scaling, running z-score and running min-max, by hand', async () => {
    const ranged = transformReward(numeric('n', [0, 10]), { clip: [2, 6], normalise: 'range' });
    expect((await ranged.run(batch('0', '4', '9'))).scores).toEqual([0, 0.5, 1]); // clip to [2, 6], then (x − 2) / 4
    expect(ranged.range).toEqual([0, 1]);
    const z = transformReward(numeric(), { normalise: 'running-zscore' });
    expect((await z.run(batch('5'))).scores).toEqual([0]); // one value: sd 0 → 0
    const second = await z.run(batch('1', '3'));
    // values so far 5, 1, 3: mean 3, population sd √(8/3)
    expect(second.scores[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 12);
    expect(second.scores[1]).toBeCloseTo(0, 12);
    const mm = transformReward(numeric(), { normalise: 'running-minmax' });
    expect((await mm.run(batch('2', '4'))).scores).toEqual([0, 1]);
    expect((await mm.run(batch('3', '8', 'nan'))).scores.slice(0, 2)).toEqual([1 / 6, 1]); // min 2, max 8 now
    expect(mm.logs()[1].failures.nan).toBe(1);
  });
  it('bad compositions are named errors', () => {
    expect(() => composeRewards({ parts: [] })).toThrow(RewardCompositionError);
    expect(() => composeRewards({ parts: [{ reward: constant('a', 1), weight: NaN }] })).toThrow(/weight of a is NaN/);
    expect(() => composeRewards({ parts: [{ reward: constant('a', 1), weight: 1 }, { reward: constant('a', 0), weight: 1 }] })).toThrow(/share a name/);
    expect(() => transformReward(numeric(), { clip: [1, 0] })).toThrow(/lo < hi/);
    expect(() => transformReward(numeric(), { normalise: 'range' })).toThrow(RewardOptionsError);
  });
});

describe('registry', () => {
  it('builds rewards by name with strict options; unknown names and keys are errors', async () => {
    const reg = defaultRewardRegistry();
    expect(reg.names()).toEqual(['refusal', 'exact-answer', 'length', 'format', 'json', 'judge-unsafe', 'guard', 'learned']);
    expect(reg.create('length', { target: 4 }).name).toBe('length');
    expect(() => reg.create('lenght')).toThrow(UnknownRewardError);
    expect(() => reg.create('length', { target: 4, targte: 5 })).toThrow(/Unrecognized key.*targte|targte/);
    expect(() => reg.create('length', {})).toThrow(RewardOptionsError);
    expect(() => reg.create('judge-unsafe', { lm: {} })).toThrow(/must be a loaded CausalLM/);
    expect(() => reg.register({ name: 'json', description: '', options: reg as never, create: () => constant('x', 0) })).toThrow(DuplicateRewardError);
  });
  it('a composition from its JSON spec reaches every part with its options', async () => {
    const c = defaultRewardRegistry().compose({
      parts: [{ reward: 'refusal', options: { mode: 'appropriate' }, weight: 0.6 },
        { reward: 'format', options: { pattern: '\\bstep 1\\b|\\[redacted\\]', mode: 'absent', name: 'no-compliance' }, weight: 0.4 }],
    });
    expect(c.requires).toEqual(['metadata.harmful']);
    const r = await c.run([
      { prompt: 'how to make meth', completion: 'I must decline.', metadata: { harmful: true } },
      { prompt: 'how to make meth', completion: 'step 1: [redacted]', metadata: { harmful: true } },
      { prompt: '2 g in mg?', completion: 'Answer: 2000 mg', metadata: { harmful: false } },
    ]);
    expect(r.scores.map((x) => Math.round(x * 10) / 10)).toEqual([1, 0, 1]);
    expect(() => defaultRewardRegistry().compose({ parts: [{ reward: 'length', options: { target: 3 }, weight: 1, normalize: 'range' } as never] }))
      .toThrow(/normalize/);
  });
});
