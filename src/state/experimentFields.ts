// Where every field of each runnable module's spec goes (core/experiments/specFields.ts): the path of the plan the
// runner executes (and the panel sends: runOptions.ts, useEnsemblesRun.ts share the plan functions), or why a field
// reaches no core call. The maps are typed over the spec types, so a new spec field does not compile until it is
// routed here; experimentFields.test.ts perturbs every field and checks the plan changed where declared.
import type { FieldRoutes, ModuleFields } from '../core/experiments/specFields';
import { ensemblesPlan, type EnsemblesPlan } from '../core/experiments/runners/ensemblesPlan';
import { tabularPlan, type TabularPlan } from '../core/experiments/runners/tabularPlan';
import { ensemblesSpec, type EnsemblesSpec } from './specs/ensembles';
import { tabularSpec, type TabularSpec } from './specs/tabular';

const view = (v: TabularSpec['view']) => (s: TabularSpec): TabularSpec => ({ ...s, view: v });
const withTask = (s: TabularSpec): TabularSpec => ({ ...s, target: 'label' });
const withUserTfm = (s: TabularSpec): TabularSpec => ({ ...s, userTeacher: { name: 'my-tfm', sha256: 'd'.repeat(64) } });

export const TABULAR_FIELDS: FieldRoutes<TabularSpec, TabularPlan> = {
  seed: { to: 'run.options.seed' },
  backend: { to: ['backend', 'run.options.backend'] },
  view: { to: 'run.view' },
  'dataset.id': { to: 'dataset.id' },
  'dataset.sha256': { to: 'dataset.sha256' },
  target: { to: 'task' },
  header: { to: 'dataset.header' },
  sensitive: { to: 'task.sensitive', given: withTask },
  sensitiveThreshold: { to: 'task.sensitiveThreshold', given: withTask },
  teachers: { to: 'run.options.teachers' },
  'userTeacher.name': { notPassed: 'the user ONNX teacher is loaded from the file chosen in the tabular page; the runner refuses teachers: ["user"] (unsupported-in-runner)', given: withUserTfm },
  'userTeacher.sha256': { notPassed: 'the hash the page checks the chosen user TFM file against; the runner refuses teachers: ["user"] (unsupported-in-runner)', given: withUserTfm },
  strategies: { to: 'run.options.strategies', given: view('study') },
  contextSizes: { to: 'run.options.sizes', given: view('study') },
  folds: { to: 'run.options.folds' },
  'cutoff.criterion': { to: 'run.options.cutoff.criterion', given: view('teacher') },
  'cutoff.onnxTeachers': { to: 'run.options.cutoff.onnxTeachers', given: view('teacher') },
  tfmFeed: { to: 'run.options.tfmFeed' },
  'distill.labelling': { to: 'run.options.labelling', given: view('distill') },
  'distill.temperature': { to: 'run.options.temperature', given: view('distill') },
  'distill.hardLabelMix': { to: 'run.options.hardLabelMix', given: view('distill') },
  'distill.students': { to: 'run.options.students', given: view('distill') },
};

const filePool = (s: EnsemblesSpec): EnsemblesSpec => ({ ...s, pool: { kind: 'file', name: 'pool.csv', sha256: 'c'.repeat(64) } });

export const ENSEMBLES_FIELDS: FieldRoutes<EnsemblesSpec, EnsemblesPlan> = {
  seed: { to: 'pool.synthetic.seed' },
  backend: { notPassed: 'the ensembles analysis is pure TypeScript (no ONNX session); the setting reaches the backend factory through the experiment envelope and is recorded as backend.requested' },
  'pool.kind': { to: 'pool.kind', perturb: (s) => [filePool(s)] },
  'pool.datasets': { to: 'pool.synthetic.datasets' },
  'pool.rows': { to: ['pool.synthetic.rowsOof', 'pool.synthetic.rowsTest'] },
  'pool.name': { to: 'pool.name', given: filePool },
  'pool.sha256': { to: 'pool.sha256', given: filePool },
  strategies: { to: 'analyse.strategies' },
  metric: { notPassed: 'the metric the panel shows first; the analysis scores every metric whatever it is (AnalyseOptions.metrics left at all)' },
  selectionMetric: { to: 'analyse.selectionMetric' },
  alpha: { to: 'analyse.alpha' },
  cliqueTest: { to: 'analyse.cliqueTest' },
  caruanaIterations: { to: 'analyse.caruanaIterations' },
  'statistics.wilcoxonZeroMethod': { to: 'analyse.wilcoxon.zeroMethod' },
  'statistics.wilcoxonMethod': { to: 'analyse.wilcoxon.method' },
  'statistics.wilcoxonCorrection': { to: 'analyse.wilcoxon.correction' },
  'statistics.friedmanTieCorrection': { to: 'analyse.friedmanTieCorrection' },
  'statistics.control': { to: 'analyse.control' },
};

/** The modules whose runners are registered (src/state/experiments.ts), with their field routes. */
export const MODULE_FIELDS = {
  tabular: { module: 'tabular', schema: tabularSpec.schema, clamp: tabularSpec.clamp, plan: tabularPlan, routes: TABULAR_FIELDS } satisfies ModuleFields<TabularSpec, TabularPlan>,
  ensembles: { module: 'ensembles', schema: ensemblesSpec.schema, clamp: ensemblesSpec.clamp, plan: ensemblesPlan, routes: ENSEMBLES_FIELDS } satisfies ModuleFields<EnsemblesSpec, EnsemblesPlan>,
};
