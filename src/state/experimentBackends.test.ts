// The registered runners hand their module's plan — the options every spec field was checked to reach
// (experimentFields.test.ts) — to the real core engines unchanged, and the run record takes its backend from the
// factory: a tabular run with the embedded TFM on `wasm` runs onnxruntime-web's WASM build in Node, on `auto`
// onnxruntime-node, the two agree, and an ensembles run is recorded as pure TypeScript.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeHost } from '../core/experiments/buildInfoNode';
import { decodeExperiment, type ExperimentSpec } from '../core/experiments/envelope';
import { repositoryInputs } from '../core/experiments/nodeInputs';
import { recordRun, type RecordDeps } from '../core/experiments/record';
import { RunnerRegistry } from '../core/experiments/runner';
import { ensemblesPlan, makeEnsemblesRunner, makeTabularRunner, tabularPlan } from '../core/experiments/runners';
import { createEnsemblesEngine } from '../core/ensembles/api';
import { createTabularEngine } from '../core/tabular/api';
import { SPEC_CATALOGUE } from './experiments';
import { recorded } from './experimentTestKit';
import type { EnsemblesSpec } from './specs/ensembles';
import type { TabularSpec } from './specs/tabular';

type Call = [method: string, args: unknown[]];

const dir = mkdtempSync(join(tmpdir(), 'experiment-backends-'));
/** 96 rows, two informative features, a binary label. */
writeFileSync(join(dir, 'toy.csv'), ['x1,x2,label', ...Array.from({ length: 96 }, (_, i) => {
  const y = i % 3 === 0 ? 1 : 0;
  return `${((i * 37) % 17) / 10 + y},${((i * 13) % 11) / 10 - y},${y ? 'yes' : 'no'}`;
})].join('\n'));

const experiment = (module: 'tabular' | 'ensembles', spec: Record<string, unknown>, backend: 'auto' | 'wasm' | 'webgpu'): ExperimentSpec =>
  decodeExperiment({ format: 'workbench-experiment', version: 1, module, specVersion: module === 'tabular' ? 2 : 1, spec, seed: 7, backend }, SPEC_CATALOGUE);

function deps(calls: Call[]): RecordDeps {
  const runners = new RunnerRegistry()
    .register(makeTabularRunner((d) => recorded(createTabularEngine(d), calls)))
    .register(makeEnsemblesRunner(() => recorded(createEnsemblesEngine(), calls)));
  return { runners, catalogue: SPEC_CATALOGUE, host: nodeHost(), loadInput: repositoryInputs(process.cwd(), [dir]) };
}

const tfmAuc = (results: unknown): number => (results as { report: { scores: { teacher: string; aucMean: number }[] } }).report.scores.find((s) => s.teacher === 'tfm')!.aucMean;

describe('runners hand their plan to the engines; the record takes its backend from the factory', () => {
  it('tabular, embedded TFM on wasm (onnxruntime-web WASM) and on auto (onnxruntime-node): same plan, same answer', async () => {
    const spec = { view: 'teacher', dataset: { id: 'toy.csv' }, target: 'label', teachers: ['tfm', 'knn'], folds: 2, cutoff: { criterion: 'f1', onnxTeachers: true } };
    const runs = [];
    for (const backend of ['wasm', 'auto'] as const) {
      const calls: Call[] = [];
      const e = experiment('tabular', spec, backend);
      const record = await recordRun(e, deps(calls));
      const plan = tabularPlan(e.spec as TabularSpec);
      expect(plan.run.options.backend).toBe(backend);
      expect(calls.map(([m]) => m)).toEqual(['loadFile', 'setTask', 'runTeachers']);
      expect([calls[0][1][0], calls[0][1][2]]).toEqual(['toy.csv', { header: plan.dataset.header }]);
      expect(calls[1][1]).toEqual([plan.task]);
      expect(calls[2][1]).toEqual([plan.run.options]);
      expect(record.inputs.map((i) => `${i.role}:${i.id}`)).toEqual(['data:toy.csv', 'model:tfm']);
      runs.push(record);
    }
    const [wasm, cpu] = runs;
    expect(wasm.backend).toEqual({ requested: 'wasm', chosen: 'wasm', used: 'onnxruntime-web:wasm',
      fallbacks: [{ from: 'webgpu', to: 'wasm', stage: 'resolve', reason: 'the backend is set to wasm', file: 'tfm/onnx/model.onnx' }] });
    expect(wasm.environment).toMatchObject({ backendRequested: 'wasm', backendUsed: 'onnxruntime-web:wasm' });
    expect(cpu.backend).toEqual({ requested: 'auto', chosen: 'node', used: 'onnxruntime-node:cpu', fallbacks: [] });
    // one model, two ORT builds: the fold AUCs agree to float32 rounding
    expect(tfmAuc(wasm.results)).toBeCloseTo(tfmAuc(cpu.results), 4);
    // two TFM runs (WASM, then onnxruntime-node): ~45 s quiet, past 60 s on a loaded box
  }, 180_000);

  it('ensembles: the pool and analysis options the engine gets are the plan; recorded as pure TypeScript', async () => {
    const calls: Call[] = [];
    const e = experiment('ensembles', { pool: { kind: 'demo', datasets: 4, rows: 60 }, strategies: ['best-single', 'caruana'], caruanaIterations: 7,
      alpha: 0.1, statistics: { wilcoxonMethod: 'exact', friedmanTieCorrection: true } }, 'webgpu');
    const record = await recordRun(e, deps(calls));
    const plan = ensemblesPlan(e.spec as EnsemblesSpec);
    expect(calls.map(([m]) => m)).toEqual(['loadSyntheticPool', 'analyse']);
    expect(calls[0][1]).toEqual([plan.pool.kind === 'demo' ? plan.pool.synthetic : null]);
    expect(calls[1][1]).toEqual([plan.analyse]);
    expect(plan.analyse).toMatchObject({ caruanaIterations: 7, alpha: 0.1, friedmanTieCorrection: true, wilcoxon: { method: 'exact' } });
    expect(record.backend).toMatchObject({ requested: 'webgpu', used: 'js', fallbacks: [expect.objectContaining({ from: 'webgpu', stage: 'resolve' })] });
  });
});
