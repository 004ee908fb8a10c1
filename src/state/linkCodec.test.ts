import { describe, expect, it } from 'vitest';
import { strToU8, zlibSync } from 'fflate';
import { base64UrlDecode, base64UrlEncode, decodeLink, encodeLink, MAX_LINK_PAYLOAD, parseRoute } from './linkCodec';
import { LinkError } from './linkErrors';
import { modulesWithSpecs } from './specs';
import { specFor } from './specs';
import fixtures from './fixtures/links.json';

function linkError(fn: () => unknown): LinkError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LinkError) return e;
    throw e;
  }
  throw new Error('expected a LinkError');
}

function payloadOf(hash: string): string {
  return parseRoute(hash).params.get('s') ?? '';
}

describe('share link codec', () => {
  it.each(modulesWithSpecs())('round-trips the default and a customised %s spec', (module) => {
    const def = specFor(module)!;
    const defaults = def.clamp(def.schema.parse({}));
    expect(decodeLink(encodeLink(module, defaults))!.spec).toEqual(defaults);
    const custom = { ...defaults, seed: 4242 };
    const decoded = decodeLink(encodeLink(module, custom, 'f'.repeat(64)))!;
    expect(decoded.spec).toEqual(custom);
    expect(decoded.digest).toBe('f'.repeat(64));
    expect(decoded.linkVersion).toBe(1);
  });

  it.each(fixtures.fixtures)('golden fixture "$name" still decodes to the same spec', ({ hash, expected }) => {
    expect(decodeLink(hash)!.spec).toEqual(expected);
  });

  it('migrates a v0 link (legacy metric name, single context size)', () => {
    const v0 = fixtures.fixtures[0];
    const spec = decodeLink(v0.hash)!;
    expect(spec.linkVersion).toBe(0);
    expect(spec.spec.metric).toBe('logloss');
    expect(decodeLink(fixtures.fixtures[1].hash)!.spec.contextSizes).toEqual([128]);
  });

  it('clamps out-of-range values instead of refusing them', () => {
    const spec = decodeLink(encodeLink('ensembles', { caruanaIterations: 100000, pool: { kind: 'demo', datasets: 1, rows: 99999 } }))!.spec;
    expect(spec.caruanaIterations).toBe(500);
    expect(spec.pool).toEqual({ kind: 'demo', datasets: 2, rows: 5000 });
    const tab = decodeLink(encodeLink('tabular', { folds: 1, contextSizes: [100000, 2, 64, 64], distill: { temperature: -3 } }))!.spec;
    expect(tab.folds).toBe(2);
    expect(tab.contextSizes).toEqual([8, 64, 4096]);
    expect((tab.distill as { temperature: number }).temperature).toBe(0.05);
  });

  it('returns undefined for plain navigation without a spec', () => {
    expect(decodeLink('#/ensembles')).toBeUndefined();
  });

  it('refuses a tampered link (one character changed) with the tampered or malformed error', () => {
    const hash = encodeLink('ensembles', { seed: 12345, metric: 'accuracy' });
    const payload = payloadOf(hash);
    let refused = 0;
    for (let i = 2; i < payload.length - 1; i += 3) {
      const c = payload[i] === 'A' ? 'B' : 'A';
      const bad = `#/ensembles?s=${payload.slice(0, i)}${c}${payload.slice(i + 1)}`;
      const err = linkError(() => decodeLink(bad));
      expect(['tampered', 'malformed', 'invalid-spec']).toContain(err.kind);
      refused++;
    }
    expect(refused).toBeGreaterThan(10);
  });

  it('refuses a truncated link', () => {
    const hash = encodeLink('tabular', { seed: 1 });
    const err = linkError(() => decodeLink(hash.slice(0, hash.length - 9)));
    expect(['malformed', 'tampered']).toContain(err.kind);
    expect(err.remedy).toMatch(/link/);
  });

  it('refuses an oversize link before decoding it', () => {
    const err = linkError(() => decodeLink(`#/ensembles?s=${'A'.repeat(MAX_LINK_PAYLOAD + 1)}`));
    expect(err.kind).toBe('oversize');
    let x = 1;
    const contextSizes = Array.from({ length: 4000 }, () => (x = (x * 48271) % 2147483647));
    expect(linkError(() => encodeLink('tabular', { contextSizes })).kind).toBe('oversize');
  });

  it('refuses a link from a future version', () => {
    const env = { v: 2, m: 'ensembles', sv: 1, s: {} };
    const hash = `#/ensembles?s=${base64UrlEncode(zlibSync(strToU8(JSON.stringify(env))))}`;
    expect(linkError(() => decodeLink(hash)).kind).toBe('future-version');
    const envSpec = { v: 1, m: 'ensembles', sv: 9, s: {} };
    expect(linkError(() => decodeLink(`#/ensembles?s=${base64UrlEncode(zlibSync(strToU8(JSON.stringify(envSpec))))}`)).kind).toBe('future-version');
  });

  it('refuses a link whose module does not match its address, an unknown module, and invalid settings', () => {
    const hash = encodeLink('ensembles', {});
    expect(linkError(() => decodeLink(hash.replace('#/ensembles', '#/tabular'))).kind).toBe('tampered');
    expect(linkError(() => decodeLink('#/nosuch?s=abc')).kind).toBe('unknown-module');
    const env = { v: 1, m: 'ensembles', sv: 1, s: { metric: 'vibes' } };
    const err = linkError(() => decodeLink(`#/ensembles?s=${base64UrlEncode(zlibSync(strToU8(JSON.stringify(env))))}`));
    expect(err.kind).toBe('invalid-spec');
    expect(err.message).toMatch(/metric/);
  });

  it('refuses link versions below 1 (v0 links are `?p=`; `?s=` envelopes start at 1)', () => {
    for (const v of [0, -1]) {
      const env = { v, m: 'ensembles', sv: 1, s: {} };
      const err = linkError(() => decodeLink(`#/ensembles?s=${base64UrlEncode(zlibSync(strToU8(JSON.stringify(env))))}`));
      expect(err.kind).toBe('malformed');
      expect(err.message).toMatch(new RegExp(`link version ${v} `));
    }
  });

  it('a malformed query is refused instead of silently loading the defaults', () => {
    const payload = payloadOf(encodeLink('ensembles', { seed: 7 }));
    for (const hash of [`#/ensembles??s=${payload}`, `#/ensembles?x=${payload}`, `#/ensembles?s=${payload}&s=${payload}`, '#/ensembles?s']) {
      expect(linkError(() => decodeLink(hash)).kind, hash).toBe('malformed');
    }
    expect(decodeLink('#/ensembles?')).toBeUndefined();
  });

  it('base64url rejects foreign characters', () => {
    expect(() => base64UrlDecode('ab+c')).toThrow(LinkError);
    expect(base64UrlDecode(base64UrlEncode(Uint8Array.from([0, 250, 255, 1])))).toEqual(Uint8Array.from([0, 250, 255, 1]));
  });
});
