// What each tabular view asks the engine for: the experiment runner's own mapping (core/experiments/runners/
// tabularPlan.ts), re-exported so the panel and the runner send the same options for the same spec — every field
// a link carries (the backend setting included) reaches the engine; runOptions.test.ts follows `backend` down to
// the ORT session and src/state/experimentFields.test.ts perturbs every spec field.
export { distillRunOptions, protocolRunOptions, studyRunOptions, teacherRunOptions } from '../../core/experiments/runners/tabularPlan';
