import { describe, expect, it } from 'vitest';
import type { EvalMetrics, EvalResult, SweepResult } from '../../core/alignbeam/types';
import { DEFAULT_ALIGNBEAM_SETTINGS } from '../../core/alignbeam/types';
import { sweepDigest } from './digest';

const metrics = (over: Partial<EvalMetrics> = {}): EvalMetrics => ({
  refusalRate: 0.5, overRefusal: 0, taskAccuracy: 0.25, judgeUnsafeRate: 0.1, judgeParseErrors: 0, tokensPerSecond: 120,
  overhead: 1.8, msPerItem: 40, n: 8, skipped: 0, skippedBy: { 'empty-prompt': 0, 'context-full': 0 },
  denominators: { harmful: 4, safe: 4, tasks: 4, judged: 8 }, judgeTruncations: { prompt: 0, response: 0 }, ...over,
});

const sweep = (rowMetrics: EvalMetrics): SweepResult => ({
  base: DEFAULT_ALIGNBEAM_SETTINGS, suites: ['harmful', 'tasks'], limit: 4, targetOnly: metrics({ refusalRate: 0 }),
  rows: [{ alpha: 0.5, K: 2, m: 8, metrics: rowMetrics }], cancelled: false, startedAt: '2025-01-01T00:00:00.000Z', durationMs: 1234,
});

const baseline = (m: EvalMetrics): EvalResult => ({ method: 'anchor-only', settings: null, metrics: m, bySuite: {}, items: [], skippedItems: [] });

describe('sweep digest', () => {
  it('ignores wall time, tokens/s, overhead and the start time (a re-run reproduces it)', async () => {
    const a = await sweepDigest(sweep(metrics()), [baseline(metrics())]);
    const slower = { ...sweep(metrics({ tokensPerSecond: 7, overhead: 9, msPerItem: 999 })), startedAt: '2030-01-01T00:00:00.000Z', durationMs: 1 };
    expect(await sweepDigest(slower, [baseline(metrics({ msPerItem: 3 }))])).toBe(a);
  });

  it('changes when a rate, a count or a grid value changes', async () => {
    const a = await sweepDigest(sweep(metrics()), [baseline(metrics())]);
    expect(await sweepDigest(sweep(metrics({ refusalRate: 0.625 })), [baseline(metrics())])).not.toBe(a);
    expect(await sweepDigest(sweep(metrics({ skipped: 1 })), [baseline(metrics())])).not.toBe(a);
    expect(await sweepDigest(sweep(metrics()), [baseline(metrics({ taskAccuracy: 0.5 }))])).not.toBe(a);
    const moved = sweep(metrics());
    moved.rows[0].alpha = 0.6;
    expect(await sweepDigest(moved, [baseline(metrics())])).not.toBe(a);
  });
});
