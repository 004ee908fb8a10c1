// The aggregator keeps its invariants under awkward inputs, and the checker really catches each violation.
import { describe, expect, it } from 'vitest';
import {
  checkProgressInvariants, checkRunProgress, downloadBarLabel, foldDownloadBar, PlannedProgress, ProgressAggregator, ProgressChain, withinBar,
  type DownloadBar, type PlannedProgressEvent, type ProgressInfo,
} from './progress';

function collect(run: (a: ProgressAggregator) => void, items = [{ file: 'a', size: 3 }, { file: 'b', size: 7 }]): ProgressInfo[] {
  const events: ProgressInfo[] = [];
  run(new ProgressAggregator(items, (e) => events.push(e)));
  return events;
}

describe('ProgressAggregator', () => {
  it('has a fixed total, ignores regressions and overshoot, and ends at exactly 100 %', () => {
    const events = collect((a) => {
      a.initiate('a'); a.progress('a', 2); a.progress('a', 1); a.progress('a', 50); a.done('a');
      a.initiate('b'); a.progress('b', 3); a.done('b'); a.ready();
    });
    expect(checkProgressInvariants(events)).toEqual([]);
    const totals = events.filter((e): e is Extract<ProgressInfo, { status: 'total' }> => e.status === 'total');
    expect(new Set(totals.map((t) => t.total))).toEqual(new Set([10]));
    expect(totals.map((t) => t.loaded)).toEqual([2, 3, 6, 10, 10]);
    expect(totals.map((t) => t.percent)).toEqual([20, 30, 60, 99.99, 100]);
    expect(totals.at(-1)!.percent).toBe(100);
    expect(totals.slice(0, -1).every((t) => t.percent < 100)).toBe(true);
  });

  it('reaches 100 % for an empty file list and for zero-byte files', () => {
    expect(checkProgressInvariants(collect((a) => a.ready(), []))).toEqual([]);
    expect(checkProgressInvariants(collect((a) => { a.initiate('z'); a.done('z'); a.ready(); }, [{ file: 'z', size: 0 }]))).toEqual([]);
  });

  it('refuses unknown and duplicate files', () => {
    expect(() => collect((a) => a.progress('nope', 1))).toThrow('unknown file nope');
    expect(() => collect(() => undefined, [{ file: 'a', size: 1 }, { file: 'a', size: 2 }])).toThrow('file listed twice: a');
  });
});

describe('checkProgressInvariants', () => {
  const ok: ProgressInfo[] = [
    { status: 'initiate', file: 'a', total: 4 }, { status: 'progress', file: 'a', loaded: 2, total: 4, progress: 50 },
    { status: 'total', loaded: 2, total: 4, percent: 50 }, { status: 'done', file: 'a', loaded: 4, total: 4, cached: false },
    { status: 'total', loaded: 4, total: 4, percent: 100 }, { status: 'ready' },
  ];

  it('accepts a valid sequence', () => expect(checkProgressInvariants(ok)).toEqual([]));

  it.each([
    ['a changing total', (e: ProgressInfo[]) => { e[4] = { status: 'total', loaded: 5, total: 5, percent: 100 }; }, 'total changed 4 → 5'],
    ['a percent going back', (e: ProgressInfo[]) => { e.splice(4, 0, { status: 'total', loaded: 2, total: 4, percent: 40 }); }, 'percent went back 50 → 40'],
    ['ending below 100 %', (e: ProgressInfo[]) => { e[4] = { status: 'total', loaded: 4, total: 4, percent: 99 }; }, 'last aggregate is 99 %'],
    ['a file never done', (e: ProgressInfo[]) => { e.splice(3, 1); }, 'a never reached done'],
    ['progress before initiate', (e: ProgressInfo[]) => { e.shift(); }, 'a used before initiate'],
    ['no ready at the end', (e: ProgressInfo[]) => { e.pop(); }, 'does not end with ready'],
  ])('reports %s', (_label, mutate, problem) => {
    const events = ok.map((e) => ({ ...e }));
    mutate(events);
    expect(checkProgressInvariants(events).join(' | ')).toContain(problem);
  });
});

describe('PlannedProgress', () => {
  it('keeps one total over stages, holds on restarts and earlier stages, skips what ended early, ends at 100 %', () => {
    const events: PlannedProgressEvent[] = [];
    const p = new PlannedProgress([{ name: 'a', units: 4 }, { name: 'b', units: 6 }], (e) => events.push(e));
    p.step('a', 1, 4);
    p.step('a', 2, 8); // a sub-task that counts against another total: still a fraction of a
    p.step('a', 1, 4); // a restarted count holds the bar
    p.step('b', 3, 6); // a ended early: b starts where a would have ended
    p.report('a', 1); // an earlier stage never moves it back
    p.step('b', 6, 6);
    p.end();
    expect(events.map((e) => [e.stage, e.done])).toEqual([['a', 1], ['a', 1], ['a', 1], ['b', 7], ['a', 7], ['b', 10], ['b', 10]]);
    expect(events.map((e) => e.percent)).toEqual([10, 10, 10, 70, 70, 99.99, 100]);
    expect(checkRunProgress(events)).toEqual([]);
    expect(() => p.report('c', 0)).toThrow(/unknown stage c/);
  });

  it('checkRunProgress catches a changed total, a step back and an unfinished run', () => {
    expect(checkRunProgress([{ done: 1, total: 4 }, { done: 1, total: 5 }])).toEqual(expect.arrayContaining([expect.stringMatching(/total changed/)]));
    expect(checkRunProgress([{ done: 2, total: 4 }, { done: 1, total: 4 }, { done: 4, total: 4 }])).toEqual([expect.stringMatching(/went back 2 → 1/)]);
    expect(checkRunProgress([{ done: 3, total: 4 }])).toEqual([expect.stringMatching(/not 100 %/)]);
  });
});

