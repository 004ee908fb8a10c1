// Shard index parsing: shard names must be plain sibling files, and shards must hold what the index says.
import { describe, expect, it } from 'vitest';
import { checkShardsAgainstIndex, MAX_TENSORS_PER_CHECKPOINT, parseShardIndex } from './sharded';
import type { TensorEntry } from './safetensors';

const entry = (name: string): TensorEntry => ({ name, dtype: 'F32', shape: [1], begin: 8, end: 12 });

describe('shard index', () => {
  it('lists shards in order', () => {
    const idx = parseShardIndex(JSON.stringify({ metadata: { total_size: 8 }, weight_map: { b: 'model-00002-of-00002.safetensors', a: 'model-00001-of-00002.safetensors' } }));
    expect(idx.shards).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
  });

  // outside-path-ok: a shard name that must be refused
  for (const bad of ['../model.safetensors', '/etc/x.safetensors', 'sub/model.safetensors', '.hidden.safetensors', 'model.bin']) {
    it(`rejects the shard name ${bad}`, () => {
      expect(() => parseShardIndex(JSON.stringify({ weight_map: { a: bad } }))).toThrow(/not a plain \*\.safetensors file name/);
    });
  }

  it('rejects a missing weight_map, bad JSON and an empty map', () => {
    expect(() => parseShardIndex('{}')).toThrow(/no "weight_map"/);
    expect(() => parseShardIndex('{')).toThrow(/not valid JSON/);
    expect(() => parseShardIndex('{"weight_map":{}}')).toThrow(/weight_map is empty/);
  });

  it('checks shards against the index both ways', () => {
    const idx = parseShardIndex(JSON.stringify({ weight_map: { a: 's1.safetensors', b: 's2.safetensors' } }));
    expect(() => checkShardsAgainstIndex(idx, new Map([['s1.safetensors', [entry('a')]], ['s2.safetensors', [entry('b')]]]))).not.toThrow();
    expect(() => checkShardsAgainstIndex(idx, new Map([['s1.safetensors', [entry('a'), entry('b')]], ['s2.safetensors', [entry('b')]]]))).toThrow(/"b" is in this shard but the index puts it in s2/);
    expect(() => checkShardsAgainstIndex(idx, new Map([['s1.safetensors', [entry('a')]], ['s2.safetensors', []]]))).toThrow(/lists tensor "b" here but the shard does not contain it/);
  });

  it('maps tensors named like Object.prototype members to their shards', () => {
    const idx = parseShardIndex('{"weight_map": {"__proto__": "s1.safetensors", "constructor": "s2.safetensors"}}');
    expect(idx.shards).toEqual(['s1.safetensors', 's2.safetensors']);
    expect(() => checkShardsAgainstIndex(idx, new Map([['s1.safetensors', [entry('__proto__')]], ['s2.safetensors', [entry('constructor')]]]))).not.toThrow();
    expect(() => checkShardsAgainstIndex(idx, new Map([['s1.safetensors', [entry('__proto__'), entry('toString')]], ['s2.safetensors', [entry('constructor')]]]))).toThrow(/"toString" is in this shard but the index does not list it/);
  });

  it(`refuses an index of more than ${MAX_TENSORS_PER_CHECKPOINT} tensors`, () => {
    const wm = Object.fromEntries(Array.from({ length: MAX_TENSORS_PER_CHECKPOINT + 1 }, (_, i) => [`t${i}`, 's.safetensors']));
    expect(() => parseShardIndex(JSON.stringify({ weight_map: wm }))).toThrow(/500001 tensors, above the limit of 500000/);
  });
});
