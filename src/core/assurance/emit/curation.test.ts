// Curation emitter on metrics computed by the real runMetrics from pipeline traces of the real shape (six samples,
// two gates, three injected faults: the counts are worked out in the comments): data-provenance, outside-the-box,
// yield / recovery / injection recall as counts with Wilson intervals, source documents by sha256, and nothing for
// a cancelled run.
import { describe, expect, it } from 'vitest';
import type { CurationRunOutput } from '../../curation/engine';
import { runMetrics } from '../../curation/metrics';
import { sixSampleRun } from '../../curation/traces.fixture';
import { completeAll } from './drafts.fixture';
import { emitCuration } from './curation';
import { wilsonInterval } from './intervals';

// The six-sample run of traces.fixture.ts:
// accepted: s1 (first pass), s2 (recovered), s5 → yield 3/6; failed first: s2, s3, s4, s6 → recovery 1/4
// injected s2, s3, s5: the lexical gate rejects s2, s3 → recall 2/3; any gate rejects s2, s3, s4 → recall 2/3
const { traces, labels } = sixSampleRun(['lexical', 'judge'], 'curation-gen-s');
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
