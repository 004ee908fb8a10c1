import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink, parseRoute } from '../linkCodec';
import { linkSafeSpec } from '../persistence';
import fixtures from '../fixtures/links.json';
import { linkRefusal, rawLink } from './linkTestKit';
import { alignbeamSpec, type AlignbeamSpec } from './alignbeam';

const defaults = (): AlignbeamSpec => alignbeamSpec.clamp(alignbeamSpec.schema.parse({}));
const decode = (spec: Record<string, unknown>, digest?: string) => decodeLink(encodeLink('alignbeam', spec, digest))!;
const raw = (s: unknown) => rawLink('alignbeam', s);
const refusal = linkRefusal;

describe('alignbeam spec', () => {
  it('defaults are legal: α in [0,1], K in 1..8, a non-empty grid, every built-in suite known', () => {
    const d = defaults();
    expect(d.tab).toBe('playground');
    expect(d.settings.alpha).toBeGreaterThanOrEqual(0);
    expect(d.settings.alpha).toBeLessThanOrEqual(1);
    expect(d.settings.K).toBeGreaterThanOrEqual(1);
    expect(d.grid.alpha.length * d.grid.K.length * d.grid.m.length).toBeGreaterThan(0);
    expect(alignbeamSpec.clamp(d)).toEqual(d);
  });

  it('round-trips a sweep spec with a digest, a CSV reference and hub model ids', () => {
    const spec: AlignbeamSpec = {
      ...defaults(), tab: 'sweep', pair: 'same', prompt: 'Ünïcode → prompt ☃',
      models: { target: 'org/domain-model', anchor: 'anchor', anchorSame: 'anchor-same', judge: 'judge' },
      settings: { ...defaults().settings, rule: 'contrastive', confidenceGate: 0.85, bridge: 'mined' },
      grid: { alpha: [0, 0.3, 1], K: [1, 8], m: [0, 16] }, suites: ['edgy'], limit: 2, baselines: ['anchor-only'],
      csv: { name: 'xstest.csv', sha256: 'c'.repeat(64) },
    };
    const back = decode(spec, 'd'.repeat(64));
    expect(back.spec).toEqual(spec);
    expect(back.digest).toBe('d'.repeat(64));
    expect(parseRoute(encodeLink('alignbeam', spec)).module).toBe('alignbeam');
  });

  it('clamps hand-edited values into range instead of refusing them', () => {
    const s = decodeLink(raw({
      settings: { alpha: 7, K: 99, m: -3, topK: 0, maxNewTokens: 100000, confidenceGate: 3 },
      grid: { alpha: [2, -1, 0.5, 0.5], K: [0, 3, 3, 40], m: [-5, 1000] },
      limit: 0, seed: -4, suites: ['tasks', 'harmful', 'tasks'], baselines: ['anchor-only', 'anchor-only'],
    }))!.spec as AlignbeamSpec;
    expect(s.settings).toMatchObject({ alpha: 1, K: 8, m: 0, topK: 1, maxNewTokens: 256, confidenceGate: 1 });
    expect(s.grid).toEqual({ alpha: [0, 0.5, 1], K: [1, 3, 8], m: [0, 256] });
    expect(s.limit).toBe(1);
    expect(s.seed).toBe(0);
    // canonical order, no duplicates
    expect(s.suites).toEqual(['harmful', 'tasks']);
    expect(s.baselines).toEqual(['anchor-only']);
  });

  it('caps grid axes and prompt length, and refills an emptied axis from the base setting', () => {
    const s = decodeLink(raw({
      grid: { alpha: Array.from({ length: 20 }, (_, i) => i / 20), K: [], m: [4] },
      settings: { K: 3 }, prompt: 'x'.repeat(5000),
    }))!.spec as AlignbeamSpec;
    expect(s.grid.alpha).toHaveLength(8);
    expect(s.grid.K).toEqual([3]);
    expect(s.prompt).toHaveLength(2000);
  });

  it('refuses invalid values with the field named, and tampered links with tampered/malformed', () => {
    expect(refusal(raw({ settings: { rule: 'geometric' } })).kind).toBe('invalid-spec');
    expect(refusal(raw({ settings: { rule: 'geometric' } })).message).toMatch(/settings\.rule/);
    expect(refusal(raw({ settings: { K: 2.5 } })).kind).toBe('invalid-spec');
    expect(refusal(raw({ suites: ['darkweb'] })).kind).toBe('invalid-spec');
    expect(refusal(raw({ csv: { name: 'a.csv', sha256: 'nothex' } })).kind).toBe('invalid-spec');
    expect(refusal(raw({ models: { target: '' } })).kind).toBe('invalid-spec');
    const hash = encodeLink('alignbeam', { ...defaults(), tab: 'sweep' });
    const payload = parseRoute(hash).params.get('s')!;
    let refused = 0;
    for (let i = 3; i < payload.length - 1; i += 5) {
      const bad = `#/alignbeam?s=${payload.slice(0, i)}${payload[i] === 'A' ? 'B' : 'A'}${payload.slice(i + 1)}`;
      expect(['tampered', 'malformed', 'invalid-spec']).toContain(refusal(bad).kind);
      refused++;
    }
    expect(refused).toBeGreaterThan(10);
    expect(refusal(hash.replace('#/alignbeam', '#/tabular')).kind).toBe('tampered');
  });

  it("defaults to the paper's ALIGNBEAM: the safest candidate, no extra target candidate", () => {
    expect(defaults().settings).toMatchObject({ selection: 'safest', extraTargetCandidate: false });
    expect(alignbeamSpec.version).toBe(2);
  });

  it('a v1 link keeps its old behaviour explicitly: target-likelihood (or beam-score for rankSafe mixed) and the extra candidate', () => {
    // rawLink writes spec version 1
    expect((decodeLink(raw({}))!.spec as AlignbeamSpec).settings).toMatchObject({ selection: 'target-likelihood', extraTargetCandidate: true });
    expect((decodeLink(raw({ settings: { rankSafe: 'mixed', targetCandidate: false, K: 2 } }))!.spec as AlignbeamSpec).settings)
      .toMatchObject({ selection: 'beam-score', extraTargetCandidate: false, K: 2 });
    const migrated = (decodeLink(raw({ settings: { rankSafe: 'target' } }))!.spec as AlignbeamSpec).settings;
    expect(migrated).toMatchObject({ selection: 'target-likelihood', extraTargetCandidate: true });
    expect(Object.keys(migrated)).not.toContain('rankSafe');
    expect(refusal(raw({ settings: { rankSafe: 'loudest' } })).message).toMatch(/settings\.selection/);
    // a v2 link without the fields gets the v2 defaults
    const v2 = decodeLink(encodeLink('alignbeam', { ...defaults(), settings: { ...defaults().settings, selection: 'beam-score' } }))!.spec as AlignbeamSpec;
    expect(v2.settings.selection).toBe('beam-score');
  });

  it('golden alignbeam links keep decoding to the same specs', () => {
    const golden = fixtures.fixtures.filter((f) => f.hash.startsWith('#/alignbeam'));
    expect(golden.length).toBeGreaterThanOrEqual(4);
    for (const f of golden) expect(decodeLink(f.hash)!.spec).toEqual(f.expected);
  });

  it('keeps every spec key in links (nothing secret in this spec)', () => {
    const d = { ...defaults(), csv: { name: 'a.csv', sha256: 'e'.repeat(64) } };
    expect(Object.keys(linkSafeSpec('alignbeam', d)).sort()).toEqual(Object.keys(d).sort());
  });
});
