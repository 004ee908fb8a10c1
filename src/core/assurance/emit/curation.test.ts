// Curation emitter on metrics computed by the real runMetrics from pipeline traces of the real shape (six samples,
// two gates, three injected faults: the counts are worked out in the comments): data-provenance, outside-the-box,
// yield / recovery / injection recall as counts with Wilson intervals, source documents by sha256, and nothing for
// a cancelled run.
import { describe, expect, it } from 'vitest';
import type { CurationRunOutput } from '../../curation/engine';
import { runMetrics } from '../../curation/metrics';
import type { Attempt, SampleTrace } from '../../curation/pipeline';
import type { GateVerdict, InjectionLabel } from '../../curation/types';
import { completeAll } from './drafts.fixture';
import { emitCuration } from './curation';
import { wilsonInterval } from './intervals';

const att = (id: string, a: GateVerdict['outcome'], b: GateVerdict['outcome'], attempt = 0): Attempt => {
  const sid = `${id}:${attempt}`;
  const verdicts: GateVerdict[] = [{ gate: 'lexical', sampleId: sid, outcome: a, reason: '', calls: 0 }, { gate: 'judge', sampleId: sid, outcome: b, reason: '', calls: 1 }];
  const rej = verdicts.find((x) => x.outcome === 'reject')?.gate;
  return {
    attempt, action: attempt ? 'resample' : 'generate', verdicts, calls: 2, ...(rej ? { rejectedBy: rej } : {}),
    sample: { id: sid, instruction: 'q?', response: 'a.', provenance: { chunkId: id, span: { start: 0, end: 2 } }, generator: 'curation-gen-s', attempt, calls: 1 },
  };
};
const trace = (id: string, attempts: Attempt[], status: SampleTrace['status']): SampleTrace => ({
  id: `${id}:0`, chunkId: id, generator: 'curation-gen-s', attempts, status, calls: attempts.reduce((x, a) => x + a.calls, 0),
  ...(status === 'accepted' ? { final: attempts[attempts.length - 1].sample } : {}),
});
// accepted: s1 (first pass), s2 (recovered), s5 → yield 3/6; failed first: s2, s3, s4, s6 → recovery 1/4
// injected s2, s3, s5: the lexical gate rejects s2, s3 → recall 2/3; any gate rejects s2, s3, s4 → recall 2/3
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
const result = { traces, labels, calls: 15, cancelled: false, gateNames: ['lexical', 'judge'] };
const SRC = '5'.repeat(64);
const run = (cancelled = false): CurationRunOutput & { documents: { id: string; sourceSha256: string }[] } => ({
  result: { ...result, cancelled }, metrics: runMetrics(result),
  models: [{ id: 'curation-gen-s', role: 'generator' }, { id: 'curation-grounding', role: 'grounding' }],
  documents: [{ id: 'handbook.md', sourceSha256: SRC }, { id: 'notes.jsonl#1', sourceSha256: 'f'.repeat(64) }, { id: 'notes.jsonl#2', sourceSha256: 'f'.repeat(64) }],
});

describe('emitCuration', () => {
  it('emits data-provenance evidence with counts and Wilson intervals', () => {
    const [d] = completeAll(emitCuration(run(), { corpus: 'the handbook', modelHashes: { 'curation-gen-s': 'a'.repeat(64) } }));
    expect(d).toMatchObject({
      evidenceClass: 'data-provenance', access: 'outside-the-box', module: 'curation',
      model: { id: 'curation pipeline (generator curation-gen-s, grounding curation-grounding)', sha256: 'a'.repeat(64) },
      data: [{ id: 'source handbook.md', sha256: SRC }, { id: 'source notes.jsonl', sha256: 'f'.repeat(64) }],
      scope: { sampleSize: 6, properties: ['data-governance'] },
    });
    const m = Object.fromEntries(d.metrics.map((x) => [x.name, x]));
    expect(m['yield (accepted / started samples)']).toMatchObject({ value: 0.5, n: 6, method: 'wilson', ci: wilsonInterval(3, 6) });
    expect(m['recovery rate (failed first attempts ending accepted)']).toMatchObject({ value: 0.25, n: 4, ci: wilsonInterval(1, 4) });
    expect(m['injection recall, gate lexical'].ci).toEqual(wilsonInterval(2, 3));
    expect(m['injection recall, any gate']).toMatchObject({ n: 3, method: 'wilson' });
    expect(d.claim).toMatch(/3 were accepted/);
  });
  it('emits nothing for a cancelled run', () => {
    expect(emitCuration(run(true), { corpus: 'x' })).toEqual([]);
  });
});
