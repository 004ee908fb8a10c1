// The protocol of the scikit-learn logistic-regression comparison, in one place so the export script
// (scripts/sklearn-reference-export.ts), the golden fixture it feeds (fixtures/sklearn-logreg.json, made by
// scripts/sklearn-reference.py) and the test that checks the project's LR against it cannot drift apart: the
// shipped binary datasets, 5 stratified folds from seed 0, and the project's default preprocessing fitted on each
// training fold (numeric: median imputation then z-score; categorical: one-hot of the levels seen in training,
// missing → most frequent level). scikit-learn's side is make_pipeline(StandardScaler(), LogisticRegression())
// on that design matrix, which is what fitLogReg does (it re-standardises every column, one-hot ones included).

import type { LabelledMatrix } from '../matrix';
import { preprocessSplit } from '../data/preprocess';
import { stratifiedKFold } from '../data/split';
import type { TabularTask } from '../data/task';

export const LR_REFERENCE_DATASETS = ['german', 'pima', 'breast-cancer-wisconsin', 'mammography', 'phoneme'] as const;
export const LR_REFERENCE_FOLDS = 5;
export const LR_REFERENCE_SEED = 0;

export function lrReferenceSplits(task: TabularTask): { train: LabelledMatrix; test: LabelledMatrix }[] {
  const k = task.classNames.length;
  return stratifiedKFold(task.y, k, LR_REFERENCE_FOLDS, LR_REFERENCE_SEED)
    .map((f) => { const s = preprocessSplit(task, f.train, f.test); return { train: s.train, test: s.test }; });
}
