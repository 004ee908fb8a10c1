import { describe, expect, it } from 'vitest';
import { sampleTask } from './prior';
import { V3_QUERY_COPIES } from './priorV3';

const NC = 256;
const NQ = 64;
const rowKey = (t: { x: Float32Array; d: number }, r: number): string => Array.from(t.x.subarray(r * t.d, (r + 1) * t.d)).join(',');

describe('TFM prior v3 (exact query copies)', () => {
  it('is the v2 task of the same seed with only query rows changed (v2 draws stay as they were)', () => {
    for (let s = 0; s < 40; s++) {
      const v2 = sampleTask(4200 + s, { nRows: NC + NQ, version: 2 });
      const v3 = sampleTask(4200 + s, { nRows: NC + NQ, version: 3, contextRows: NC });
      expect(Buffer.from(v3.x.buffer, 0, NC * v3.d * 4).equals(Buffer.from(v2.x.buffer, 0, NC * v2.d * 4))).toBe(true);
      expect(Array.from(v3.y.subarray(0, NC))).toEqual(Array.from(v2.y.subarray(0, NC)));
      expect(v3.meta.duplicated).toBe(v2.meta.duplicated);
    }
  });

  it('gives about half of the tasks query rows that are exact copies of context rows, label included', () => {
    let withCopies = 0;
    let labelAgrees = 0;
    let copied = 0;
    const T = 200;
    for (let s = 0; s < T; s++) {
      const t = sampleTask(7100 + s, { nRows: NC + NQ, version: 3, contextRows: NC });
      const share = t.meta.queryCopies ?? 0;
      if (share === 0) continue;
      withCopies++;
      expect(share).toBeLessThanOrEqual(1);
      // every claimed copy has a context row with the same features (NaN cells included) and the same label
      const ctx = new Map<string, Set<number>>();
      for (let r = 0; r < NC; r++) { const k = rowKey(t, r); if (!ctx.has(k)) ctx.set(k, new Set()); ctx.get(k)!.add(t.y[r]); }
      let matches = 0;
      for (let r = NC; r < NC + NQ; r++) {
        const labels = ctx.get(rowKey(t, r));
        if (!labels) continue;
        matches++;
        if (labels.has(t.y[r])) labelAgrees++;
      }
      copied += share * NQ;
      expect(matches).toBeGreaterThanOrEqual(Math.round(share * NQ));
    }
    expect(withCopies).toBeGreaterThan(T * V3_QUERY_COPIES.taskShare * 0.8);
    expect(withCopies).toBeLessThan(T * V3_QUERY_COPIES.taskShare * 1.2);
    expect(labelAgrees).toBeGreaterThanOrEqual(Math.round(copied));
  });

  it('needs the context/query split', () => {
    expect(() => sampleTask(1, { nRows: 100, version: 3 })).toThrow(/contextRows/);
  });
});
