// Canonical JSON and result digests: equal results hash equally whatever their key order or array type, a change
// in the 9th decimal or in any leaf changes the digest, and differingPaths names where.
import { describe, expect, it } from 'vitest';
import { canonicalJson, differingPaths, digestOf } from './canonical';
import { sha256HexSync } from '../numeric/sha256';

describe('canonical JSON', () => {
  it('sorts keys at every depth, turns typed arrays into arrays and spells non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: new Float32Array([0.5, 1]) } })).toBe('{"a":{"c":[0.5,1],"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ x: NaN, y: -Infinity, z: undefined, w: -0 })).toBe('{"w":0,"x":"NaN","y":"-Infinity"}');
  });

  it('rounds numbers to 1e-9 as the module digests do: the last bits of a sum do not change a result', () => {
    expect(digestOf({ auc: 0.1 + 0.2 })).toBe(digestOf({ auc: 0.3 }));
    expect(digestOf({ auc: 0.3 })).not.toBe(digestOf({ auc: 0.300000002 }));
    expect(digestOf({ a: 1, b: 2 })).toBe(digestOf({ b: 2, a: 1 }));
    expect(digestOf([1, 2])).toBe(sha256HexSync('[1,2]'));
  });

  it('names the first differing paths, in order, up to the limit', () => {
    const a = { scores: [{ t: 'knn', auc: [0.8, 0.7] }, { t: 'lr', auc: [0.9] }], n: 3 };
    const b = { scores: [{ t: 'knn', auc: [0.8, 0.71] }, { t: 'lr', auc: [0.9, 0.1] }], n: 4, extra: true };
    expect(differingPaths(a, b)).toEqual(['extra', 'n', 'scores[0].auc[1]', 'scores[1].auc[1]']);
    expect(differingPaths(a, b, 2)).toEqual(['extra', 'n']);
    expect(differingPaths(a, structuredClone(a))).toEqual([]);
    expect(differingPaths(1, 2)).toEqual(['(root)']);
  });
});
