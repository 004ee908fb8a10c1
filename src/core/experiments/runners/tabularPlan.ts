// What a tabular spec asks the tabular engine for, in one place: the dataset to load, the task to set, the view
// and its run options. The experiment runner (tabular.ts) executes this plan and the tabular panel
// (features/tabular/runOptions.ts re-exports these) sends the same options, so the page cannot drift from the
// runner. src/state/experimentFields.ts declares, for every field of the tabular spec, where in this plan it
// lands; experimentFields.test.ts perturbs each field and checks the plan changed there.
import type { DistillRunOptions, ProtocolRunOptions, StudyRunOptions, TaskChoice, TeacherRunOptions } from '../../tabular/api';
import type { ProtocolBaselineKind } from '../../tabular/study/protocolRun';
import type { HeaderMode } from '../../tabular/data/csv';
import type { StrategyName } from '../../tabular/strategies';
import type { StudentKind } from '../../tabular/students/types';
import type { BackendPreference } from '../../runtime/session';
import type { TfmFeedName } from '../../tabular/tfm/tfmTeacher';

/** The fields of the tabular spec the plan reads (src/state/experiments.ts checks TabularSpec satisfies it). */
export interface TabularRunSpec {
  seed: number;
  backend: BackendPreference;
  view: 'teacher' | 'study' | 'distill' | 'protocol';
  dataset: { id: string; sha256?: string };
  target?: string | number;
  header?: HeaderMode;
  sensitive?: string;
  sensitiveThreshold?: number;
  teachers: string[];
  strategies: StrategyName[];
  contextSizes: number[];
  folds: number;
  cutoff: { criterion: 'youden' | 'f1'; onnxTeachers: boolean };
  tfmFeed: TfmFeedName;
  distill: { labelling: 'oof' | 'naive'; temperature: number; hardLabelMix: number; students: StudentKind[] };
  protocol: { baseline: ProtocolBaselineKind; foldsRun: number; labelFolds: number; study: boolean; studyFolds: number };
}

export type TabularViewOptions =
  | { view: 'teacher'; options: TeacherRunOptions }
  | { view: 'study'; options: StudyRunOptions }
  | { view: 'distill'; options: DistillRunOptions }
  | { view: 'protocol'; options: ProtocolRunOptions };

export interface TabularPlan {
  /** the spec's backend setting: the factory routes on it and every ONNX session of the run is created with it */
  backend: BackendPreference;
  dataset: { id: string; sha256?: string; header: HeaderMode };
  /** the spec's task, or the dataset's suggested one (shared datasets: their documented target) */
  task: TaskChoice | 'suggested';
  run: TabularViewOptions;
}

export function teacherRunOptions(spec: TabularRunSpec): TeacherRunOptions {
  return { teachers: spec.teachers, folds: spec.folds, seed: spec.seed, backend: spec.backend, tfmFeed: spec.tfmFeed, cutoff: spec.cutoff };
}

export function studyRunOptions(spec: TabularRunSpec): StudyRunOptions {
  const { cutoff: _teacherTabOnly, ...shared } = teacherRunOptions(spec);
  return { ...shared, strategies: spec.strategies, sizes: spec.contextSizes };
}

export function distillRunOptions(spec: TabularRunSpec): DistillRunOptions {
  const { cutoff: _teacherTabOnly, ...shared } = teacherRunOptions(spec);
  const d = spec.distill;
  return { ...shared, students: d.students, labelling: d.labelling, temperature: d.temperature, hardLabelMix: d.hardLabelMix };
}

/** The protocol: outer folds = the spec's folds; its context study crosses the spec's strategies and sizes. */
export function protocolRunOptions(spec: TabularRunSpec): ProtocolRunOptions {
  const { cutoff: _teacherTabOnly, ...shared } = teacherRunOptions(spec);
  const p = spec.protocol;
  return {
    ...shared, baseline: p.baseline, foldsRun: p.foldsRun, labelFolds: p.labelFolds,
    study: p.study ? { strategies: spec.strategies, sizes: spec.contextSizes, folds: p.studyFolds } : false,
  };
}

export function viewRunOptions(spec: TabularRunSpec): TabularViewOptions {
  return spec.view === 'teacher' ? { view: 'teacher', options: teacherRunOptions(spec) }
    : spec.view === 'study' ? { view: 'study', options: studyRunOptions(spec) }
      : spec.view === 'protocol' ? { view: 'protocol', options: protocolRunOptions(spec) }
        : { view: 'distill', options: distillRunOptions(spec) };
}

export function tabularPlan(spec: TabularRunSpec): TabularPlan {
  const task: TaskChoice | 'suggested' = spec.target === undefined ? 'suggested' : {
    target: spec.target,
    ...(spec.sensitive !== undefined ? { sensitive: spec.sensitive } : {}),
    ...(spec.sensitiveThreshold !== undefined ? { sensitiveThreshold: spec.sensitiveThreshold } : {}),
  };
  return {
    backend: spec.backend,
    dataset: { id: spec.dataset.id, ...(spec.dataset.sha256 ? { sha256: spec.dataset.sha256 } : {}), header: spec.header ?? 'auto' },
    task,
    run: viewRunOptions(spec),
  };
}
