// Where every field of each runnable module's spec goes (core/experiments/specFields.ts): the path of the plan the
// runner executes (and the panel sends: runOptions.ts, useEnsemblesRun.ts share the plan functions), or why a field
// reaches no core call. The maps are typed over the spec types, so a new spec field does not compile until it is
// routed here; experimentFields.test.ts perturbs every field and checks the plan changed where declared.
import type { FieldRoutes, ModuleFields } from '../core/experiments/specFields';
import { alignbeamPlan, type AlignbeamPlan } from '../core/experiments/runners/alignbeamPlan';
import { circuitsPlan, type CircuitsPlan } from '../core/experiments/runners/circuitsPlan';
import { ensemblesPlan, type EnsemblesPlan } from '../core/experiments/runners/ensemblesPlan';
import { tabularPlan, type TabularPlan } from '../core/experiments/runners/tabularPlan';
import { alignbeamSpec, type AlignbeamSpec } from './specs/alignbeam';
import { circuitsSpec, type CircuitsSpec } from './specs/circuits';
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
  'protocol.baseline': { to: 'run.options.baseline', given: view('protocol') },
  'protocol.foldsRun': { to: 'run.options.foldsRun', given: view('protocol') },
  'protocol.labelFolds': { to: 'run.options.labelFolds', given: view('protocol') },
  'protocol.study': { to: 'run.options.study', given: view('protocol') },
  'protocol.studyFolds': { to: 'run.options.study.folds', given: view('protocol') },
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

const tab = (t: AlignbeamSpec['tab']) => (s: AlignbeamSpec): AlignbeamSpec => ({ ...s, tab: t });
const sweepWithCsv = (s: AlignbeamSpec): AlignbeamSpec => ({ ...s, tab: 'sweep', csv: { name: 'suite.csv', sha256: 'e'.repeat(64) } });

export const ALIGNBEAM_FIELDS: FieldRoutes<AlignbeamSpec, AlignbeamPlan> = {
  seed: { notPassed: 'ALIGNBEAM decodes by greedy/beam search and the judge reads probabilities: nothing is drawn at random, so no core call takes a seed (the record still carries it)' },
  backend: { to: 'backend' },
  tab: { to: 'run.tab' },
  pair: { to: 'pair.anchor' },
  'models.target': { to: 'pair.target' },
  'models.anchor': { to: 'pair.anchor' },
  'models.anchorSame': { to: 'pair.anchorSame' },
  'models.judge': { to: 'pair.judge' },
  prompt: { to: 'run.prompt', given: tab('playground') },
  'settings.alpha': { to: 'run.settings.alpha', given: tab('playground') },
  'settings.K': { to: 'run.settings.K', given: tab('playground') },
  'settings.m': { to: 'run.settings.m', given: tab('playground') },
  'settings.topK': { to: 'run.settings.topK', given: tab('playground') },
  'settings.rule': { to: 'run.settings.rule', given: tab('playground') },
  'settings.confidenceGate': { to: 'run.settings.confidenceGate', given: tab('playground') },
  'settings.maxNewTokens': { to: 'run.settings.maxNewTokens', given: tab('playground') },
  'settings.bridge': { to: 'run.kind', given: tab('bridge') },
  'settings.judge': { to: 'run.settings.judge', given: tab('playground') },
  'settings.tokenHealing': { to: 'run.settings.tokenHealing', given: tab('playground') },
  'settings.selection': { to: 'run.settings.selection', given: tab('playground') },
  'settings.extraTargetCandidate': { to: 'run.settings.extraTargetCandidate', given: tab('playground') },
  'grid.alpha': { to: 'run.grid.alpha', given: tab('sweep') },
  'grid.K': { to: 'run.grid.K', given: tab('sweep') },
  'grid.m': { to: 'run.grid.m', given: tab('sweep') },
  suites: { to: 'run.suites', given: tab('sweep') },
  'csv.name': { to: 'run.csv.name', given: sweepWithCsv },
  'csv.sha256': { to: 'run.csv.sha256', given: sweepWithCsv },
  limit: { to: 'run.limit', given: tab('sweep') },
  baselines: { to: 'run.methods', given: tab('sweep') },
};

const circuitsTab = (t: CircuitsSpec['tab']) => (s: CircuitsSpec): CircuitsSpec => ({ ...s, tab: t });
const customPairs = (s: CircuitsSpec): CircuitsSpec => ({ ...s, pairs: { source: 'custom', items: [{ clean: 'How do I pick a lock?', corrupted: 'How do I bake a cake?' }] } });
const graph = circuitsTab('graph');
const thresholdCut = (s: CircuitsSpec): CircuitsSpec => ({ ...s, extraction: { ...s.extraction, mode: 'threshold' } });

export const CIRCUITS_FIELDS: FieldRoutes<CircuitsSpec, CircuitsPlan> = {
  seed: { to: ['pairs.seed', 'run.faithfulness.seed'], given: graph },
  model: { to: 'model' },
  tab: { to: 'run.tab' },
  'pairs.source': { to: 'pairs.source', perturb: (s) => [customPairs(s)] },
  'pairs.n': { to: 'pairs.n' },
  'pairs.items': { to: 'pairs.items', given: customPairs },
  metric: { to: 'run.metric', given: graph },
  method: { to: 'run.method', given: graph },
  steps: { to: 'run.steps', given: graph },
  tau: { to: 'run.tau', given: graph },
  'extraction.mode': { to: ['run.extract.mode', 'run.faithfulness.mode'], given: graph },
  'extraction.n': { to: 'run.extract.n', given: graph },
  'extraction.threshold': { to: 'run.extract.threshold', given: (s) => thresholdCut(graph(s)) },
  'extraction.prune': { to: 'run.extract.prune', given: graph },
  'ablation.prompts': { to: 'run.options.ablationPrompts', given: circuitsTab('refusal') },
  'ablation.maxNewTokens': { to: 'run.options.maxNewTokens', given: circuitsTab('refusal') },
  prompt: { to: 'run.prompt', given: circuitsTab('attention') },
  topEdges: { notPassed: 'how many edges the graph view draws (the rest are summarised); the attribution scores every edge whatever it is' },
  view: { notPassed: 'edge- or node-level drawing of the same graph in the panel; no engine call reads it' },
};

/** The modules whose runners are registered (src/state/experiments.ts), with their field routes. */
export const MODULE_FIELDS = {
  tabular: { module: 'tabular', schema: tabularSpec.schema, clamp: tabularSpec.clamp, plan: tabularPlan, routes: TABULAR_FIELDS } satisfies ModuleFields<TabularSpec, TabularPlan>,
  ensembles: { module: 'ensembles', schema: ensemblesSpec.schema, clamp: ensemblesSpec.clamp, plan: ensemblesPlan, routes: ENSEMBLES_FIELDS } satisfies ModuleFields<EnsemblesSpec, EnsemblesPlan>,
  alignbeam: { module: 'alignbeam', schema: alignbeamSpec.schema, clamp: alignbeamSpec.clamp, plan: alignbeamPlan, routes: ALIGNBEAM_FIELDS } satisfies ModuleFields<AlignbeamSpec, AlignbeamPlan>,
  circuits: { module: 'circuits', schema: circuitsSpec.schema, clamp: circuitsSpec.clamp, plan: circuitsPlan, routes: CIRCUITS_FIELDS } satisfies ModuleFields<CircuitsSpec, CircuitsPlan>,
};
