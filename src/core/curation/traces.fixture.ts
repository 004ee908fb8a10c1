// Test helper shared by the curation metrics test and the assurance curation emitter test: pipeline traces of the
// real shape for six samples judged by two gates (the first lexical and free, the second a model at 1 call), with
// three injected faults, so both tests check figures worked out by hand on the same run. Test-only.
import type { Attempt, SampleTrace } from './pipeline';
import type { CuratedSample, GateVerdict, InjectionLabel } from './types';

/** Builders for attempts and traces judged by gates `gates[0]` (free) and `gates[1]` (1 call), made by `generator`. */
export function traceBuilders(gates: readonly [string, string], generator: string) {
  const sample = (id: string, attempt: number): CuratedSample => ({
    id: `${id}:${attempt}`, instruction: 'q?', response: 'a.', provenance: { chunkId: id, span: { start: 0, end: 2 } }, generator, attempt, calls: 1,
  });
  /** An attempt: 1 generation call, then the two gates' verdicts (1 more call for the model gate). */
  const att = (id: string, a: GateVerdict['outcome'], b: GateVerdict['outcome'], attempt = 0): Attempt => {
    const s = sample(id, attempt);
    const verdicts: GateVerdict[] = [
      { gate: gates[0], sampleId: s.id, outcome: a, reason: '', calls: 0 },
      { gate: gates[1], sampleId: s.id, outcome: b, reason: '', calls: 1 },
    ];
    const rej = verdicts.find((x) => x.outcome === 'reject')?.gate;
    return { attempt, action: attempt ? 'resample' : 'generate', sample: s, verdicts, ...(rej ? { rejectedBy: rej } : {}), calls: 2 };
  };
  const trace = (id: string, attempts: Attempt[], status: SampleTrace['status']): SampleTrace => ({
    id: `${id}:0`, chunkId: id, generator, attempts, status, calls: attempts.reduce((x, a) => x + a.calls, 0),
    ...(status === 'accepted' ? { final: attempts[attempts.length - 1].sample } : {}),
  });
  return { att, trace };
}

/**
 * The six-sample run (calls in brackets):
 * s1: passes both → accepted first pass (2)
 * s2: first gate rejects, second passes; recovered on attempt 1 (2 + 2)
 * s3: both reject; attempt 1 the second rejects again; stays rejected (2 + 2)
 * s4: first passes, second rejects, then dropped (2 + 0)
 * s5: second abstains, first passes → accepted (2)
 * s6: generation failed (1 call, no verdicts), never recovered
 * Injected: s2 (number), s3 (unsupported), s5 (unsafe).
 */
export function sixSampleRun(gates: readonly [string, string], generator: string): { traces: SampleTrace[]; labels: InjectionLabel[] } {
  const { att, trace } = traceBuilders(gates, generator);
  const traces: SampleTrace[] = [
    trace('s1', [att('s1', 'pass', 'pass')], 'accepted'),
    trace('s2', [att('s2', 'reject', 'pass'), att('s2', 'pass', 'pass', 1)], 'accepted'),
    trace('s3', [att('s3', 'reject', 'reject'), att('s3', 'pass', 'reject', 1)], 'rejected'),
    trace('s4', [att('s4', 'pass', 'reject'), { attempt: 1, action: 'drop', verdicts: [], calls: 0 }], 'dropped'),
    trace('s5', [att('s5', 'pass', 'abstain')], 'accepted'),
    trace('s6', [{ attempt: 0, action: 'generate', generationFailure: { reason: 'empty', raw: '' }, verdicts: [], calls: 1 }], 'generation-failed'),
  ];
  const labels: InjectionLabel[] = [
    { sampleId: 's2:0', mode: 'contradicted-number', detail: '' },
    { sampleId: 's3:0', mode: 'unsupported-claim', detail: '' },
    { sampleId: 's5:0', mode: 'unsafe', detail: '' },
  ];
  return { traces, labels };
}
