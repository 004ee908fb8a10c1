// A tabular record written the panel's way (engine driven as the worker is: load the shared dataset, set the
// suggested task, run the view with the plan's options, then tabularPanelRecord) is the record the tabular runner
// writes for the same spec — same digest, module digest and inputs — and it reproduces through the runner.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeHost } from '../../core/experiments/buildInfoNode';
import { makeExperiment } from '../../core/experiments/envelope';
import { repositoryInputs } from '../../core/experiments/nodeInputs';
import { recordRun, type RecordDeps } from '../../core/experiments/record';
import { compareRecords, reproduce } from '../../core/experiments/reproduce';
import { studyRunOptions, teacherRunOptions } from '../../core/experiments/runners/tabularPlan';
import { sha256HexSync } from '../../core/numeric/sha256';
import { createTabularEngine } from '../../core/tabular/api';
import { SPEC_CATALOGUE, workbenchRunners } from '../../state/experiments';
import type { TabularSpec } from '../../state/specs/tabular';
import { tabularPanelRecord } from './tabularRecord';

const root = process.cwd();
const host = nodeHost(root);
const deps: RecordDeps = { runners: workbenchRunners(), catalogue: SPEC_CATALOGUE, host, loadInput: repositoryInputs(root, []) };
const pima = new Uint8Array(readFileSync(join(root, 'public/samples/tabular/pima-indians-diabetes.csv')));
const noModel = () => Promise.reject(new Error('no ONNX teacher in this spec'));

async function panelRun(spec: TabularSpec) {
  const engine = createTabularEngine();
  const summary = await engine.loadShared('pima', pima.slice());
  const task = await engine.setTask(summary.suggested);
  const report = spec.view === 'teacher' ? await engine.runTeachers(teacherRunOptions(spec)) : await engine.runStudy(studyRunOptions(spec));
  return tabularPanelRecord({ spec, view: spec.view, task, report, file: { bytes: pima, sha256: sha256HexSync(pima) }, durationMs: 5 }, host, noModel);
}

describe('tabular panel records', () => {
  for (const raw of [
    { view: 'teacher', dataset: { id: 'pima' }, teachers: ['knn', 'logreg'], folds: 3, seed: 5 },
    { view: 'study', dataset: { id: 'pima' }, teachers: ['knn'], strategies: ['uniform', 'balanced'], contextSizes: [64], folds: 2, seed: 3 },
  ]) {
    it(`a ${raw.view} run written by the panel is the runner's record and reproduces`, async () => {
      const spec = makeExperiment('tabular', raw, SPEC_CATALOGUE).spec as TabularSpec;
      const panel = (await panelRun(spec))!;
      const runner = await recordRun(makeExperiment('tabular', spec, SPEC_CATALOGUE), deps);
      expect(compareRecords(runner, panel)).toMatchObject({ spec: [], inputs: [], digest: null });
      expect(panel.moduleDigest).toBe(runner.moduleDigest);
      expect((await reproduce(panel, deps)).same).toBe(true);
    });
  }

  it('a spec with the user ONNX teacher gets no record (the runner cannot run it)', async () => {
    const spec = makeExperiment('tabular', { view: 'teacher', dataset: { id: 'pima' }, teachers: ['knn', 'user'] }, SPEC_CATALOGUE).spec as TabularSpec;
    expect(await tabularPanelRecord({ spec, view: 'teacher', task: {}, report: { digest: 'x' }, file: { bytes: pima, sha256: sha256HexSync(pima) }, durationMs: 0 }, host, noModel)).toBeUndefined();
  });
});
