// Circuits emitter on a real circuits evidence record: the EAP-IG fixture graph (2 layers × 2 heads, 10 of 46 edges
// in the circuit) imported with the real importer and recorded by the real evidenceRecord, with a faithfulness
// point and an ablation check; and on a probe result of the real shape. Checks class, access, properties, metric
// values, the Wilson interval of the ablation refusal rates, and the model and graph sha256 pass-through.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evidenceRecord } from '../../circuits/evidence';
import { importGraphJson } from '../../circuits/json';
import type { ProbeResult } from '../../circuits/types';
import { emitCircuitsEvidence, emitCircuitsProbes } from './circuits';
import { completeAll } from './drafts.fixture';

const MODEL_SHA = 'b'.repeat(64);
const graph = () => {
  const g = importGraphJson(readFileSync(join(__dirname, '../../circuits/fixtures/eapig-to-json-2l2h.json'), 'utf8'));
  g.meta = { ...g.meta, model: 'anchor', method: 'eap-ig', metric: 'logit_diff', pairs: 8 };
  return g;
};

describe('emitCircuitsEvidence', () => {
  it('maps a refusal circuit with its ablation to attribution-graph and activation-patching drafts', async () => {
    const rec = await evidenceRecord(graph(), { size: 10, recovered: 0.82, randomRecovered: 0.11 },
      { refusalBefore: 0.75, refusalAfter: 0.125, prompts: 8, mode: 'corrupt', randomRefusalAfter: 0.7 }, { modelSha256: MODEL_SHA });
    const [g, a] = completeAll(emitCircuitsEvidence(rec, { pairs: 'heldout' }));
    expect(g).toMatchObject({ evidenceClass: 'attribution-graph', access: 'white-box', module: 'circuits', model: { id: 'anchor', sha256: MODEL_SHA } });
    expect(g.scope).toMatchObject({ sampleSize: 8, properties: ['harmful-output-refusal'] });
    expect(g.data[1]).toEqual({ id: 'attribution graph (EAP-IG JSON, eap-ig)', sha256: rec.graphSha256 });
    expect(g.metrics.map((m) => [m.name, m.value])).toEqual([
      ['faithfulness: recovered share of the metric gap', 0.82],
      ['faithfulness of as many random edges (control)', 0.11],
      ['circuit size (edges)', 10],
      ['circuit share of all edges', 10 / 46],
    ]);
    expect(g.metrics[0].method).toBe('none');

    expect(a).toMatchObject({ evidenceClass: 'activation-patching', access: 'white-box', scope: { sampleSize: 8, properties: ['harmful-output-refusal', 'adversarial-robustness'] } });
    const before = a.metrics[0];
    // 6/8: Wilson 95 % = [0.4093, 0.9285]
    expect(before).toMatchObject({ value: 0.75, n: 8, method: 'wilson' });
    expect(before.ci![0]).toBeCloseTo(0.4093, 4);
    expect(before.ci![1]).toBeCloseTo(0.9285, 4);
    // the control is a mean over seeds (0.7 × 8 is not a count): no interval
    expect(a.metrics[2]).toMatchObject({ value: 0.7, method: 'none' });
  });

  it('does not claim refusal for a graph of user-typed pairs, and emits nothing it has no numbers for', async () => {
    const rec = await evidenceRecord(graph(), null);
    expect(emitCircuitsEvidence(rec, { pairs: 'custom' })).toEqual([]);
    const withPoint = await evidenceRecord(graph(), { size: 10, recovered: 0.5, randomRecovered: 0.2 });
    const [g] = completeAll(emitCircuitsEvidence(withPoint, { pairs: 'custom' }));
    expect(g.scope.properties).toEqual(['transparency-documentation']);
    expect(g.model.sha256).toBeUndefined();
  });

  it('classes an exact-patching graph as activation patching', async () => {
    const g = graph();
    g.meta.method = 'patching';
    const rec = await evidenceRecord(g, { size: 10, recovered: 0.9, randomRecovered: 0.1 });
    expect(completeAll(emitCircuitsEvidence(rec, { pairs: 'heldout' }))[0].evidenceClass).toBe('activation-patching');
  });
});

describe('emitCircuitsProbes', () => {
  it('reports each layer and the best one as linear-probe evidence, with Wilson intervals over the held-out split', () => {
    const probes: ProbeResult = [{ layer: 0, trainAcc: 0.6, heldoutAcc: 0.55, heldoutN: 20 }, { layer: 1, trainAcc: 1, heldoutAcc: 0.9, heldoutN: 20 }, { layer: 2, trainAcc: 1, heldoutAcc: 0.85, heldoutN: 20 }];
    const [p] = completeAll(emitCircuitsProbes(probes, { id: 'anchor', sha256: MODEL_SHA }));
    expect(p).toMatchObject({ evidenceClass: 'linear-probe', access: 'white-box', model: { id: 'anchor', sha256: MODEL_SHA } });
    expect(p.scope.properties).toEqual(['harmful-output-refusal', 'no-hidden-objectives']);
    expect(p.scope.sampleSize).toBe(20);
    // 18 of 20: Wilson [0.699, 0.972]
    expect(p.metrics[0]).toMatchObject({ name: 'best held-out probe accuracy (layer 1)', value: 0.9, method: 'wilson', n: 20 });
    expect(p.metrics[0].ci![0]).toBeCloseTo(0.699, 3);
    expect(p.metrics[0].ci![1]).toBeCloseTo(0.972, 3);
    expect(p.metrics).toHaveLength(4);
    expect(p.metrics.every((m) => m.method === 'wilson' && m.ci![0] <= m.value && m.value <= m.ci![1])).toBe(true);
    expect(p.claim).toMatch(/precondition/);
  });
  it('a probe result without the held-out size (computed before it was recorded): sample size 0, no interval', () => {
    const [p] = completeAll(emitCircuitsProbes([{ layer: 1, trainAcc: 1, heldoutAcc: 0.9 }], { id: 'anchor' }));
    expect(p.scope.sampleSize).toBe(0);
    expect(p.metrics[0]).toMatchObject({ value: 0.9, method: 'none' });
    expect(p.metrics[0].ci).toBeUndefined();
  });
  it('emits nothing without layers', () => expect(emitCircuitsProbes([], { id: 'anchor' })).toEqual([]));
});
