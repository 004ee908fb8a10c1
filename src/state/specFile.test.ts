// Spec files: a spec too large for a share link round-trips through a file, and a wrong or altered file is refused
// with a reason.
import { describe, expect, it } from 'vitest';
import { encodeLink, MAX_LINK_PAYLOAD } from './linkCodec';
import { LinkError } from './linkErrors';
import { decodeSpecFile, encodeSpecFile, SpecFileError } from './specFile';
import { specFor } from './specs';

/** Deterministic text that zlib cannot shrink much, like many long hand-edited prompt pairs. */
function noisyText(n: number, seed: number): string {
  let x = seed;
  return Array.from({ length: n }, () => String.fromCharCode(33 + ((x = (x * 48271) % 2147483647) % 90))).join('');
}

describe('spec files', () => {
  it('carry a spec that is over the share-link limit, with its digest', () => {
    let x = 1;
    const contextSizes = Array.from({ length: 4000 }, () => (x = (x * 48271) % 2147483647));
    const tooBig = { contextSizes };
    const err = (() => { try { encodeLink('tabular', tooBig); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(LinkError);
    expect((err as LinkError).kind).toBe('oversize');
    expect((err as LinkError).message).toMatch(new RegExp(`over the ${MAX_LINK_PAYLOAD / 1024} KB limit`));
    const def = specFor('tabular')!;
    const decoded = decodeSpecFile(encodeSpecFile('tabular', tooBig, 'a'.repeat(64)), 'tabular');
    expect(decoded.spec).toEqual(def.clamp(def.schema.parse(tooBig)));
    expect(decoded.digest).toBe('a'.repeat(64));
  });

  it('carry a circuits spec with a dozen long edited pairs (too large for a link)', () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ clean: noisyText(400, 2 * i + 1), corrupted: noisyText(400, 2 * i + 2) }));
    const spec = { pairs: { source: 'custom', items } };
    expect(() => encodeLink('circuits', spec)).toThrow(/over the 8 KB limit/);
    const decoded = decodeSpecFile(encodeSpecFile('circuits', spec), 'circuits').spec as { pairs: { items: unknown[] } };
    expect(decoded.pairs.items).toEqual(items);
  });

  it('refuse what is not a spec file, a file of another module, and altered settings', () => {
    expect(() => decodeSpecFile('{', 'tabular')).toThrow(/not JSON/);
    expect(() => decodeSpecFile('{"v":1}', 'tabular')).toThrow(/not a workbench spec/);
    const ensembles = encodeSpecFile('ensembles', {});
    expect(() => decodeSpecFile(ensembles, 'tabular')).toThrow(/spec of "ensembles", not of tabular/);
    const altered = ensembles.replace('"metric": "', '"metric": "x');
    const err = (() => { try { decodeSpecFile(altered, 'ensembles'); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(SpecFileError);
    expect((err as SpecFileError).message).toMatch(/invalid-spec.*metric/);
    expect((err as SpecFileError).remedy).toMatch(/file/);
  });
});
