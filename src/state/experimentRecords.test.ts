// Run records end to end in Node with the real runners and the workbench's spec catalogue: a tabular run on a
// bundled dataset is recorded and reproduced to the same digest (and the module's own link digest); a changed input
// file shows as a changed sha256; a changed seed shows as a result difference; bad records are refused by name;
// records survive the history store and its export/import, and entries without a record stay readable.
import 'fake-indexeddb/auto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../core/experiments/canonical';
import { decodeExperiment, type ExperimentSpec } from '../core/experiments/envelope';
import { nodeHost } from '../core/experiments/buildInfoNode';
import { repositoryInputs } from '../core/experiments/nodeInputs';
import { RunnerRegistry, type RunContext } from '../core/experiments/runner';
import { sha256HexSync } from '../core/numeric/sha256';
import { parseRunRecord, recordRun, serialiseRunRecord, type RecordDeps, type RunRecord } from '../core/experiments/record';
import { compareRecords, reproduce } from '../core/experiments/reproduce';
import { createTabularEngine } from '../core/tabular/api';
import { SPEC_CATALOGUE, workbenchRunners } from './experiments';
import { HistoryStore } from './historyStore';
import { parseHistoryFile } from './historyFormat';
import { refusal } from './experimentTestKit';

const root = process.cwd();
const host = nodeHost(root);
const deps = (loadFolders: string[] = []): RecordDeps => ({ runners: workbenchRunners(), catalogue: SPEC_CATALOGUE, host, loadInput: repositoryInputs(root, loadFolders) });
const experiment = (module: string, spec: Record<string, unknown>, seed: number): ExperimentSpec =>
  decodeExperiment({ format: 'workbench-experiment', version: 1, module, specVersion: module === 'tabular' ? 2 : 1, spec, seed }, SPEC_CATALOGUE);

const pimaTeachers = experiment('tabular', { view: 'teacher', dataset: { id: 'pima' }, teachers: ['knn', 'logreg'], folds: 3 }, 5);
const smallPool = (seed: number) => experiment('ensembles', { pool: { kind: 'demo', datasets: 4, rows: 60 }, strategies: ['best-single', 'avg-uniform', 'caruana'] }, seed);


