// The flow view counts samples from the traces on its own; on a real run (handbook, extractive baseline, every
// injection mode, the three rule gates, adaptive recovery) and on a cancelled one its rows must agree with
// metrics.ts, and every row's segments must add up to the samples that reached it.
import { describe, expect, it } from 'vitest';
import { createCurationEngine } from '../../core/curation/engine';
import { handbookChunks } from '../../core/curation/testHandbookNode';
import { runFlow } from './flow';
import { runDigest } from './exportRun';

const engine = createCurationEngine({ loadModel: () => Promise.reject(new Error('no model is needed')) });
const run = (rate: number, seed: number) => engine.curationRun({
  chunks: handbookChunks().slice(0, 20), generators: [{ model: 'extractive', maxNewTokens: 8, topK: 1, temperature: 1 }],
  injection: { rate, modes: ['unsupported-claim', 'contradicted-number', 'unsafe', 'format'] },
  gates: { lexical: { grounding: 'cited-chunk' }, format: true, dedup: { threshold: 0.8 } }, recovery: { strategy: 'adaptive', attempts: 2 }, seed,
});

describe('curation flow', () => {
  it.each([[0.6, 3], [0, 1], [1, 9]])('agrees with the metrics (rate %s, seed %s)', async (rate, seed) => {
    const { result, metrics } = await run(rate, seed);
    const flow = runFlow(result);
    const row = (key: string) => flow.rows.find((r) => r.key === key)!;
    const total = (key: string) => { const r = row(key); return r.pass + r.reject + r.abstain + r['parse-failure']; };
    expect(flow.statuses).toEqual(metrics.statuses);
    expect(row('first-pass').pass).toBe(metrics.firstPassAccepted);
    expect(row('first-pass').reject).toBe(metrics.failedFirst);
    expect(row('recovery').pass).toBe(metrics.recovered);
    expect(row('final').pass).toBe(metrics.statuses.accepted);
    for (const g of metrics.gates) {
      const r = row(`gate:${g.gate}`);
      expect({ pass: r.pass, reject: r.reject, abstain: r.abstain, 'parse-failure': r['parse-failure'] }).toEqual(g.counts);
    }
    for (const key of ['started', 'first-pass', 'final']) expect(total(key)).toBe(metrics.samples);
    expect(total('recovery')).toBe(metrics.failedFirst);
    if (rate > 0) expect(row('first-pass').reject).toBeGreaterThan(0);
  });

  it('the digest follows what the run decided: same seed same digest, another seed another', async () => {
    const [a, b, c] = [await run(0.6, 3), await run(0.6, 3), await run(0.6, 4)];
    expect(runDigest(a.result)).toBe(runDigest(b.result));
    expect(runDigest(a.result)).not.toBe(runDigest(c.result));
  });
});
