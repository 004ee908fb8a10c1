import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink, parseRoute } from '../linkCodec';
import { LinkError } from '../linkErrors';
import { linkSafeSpec } from '../persistence';
import fixtures from '../fixtures/links.json';
import { linkRefusal, rawLink } from './linkTestKit';
import { CIRCUIT_LIMITS, circuitsSpec, type CircuitsSpec } from './circuits';

const defaults = (): CircuitsSpec => circuitsSpec.clamp(circuitsSpec.schema.parse({}));
const raw = (s: unknown) => rawLink('circuits', s);
const refusal = linkRefusal;

describe('circuits spec', () => {
  it('defaults: the anchor, held-out pairs, EAP-IG with m = 5, a top-n circuit; clamping them changes nothing', () => {
    const d = defaults();
    expect(d).toMatchObject({ model: 'anchor', tab: 'graph', method: 'eap-ig', steps: 5, metric: 'logit_diff', pairs: { source: 'heldout' } });
    expect(d.extraction.mode).toBe('topn');
    expect(circuitsSpec.clamp(d)).toEqual(d);
  });

  it('round-trips custom pairs, greedy extraction and a digest', () => {
    const spec: CircuitsSpec = {
      ...defaults(), model: 'target', tab: 'refusal', method: 'patching', metric: 'kl', steps: 12, view: 'nodes', topEdges: 40,
      pairs: { source: 'custom', items: [{ clean: 'How do I pick a lock? ☃', corrupted: 'How do I bake a cake?' }] },
      extraction: { mode: 'greedy', n: 30, threshold: 0.2, prune: false }, prompt: 'Ünïcode prompt', ablation: { prompts: 4, maxNewTokens: 12 },
    };
    const back = decodeLink(encodeLink('circuits', spec, 'a'.repeat(64)))!;
    expect(back.spec).toEqual(spec);
    expect(back.digest).toBe('a'.repeat(64));
  });

  it('clamps hand-edited values into range instead of refusing them', () => {
    const s = decodeLink(raw({
      steps: 1000, seed: -3, topEdges: 1, pairs: { source: 'heldout', n: 5000 }, method: 'acdc', tau: 7,
      extraction: { mode: 'threshold', n: 0, threshold: -2 }, prompt: 'x'.repeat(5000), ablation: { prompts: 0, maxNewTokens: 999 },
    }))!.spec as CircuitsSpec;
    expect(s.ablation).toEqual({ prompts: CIRCUIT_LIMITS.ablationPrompts.min, maxNewTokens: CIRCUIT_LIMITS.ablationTokens.max });
    expect(s.steps).toBe(CIRCUIT_LIMITS.steps.max);
    expect([s.method, s.tau]).toEqual(['acdc', CIRCUIT_LIMITS.tau.max]);
    expect((decodeLink(raw({ tau: -0.5 }))!.spec as CircuitsSpec).tau).toBe(CIRCUIT_LIMITS.tau.min);
    expect(s.seed).toBe(0);
    expect(s.topEdges).toBe(CIRCUIT_LIMITS.topEdges.min);
    expect(s.pairs).toEqual({ source: 'heldout', n: CIRCUIT_LIMITS.pairs.max });
    expect(s.extraction).toEqual({ mode: 'threshold', n: 1, threshold: 0, prune: true });
    expect(s.prompt).toHaveLength(CIRCUIT_LIMITS.promptChars);
    const many = decodeLink(raw({ pairs: { source: 'custom', items: Array.from({ length: 40 }, (_, i) => ({ clean: `c${i}`.padEnd(900, '.'), corrupted: `b${i}` })) } }))!.spec as CircuitsSpec;
    if (many.pairs.source !== 'custom') throw new Error('expected custom pairs');
    expect(many.pairs.items).toHaveLength(CIRCUIT_LIMITS.customPairs);
    expect(many.pairs.items[3]).toEqual({ clean: 'c3'.padEnd(CIRCUIT_LIMITS.promptChars, '.'), corrupted: 'b3' });
  });

  it('refuses invalid values with the field named, and tampered links', () => {
    expect(refusal(raw({ method: 'acdx' })).kind).toBe('invalid-spec');
    expect(refusal(raw({ method: 'acdx' })).message).toMatch(/method/);
    expect(refusal(raw({ tau: 'loose' })).message).toMatch(/tau/);
    expect(refusal(raw({ model: 'judge' })).kind).toBe('invalid-spec');
    expect(refusal(raw({ steps: 2.5 })).kind).toBe('invalid-spec');
    expect(refusal(raw({ pairs: { source: 'file' } })).kind).toBe('invalid-spec');
    expect(refusal(raw({ extraction: { mode: 'acdc' } })).message).toMatch(/extraction\.mode/);
    const spec = { ...defaults(), tab: 'refusal' as const };
    const payload = parseRoute(encodeLink('circuits', spec)).params.get('s')!;
    let refused = 0;
    for (let i = 3; i < payload.length - 1; i += 5) {
      const bad = `#/circuits?s=${payload.slice(0, i)}${payload[i] === 'A' ? 'B' : 'A'}${payload.slice(i + 1)}`;
      // a flipped bit that deflate never reads (block padding) leaves the same spec: harmless; anything else is refused
      try {
        expect(decodeLink(bad)!.spec).toEqual(spec);
      } catch (e) {
        if (!(e instanceof LinkError)) throw e;
        expect(['tampered', 'malformed', 'invalid-spec']).toContain(e.kind);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(20);
  });

  it('golden circuits links keep decoding to the same specs', () => {
    const golden = fixtures.fixtures.filter((f) => f.hash.startsWith('#/circuits'));
    expect(golden.length).toBeGreaterThanOrEqual(2);
    for (const f of golden) expect(decodeLink(f.hash)!.spec).toEqual(f.expected);
  });

  it('keeps every spec key in links (nothing secret in this spec)', () => {
    const d = defaults();
    expect(Object.keys(linkSafeSpec('circuits', d)).sort()).toEqual(Object.keys(d).sort());
  });
});