describe('run records', () => {
  it('records a real tabular run in Node and reproduces its digest', async () => {
    const record = await recordRun(pimaTeachers, deps());
    const pimaBytes = readFileSync(join(root, 'public/samples/tabular/pima-indians-diabetes.csv'));
    expect(record.inputs).toEqual([{ role: 'data', id: 'pima', sha256: sha256HexSync(pimaBytes), size: pimaBytes.byteLength }]);
    expect(record.environment).toMatchObject({ runtime: 'node', backendRequested: 'auto', backendUsed: 'js' });
    expect(record.backend).toEqual({ requested: 'auto', chosen: 'node', used: 'js', fallbacks: [] });
    expect(record.environment.gitRevision).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(record.environment.packages['onnxruntime-node']).toMatch(/^\d+\.\d+/);
    expect(record.seed).toBe(5);
    // timings are measured, not results: outside the digest
    expect(JSON.stringify(record.results)).not.toContain('latencyMsMean');
    expect(Object.keys(record.measurements as object).some((k) => k.endsWith('latencyMsMean'))).toBe(true);
    // the module's own digest is the one the tabular engine gives for the same settings (what a share link carries)
    const engine = createTabularEngine();
    const shared = (await import('../core/tabular/data/registry')).sharedDatasetSpec('pima');
    const summary = await engine.loadShared(shared.id, pimaBytes);
    await engine.setTask(summary.suggested);
    expect(record.moduleDigest).toBe((await engine.runTeachers({ teachers: ['knn', 'logreg'], folds: 3, seed: 5, backend: 'auto', cutoff: { criterion: 'youden', onnxTeachers: false } })).digest);

    const again = await reproduce(parseRunRecord(serialiseRunRecord(record)), deps());
    expect(again.same).toBe(true);
    expect(again.rerun.digest).toBe(record.digest);
    expect(again.rerun.moduleDigest).toBe(record.moduleDigest);
  });

  it('the study and distill views reproduce too: their timings are kept outside the digest', async () => {
    const study = experiment('tabular', { view: 'study', dataset: { id: 'pima' }, teachers: ['knn'], strategies: ['uniform', 'balanced'], contextSizes: [64], folds: 2 }, 3);
    const distill = experiment('tabular', { view: 'distill', dataset: { id: 'pima' }, teachers: ['logreg'], folds: 2, distill: { students: ['logreg'] } }, 3);
    for (const e of [study, distill]) {
      const record = await recordRun(e, deps());
      expect(canonicalJson(record.results)).not.toMatch(/"(latency|latencyMs|trainMs|usPerRow|speedupBatch1)"/);
      expect(Object.keys(record.measurements as object).length).toBeGreaterThan(0);
      const again = await reproduce(record, deps());
      expect(again.same ? [] : again.resultPaths).toEqual([]);
    }
  });

  it('an embedded-TFM run lists the model file with the sha256 models/manifest.json gives it, and reproduces', async () => {
    const record = await recordRun(experiment('tabular', { view: 'teacher', dataset: { id: 'pima' }, teachers: ['tfm'], folds: 2 }, 5), deps());
    const manifest = JSON.parse(readFileSync(join(root, 'models/manifest.json'), 'utf8')) as { models: { id: string; files: { path: string; sha256: string }[] }[] };
    const onnx = manifest.models.find((m) => m.id === 'tfm')!.files.find((f) => f.path === 'onnx/model.onnx')!;
    expect(record.inputs.find((i) => i.role === 'model')).toMatchObject({ id: 'tfm', sha256: onnx.sha256 });
    expect(record.environment.backendUsed).toBe('onnxruntime-node:cpu');
    expect(record.backend).toEqual({ requested: 'auto', chosen: 'node', used: 'onnxruntime-node:cpu', fallbacks: [] });
    expect((await reproduce(record, deps())).same).toBe(true);
  });

  it('detects a changed input file as a changed sha256 (and names the result paths that moved)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'experiment-inputs-'));
    const lines = readFileSync(join(root, 'public/samples/tabular/pima-indians-diabetes.csv'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'diabetes.csv'), `${lines.join('\n')}\n`);
    const spec = experiment('tabular', { view: 'teacher', dataset: { id: 'diabetes.csv' }, header: false, target: -1, teachers: ['logreg'], folds: 3 }, 1);
    const record = await recordRun(spec, deps([dir]));
    expect(record.inputs.map((i) => i.id)).toEqual(['diabetes.csv']);
    // flip the label of 40 rows: same file name, other bytes
    const flipped = lines.map((l, i) => (i < 40 ? l.replace(/,(\d)$/, (_m, y: string) => `,${1 - Number(y)}`) : l));
    writeFileSync(join(dir, 'diabetes.csv'), `${flipped.join('\n')}\n`);
    const outcome = await reproduce(record, deps([dir]));
    expect(outcome.same).toBe(false);
    if (outcome.same) return;
    expect(outcome.inputs).toEqual([{ role: 'data', id: 'diabetes.csv', recorded: record.inputs[0].sha256, now: outcome.rerun.inputs[0].sha256 }]);
    expect(outcome.spec).toEqual([]);
    expect(outcome.digest).not.toBeNull();
    expect(outcome.resultPaths[0]).toMatch(/^report\.scores\[0\]\./);
  });

  it('detects a changed seed as a result difference', async () => {
    const record = await recordRun(smallPool(1), deps());
    expect(record.inputs).toEqual([]); // a demo pool is generated from the seed
    expect((await reproduce(record, deps())).same).toBe(true);
    // the same record with its seed edited (spec and record field together, so it still parses): the re-run differs
    const edited = parseRunRecord({ ...record, seed: 2, experiment: { ...record.experiment, seed: 2, spec: { ...record.experiment.spec, seed: 2 } } });
    const outcome = await reproduce(edited, deps());
    expect(outcome.same).toBe(false);
    if (outcome.same) return;
    expect(outcome.digest).toEqual({ recorded: record.digest, now: outcome.rerun.digest });
    expect(outcome.resultPaths.length).toBeGreaterThan(0);
    expect(outcome.inputs).toEqual([]);
    // and two records of the two seeds compare as a spec difference at `seed`
    expect(compareRecords(record, outcome.rerun).spec).toEqual(['seed', 'spec.seed']);
  });

  it('refuses bad records with named errors', async () => {
    const record = await recordRun(smallPool(3), deps());
    const kindOf = (r: unknown) => refusal(() => parseRunRecord(r)).kind;
    expect(kindOf('{not json')).toBe('invalid-record');
    expect(kindOf({ ...record, format: 'something-else' })).toBe('invalid-record');
    expect(kindOf({ ...record, version: 3 })).toBe('future-version');
    const { backend: _b, ...noBackend } = record;
    expect(refusal(() => parseRunRecord(noBackend)).message).toContain('backend');
    expect(kindOf({ ...record, version: 0 })).toBe('unknown-version');
    const { digest: _d, ...noDigest } = record;
    expect(refusal(() => parseRunRecord(noDigest)).message).toContain('digest');
    expect(kindOf({ ...record, inputs: [{ role: 'data', id: 'x', sha256: 'abc', size: 1 }] })).toBe('invalid-record');
    expect(kindOf({ ...record, seed: record.seed + 1 })).toBe('invalid-record');
    expect(kindOf({ ...record, unexpected: 1 })).toBe('invalid-record');
    const results = structuredClone(record.results) as { scores: Record<string, number[][]> };
    results.scores.auc[0][0] += 0.01;
    expect(kindOf({ ...record, results })).toBe('tampered-record');
    // a record of a module without a runner is refused when run, by name
    const bad = { ...record, experiment: decodeExperiment({ format: 'workbench-experiment', version: 1, module: 'edits', specVersion: 0, spec: {}, seed: 1 }, SPEC_CATALOGUE) };
    await expect(recordRun(bad.experiment, deps())).rejects.toMatchObject({ kind: 'no-runner' });
    // an input the host cannot find is named
    await expect(recordRun(experiment('tabular', { dataset: { id: 'missing.csv' }, teachers: ['knn'] }, 1), deps())).rejects.toMatchObject({ kind: 'input-unavailable' });
    // the user ONNX teacher is not run by the runner yet: said so, not skipped silently
    await expect(recordRun(experiment('tabular', { dataset: { id: 'pima' }, teachers: ['knn', 'user'] }, 1), deps())).rejects.toMatchObject({ kind: 'unsupported-in-runner' });
  });

  it('a runner that reads an input outside loadInput declares it; one input read twice with other bytes is an error', async () => {
    const bytes = new TextEncoder().encode('weights');
    // a module's runner joining the registry (the extension point): the ensembles spec stands in for its spec
    const declaring = { module: 'ensembles', run: async (_spec: unknown, ctx: RunContext) => {
      ctx.reportInput({ role: 'model', id: 'judge' }, { bytes });
      ctx.reportInput({ role: 'model', id: 'judge' }, { sha256: sha256HexSync(bytes), size: bytes.byteLength });
      return { results: { ok: 1 } };
    } };
    const record = await recordRun(smallPool(1), { ...deps(), runners: new RunnerRegistry().register(declaring) });
    expect(record.inputs).toEqual([{ role: 'model', id: 'judge', sha256: sha256HexSync(bytes), size: 7 }]);
    const changing = { ...declaring, run: async (_spec: unknown, ctx: RunContext) => {
      ctx.reportInput({ role: 'model', id: 'judge' }, { bytes });
      ctx.reportInput({ role: 'model', id: 'judge' }, { bytes: new TextEncoder().encode('other') });
      return { results: {} };
    } };
    await expect(recordRun(smallPool(1), { ...deps(), runners: new RunnerRegistry().register(changing) })).rejects.toMatchObject({ kind: 'input-unavailable' });
  });

  it('stores records with the history, exports and re-imports them; a bad record refuses the import', async () => {
    const store = new HistoryStore();
    await store.clear();
    const record = await recordRun(smallPool(4), deps());
    const old = await store.add('tabular', { seed: 2 }, 'an entry from before records');
    await new Promise((r) => setTimeout(r, 5)); // entries are listed by creation time (ms)
    const entry = await store.addRecord(record, 'pool seed 4', { datasets: 4 });
    expect(entry).toMatchObject({ module: 'ensembles', digest: record.moduleDigest, spec: { seed: 4 } });
    const listed = await store.list();
    expect(listed.map((e) => [e.id, Boolean(e.record)])).toEqual([[entry.id, true], [old.id, false]]);
    expect(listed[0].record).toEqual(record);
    const json = await store.exportJson();
    await store.clear();
    expect(await store.importJson(json)).toBe(2);
    const back = await store.list();
    expect(back.find((e) => e.id === entry.id)!.record!.digest).toBe(record.digest);
    const file = JSON.parse(json) as { entries: { record?: RunRecord }[] };
    (file.entries.find((e) => e.record)!.record as { digest: string }).digest = '0'.repeat(64);
    expect(() => parseHistoryFile(JSON.stringify(file))).toThrow(/entry \d \(ensembles\): run record: \(tampered-record\)/);
  });
});
