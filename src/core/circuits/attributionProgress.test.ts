// The circuits tab's attribution job on the embedded anchor (models/anchor), every progress event recorded: one
// done/total fixed before the run and monotone over scoring, the circuit's faithfulness and the curve, with the
// phase as the label, instead of the four engine calls the panel chained, each restarting the bar at 0. The one
// run computes what the chained calls computed (same scores, circuit, points).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunProgress } from '../runtime/progress';
import { createNodeCircuitsEngine } from './modelNode';
import type { AttributeCircuitRequest, CircuitsProgress } from './types';

const root = join(import.meta.dirname, '../../..');
const SIZES = [0, 2, 5, 20];

describe('attribution job progress', () => {
  const engine = createNodeCircuitsEngine(root);
  const request = async (method: AttributeCircuitRequest['method']): Promise<AttributeCircuitRequest> => ({
    modelId: 'anchor', pairs: await engine.heldoutPairs('anchor', 3, 1), method, metric: 'logit_diff', steps: 2, tau: 0.05,
    extract: { mode: 'topn', n: 5 }, faithfulness: { sizes: SIZES, mode: 'topn', seed: 0, randomSeeds: 1 },
  });

  // exact patching plans and reports like ACDC (phase 'patch') but takes ~20 s here: left to embedded.test.ts
  it.each(['eap-ig', 'acdc'] as const)('%s: one monotone total over every stage, ending at done = total', async (method) => {
    await engine.loadModel('anchor');
    const events: CircuitsProgress[] = [];
    const r = await engine.attributeCircuit(await request(method), (p) => events.push(p));
    expect(checkRunProgress(events)).toEqual([]);
    expect(new Set(events.filter((e) => e.done < e.total).map((e) => e.done)).size).toBeGreaterThan(5);
    const phases = events.map((e) => e.phase).filter((p, i, a) => i === 0 || p !== a[i - 1]);
    expect(phases).toEqual([method === 'eap-ig' ? 'attribute' : 'patch', 'faithfulness']);
    // the curve starts after scoring ends: no stage restarts the bar
    const curve = events.findIndex((e) => e.label.startsWith('faithfulness curve'));
    expect(events[curve].done / events[curve].total).toBeGreaterThan(0.2);
    expect(r.faithfulness.points.map((p) => p.size)).toEqual(expect.arrayContaining([0]));
    expect(r.circuit?.size).toBe(r.graph.edges.filter((e) => e.inGraph).length);
  }, 300_000);

  it('computes what the chained calls did: scores, the cut circuit, its point and the curve', async () => {
    await engine.loadModel('anchor');
    const req = await request('eap-ig');
    const r = await engine.attributeCircuit(req);
    const { extract: cut, faithfulness: f, ...attribution } = req;
    const scored = await engine.attribute({ ...attribution, method: 'eap-ig' });
    expect(r.scored.edges.map((e) => e.score)).toEqual(scored.edges.map((e) => e.score));
    expect(r.graph.edges.map((e) => e.inGraph)).toEqual((await engine.extract(scored, cut)).edges.map((e) => e.inGraph));
    expect([r.circuit]).toEqual((await engine.faithfulness(scored, attribution, { ...f, sizes: [5] })).points);
    expect(r.faithfulness).toEqual(await engine.faithfulness(scored, attribution, f));
  }, 300_000);
});
