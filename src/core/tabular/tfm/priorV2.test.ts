import { describe, expect, it } from 'vitest';
import { sampleTask } from './prior';

const tasks = (version: 1 | 2, count: number, nRows: number) => Array.from({ length: count }, (_, s) => sampleTask(9000 + s, { nRows, version }));

/** Share of rows that are exact copies (features and label) of an earlier row. */
function exactCopyShare(t: { x: Float32Array; y: Int32Array; n: number; d: number }): number {
  const seen = new Set<string>();
  let copies = 0;
  for (let r = 0; r < t.n; r++) {
    const key = `${Array.from(t.x.subarray(r * t.d, (r + 1) * t.d)).join(',')}|${t.y[r]}`;
    if (seen.has(key)) copies++;
    seen.add(key);
  }
  return copies / t.n;
}

describe('TFM prior v2', () => {
  it('leaves version 1 draws as they were (the committed tfm was fitted on them)', () => {
    const a = sampleTask(77, { nRows: 300 });
    const b = sampleTask(77, { nRows: 300, version: 1 });
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true);
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
  });

  it('is deterministic in its seed', () => {
    const a = sampleTask(5, { nRows: 400, version: 2 });
    const b = sampleTask(5, { nRows: 400, version: 2 });
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true);
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
  });

  it('adds what real tables have: extreme imbalance, duplicated rows, informative missingness, wide categoricals', () => {
    const v1 = tasks(1, 300, 400);
    const v2 = tasks(2, 300, 400);
    // binary tasks with a minority under 3 % (mammography has 2.3 %)
    const rare = (ts: typeof v1) => ts.filter((t) => t.k === 2 && Math.min(...t.meta.classShares) < 0.03).length;
    expect(rare(v2)).toBeGreaterThanOrEqual(2 * rare(v1)); // 31 vs 15 of 159 binary tasks
    // duplicates: about 60 % of v2 tasks carry copies; v1 rows are continuous draws and almost never repeat
    const dupTasks = v2.filter((t) => (t.meta.duplicated ?? 0) > 0.02);
    expect(dupTasks.length).toBeGreaterThan(150);
    expect(dupTasks.length).toBeLessThan(210);
    // repeated continuous rows: v1 has them only where integer-level tree features collide by chance
    const repeated = (ts: typeof v1) => ts.filter((t) => t.meta.categorical === 0 && exactCopyShare(t) > 0.01).length;
    expect(repeated(v2)).toBeGreaterThan(3 * repeated(v1) + 10);
    // missingness: more tasks, and some informative
    const missing = (ts: typeof v1) => ts.filter((t) => t.meta.missingRate > 0).length;
    expect(missing(v2)).toBeGreaterThan(missing(v1) * 1.5);
    expect(v2.some((t) => t.meta.missingInformative)).toBe(true);
    // some tasks are mostly categorical
    expect(v2.filter((t) => t.d >= 8 && t.meta.categorical >= 0.8 * t.d).length).toBeGreaterThan(v1.filter((t) => t.d >= 8 && t.meta.categorical >= 0.8 * t.d).length);
  });

  it('a copied row keeps its label, so matching a context row predicts the query (the leakage real TFMs learn)', () => {
    let agree = 0;
    let total = 0;
    for (const t of tasks(2, 200, 300)) {
      // continuous features only: there two rows match only when one was copied from the other
      if ((t.meta.duplicated ?? 0) === 0 || t.meta.categorical > 0) continue;
      const first = new Map<string, number>();
      for (let r = 0; r < t.n; r++) {
        const key = Array.from(t.x.subarray(r * t.d, (r + 1) * t.d)).join(',');
        const prev = first.get(key);
        if (prev === undefined) first.set(key, t.y[r]);
        else { total++; if (prev === t.y[r]) agree++; }
      }
    }
    expect(total).toBeGreaterThan(100);
    expect(agree / total).toBeGreaterThan(0.97); // the rest: integer-level features of the tree generator that collide by chance
  });
});
