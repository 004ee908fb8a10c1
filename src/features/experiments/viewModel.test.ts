// The comparison view's model on real ensembles runs recorded in Node: the differing spec field is marked (and the
// same path compareRecords names), equal fields are not, inputs/digests compare, the metric table holds every
// run's numbers under one name, curves overlay only series both runs have, and a panel-written record is the
// record the runner writes (so "Reproduce" on the page can say Reproduced).
import { describe, expect, it } from 'vitest';
import { nodeHost } from '../../core/experiments/buildInfoNode';
import { decodeExperiment } from '../../core/experiments/envelope';
import { repositoryInputs } from '../../core/experiments/nodeInputs';
import { recordRun, type RecordDeps, type RunRecord } from '../../core/experiments/record';
import { compareRecords, reproduce } from '../../core/experiments/reproduce';
import { SPEC_CATALOGUE, workbenchRunners } from '../../state/experiments';
import { recordFromPanelRun } from './panelRecord';
import { curveSets, digestRows, flattenLeaves, inputRows, metricTable, specRows } from './viewModel';

const host = nodeHost(process.cwd());
const deps: RecordDeps = { runners: workbenchRunners(), catalogue: SPEC_CATALOGUE, host, loadInput: repositoryInputs(process.cwd(), []) };
const pool = (seed: number, strategies = ['best-single', 'avg-uniform', 'caruana']) => decodeExperiment(
  { format: 'workbench-experiment', version: 1, module: 'ensembles', specVersion: 1, spec: { pool: { kind: 'demo', datasets: 4, rows: 60 }, strategies }, seed }, SPEC_CATALOGUE);

const runs = (async () => {
  const a = await recordRun(pool(5), deps);
  const b = await recordRun(pool(6), deps);
  const c = await recordRun(pool(5, ['best-single', 'avg-uniform']), deps);
  return { a, b, c };
})();

describe('comparison view model', () => {
  it('flattens nested fields to a.b.c paths, arrays as one cell', () => {
    const flat = flattenLeaves({ spec: { pool: { kind: 'demo', rows: 60 }, strategies: ['x', 'y'] }, seed: 0.1 + 0.2 });
    expect([...flat.keys()]).toEqual(['seed', 'spec.pool.kind', 'spec.pool.rows', 'spec.strategies']);
    // canonical form: 0.1 + 0.2 and 0.3 are one value
    expect(flat.get('seed')).toBe('0.3');
    expect(flat.get('spec.strategies')).toBe('["x","y"]');
  });

  it('marks exactly the fields that differ, as compareRecords does', async () => {
    const { a, b, c } = await runs;
    const rows = specRows([a, b]);
    expect(rows.filter((r) => r.differs).map((r) => r.path)).toEqual(compareRecords(a, b).spec.filter((p) => rows.some((r) => r.path === p)));
    expect(rows.filter((r) => r.differs).map((r) => r.path)).toEqual(['seed', 'spec.seed']);
    expect(rows.find((r) => r.path === 'spec.pool.kind')).toEqual({ path: 'spec.pool.kind', values: ['"demo"', '"demo"'], differs: false });
    const three = specRows([a, b, c]);
    expect(three.filter((r) => r.differs).map((r) => r.path)).toEqual(['seed', 'spec.seed', 'spec.strategies']);
    expect(digestRows([a, b])[0]).toMatchObject({ path: 'digest', differs: true });
    expect(digestRows([a, a])[0].differs).toBe(false);
    expect(inputRows([a, b])).toEqual([]); // demo pools read no file
  });

  it('builds one metric table with every run under one name', async () => {
    const { a, b, c } = await runs;
    const table = metricTable([a, b, c]);
    const auc = table.find((r) => r.metric === 'mean auc: caruana');
    expect(auc).toBeDefined();
    expect(auc!.values[0]).toBeGreaterThan(0.5);
    expect(auc!.values[2]).toBeNull(); // run c has no caruana
    expect(auc!.differs).toBe(true);
    const scores = (a.results as { scores: { auc: (number | null)[][] } }).scores.auc;
    const expected = scores.reduce((s, row) => s + row[2]!, 0) / scores.length;
    expect(auc!.values[0]).toBeCloseTo(expected, 12);
    expect(table.some((r) => r.metric.startsWith('avg rank (auc)'))).toBe(true);
  });

  it('overlays only the curves every run has', async () => {
    const { a, b, c } = await runs;
    const ab = curveSets([a, b]);
    expect(ab.map((s) => s.name)).toEqual(['auc per dataset: best-single', 'auc per dataset: avg-uniform', 'auc per dataset: caruana']);
    expect(ab[0].runs).toHaveLength(2);
    expect(ab[0].runs[0]).toHaveLength(4);
    expect(curveSets([a, c]).map((s) => s.name)).toEqual(['auc per dataset: best-single', 'auc per dataset: avg-uniform']);
  });

  it('a panel-written record is the runner\'s record and reproduces', async () => {
    const { a } = await runs;
    const spec = a.experiment.spec;
    const panel: RunRecord = recordFromPanelRun({ module: 'ensembles', spec, results: a.results, moduleDigest: a.moduleDigest, durationMs: 12 }, host);
    expect(panel.digest).toBe(a.digest);
    expect(panel.backend).toEqual(a.backend);
    expect(compareRecords(a, panel)).toMatchObject({ spec: [], inputs: [], digest: null, environment: [] });
    const outcome = await reproduce(panel, deps);
    expect(outcome.same).toBe(true);
  });
});
