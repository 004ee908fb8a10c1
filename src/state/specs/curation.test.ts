import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from '../linkCodec';
import { linkSafeSpec } from '../persistence';
import fixtures from '../fixtures/links.json';
import { linkRefusal, rawLink } from './linkTestKit';
import { CURATION_LIMITS, curationSpec, type CurationSpec } from './curation';

const defaults = (): CurationSpec => curationSpec.clamp(curationSpec.schema.parse({}));
const raw = (s: unknown) => rawLink('curation', s);

describe('curation spec', () => {
  it('defaults: the handbook, 6 chunks, the extractive baseline, injection, lexical/format/dedup gates, adaptive recovery; clamping changes nothing', () => {
    const d = defaults();
    expect(d).toMatchObject({ corpus: { kind: 'handbook' }, chunking: { maxChunks: 6 }, generators: ['extractive'], recovery: { strategy: 'adaptive', attempts: 2 } });
    expect(d.injection.modes).toEqual(['unsupported-claim', 'contradicted-number', 'unsafe', 'format']);
    expect(d.gates.grounding.enabled).toBe(false);
    expect(curationSpec.clamp(d)).toEqual(d);
  });

  it('round-trips an uploaded corpus (name + sha256 only), model generators, the grounding gate and a digest', () => {
    const spec: CurationSpec = {
      ...defaults(), seed: 99, corpus: { kind: 'upload', name: 'notes ☃.csv', sha256: 'a'.repeat(64) }, generators: ['extractive', 'curation-gen-s'],
      gates: { ...defaults().gates, grounding: { enabled: true, model: 'curation-grounding', mode: 'retrieval', verdict: 'greedy' }, reward: { enabled: true, judge: '', threshold: -1.5 } },
      recovery: { strategy: 'none', attempts: 0, maxCalls: 10 },
    };
    const back = decodeLink(encodeLink('curation', spec, 'd'.repeat(64)))!;
    expect(back.spec).toEqual(spec);
    expect(back.digest).toBe('d'.repeat(64));
  });

  it('clamps hand-edited values into range instead of refusing them', () => {
    const s = decodeLink(raw({
      seed: -4, chunking: { maxChars: 5, overlap: 9999, maxChunks: 0 }, generators: ['a', 'a', 'b', 'c', 'd', 'e'],
      decoding: { maxNewTokens: 100000, topK: 0, temperature: 9 }, injection: { rate: 3, modes: ['format', 'format'] },
      gates: { dedup: { enabled: true, threshold: 0 }, reward: { threshold: -40 } }, recovery: { attempts: 50, maxCalls: -1 },
    }))!.spec as CurationSpec;
    expect(s.seed).toBe(0);
    expect(s.chunking).toEqual({ maxChars: CURATION_LIMITS.maxChars.min, overlap: CURATION_LIMITS.overlap.max, maxChunks: 1 });
    expect(s.generators).toEqual(['a', 'b', 'c', 'd']);
    expect(s.decoding).toEqual({ maxNewTokens: CURATION_LIMITS.maxNewTokens.max, topK: 1, temperature: CURATION_LIMITS.temperature.max });
    expect(s.injection).toEqual({ rate: 1, modes: ['format'] });
    expect(s.gates.dedup.threshold).toBe(CURATION_LIMITS.dedupThreshold.min);
    expect(s.gates.reward).toEqual({ enabled: false, judge: 'judge', threshold: CURATION_LIMITS.rewardThreshold.min });
    expect(s.gates.lexical).toEqual({ enabled: true, grounding: 'cited-chunk' });
    expect(s.recovery).toEqual({ strategy: 'adaptive', attempts: CURATION_LIMITS.attempts.max, maxCalls: 0 });
  });

  it('refuses invalid values with the field named', () => {
    expect(linkRefusal(raw({ recovery: { strategy: 'smart' } })).message).toMatch(/recovery\.strategy/);
    expect(linkRefusal(raw({ injection: { modes: ['typo'] } })).kind).toBe('invalid-spec');
    expect(linkRefusal(raw({ corpus: { kind: 'upload' } })).message).toMatch(/corpus/);
    expect(linkRefusal(raw({ corpus: { kind: 'upload', name: 'x.md', sha256: 'nothex' } })).kind).toBe('invalid-spec');
    expect(linkRefusal(raw({ generators: [] })).message).toMatch(/generators/);
    expect(linkRefusal(raw({ gates: { lexical: { grounding: 'web' } } })).message).toMatch(/gates\.lexical\.grounding/);
    expect(linkRefusal(raw({ chunking: { maxChunks: 2.5 } })).kind).toBe('invalid-spec');
  });

  it('golden curation links keep decoding to the same specs', () => {
    const golden = fixtures.fixtures.filter((f) => f.hash.startsWith('#/curation'));
    expect(golden.length).toBeGreaterThanOrEqual(2);
    for (const f of golden) expect(decodeLink(f.hash)!.spec).toEqual(f.expected);
  });

  it('keeps every spec key in links (an upload is named by file name and sha256, its bytes are not in the spec)', () => {
    const d = defaults();
    expect(Object.keys(linkSafeSpec('curation', d)).sort()).toEqual(Object.keys(d).sort());
  });
});