describe('withinBar', () => {
  it('chains a load and a run into one bar of 100 that never restarts', () => {
    const events: { done: number; total: number; phase: string }[] = [];
    const load = withinBar((e: { done: number; total: number; phase: string }) => events.push(e), 0, 5);
    const run = withinBar((e: { done: number; total: number; phase: string }) => events.push(e), 5, 100);
    load({ done: 512, total: 1024, phase: 'load' });
    load({ done: 1024, total: 1024, phase: 'load' });
    run({ done: 0, total: 40, phase: 'attribute' });
    run({ done: 40, total: 40, phase: 'ablation' });
    expect(events).toEqual([
      { done: 2.5, total: 100, phase: 'load' }, { done: 5, total: 100, phase: 'load' },
      { done: 5, total: 100, phase: 'attribute' }, { done: 100, total: 100, phase: 'ablation' },
    ]);
    expect(checkRunProgress(events)).toEqual([]);
  });
});

describe('ProgressChain (an .onnx, then the external data its graph names: one bar)', () => {
  /** The Models page's hub load of a model with external data: two downloads, the second planned after the first. */
  function chained(): ProgressInfo[] {
    const events: ProgressInfo[] = [];
    const chain = new ProgressChain((e) => events.push(e));
    const onnx = new ProgressAggregator([{ file: 'hub/m/onnx/model.onnx', size: 100 }], chain.next());
    onnx.initiate('hub/m/onnx/model.onnx');
    onnx.progress('hub/m/onnx/model.onnx', 60);
    onnx.done('hub/m/onnx/model.onnx');
    onnx.ready();
    const side = new ProgressAggregator([{ file: 'hub/m/onnx/model.onnx_data', size: 900 }], chain.next());
    side.initiate('hub/m/onnx/model.onnx_data');
    side.progress('hub/m/onnx/model.onnx_data', 450);
    side.done('hub/m/onnx/model.onnx_data');
    side.ready();
    chain.end();
    return events;
  }

  it('one aggregate: loaded never goes back, 100 % and ready once, at the very end, with the bytes of both files', () => {
    const events = chained();
    const totals = events.filter((e) => e.status === 'total');
    expect(totals.map((e) => [e.loaded, e.total])).toEqual([[60, 100], [100, 100], [100, 100], [550, 1000], [1000, 1000], [1000, 1000], [1000, 1000]]);
    expect(totals.filter((e) => e.percent === 100)).toHaveLength(1);
    expect(totals.at(-1)).toEqual({ status: 'total', loaded: 1000, total: 1000, percent: 100 });
    expect(events.filter((e) => e.status === 'ready')).toHaveLength(1);
    expect(checkProgressInvariants(events, { totalMayGrow: true })).toEqual([]);
  });

  it('without the chain the two downloads are two totals (what the bar used to show): the checker catches it', () => {
    const events: ProgressInfo[] = [];
    for (const [file, size] of [['model.onnx', 100], ['model.onnx_data', 900]] as const) {
      const a = new ProgressAggregator([{ file, size }], (e) => events.push(e));
      a.initiate(file);
      a.done(file);
      a.ready();
    }
    expect(checkProgressInvariants(events, { totalMayGrow: true })).toEqual(expect.arrayContaining([expect.stringMatching(/loaded went back 100 → 0|ready is not the last event/)]));
  });

  /** The same two downloads with the chain's total expected up front (the hub listing), corrected after the .onnx. */
  function planned(expected: number | undefined, corrected?: number): ProgressInfo[] {
    const events: ProgressInfo[] = [];
    const chain = new ProgressChain((e) => events.push(e), expected);
    const onnx = new ProgressAggregator([{ file: 'hub/m/onnx/model.onnx', size: 100 }], chain.next());
    onnx.initiate('hub/m/onnx/model.onnx');
    onnx.progress('hub/m/onnx/model.onnx', 60);
    onnx.done('hub/m/onnx/model.onnx');
    onnx.ready();
    if (corrected !== undefined) chain.expect(corrected);
    const side = new ProgressAggregator([{ file: 'hub/m/onnx/model.onnx_data', size: 900 }], chain.next());
    side.initiate('hub/m/onnx/model.onnx_data');
    side.progress('hub/m/onnx/model.onnx_data', 450);
    side.done('hub/m/onnx/model.onnx_data');
    side.ready();
    chain.end();
    return events;
  }
  const percents = (events: ProgressInfo[]) => events.flatMap((e) => (e.status === 'total' ? [e.percent] : []));
  const isSorted = (v: number[]) => v.every((x, i) => i === 0 || x >= v[i - 1]);

  it('with the total known up front (hub listing sizes) the total is fixed from the first event: the bar never moves back', () => {
    const events = planned(1000);
    const totals = events.filter((e) => e.status === 'total');
    expect(totals.map((e) => [e.loaded, e.total])).toEqual([[60, 1000], [100, 1000], [100, 1000], [550, 1000], [1000, 1000], [1000, 1000], [1000, 1000]]);
    expect(isSorted(percents(events))).toBe(true);
    // the strict check (no growing total allowed) holds; without the up-front total it does not: 10 % → 60 % → 10 %
    expect(checkProgressInvariants(events)).toEqual([]);
    expect(checkProgressInvariants(chained())).toEqual(expect.arrayContaining([expect.stringMatching(/total changed 100 → 1000/), expect.stringMatching(/percent went back 99\.99 → 55/)]));
    expect(isSorted(percents(chained()))).toBe(false);
  });

  it('a guess too large (a file named like external data that the graph does not name) is corrected down after the .onnx: the bar only jumps forward', () => {
    const events = planned(1300, 1000);
    expect(events.filter((e) => e.status === 'total').map((e) => e.total)).toEqual([1300, 1300, 1300, 1000, 1000, 1000, 1000]);
    expect(isSorted(percents(events))).toBe(true);
    expect(checkProgressInvariants(events, { totalMayShrink: true })).toEqual([]);
    expect(checkProgressInvariants(events)).toEqual(expect.arrayContaining([expect.stringMatching(/total changed 1300 → 1000/)]));
  });

  it('a guess too small (a side file not in the listing, or no listing: undefined) falls back to today\'s growing total', () => {
    const events = planned(100, undefined);
    expect(events.filter((e) => e.status === 'total').map((e) => e.total)).toEqual(chained().filter((e) => e.status === 'total').map((e) => (e as { total: number }).total));
    expect(checkProgressInvariants(events, { totalMayGrow: true })).toEqual([]);
    const dropped: ProgressInfo[] = [];
    const chain = new ProgressChain((e) => dropped.push(e), 1000);
    chain.expect(undefined);
    const onnx = new ProgressAggregator([{ file: 'm.onnx', size: 100 }], chain.next());
    onnx.initiate('m.onnx');
    onnx.done('m.onnx');
    expect(dropped.at(-1)).toMatchObject({ status: 'total', loaded: 100, total: 100 });
  });

  it('a total that shrinks is still caught with totalMayGrow', () => {
    const shrink: ProgressInfo[] = [{ status: 'total', loaded: 10, total: 100, percent: 10 }, { status: 'total', loaded: 50, total: 50, percent: 100 }, { status: 'ready' }];
    expect(checkProgressInvariants(shrink, { totalMayGrow: true })).toContain('event 1 (total): total changed 100 → 50');
  });
});

