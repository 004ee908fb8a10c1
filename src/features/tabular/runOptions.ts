// What each tabular view asks the engine for, read from the spec in one place, so every field a link carries
// (the backend setting included) reaches the engine; runOptions.test.ts follows `backend` down to the ORT session.
import type { DistillRunOptions, StudyRunOptions, TeacherRunOptions } from '../../core/tabular/api';
import type { TabularSpec } from '../../state/specs/tabular';

export function teacherRunOptions(spec: TabularSpec): TeacherRunOptions {
  return { teachers: spec.teachers, folds: spec.folds, seed: spec.seed, backend: spec.backend, cutoff: spec.cutoff };
}

export function studyRunOptions(spec: TabularSpec): StudyRunOptions {
  return { ...teacherRunOptions(spec), strategies: spec.strategies, sizes: spec.contextSizes };
}

export function distillRunOptions(spec: TabularSpec): DistillRunOptions {
  const d = spec.distill;
  return { ...teacherRunOptions(spec), students: d.students, labelling: d.labelling, temperature: d.temperature, hardLabelMix: d.hardLabelMix };
}
