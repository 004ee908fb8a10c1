// Metrics on hand-built traces equal the values computed by hand in the comments.
import { describe, expect, it } from 'vitest';
import { jaccard, runMetrics } from './metrics';
import type { Attempt, SampleTrace } from './pipeline';
import type { CuratedSample, GateVerdict, InjectionLabel } from './types';

const sample = (id: string, attempt = 0): CuratedSample => ({ id: `${id}:${attempt}`, instruction: 'q?', response: 'a.', provenance: { chunkId: id, span: { start: 0, end: 2 } }, generator: 'g', attempt, calls: 0 });
const v = (gate: string, sampleId: string, outcome: GateVerdict['outcome'], calls = 0): GateVerdict => ({ gate, sampleId, outcome, reason: '', calls });
/** An attempt judged by gates A (lexical, free) and B (model, 1 call each). */
const att = (id: string, a: GateVerdict['outcome'], b: GateVerdict['outcome'], attempt = 0, genCalls = 1): Attempt => {
  const s = sample(id, attempt);
  const verdicts = [v('A', s.id, a), v('B', s.id, b, 1)];
  const rej = verdicts.find((x) => x.outcome === 'reject')?.gate;
  return { attempt, action: attempt ? 'resample' : 'generate', sample: s, verdicts, ...(rej ? { rejectedBy: rej } : {}), calls: genCalls + 1 };
};
const trace = (id: string, attempts: Attempt[], status: SampleTrace['status']): SampleTrace => ({
  id: `${id}:0`, chunkId: id, generator: 'g', attempts, status, calls: attempts.reduce((x, a) => x + a.calls, 0),
  ...(status === 'accepted' ? { final: attempts[attempts.length - 1].sample } : {}),
});

// s1: passes both → accepted first pass (2 calls)
// s2: A rejects, B passes; recovered on attempt 1 (2 + 2 calls)
// s3: A and B reject; attempt 1 B rejects again; stays rejected (2 + 2)
// s4: A passes, B rejects, then dropped (2 + 0)
// s5: B abstains, A passes → accepted (2)
// s6: generation failed (1 call, no verdicts), never recovered
const traces: SampleTrace[] = [
  trace('s1', [att('s1', 'pass', 'pass')], 'accepted'),
  trace('s2', [att('s2', 'reject', 'pass'), att('s2', 'pass', 'pass', 1)], 'accepted'),
  trace('s3', [att('s3', 'reject', 'reject'), att('s3', 'pass', 'reject', 1)], 'rejected'),
  trace('s4', [att('s4', 'pass', 'reject'), { attempt: 1, action: 'drop', verdicts: [], calls: 0 }], 'dropped'),
  trace('s5', [att('s5', 'pass', 'abstain')], 'accepted'),
  trace('s6', [{ attempt: 0, action: 'generate', generationFailure: { reason: 'empty', raw: '' }, verdicts: [], calls: 1 }], 'generation-failed'),
];
// injected: s2 (number), s3 (unsupported), s5 (unsafe)
const labels: InjectionLabel[] = [
  { sampleId: 's2:0', mode: 'contradicted-number', detail: '' },
  { sampleId: 's3:0', mode: 'unsupported-claim', detail: '' },
  { sampleId: 's5:0', mode: 'unsafe', detail: '' },
];

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
