// The bundled benchmark datasets and how to load each: headerless CSVs with the label last, plus each file's quirk
// (german's symbolic codes, pima's 0 = missing, breast_cancer's metadata line, mammography's quoted labels). The
// files ship with the repository in public/samples/tabular (origin, licence and quirks in data/README.md): the UI
// offers them as one-click samples, tests and benches read them from there. Loaders take the file's text, not a
// path, so they run in the browser too.

import { parseCsv, type TextSource } from './csv';
import { markMissing } from './frame';
import { selectTask, type TabularTask } from './task';

export interface SharedDatasetSpec {
  id: string;
  file: string;
  /** the file beside it that documents the columns (the upstream .names) or, where there is none, the licence */
  about: string;
  description: string;
  names: string[];
  /** columns kept categorical */
  categorical?: number[];
  /** columns where 0 means "not measured" */
  zeroMeansMissing?: number[];
  skipRecords?: number;
  sensitive?: { column: number; threshold?: number };
  /** documented shape: data rows, feature columns (target excluded), rows per class in class-index order */
  expected: { rows: number; features: number; classCounts: number[]; classNames: string[] };
}

/** Where the files are: a folder under public/, so also the URL path (below the app's base) the app serves them at. */
export const SHARED_DATASET_FOLDER = 'samples/tabular/';

const numbered = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const WDBC = ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave_points', 'symmetry', 'fractal_dimension'];

export const SHARED_DATASETS: readonly SharedDatasetSpec[] = [
  {
    id: 'german', file: 'german.csv', about: 'german.names',
    description: 'Statlog German credit; class 1 = good, 2 = bad (bad is the costly minority)',
    names: ['checking_status', 'duration', 'credit_history', 'purpose', 'credit_amount', 'savings', 'employment', 'installment_rate',
      'personal_status_sex', 'other_debtors', 'residence_since', 'property', 'age', 'other_installment_plans', 'housing',
      'existing_credits', 'job', 'num_dependents', 'telephone', 'foreign_worker', 'class'],
    categorical: [0, 2, 3, 5, 6, 8, 9, 11, 13, 14, 16, 18, 19],
    sensitive: { column: 12, threshold: 25 },
    expected: { rows: 1000, features: 20, classCounts: [700, 300], classNames: ['1', '2'] },
  },
  {
    id: 'pima', file: 'pima-indians-diabetes.csv', about: 'pima-indians-diabetes.names',
    description: 'Pima Indians diabetes; 0 marks unmeasured glucose/BP/skin/insulin/BMI',
    names: ['pregnancies', 'glucose', 'blood_pressure', 'skin_thickness', 'insulin', 'bmi', 'pedigree', 'age', 'class'],
    zeroMeansMissing: [1, 2, 3, 4, 5],
    expected: { rows: 768, features: 8, classCounts: [500, 268], classNames: ['0', '1'] },
  },
  {
    id: 'breast-cancer-wisconsin', file: 'breast-cancer-wisconsin.csv', about: 'breast-cancer-wisconsin.names',
    description: 'Wisconsin original (ID column removed); 2 = benign, 4 = malignant',
    names: ['clump_thickness', 'cell_size_uniformity', 'cell_shape_uniformity', 'marginal_adhesion', 'epithelial_cell_size',
      'bare_nuclei', 'bland_chromatin', 'normal_nucleoli', 'mitoses', 'class'],
    expected: { rows: 699, features: 9, classCounts: [458, 241], classNames: ['2', '4'] },
  },
  {
    id: 'breast_cancer', file: 'breast_cancer.csv', about: 'SKLEARN_COPYING.txt',
    description: 'sklearn WDBC (line 1 is metadata); 0 = malignant, 1 = benign',
    names: [...WDBC.map((f) => `mean_${f}`), ...WDBC.map((f) => `${f}_error`), ...WDBC.map((f) => `worst_${f}`), 'class'],
    skipRecords: 1,
    expected: { rows: 569, features: 30, classCounts: [212, 357], classNames: ['0', '1'] },
  },
  {
    id: 'phoneme', file: 'phoneme.csv', about: 'phoneme.names',
    description: 'ELENA phoneme; 0 = nasal, 1 = oral',
    names: [...numbered('V', 5), 'class'],
    expected: { rows: 5404, features: 5, classCounts: [3818, 1586], classNames: ['0', '1'] },
  },
  {
    id: 'mammography', file: 'mammography.csv', about: 'mammography.names',
    description: "Woods mammography; labels '-1' / '1' (quoted), 2.3 % minority",
    names: [...numbered('attr', 6), 'class'],
    expected: { rows: 11183, features: 6, classCounts: [10923, 260], classNames: ['-1', '1'] },
  },
];

export function sharedDatasetSpec(id: string): SharedDatasetSpec {
  const spec = SHARED_DATASETS.find((s) => s.id === id);
  if (!spec) throw new Error(`Unknown shared dataset "${id}". Known: ${SHARED_DATASETS.map((s) => s.id).join(', ')}.`);
  return spec;
}

/** Parse one shared dataset's CSV (text, bytes or a chunk stream) into a task with the label as target. */
export async function loadSharedDataset(id: string, source: TextSource): Promise<TabularTask> {
  const spec = sharedDatasetSpec(id);
  let frame = await parseCsv(source, { header: false, names: spec.names, categorical: spec.categorical, skipRecords: spec.skipRecords });
  if (spec.zeroMeansMissing) frame = markMissing(frame, spec.zeroMeansMissing, 0);
  return selectTask(frame, {
    name: spec.id,
    target: -1,
    numericTarget: true,
    ...(spec.sensitive ? { sensitive: spec.sensitive.column, sensitiveThreshold: spec.sensitive.threshold } : {}),
  });
}
