// Sweep expansion: the cartesian product in a fixed order, deterministic ids that ignore titles, and the named
// refusals (unknown axis listing the valid fields, empty axis, over the job limit, a value the module would clamp).
import { describe, expect, it } from 'vitest';
import { SPEC_CATALOGUE } from '../src/state/experiments';
import { expandSweep, makeSweep, SweepError, type SweepSpec } from '../src/core/experiments/sweep';
import { decodeExperiment } from '../src/core/experiments/envelope';
import { ExperimentError } from '../src/core/experiments/errors';

const base = decodeExperiment({ format: 'workbench-experiment', version: 1, module: 'ensembles', specVersion: 1,
  spec: { pool: { kind: 'demo', datasets: 2, rows: 40 }, strategies: ['best-single', 'avg-uniform'] }, seed: 1 }, SPEC_CATALOGUE);

const refusal = (sweep: SweepSpec, max?: number): SweepError => {
  try {
    expandSweep(sweep, SPEC_CATALOGUE, max);
  } catch (e) {
    if (e instanceof SweepError) return e;
    throw e;
  }
  throw new Error('expected a SweepError');
};

describe('expandSweep', () => {
  it('expands the grid in order (last axis fastest), each point decoded, with stable unique ids', () => {
    const sweep = makeSweep(base, [{ path: 'pool.rows', values: [40, 60] }, { path: 'seed', values: [1, 2, 3] }], 'rows × seed');
    const a = expandSweep(sweep, SPEC_CATALOGUE);
    expect(a.jobs).toHaveLength(6);
    expect(a.jobs.map((j) => j.point)).toEqual([
      { 'pool.rows': 40, seed: 1 }, { 'pool.rows': 40, seed: 2 }, { 'pool.rows': 40, seed: 3 },
      { 'pool.rows': 60, seed: 1 }, { 'pool.rows': 60, seed: 2 }, { 'pool.rows': 60, seed: 3 },
    ]);
    expect(a.jobs[4].experiment.spec.pool).toMatchObject({ rows: 60 });
    expect(a.jobs[4].experiment.seed).toBe(2);
    expect(a.jobs[4].experiment.title).toBe('rows × seed: pool.rows=60 seed=2');
    expect(new Set(a.jobs.map((j) => j.id)).size).toBe(6);
    expect(a.jobs.every((j) => j.id === `${a.sweepId}.${j.experimentDigest}` && !j.id.includes(':'))).toBe(true);
    // the same grid written another way (other title, axes reordered) is the same sweep with the same job ids
    const b = expandSweep(makeSweep(base, [{ path: 'seed', values: [3, 2, 1] }, { path: 'pool.rows', values: [60, 40] }], 'again'), SPEC_CATALOGUE);
    expect(b.sweepId).toBe(a.sweepId);
    expect(new Set(b.jobs.map((j) => j.id))).toEqual(new Set(a.jobs.map((j) => j.id)));
    // another grid is another sweep
    expect(expandSweep(makeSweep(base, [{ path: 'seed', values: [1, 2] }]), SPEC_CATALOGUE).sweepId).not.toBe(a.sweepId);
  });

  it('a sweep with no axes is the base experiment alone', () => {
    const s = expandSweep(makeSweep(base, []), SPEC_CATALOGUE);
    expect(s.jobs).toHaveLength(1);
    expect(s.jobs[0].experiment.spec).toEqual(base.spec);
  });

  it('refuses an unknown axis, naming the valid fields', () => {
    const e = refusal(makeSweep(base, [{ path: 'pool.colums', values: [1] }]));
    expect(e.kind).toBe('unknown-axis');
    expect(e.message).toMatch(/"pool\.colums" is not a field of the ensembles spec \(fields: seed, .*pool\.rows/);
  });

  it('refuses an empty axis, a grid over the limit, a repeated axis and a clamped value', () => {
    expect(refusal(makeSweep(base, [{ path: 'seed', values: [] }])).kind).toBe('empty-axis');
    const big = refusal(makeSweep(base, [{ path: 'seed', values: [1, 2, 3, 4] }, { path: 'pool.rows', values: [40, 50, 60] }]), 10);
    expect(big.kind).toBe('too-many-jobs');
    expect(big.message).toMatch(/seed \(4\) × pool\.rows \(3\) = 12 jobs, over the limit of 10/);
    expect(refusal(makeSweep(base, [{ path: 'seed', values: [1] }, { path: 'seed', values: [2] }])).kind).toBe('invalid-sweep');
    expect(refusal(makeSweep(base, [{ path: 'seed', values: [1, 1] }])).message).toMatch(/same experiment/);
    const clamped = refusal(makeSweep(base, [{ path: 'pool.rows', values: [40, 999_999] }]));
    expect(clamped.kind).toBe('clamped-value');
    expect(clamped.message).toMatch(/pool\.rows = 999999 runs as 5000/);
    expect(refusal({ format: 'nope' } as unknown as SweepSpec).kind).toBe('invalid-sweep');
  });

  it('a sweep of a module without a runner is refused before any job exists (not dead-lettered job by job)', () => {
    const curation = decodeExperiment({ format: 'workbench-experiment', version: 1, module: 'curation', specVersion: 1, spec: {}, seed: 1 }, SPEC_CATALOGUE);
    let caught: unknown;
    try {
      expandSweep(makeSweep(curation, [{ path: 'seed', values: [1, 2] }]), SPEC_CATALOGUE);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ExperimentError);
    expect((caught as ExperimentError).kind).toBe('no-runner');
    expect((caught as Error).message).toContain('"curation"');
  });

  it('a grid point that is no valid experiment is refused by the module spec (ExperimentError)', () => {
    expect(() => expandSweep(makeSweep(base, [{ path: 'metric', values: ['auc', 'no-such-metric'] }]), SPEC_CATALOGUE)).toThrow(ExperimentError);
  });
});
