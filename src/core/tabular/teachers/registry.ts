// The teachers a study, bench or the UI offers. Other teachers (user ONNX TFMs) join by adding a factory here;
// `withinLimits` (teacher.ts) wraps TFMs bound by TFM_LIMITS.
// `kind` says what a teacher is, for code whose figures mean something only for one kind: an *in-context* teacher
// conditions on the labelled context (the TFM, and kNN / logistic regression fitted afresh on it, cheap enough to
// stand in for one: distillation's teacher choice and the context-strategy study use these); a *fitted baseline*
// (the tuned GBDT) is a model fitted on the training rows with a hyper-parameter search, compared against the
// teachers but meaningless under context strategies and too slow to refit per context there.

import { knnTeacher } from './knn';
import { logRegTeacher } from './logreg';
import { tunedGbdtTeacher } from '../baselines/tunedGbdt';
import { DEFAULT_TFM_FEED_NAME, TFM_FEEDS, tfmTeacher, type TfmFeedName, type TfmRuntime } from '../tfm/tfmTeacher';
import type { BackendPreference } from '../../runtime/session';
import type { Teacher } from './teacher';

export type TeacherKind = 'in-context' | 'fitted-baseline';

export interface TeacherFactory {
  id: string;
  label: string;
  kind: TeacherKind;
  /**
   * Runs an ONNX network per call (seconds on large contexts): the teacher tab's tuned cut-off, which costs
   * several more calls per fold, is opt-in for these (api.ts `CutoffRunOptions.onnxTeachers`).
   */
  onnx: boolean;
  /**
   * `backend`: the run's backend setting, for teachers that create ONNX sessions; `tfmRuntime`: the ORT backend and
   * model bytes of the embedded TFM for this run (the experiment runner's backend factory), instead of the host's
   * registered one; `tfmFeed`: how the embedded TFM is fed (tfmTeacher.ts TFM_FEEDS; default DEFAULT_TFM_FEED_NAME)
   */
  create(options?: { backend?: BackendPreference; tfmRuntime?: TfmRuntime; tfmFeed?: TfmFeedName }): Teacher;
}

export const TEACHER_FACTORIES: readonly TeacherFactory[] = [
  { id: 'knn', label: 'kNN (distance-weighted, in-context)', kind: 'in-context', onnx: false, create: () => knnTeacher() },
  { id: 'logreg', label: 'Logistic regression (L2, L-BFGS, fit on context)', kind: 'in-context', onnx: false, create: () => logRegTeacher() },
  { id: 'tfm', label: 'Embedded TFM (prior-fitted network, ONNX; ≤1,024 context rows × 32 features per member)', kind: 'in-context', onnx: true, create: (o) => tfmTeacher({ backend: o?.backend, ...(o?.tfmRuntime ? { runtime: o.tfmRuntime } : {}), ...TFM_FEEDS[o?.tfmFeed ?? DEFAULT_TFM_FEED_NAME] }) },
  {
    id: 'tuned-gbdt', label: 'Tuned GBDT baseline (histogram GBDT, 12-point grid by inner 3-fold CV on the training rows; not CatBoost)',
    kind: 'fitted-baseline', onnx: false, create: () => tunedGbdtTeacher(),
  },
];

/** The in-context teachers (tfm, kNN, logistic regression): what distillation benches and strategy studies choose among. */
export const IN_CONTEXT_TEACHER_FACTORIES: readonly TeacherFactory[] = TEACHER_FACTORIES.filter((f) => f.kind === 'in-context');
