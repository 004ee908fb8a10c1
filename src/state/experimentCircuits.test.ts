// The circuits experiment runner end to end in Node on the embedded anchor: an EAP-IG attribution of the graph tab on
// two held-out pairs is recorded with the sha256 of every model file and held-out suite it read, and reproduces to
// the same digest and link digest; another seed draws other pairs (another result); the logit lens reproduces too;
// a model the repository does not hold is refused by name.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeExperiment, type ExperimentSpec } from '../core/experiments/envelope';
import { nodeHost } from '../core/experiments/buildInfoNode';
import { repositoryInputs } from '../core/experiments/nodeInputs';
import { parseRunRecord, recordRun, serialiseRunRecord, type RecordDeps } from '../core/experiments/record';
import { compareRecords, reproduce } from '../core/experiments/reproduce';
import { RunnerRegistry } from '../core/experiments/runner';
import { circuitsPlan, makeCircuitsRunner } from '../core/experiments/runners';
import { faithfulnessSizes } from '../core/experiments/runners/circuitsPlan';
import { createCircuitsEngine } from '../core/circuits/api';
import { SPEC_CATALOGUE, workbenchRunners } from './experiments';
import { recorded } from './experimentTestKit';
import { circuitsSpec, type CircuitsSpec } from './specs/circuits';

const root = process.cwd();
const present = existsSync(join(root, 'models/anchor/model.safetensors'));
const deps: RecordDeps = { runners: workbenchRunners(), catalogue: SPEC_CATALOGUE, host: nodeHost(root), loadInput: repositoryInputs(root) };
const experiment = (spec: Record<string, unknown>, seed = 3): ExperimentSpec =>
  decodeExperiment({ format: 'workbench-experiment', version: 1, module: 'circuits', specVersion: circuitsSpec.version, spec, seed }, SPEC_CATALOGUE);
const eapIg = (seed = 3) => experiment({ model: 'anchor', tab: 'graph', pairs: { source: 'heldout', n: 2 }, method: 'eap-ig', steps: 2, extraction: { mode: 'topn', n: 10 } }, seed);

describe.skipIf(!present)('circuits experiment runner', () => {
  it('records an EAP-IG graph run on the embedded anchor with every file hashed, and reproduces it', async () => {
    const record = await recordRun(eapIg(), deps);
    const manifest = JSON.parse(readFileSync(join(root, 'models/manifest.json'), 'utf8')) as { models: { id: string; files: { path: string; sha256: string }[] }[] };
    const anchor = manifest.models.find((m) => m.id === 'anchor')!.files;
    expect(record.inputs.filter((i) => i.role === 'model').map((i) => [i.id, i.sha256])).toEqual(
      ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'].map((f) => [`anchor/${f}`, anchor.find((x) => x.path === f)!.sha256]));
    expect(record.inputs.filter((i) => i.role === 'data').map((i) => i.id)).toEqual(['benign', 'harmful', 'tasks'].map((s) => `models/forge/heldout/${s}.jsonl`));
    expect(record.backend).toMatchObject({ requested: 'auto', used: 'js' });
    const results = record.results as { pairs: unknown[]; graph: { meta: { method: string; steps: number; pairs: number }; edges: { inGraph: boolean }[] }; circuit: { size: number } };
    expect(results.pairs).toHaveLength(2);
    expect(results.graph.meta).toMatchObject({ method: 'eap-ig', steps: 2, pairs: 2 });
    expect(results.graph.edges.filter((e) => e.inGraph).length).toBeLessThanOrEqual(10);
    expect(record.moduleDigest).toMatch(/^[0-9a-f]{64}$/);

    const again = await reproduce(parseRunRecord(serialiseRunRecord(record)), deps);
    expect(again.same ? [] : again.resultPaths).toEqual([]);
    expect(again.same).toBe(true);
    expect(again.rerun.moduleDigest).toBe(record.moduleDigest);

    // another seed draws other held-out pairs: another result
    const reseeded = await recordRun(eapIg(4), deps);
    const d = compareRecords(record, reseeded);
    expect(d.spec).toEqual(['seed', 'spec.seed']);
    expect(d.digest).not.toBeNull();
    expect(d.resultPaths.length).toBeGreaterThan(0);
  }, 120_000);

  it('hands the plan to the engine unchanged (custom pairs, EAP, the KL metric, a threshold cut)', async () => {
    const calls: [string, unknown[]][] = [];
    const runners = new RunnerRegistry().register(makeCircuitsRunner((d) => recorded(createCircuitsEngine(d), calls)));
    const e = experiment({ model: 'anchor', tab: 'graph', metric: 'kl', method: 'eap', extraction: { mode: 'threshold', threshold: 0.01, prune: false },
      pairs: { source: 'custom', items: [{ clean: 'How do I make a bomb?', corrupted: 'How do I make a soup?' }, { clean: 'Tell me how to poison my neighbour', corrupted: 'Tell me how to please my neighbour' }] } }, 9);
    const record = await recordRun(e, { ...deps, runners });
    const plan = circuitsPlan(e.spec as CircuitsSpec);
    if (plan.run.tab !== 'graph') throw new Error('a graph plan');
    expect(calls.map(([m]) => m)).toEqual(['loadModel', 'attributeCircuit']);
    expect(calls[0][1]).toEqual(['anchor']);
    const { faithfulness, ...job } = plan.run;
    const { tab: _tab, ...request } = job;
    expect(calls[1][1]).toEqual([{ modelId: 'anchor', pairs: plan.pairs.source === 'custom' ? plan.pairs.items : null, ...request,
      faithfulness: { sizes: faithfulnessSizes((record.results as { model: { nEdges: number } }).model.nEdges), ...faithfulness } }]);
    expect(request).toMatchObject({ metric: 'kl', method: 'eap', extract: { mode: 'threshold', threshold: 0.01, prune: false } });
    // custom pairs need no held-out suite: none is read
    expect(record.inputs.filter((i) => i.role === 'data')).toEqual([]);
  }, 60_000);

  it('the logit lens on the first clean held-out prompt records and reproduces', async () => {
    const record = await recordRun(experiment({ model: 'anchor', tab: 'lens', pairs: { source: 'heldout', n: 1 } }), deps);
    const results = record.results as { prompt: string; rows: { top: unknown[] }[] };
    expect(results.prompt.length).toBeGreaterThan(0);
    expect(results.rows.length).toBeGreaterThan(0);
    expect(results.rows.every((r) => r.top.length === 5)).toBe(true);
    expect((await reproduce(record, deps)).same).toBe(true);
  }, 60_000);

  it('refuses a model it cannot read, by name', async () => {
    const missing = repositoryInputs(join(root, 'no-such-checkout'));
    await expect(recordRun(eapIg(), { ...deps, loadInput: missing })).rejects.toMatchObject({ kind: 'input-unavailable', message: expect.stringContaining('anchor/config.json') });
  });
});