describe('foldDownloadBar', () => {
  it('one bar over the chained stream: bytes of both files, the file being read by name and place', () => {
    const bars: DownloadBar[] = [];
    let bar: DownloadBar | undefined;
    const events: ProgressInfo[] = [];
    const chain = new ProgressChain((e) => {
      events.push(e);
      bar = foldDownloadBar(bar, e);
      bars.push(bar);
    });
    const onnx = new ProgressAggregator([{ file: 'https://hub/m/resolve/main/onnx/model.onnx', size: 100 }], chain.next());
    onnx.initiate('https://hub/m/resolve/main/onnx/model.onnx');
    onnx.done('https://hub/m/resolve/main/onnx/model.onnx');
    onnx.ready();
    expect(downloadBarLabel(bar!, 'downloading')).toBe('downloading: model.onnx (file 1)');
    const side = new ProgressAggregator([{ file: 'https://hub/m/resolve/main/onnx/model.onnx_data', size: 300 }], chain.next());
    side.initiate('https://hub/m/resolve/main/onnx/model.onnx_data');
    side.progress('https://hub/m/resolve/main/onnx/model.onnx_data', 150);
    expect(bar).toEqual({ loaded: 250, total: 400, file: 'https://hub/m/resolve/main/onnx/model.onnx_data', filesStarted: 2 });
    expect(downloadBarLabel(bar!, 'downloading')).toBe('downloading: model.onnx_data (file 2)');
    side.done('https://hub/m/resolve/main/onnx/model.onnx_data');
    side.ready();
    chain.end();
    expect(bars.map((b) => b.loaded)).toEqual([...bars.map((b) => b.loaded)].sort((x, y) => x - y));
    expect(bar).toMatchObject({ loaded: 400, total: 400 });
    expect(downloadBarLabel({ loaded: 0, total: 0, filesStarted: 0 }, 'downloading')).toBe('downloading');
  });
});
