// Tabular spec: dataset and columns, teachers, context strategies and sizes, folds, and distillation settings.
import { z } from 'zod';
import { backendPreference, dataRef, seed } from './common';
import { clampInt, clampNumber, type SpecDefinition } from './types';

export const CONTEXT_STRATEGIES = ['uniform', 'stratified', 'balanced', 'oversample_minority', 'smote', 'diversity_kmeans', 'hybrid_balanced_diverse'] as const;

const schema = z.object({
  seed,
  backend: backendPreference,
  /** v6: 'protocol', the seed studies' protocol on this dataset (one sweep job per dataset; see `protocol`) */
  view: z.enum(['teacher', 'study', 'distill', 'protocol']).default('teacher'),
  dataset: dataRef.default({ id: 'german' }),
  /** target column: its name, or its position (0-based; negative from the end, -1 = the last column) */
  target: z.union([z.string().max(200), z.number().int().min(-10_000).max(10_000)]).optional(),
  /** CSV header row: true, false, or absent = detected from the first rows' types ('auto') */
  header: z.union([z.literal('auto'), z.boolean()]).optional(),
  sensitive: z.string().max(200).optional(),
  // a numeric sensitive attribute (e.g. age) is split into ≤ t / > t groups
  sensitiveThreshold: z.number().optional(),
  /** 'tuned-gbdt' (v2): the tuned GBDT baseline, compared with the teachers but not one of the defaults (seconds per fold) */
  teachers: z.array(z.enum(['tfm', 'knn', 'logreg', 'tuned-gbdt', 'user'])).default(['tfm', 'knn', 'logreg']),
  /** a user-supplied ONNX TFM: only its name and file hash travel; the file is chosen again to reproduce */
  userTeacher: z.object({ name: z.string().max(60), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  strategies: z.array(z.enum(CONTEXT_STRATEGIES)).default([...CONTEXT_STRATEGIES]),
  contextSizes: z.array(z.number().int()).default([64, 256, 512]),
  folds: z.number().int().default(5),
  /** teacher tab (v2): the decision cut-off tuned on out-of-fold training scores (src/core/tabular/teacherCutoff.ts) */
  cutoff: z.object({
    criterion: z.enum(['youden', 'f1']).default('youden'),
    /** also for ONNX TFMs (the embedded TFM, a user TFM), whose out-of-fold scores cost 1.4–7× their own run */
    onnxTeachers: z.boolean().default(false),
  }).default({ criterion: 'youden', onnxTeachers: false }),
  /**
   * v3: how the embedded tfm is fed (src/core/tabular/tfm/tfmTeacher.ts TFM_FEEDS): categorical columns as
   * context-fitted codes and minority-complete context draws (the default), or the one-hot design matrix with
   * stratified draws (what every v1/v2 link ran, so older links decode to it and reproduce their results).
   * v4: the default also relabels the codes' levels per ensemble member ('shuffled-codes-minority-complete');
   * v3 links decode to the fixed order they ran ('codes-minority-complete').
   * v5: the default runs 32 members on tables with categorical codes ('shuffled-codes-32-members-minority-complete');
   * v4 links decode to the 8 members they ran ('shuffled-codes-minority-complete').
   */
  tfmFeed: z.enum(['shuffled-codes-32-members-minority-complete', 'shuffled-codes-minority-complete', 'codes-minority-complete', 'onehot-stratified'])
    .default('shuffled-codes-32-members-minority-complete'),
  distill: z.object({
    labelling: z.enum(['oof', 'naive']).default('oof'),
    temperature: z.number().default(1),
    hardLabelMix: z.number().default(0),
    students: z.array(z.enum(['gbdt', 'mlp', 'logreg'])).default(['gbdt', 'mlp', 'logreg']),
  }).default({ labelling: 'oof', temperature: 1, hardLabelMix: 0, students: ['gbdt', 'mlp', 'logreg'] }),
  /**
   * v6, the 'protocol' view (src/core/tabular/study/protocolRun.ts): the baseline every teacher and student is
   * compared with (the tuned GBDT, or the untuned GBDT on true labels), how many of the `folds` outer folds run, K of
   * the out-of-fold labelling, and the context study over `strategies` × `contextSizes` with its own fold count.
   */
  protocol: z.object({
    baseline: z.enum(['tuned-gbdt', 'plain']).default('tuned-gbdt'),
    foldsRun: z.number().int().default(5),
    labelFolds: z.number().int().default(5),
    study: z.boolean().default(true),
    studyFolds: z.number().int().default(3),
  }).default({ baseline: 'tuned-gbdt', foldsRun: 5, labelFolds: 5, study: true, studyFolds: 3 }),
});

export type TabularSpec = z.infer<typeof schema>;

export const tabularSpec: SpecDefinition<TabularSpec> = {
  module: 'tabular',
  // v2 added the 'tuned-gbdt' teacher and the cut-off settings. A v1 link needs no change (it has neither; the
  // cut-off defaults to Youden's J without ONNX TFMs); an older build refuses a v2 link as newer rather than as
  // an unknown teacher. v3 added tfmFeed: v1/v2 links decode to the feed they ran ('onehot-stratified'). v4 made
  // the per-member code shuffle the default feed: v3 links decode to 'codes-minority-complete'. v5 made 32 members
  // on tables with categorical codes the default: v4 links decode to 'shuffled-codes-minority-complete'. v6 added
  // the 'protocol' view and its settings; no older link has either, so v5 links decode unchanged.
  version: 6,
  schema,
  migrations: {
    // v0 links carried a single context size.
    0: (old) => (typeof old.contextSize === 'number' ? { ...old, contextSizes: [old.contextSize] } : old),
    // v2 → v3 (v0/v1 links pass here too): the tfm was fed one-hot columns and stratified draws before tfmFeed
    2: (old) => ({ tfmFeed: 'onehot-stratified', ...old }),
    // v3 → v4: the default feed then kept the codes' order fixed
    3: (old) => ({ tfmFeed: 'codes-minority-complete', ...old }),
    // v4 → v5: the default feed then ran 8 members on every table
    4: (old) => ({ tfmFeed: 'shuffled-codes-minority-complete', ...old }),
  },
  clamp: (s) => ({
    ...s,
    contextSizes: [...new Set(s.contextSizes.map((c) => clampInt(c, 8, 4096)))].sort((a, b) => a - b),
    folds: clampInt(s.folds, 2, 20),
    strategies: [...new Set(s.strategies)],
    teachers: [...new Set(s.teachers)],
    // foldsRun is not tied to folds here (the page keeps it as typed, so a link must too): the run takes min(foldsRun, folds)
    protocol: { ...s.protocol, foldsRun: clampInt(s.protocol.foldsRun, 1, 20), labelFolds: clampInt(s.protocol.labelFolds, 2, 20), studyFolds: clampInt(s.protocol.studyFolds, 2, 20) },
    distill: { ...s.distill, temperature: clampNumber(s.distill.temperature, 0.05, 20), hardLabelMix: clampNumber(s.distill.hardLabelMix, 0, 1) },
  }),
};
