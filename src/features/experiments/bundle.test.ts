// Run bundles: a record with a pool file round-trips (record, artefact bytes, nothing missing) and reproduces from
// the imported artefact alone; tampered results, a changed artefact, an unknown or newer version, non-JSON and
// an oversized file are each refused by name (BundleError.kind) before anything is returned.
import { describe, expect, it } from 'vitest';
import { nodeHost } from '../../core/experiments/buildInfoNode';
import { decodeExperiment } from '../../core/experiments/envelope';
import { recordRun, type RecordDeps } from '../../core/experiments/record';
import { reproduce } from '../../core/experiments/reproduce';
import { poolToCsv } from '../../core/ensembles/parse';
import { syntheticPool } from '../../core/ensembles/synthetic';
import { sha256HexSync } from '../../core/numeric/sha256';
import { SPEC_CATALOGUE, workbenchRunners } from '../../state/experiments';
import { artefactLoader, BundleError, MAX_BUNDLE_BYTES, parseBundle, rememberArtefact, serialiseBundle, type BundleErrorKind } from './bundle';

const csv = new TextEncoder().encode(poolToCsv(syntheticPool({ datasets: 4, rowsOof: 50, rowsTest: 50, seed: 9 })));
const sha = sha256HexSync(csv);
const host = nodeHost(process.cwd());
const deps = (loadInput: RecordDeps['loadInput']): RecordDeps => ({ runners: workbenchRunners(), catalogue: SPEC_CATALOGUE, host, loadInput });
const experiment = decodeExperiment({ format: 'workbench-experiment', version: 1, module: 'ensembles', specVersion: 1,
  spec: { pool: { kind: 'file', name: 'pool.csv', sha256: sha }, strategies: ['best-single', 'avg-uniform'] }, seed: 3 }, SPEC_CATALOGUE);
const recorded = recordRun(experiment, deps(async () => csv));

function kindOf(fn: () => unknown): BundleErrorKind {
  try {
    fn();
  } catch (e) {
    if (e instanceof BundleError) return e.kind;
    throw e;
  }
  throw new Error('expected a BundleError');
}

describe('run bundles', () => {
  it('round-trips the record and its input artefact, and the import reproduces', async () => {
    const record = await recorded;
    expect(record.inputs).toEqual([{ role: 'data', id: 'pool.csv', sha256: sha, size: csv.byteLength }]);
    const text = serialiseBundle(record, 'pool run', (i) => (i.sha256 === sha ? csv : undefined));
    const bundle = parseBundle(text);
    expect(bundle.record).toEqual(record);
    expect(bundle.title).toBe('pool run');
    expect(bundle.missing).toEqual([]);
    expect(bundle.artefacts).toHaveLength(1);
    expect(Buffer.from(bundle.artefacts[0].bytes).equals(Buffer.from(csv))).toBe(true);
    // another browser: only the bundle's bytes are at hand
    for (const a of bundle.artefacts) rememberArtefact(a.bytes);
    const outcome = await reproduce(bundle.record, deps(artefactLoader(bundle.record)));
    expect(outcome.same).toBe(true);
  });

  it('lists inputs it could not carry as missing', async () => {
    const bundle = parseBundle(serialiseBundle(await recorded, 't', () => undefined));
    expect(bundle.artefacts).toEqual([]);
    expect(bundle.missing).toEqual([{ role: 'data', id: 'pool.csv', sha256: sha }]);
  });

  it('refuses tampered, unknown, newer, foreign and oversized bundles by name', async () => {
    const record = await recorded;
    type RawBundle = { format: string; version: number; artefacts: { id: string; base64: string }[];
      record: { version: number; digest?: string; results: { scores: { auc: number[][] } } } };
    const good = JSON.parse(serialiseBundle(record, 't', () => csv)) as RawBundle;
    const edit = (f: (b: RawBundle) => void) => {
      const b = structuredClone(good);
      f(b);
      return JSON.stringify(b);
    };
    expect(kindOf(() => parseBundle(edit((b) => { b.record.results.scores.auc[0][0] = 0.123; })))).toBe('tampered-record');
    expect(kindOf(() => parseBundle(edit((b) => { b.artefacts[0].base64 = Buffer.from('dataset,model\n').toString('base64'); })))).toBe('artefact-mismatch');
    expect(kindOf(() => parseBundle(edit((b) => { b.artefacts[0].id = 'other.csv'; })))).toBe('artefact-mismatch');
    expect(kindOf(() => parseBundle(edit((b) => { b.version = 0; })))).toBe('unknown-version');
    expect(kindOf(() => parseBundle(edit((b) => { b.version = 2; })))).toBe('future-version');
    expect(kindOf(() => parseBundle(edit((b) => { b.record.version = 9; })))).toBe('future-version');
    expect(kindOf(() => parseBundle(edit((b) => { delete b.record.digest; })))).toBe('invalid-record');
    expect(kindOf(() => parseBundle(edit((b) => { b.format = 'workbench-history'; })))).toBe('not-a-bundle');
    expect(kindOf(() => parseBundle('{ not json'))).toBe('not-a-bundle');
    expect(kindOf(() => parseBundle(' '.repeat(MAX_BUNDLE_BYTES + 1)))).toBe('too-large');
    const e = (() => { try { parseBundle(edit((b) => { b.version = 2; })); } catch (err) { return err as BundleError; } })()!;
    expect(e.message).toMatch(/Nothing was imported/);
    expect(e.remedy).toMatch(/update this workbench/);
  });
});
