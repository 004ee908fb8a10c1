// Metrics on hand-built traces equal the values computed by hand in the comments.
import { describe, expect, it } from 'vitest';
import { jaccard, runMetrics } from './metrics';
import { sixSampleRun, traceBuilders } from './traces.fixture';

// The six-sample run of traces.fixture.ts, judged by gates A (lexical, free) and B (model, 1 call each):
// accepted s1, s2 (recovered), s5; rejected s3; dropped s4; generation failed s6. Injected: s2, s3, s5.
const { traces, labels } = sixSampleRun(['A', 'B'], 'g');
const { att, trace } = traceBuilders(['A', 'B'], 'g');

describe('runMetrics', () => {
  const m = runMetrics({ traces, labels, gateNames: ['A', 'B'] });
  it('yield, recovery rate and statuses', () => {
    expect(m.samples).toBe(6);
    expect(m.statuses).toEqual({ accepted: 3, rejected: 1, dropped: 1, 'generation-failed': 1, 'missing-chunk': 0, cancelled: 0 });
    expect(m.yield).toBeCloseTo(3 / 6);
    // failed first: s2, s3, s4, s6 → 4; recovered: s2 → 1/4
    expect(m.failedFirst).toBe(4);
    expect(m.firstPassAccepted).toBe(2);
    expect(m.recoveryRate).toBeCloseTo(1 / 4);
  });
  it('per-gate counts, recall and precision against the separate labels', () => {
    const [a, b] = m.gates;
    expect(a.counts).toEqual({ pass: 3, reject: 2, abstain: 0, 'parse-failure': 0 });
    expect(b.counts).toEqual({ pass: 2, reject: 2, abstain: 1, 'parse-failure': 0 });
    // A rejects {s2, s3}: both injected → recall 2/3, precision 2/2
    expect(a.injectionRecall).toBeCloseTo(2 / 3);
    expect(a.injectionPrecision).toBe(1);
    expect(a.recallByMode).toEqual({ 'unsupported-claim': 1, 'contradicted-number': 1, unsafe: 0 });
    // B rejects {s3, s4}: injected s3 only → recall 1/3, precision 1/2
    expect(b.injectionRecall).toBeCloseTo(1 / 3);
    expect(b.injectionPrecision).toBeCloseTo(1 / 2);
    // any gate rejects {s2, s3, s4} → recall 2/3, precision 2/3
    expect(m.anyGate.injectionRecall).toBeCloseTo(2 / 3);
    expect(m.anyGate.injectionPrecision).toBeCloseTo(2 / 3);
  });
  it('overlap is the Jaccard of the first-attempt rejected sets', () => {
    // {s2, s3} vs {s3, s4}: 1 / 3
    expect(m.overlap).toEqual([{ a: 'A', b: 'B', jaccard: 1 / 3, both: 1 }]);
    expect(jaccard(new Set(), new Set())).toBeNull();
  });
  it('cost in model calls', () => {
    // first pass 2·5 + 1 = 11; recovery 2 + 2 + 0 = 4
    expect(m.cost).toEqual({ calls: 15, firstPass: 11, recovery: 4, perAccepted: 5 });
  });
  it('ratios with nothing to divide by are null, not 0', () => {
    const none = runMetrics({ traces: [trace('s1', [att('s1', 'pass', 'pass')], 'accepted')], labels: [], gateNames: ['A', 'B'] });
    expect(none.recoveryRate).toBeNull();
    expect(none.gates[0].injectionRecall).toBeNull();
    expect(none.gates[0].injectionPrecision).toBeNull();
  });
});
