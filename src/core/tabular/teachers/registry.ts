// The teachers a study or bench offers by default. Other teachers (the embedded neural TFM, user ONNX TFMs, a
// GBDT baseline) join by adding a factory here; `withinLimits` (teacher.ts) wraps TFMs bound by TFM_LIMITS.

import { knnTeacher } from './knn';
import { logRegTeacher } from './logreg';
import { tfmTeacher } from '../tfm/tfmTeacher';
import type { BackendPreference } from '../../runtime/session';
import type { Teacher } from './teacher';

export interface TeacherFactory {
  id: string;
  label: string;
  /** `backend`: the run's backend setting, for teachers that create ONNX sessions */
  create(options?: { backend?: BackendPreference }): Teacher;
}

export const TEACHER_FACTORIES: readonly TeacherFactory[] = [
  { id: 'knn', label: 'kNN (distance-weighted, in-context)', create: () => knnTeacher() },
  { id: 'logreg', label: 'Logistic regression (L2, L-BFGS, fit on context)', create: () => logRegTeacher() },
  { id: 'tfm', label: 'Embedded TFM (prior-fitted network, ONNX; ≤1,024 context rows × 32 features per member)', create: (o) => tfmTeacher({ backend: o?.backend }) },
];
