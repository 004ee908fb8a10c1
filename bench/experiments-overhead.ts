// Experiments-layer overhead bench (`npx tsx bench/experiments-overhead.ts`), issue #21 item 7: what the spec and
// run-record machinery costs on top of the work it wraps. Two real workloads, each timed two ways, interleaved
// round by round so machine load hits both alike:
//   direct    the module's engine called the way its panel calls it (same plan: ensemblesPlan / tabularPlan);
//   recorded  recordRun (envelope decode through the spec catalogue, backend factory, hashed input loading,
//             canonical JSON + sha256 digest, environment) followed by serialise + parseRunRecord (the reader
//             re-checks the digest), i.e. everything a recorded run adds.
// The overhead is recorded − direct (median of rounds); the machinery's parts are also timed alone on the same
// record (decode, digest of the results, serialise + parse). Writes bench/results/experiments-overhead.json.
// Env: OVERHEAD_ROUNDS (default 7).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeHost } from '../src/core/experiments/buildInfoNode';
import { digestOf } from '../src/core/experiments/canonical';
import { decodeExperiment, type ExperimentSpec } from '../src/core/experiments/envelope';
import { repositoryInputs } from '../src/core/experiments/nodeInputs';
import { parseRunRecord, recordRun, serialiseRunRecord, type RecordDeps } from '../src/core/experiments/record';
import { ensemblesPlan, type EnsemblesRunSpec } from '../src/core/experiments/runners/ensemblesPlan';
import { tabularPlan, type TabularRunSpec } from '../src/core/experiments/runners/tabularPlan';
import { createEnsemblesEngine } from '../src/core/ensembles/api';
import { createTabularEngine } from '../src/core/tabular/api';
import { SHARED_DATASETS, SHARED_DATASET_FOLDER } from '../src/core/tabular/data/registry';
import { SPEC_CATALOGUE, workbenchRunners } from '../src/state/experiments';

const ROOT = new URL('..', import.meta.url).pathname;
const RESULTS = join(ROOT, 'bench/results');
const ROUNDS = Number(process.env.OVERHEAD_ROUNDS ?? 7);
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const host = nodeHost(ROOT);
const deps: RecordDeps = { runners: workbenchRunners(), catalogue: SPEC_CATALOGUE, host, loadInput: repositoryInputs(ROOT) };
const experiment = (module: string, spec: Record<string, unknown>, seed: number): ExperimentSpec =>
  decodeExperiment({ format: 'workbench-experiment', version: 1, module, specVersion: module === 'tabular' ? 2 : 1, spec, seed }, SPEC_CATALOGUE);

interface Workload { name: string; experiment: ExperimentSpec; direct: () => Promise<unknown> }

function ensemblesWorkload(): Workload {
  const exp = experiment('ensembles', { pool: { kind: 'demo', datasets: 6, rows: 120 }, strategies: ['best-single', 'avg-uniform', 'caruana', 'stacking-lr'] }, 3);
  return {
    name: 'ensembles: demo pool 6 datasets × 120 rows, 4 strategies',
    experiment: exp,
    direct: async () => {
      const plan = ensemblesPlan(exp.spec as unknown as EnsemblesRunSpec);
      const engine = createEnsemblesEngine();
      if (plan.pool.kind !== 'demo') throw new Error('the bench uses a demo pool');
      await engine.loadSyntheticPool(plan.pool.synthetic);
      return engine.analyse(plan.analyse, () => undefined);
    },
  };
}

function tabularWorkload(): Workload {
  const exp = experiment('tabular', { view: 'teacher', dataset: { id: 'pima' }, teachers: ['knn', 'logreg'], folds: 3 }, 5);
  const shared = SHARED_DATASETS.find((d) => d.id === 'pima')!;
  return {
    name: 'tabular: pima, teachers kNN + LR, 3 folds',
    experiment: exp,
    direct: async () => {
      const plan = tabularPlan(exp.spec as unknown as TabularRunSpec);
      // the direct path reads the same file (the recorded path reads it through the hashing loader)
      const bytes = new Uint8Array(readFileSync(join(ROOT, 'public', SHARED_DATASET_FOLDER, shared.file)));
      const engine = createTabularEngine();
      const summary = await engine.loadShared(shared.id, bytes);
      await engine.setTask(summary.suggested);
      if (plan.run.view !== 'teacher') throw new Error('the bench uses the teacher view');
      return engine.runTeachers(plan.run.options, () => undefined);
    },
  };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function measure(w: Workload) {
  const recorded = async () => parseRunRecord(serialiseRunRecord(await recordRun(w.experiment, deps)));
  await w.direct();
  const record = await recorded(); // warm-up of both paths (JIT, module caches)
  const direct: number[] = [];
  const withRecord: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // alternate which goes first so a load change within a round does not favour one path
    if (r % 2 === 0) {
      direct.push(await time(w.direct));
      withRecord.push(await time(recorded));
    } else {
      withRecord.push(await time(recorded));
      direct.push(await time(w.direct));
    }
  }
  const parts = {
    decodeMs: median(Array.from({ length: 20 }, () => { const t0 = performance.now(); decodeExperiment(w.experiment, SPEC_CATALOGUE); return performance.now() - t0; })),
    digestMs: median(Array.from({ length: 20 }, () => { const t0 = performance.now(); digestOf(record.results); return performance.now() - t0; })),
    serialiseParseMs: median(Array.from({ length: 20 }, () => { const t0 = performance.now(); parseRunRecord(serialiseRunRecord(record)); return performance.now() - t0; })),
  };
  const d = median(direct);
  const rec = median(withRecord);
  return {
    workload: w.name,
    rounds: ROUNDS,
    directMsMedian: round(d, 2),
    recordedMsMedian: round(rec, 2),
    overheadMs: round(rec - d, 2),
    overheadShare: round((rec - d) / d, 4),
    recordBytes: serialiseRunRecord(record).length,
    inputs: record.inputs.map((i) => ({ id: i.id, size: i.size })),
    parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v, 3)])),
    directMs: direct.map((v) => round(v, 1)),
    recordedMs: withRecord.map((v) => round(v, 1)),
  };
}

const loadBefore = loadavg();
const started = performance.now();
const results = [];
for (const w of [ensemblesWorkload(), tabularWorkload()]) {
  const r = await measure(w);
  results.push(r);
  console.log(`${r.workload}: direct ${r.directMsMedian} ms, recorded ${r.recordedMsMedian} ms → overhead ${r.overheadMs} ms (${round(r.overheadShare * 100, 1)} %); parts ${JSON.stringify(r.parts)}`);
}
const out = {
  bench: 'experiments-overhead',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgBefore: loadBefore.map((v) => round(v, 2)), loadavgAfter: loadavg().map((v) => round(v, 2)) },
  note: 'overhead = median(recordRun + serialise + parseRunRecord) − median(direct engine call), rounds interleaved; parts timed alone on the same record',
  results,
  durationMs: round(performance.now() - started, 0),
};
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'experiments-overhead.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote bench/results/experiments-overhead.json (load ${out.machine.loadavgBefore[0]} → ${out.machine.loadavgAfter[0]})`);
