import { describe, expect, it } from 'vitest';
import { buildBenchGraph } from './benchGraph';
import { createNodeBackend } from './ortNode';
import { maxAbsDiff, sampleFeeds } from './sampleFeeds';
import { InputMismatchError } from './errors';

describe('sampleFeeds', () => {
  it('builds feeds that a real model accepts, deterministically', async () => {
    const g = buildBenchGraph({ layers: 1, dModel: 32, heads: 2, seq: 8 });
    const session = await createNodeBackend().createSession(g.bytes);
    const feeds = sampleFeeds(session.info.inputMetadata, { seed: 3 });
    expect(feeds.x.dims).toEqual([1, 8, 32]);
    const a = await session.run(feeds);
    const b = await session.run(sampleFeeds(session.info.inputMetadata, { seed: 3 }));
    expect(maxAbsDiff(a, b)).toBe(0);
    const c = await session.run(sampleFeeds(session.info.inputMetadata, { seed: 4 }));
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0);
  });

  it('follows the LM conventions for masks, positions and empty past', () => {
    const f = sampleFeeds([
      { name: 'input_ids', dtype: 'int64', dims: ['batch_size', 'sequence_length'] },
      { name: 'attention_mask', dtype: 'int64', dims: ['batch_size', 'total'] },
      { name: 'position_ids', dtype: 'int64', dims: ['batch_size', 'sequence_length'] },
      { name: 'past_key_values.0.key', dtype: 'float32', dims: ['batch_size', 4, 'past_sequence_length', 8] },
    ], { seq: 3 });
    expect(Array.from(f.attention_mask.data as BigInt64Array)).toEqual([1n, 1n, 1n]);
    expect(Array.from(f.position_ids.data as BigInt64Array)).toEqual([0n, 1n, 2n]);
    expect(f['past_key_values.0.key'].dims).toEqual([1, 4, 0, 8]);
  });

  it('refuses inputs it cannot fill', () => {
    expect(() => sampleFeeds([{ name: 's', dtype: 'string', dims: [1] }])).toThrow(InputMismatchError);
  });
});
