// The tabular engine interface (CONVENTIONS #1, #2): what the tabular panel calls, in-thread (tests, Node) or
// through `workers/tabular.worker.ts`. The engine keeps the parsed table and the chosen task so the columns cross
// the worker boundary once; runs go one at a time (later calls queue behind), report progress through a trailing
// callback (comlink proxies it) and `cancel()` aborts the run in flight (an AbortSignal cannot cross postMessage).
// Every run returns a digest of its deterministic numbers (timings excluded) so a share link can check a re-run.

import { aucFromProbs } from '../metrics/classification';
import { sha256Hex } from '../runtime/loaders';
import { columnIndex, markMissing, missingCount, uniqueNames, type DataFrame } from './data/frame';
import { parseArff } from './data/arff';
import { parseCsv, readCsv, type HeaderMode } from './data/csv';
import type { TableWarning } from './data/header';
import { TabularDataError } from './data/errors';
import { parseParquet } from './data/parquet';
import { preprocessSplit, type ColumnPlan } from './data/preprocess';
import { sharedDatasetSpec } from './data/registry';
import { stratifiedKFold, stratifiedSplit } from './data/split';
import { classCounts, minorityClass, selectTask, type TabularTask } from './data/task';
import { runDistillation, type DistillRun, type StudentOutcome } from './distill/run';
import { argmaxRates, cutoffSkipReason, DEFAULT_CUTOFF_RUN, foldCutoff, summariseCutoffs, tryFoldCutoff, type CutoffRunOptions, type TeacherCutoff } from './teacherCutoff';
import type { StrategyName } from './strategies';
import type { ProtocolResult } from './study/protocol';
import { runProtocolOnTask, type ProtocolViewOptions } from './study/protocolRun';
import { runStudy, type StudyResult } from './study/runner';
import { DenseStudent } from './students/dense';
import { exportDenseOnnx } from './students/exportDense';
import { exportGbdtOnnx } from './students/exportTree';
import { GbdtStudent } from './students/gbdt/gbdt';
import type { Student, StudentKind } from './students/types';
import { TEACHER_FACTORIES } from './teachers/registry';
import type { Teacher } from './teachers/teacher';
import { loadUserTfm } from './tfm/userTfm';
import type { TfmCategoricalEncoding } from './tfm/categoricalCodes';
import type { TfmFeedName, TfmRuntime } from './tfm/tfmTeacher';
import { PlannedProgress } from '../runtime/progress';
import type { BackendPreference, OrtBackend } from '../runtime/session';

export type TabularPhase = 'teachers' | 'study' | 'distill' | 'protocol';

/** Progress of one run: monotone `done` against a fixed `total`, ending at done = total. */
export interface TabularProgress { phase: TabularPhase; done: number; total: number; label: string }
export type TabularProgressCallback = (p: TabularProgress) => void;

export interface ColumnSummary {
  name: string;
  kind: 'numeric' | 'categorical';
  missing: number;
  /** distinct observed values (levels for categoricals) */
  distinct: number;
  /** range for numeric columns, first levels for categoricals */
  preview: string;
  /** ±∞ cells read as missing (included in `missing`) */
  infinite: number;
}

export interface DatasetSummary {
  name: string;
  format: 'csv' | 'arff' | 'parquet' | 'shared';
  rows: number;
  columns: ColumnSummary[];
  /** CSV only: the header setting used and whether the first row was read as names */
  header?: { mode: HeaderMode; present: boolean };
  /** what the loader decided or repaired: header detection, renamed columns, missing/infinite cells, encoding */
  warnings: TableWarning[];
  /** a sensible task for this table: the last column as target, or the shared dataset's documented one */
  suggested: TaskChoice;
}

/** How `loadFile` reads a table. */
export interface LoadOptions {
  /** CSV header row: 'auto' (default) decides from the types of the first rows */
  header?: HeaderMode;
}

export interface TaskChoice {
  /** column name, or position (0-based; negative from the end: -1 = the last column) */
  target: string | number;
  sensitive?: string;
  /** split a numeric sensitive attribute into ≤ t / > t */
  sensitiveThreshold?: number;
}

export interface TaskSummary {
  /** the target column's name (resolved from a position) */
  target: string;
  targetIndex: number;
  classNames: string[];
  classCounts: number[];
  minorityClass: string;
  features: number;
  sensitive?: { name: string; levels: string[]; counts: number[] };
}

/**
 * The spec's backend setting: it reaches every ONNX session a run creates (the TFM, a user TFM); default auto.
 * `tfmFeed`: how the embedded TFM is fed (categorical codes, context draws; tfmTeacher.ts TFM_FEEDS), default
 * DEFAULT_TFM_FEED_NAME; links made before the option run 'onehot-stratified'.
 */
export interface RunBackend { backend?: BackendPreference; tfmFeed?: TfmFeedName }
export interface TeacherRunOptions extends RunBackend {
  teachers: string[];
  folds: number;
  seed: number;
  /** the decision cut-off tuned per fold (binary tasks); default Youden's J, ONNX TFMs left out */
  cutoff?: Partial<CutoffRunOptions>;
}
export interface TeacherScore {
  teacher: string;
  label: string;
  foldAuc: number[];
  aucMean: number;
  aucSd: number;
  /** recall of the task's minority class at argmax, mean over folds */
  minorityRecallArgmax: number;
  /** mean per-class recall at argmax (binary: (recall + specificity) / 2), mean over folds */
  balancedAccuracyArgmax: number;
  /** binary tasks: the operating point at the cut-off tuned on each fold's training rows (teacherCutoff.ts) */
  cutoff: TeacherCutoff;
  /** wall-clock ms of one fold's predict call, mean over folds */
  latencyMsMean: number;
  /** the same per query row, µs */
  usPerRow: number;
}
export interface Skipped { teacher: string; reason: string }
export interface TeacherReport {
  dataset: string;
  rows: number;
  folds: number;
  /** the class whose recall the scores report */
  minorityClass: string;
  /** the cut-off settings the run used (defaults filled in) */
  cutoff: CutoffRunOptions;
  scores: TeacherScore[];
  skipped: Skipped[];
  digest: string;
}

export interface StudyRunOptions extends RunBackend { teachers: string[]; strategies: StrategyName[]; sizes: number[]; folds: number; seed: number }
export interface StudyReport { result: StudyResult; skipped: Skipped[]; digest: string }

export interface DistillRunOptions extends RunBackend {
  teachers: string[];
  students: StudentKind[];
  labelling: 'oof' | 'naive';
  /** K for out-of-fold labelling */
  folds: number;
  temperature: number;
  hardLabelMix: number;
  seed: number;
  /** share of rows held out to compare students with the teacher; default 0.25 */
  testFraction?: number;
}
/** The seed studies' protocol on the loaded task (study/protocolRun.ts): in-context teachers only. */
export interface ProtocolRunOptions extends RunBackend, ProtocolViewOptions { teachers: string[] }
export interface ProtocolReport { result: ProtocolResult; skipped: Skipped[]; digest: string }

/** A distillation run without the trained models and per-row targets (they stay in the engine). */
export type DistillReport = Omit<DistillRun, 'models' | 'labels'> & { warnings: string[]; trainRows: number; testRows: number; skipped: Skipped[]; digest: string };

/** A distilled student as a deployable file pair: the ONNX graph and the preprocessing it expects. */
export interface StudentExport {
  fileName: string;
  /** ONNX (opset 17, standard ops): input `input` float32 [N, d] of preprocessed features → `probabilities` [N, k] */
  onnx: Uint8Array;
  /** JSON: the preprocessing plans fitted on the training rows, input column order, class names, provenance */
  manifest: string;
}

export interface TabularApi {
  /** Parse a CSV (`,` `;` or tab; header row detected or as `options.header`), ARFF or Parquet file (format from the name or the Parquet magic). */
  loadFile(fileName: string, bytes: Uint8Array, options?: LoadOptions): Promise<DatasetSummary>;
  /** Parse one of the shared benchmark datasets (headerless, documented columns) from its file's bytes. */
  loadShared(id: string, bytes: Uint8Array): Promise<DatasetSummary>;
  setTask(choice: TaskChoice): Promise<TaskSummary>;
  /** k-fold cross-validated AUC per teacher, each fold's training rows as the context. */
  runTeachers(options: TeacherRunOptions, onProgress?: TabularProgressCallback): Promise<TeacherReport>;
  /** strategies × context sizes × teachers × folds (src/core/tabular/study/runner.ts). */
  runStudy(options: StudyRunOptions, onProgress?: TabularProgressCallback): Promise<StudyReport>;
  /** Label a training split with the teachers (out-of-fold by default), train students, compare on held-out rows. */
  runDistill(options: DistillRunOptions, onProgress?: TabularProgressCallback): Promise<DistillReport>;
  /**
   * The seed studies at their protocol on this one dataset (study/protocol.ts): baseline, OOF-labelled students,
   * retention, calibration, fairness, latency, the pool's Yule's Q and (optionally) the context study. A sweep runs
   * one dataset per job and study/protocolMerge.ts joins them into the cross-dataset analyses.
   */
  runProtocol(options: ProtocolRunOptions, onProgress?: TabularProgressCallback): Promise<ProtocolReport>;
  /** Export a student trained by the last `runDistill`. */
  exportStudent(kind: StudentKind): Promise<StudentExport>;
  /**
   * Register a user-supplied ONNX TFM (file + sidecar JSON, see src/core/tabular/tfm/userTfm.ts) as teacher id
   * 'user'. A TabPFN v2 or TabICL export needs no JSON ('': recognised by its inputs); other models need the
   * workbench contract. The model's inputs are checked now, so a mismatch fails here with its names.
   * `categoricalEncoding`: how categorical columns will reach it (one-hot columns, or one column of codes each).
   */
  loadUserTeacher(onnx: Uint8Array, contractJson: string, backend?: BackendPreference): Promise<{ name: string; inputs: string[]; format: string; categoricalEncoding: TfmCategoricalEncoding }>;
  /** Abort the run in flight, if any; it rejects with an AbortError. */
  cancel(): Promise<void>;
}

export interface TabularEngineDeps {
  /** ONNX backend for user-supplied TFMs (the browser worker passes onnxruntime-web; Node tests onnxruntime-node) */
  userTeacherBackend?: () => Promise<OrtBackend>;
  /** the embedded TFM's ORT backend and model bytes for this engine's runs (default: the host's, setTfmRuntime) */
  tfmRuntime?: TfmRuntime;
}

const mean = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
const sd = (v: number[]): number => { const m = mean(v); return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1)); };

/** sha256 of the JSON of `value` with numbers rounded to 1e-9 (non-finite ones spelled out), so equal runs agree. */
export function resultDigest(value: unknown): Promise<string> {
  const json = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' ? (Number.isFinite(v) ? Math.round(v * 1e9) / 1e9 : String(v)) : v));
  return sha256Hex(new TextEncoder().encode(json));
}

function summariseColumns(frame: DataFrame, infinite: number[] = []): ColumnSummary[] {
  return frame.columns.map((c, j) => {
    if (c.kind === 'categorical') {
      const used = new Set(c.codes);
      used.delete(-1);
      const levels = [...used].slice(0, 4).map((l) => c.levels[l]);
      return { name: c.name, kind: c.kind, missing: missingCount(c), distinct: used.size, preview: levels.join(', ') + (used.size > 4 ? ', …' : ''), infinite: infinite[j] ?? 0 };
    }
    let lo = Infinity, hi = -Infinity;
    const seen = new Set<number>();
    for (const v of c.values) if (!Number.isNaN(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); if (seen.size <= 100) seen.add(v); }
    return { name: c.name, kind: c.kind, missing: missingCount(c), distinct: seen.size, preview: `${lo} … ${hi}`, infinite: infinite[j] ?? 0 };
  });
}

/** ARFF and Parquet can repeat a column name too: rename like the CSV reader, so no lookup by name is ambiguous. */
function withUniqueNames(frame: DataFrame): { frame: DataFrame; warnings: TableWarning[] } {
  const { names, renamed } = uniqueNames(frame.columns.map((c) => c.name));
  if (!renamed.length) return { frame, warnings: [] };
  return {
    frame: { nRows: frame.nRows, columns: frame.columns.map((c, j) => ({ ...c, name: names[j] })) },
    warnings: [{ kind: 'renamed', message: `Repeated column names renamed: ${renamed.map((r) => `column ${r.index + 1} "${r.from}" → "${r.to}"`).join(', ')}.` }],
  };
}

/** `,` unless the header line has none and does have `;` or a tab (European / TSV exports). */
function sniffDelimiter(bytes: Uint8Array): string {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).split(/\r?\n/, 1)[0];
  if (head.includes(',')) return ',';
  if (head.includes(';')) return ';';
  return head.includes('\t') ? '\t' : ',';
}

function isParquet(name: string, bytes: Uint8Array): boolean {
  const magic = bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'PAR1';
  return magic || /\.parquet$/i.test(name);
}

/** Breaks long synchronous work so the worker can receive `cancel`, then throws if it came. */
async function breathe(signal: AbortSignal): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  signal.throwIfAborted();
}

/** A teacher a run will call; `onnx`: an ONNX network (the embedded or a user TFM), whose extra calls are costly. */
export interface ResolvedTeacher { teacher: Teacher; label: string; onnx: boolean }

export function resolveTeachers(ids: string[], user?: { teacher: Teacher; label: string }, backend?: BackendPreference, tfmRuntime?: TfmRuntime, tfmFeed?: TfmFeedName): { teachers: ResolvedTeacher[]; skipped: Skipped[] } {
  const teachers: ResolvedTeacher[] = [];
  const skipped: Skipped[] = [];
  for (const id of ids) {
    if (id === 'user') {
      if (user) teachers.push({ ...user, onnx: true });
      else skipped.push({ teacher: id, reason: 'no user ONNX TFM is loaded: choose its .onnx file and contract JSON' });
      continue;
    }
    const f = TEACHER_FACTORIES.find((t) => t.id === id);
    if (f) teachers.push({ teacher: f.create({ backend, ...(tfmRuntime ? { tfmRuntime } : {}), ...(tfmFeed ? { tfmFeed } : {}) }), label: f.label, onnx: f.onnx });
    else skipped.push({ teacher: id, reason: `teacher "${id}" is not available in this build (known: ${TEACHER_FACTORIES.map((t) => t.id).join(', ')})` });
  }
  if (!teachers.length) throw new TabularDataError(`None of the chosen teachers can run: ${skipped.map((s) => s.reason).join('; ')}.`);
  return { teachers, skipped };
}

export function createTabularEngine(deps: TabularEngineDeps = {}): TabularApi {
  let userTeacher: { teacher: Teacher; label: string } | undefined;
  let frame: DataFrame | null = null;
  let dataset: DatasetSummary | null = null;
  let task: TabularTask | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  let current: AbortController | null = null;
  // the last distillation's models and what a deployed copy needs to reproduce their inputs
  let distilled: { models: Student[]; plans: ColumnPlan[]; inputs: string[]; classNames: string[]; target: string; teacherId: string } | null = null;

  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const next = chain.then(job, job);
    chain = next.catch(() => undefined);
    return next;
  };
  const abortable = <T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> => enqueue(async () => {
    const ac = new AbortController();
    current = ac;
    try {
      return await job(ac.signal);
    } finally {
      if (current === ac) current = null;
    }
  });
  const needTask = (): TabularTask => {
    if (!task) throw new TabularDataError('No task yet: load a table and choose its target column first.');
    return task;
  };
  const keep = (f: DataFrame, summary: Omit<DatasetSummary, 'rows' | 'columns'>, infinite?: number[]): DatasetSummary => {
    frame = f;
    task = null;
    distilled = null;
    dataset = { ...summary, rows: f.nRows, columns: summariseColumns(f, infinite) };
    return dataset;
  };

  return {
    loadFile: (fileName, bytes, options = {}) => enqueue(async () => {
      const format = /\.arff$/i.test(fileName) ? 'arff' : isParquet(fileName, bytes) ? 'parquet' : 'csv';
      const suggest = (f: DataFrame): TaskChoice => ({ target: f.columns[f.columns.length - 1].name });
      if (format === 'csv') {
        const mode = options.header ?? 'auto';
        const r = await readCsv(bytes, { delimiter: sniffDelimiter(bytes), header: mode });
        return keep(r.frame, { name: fileName, format, header: { mode, present: r.header }, warnings: r.warnings, suggested: suggest(r.frame) }, r.infinite);
      }
      const decoding: TableWarning[] = [];
      const { frame: f, warnings } = withUniqueNames(format === 'arff' ? parseArff(bytes, undefined, (w) => decoding.push(w)) : await parseParquet(bytes));
      return keep(f, { name: fileName, format, warnings: [...decoding, ...warnings], suggested: suggest(f) });
    }),
    loadShared: (id, bytes) => enqueue(async () => {
      const spec = sharedDatasetSpec(id);
      let f = await parseCsv(bytes, { header: false, names: spec.names, categorical: spec.categorical, skipRecords: spec.skipRecords });
      if (spec.zeroMeansMissing) f = markMissing(f, spec.zeroMeansMissing, 0);
      const sensitive = spec.sensitive ? { sensitive: spec.names[spec.sensitive.column], sensitiveThreshold: spec.sensitive.threshold } : {};
      return keep(f, { name: id, format: 'shared', warnings: [], suggested: { target: spec.names[spec.names.length - 1], ...sensitive } });
    }),
    setTask: (choice) => enqueue(async () => {
      if (!frame || !dataset) throw new TabularDataError('No table loaded: choose a CSV, ARFF or Parquet file first.');
      task = null;
      distilled = null;
      const t = selectTask(frame, {
        name: dataset.name, target: choice.target,
        ...(choice.sensitive ? { sensitive: choice.sensitive, sensitiveThreshold: choice.sensitiveThreshold } : {}),
      });
      task = t;
      const k = t.classNames.length;
      const counts = classCounts(t.y, k);
      const sens = t.sensitive;
      const targetIndex = columnIndex(frame, choice.target);
      return {
        target: frame.columns[targetIndex].name, targetIndex, classNames: t.classNames, classCounts: counts, minorityClass: t.classNames[minorityClass(t.y, k)],
        features: t.features.columns.length,
        ...(sens ? { sensitive: { name: sens.name, levels: sens.levels, counts: sens.levels.map((_, g) => sens.groups.filter((v) => v === g).length) } } : {}),
      };
    }),
    runTeachers: (o, onProgress) => abortable(async (signal) => {
      const t = needTask();
      const { teachers, skipped } = resolveTeachers(o.teachers, userTeacher, o.backend, deps.tfmRuntime, o.tfmFeed);
      const k = t.classNames.length;
      const minority = minorityClass(t.y, k);
      const cutoff: CutoffRunOptions = { ...DEFAULT_CUTOFF_RUN, ...o.cutoff };
      const skipCutoff = teachers.map((x) => cutoffSkipReason(k, x.onnx, cutoff));
      const folds = stratifiedKFold(t.y, k, o.folds, o.seed);
      // one unit per teacher call, planned before the first; the out-of-fold scores for a cut-off score every
      // training row, (folds − 1)× the held-out rows, so they are planned as that many units
      const call = (f: number, j: number) => `fold ${f + 1}/${folds.length} · ${teachers[j].teacher.id}`;
      const tuning = (f: number, j: number) => `${call(f, j)} · cut-off`;
      const oofUnits = Math.max(1, folds.length - 1);
      const progress = new PlannedProgress(folds.flatMap((_, f) => teachers.flatMap((_, j) => [
        { name: call(f, j), units: 1 }, ...(skipCutoff[j] === null ? [{ name: tuning(f, j), units: oofUnits }] : []),
      ])), (e) => onProgress?.({ phase: 'teachers', done: e.done, total: e.total, label: e.label }));
      progress.report(call(0, 0), 0, 'starting');
      const aucs = teachers.map((): number[] => []);
      const argmax = teachers.map((): { recall: number; balancedAccuracy: number }[] => []);
      const cutoffs = teachers.map((): Parameters<typeof summariseCutoffs>[0] => []);
      const ms = teachers.map((): number[] => []);
      let queries = 0;
      for (let f = 0; f < folds.length; f++) {
        const { train, test } = preprocessSplit(t, folds[f].train, folds[f].test);
        queries += test.n;
        for (let j = 0; j < teachers.length; j++) {
          await breathe(signal);
          const stage = call(f, j);
          progress.report(stage, 0);
          const teacher = teachers[j].teacher;
          const t0 = performance.now();
          const p = await teacher.predict(train, train.y, k, test, signal, (done, steps) => progress.step(stage, done, steps, `${stage} · step ${Math.floor(done)}/${steps}`));
          ms[j].push(performance.now() - t0);
          aucs[j].push(aucFromProbs(p, test.y));
          argmax[j].push(argmaxRates(p, test.y, minority));
          progress.report(stage, 1);
          if (skipCutoff[j] !== null) continue;
          const inner = tuning(f, j);
          cutoffs[j].push(await tryFoldCutoff(() => foldCutoff(teacher, train, p, test.y, minority, cutoff.criterion, o.seed, signal,
            (done, total) => progress.step(inner, done, total, `${inner} · out-of-fold call ${Math.min(total, Math.floor(done) + 1)}/${total}`))));
          progress.report(inner, 1);
        }
      }
      progress.end();
      const scores = teachers.map(({ teacher, label }, j): TeacherScore => ({
        teacher: teacher.id, label, foldAuc: aucs[j], aucMean: mean(aucs[j]), aucSd: sd(aucs[j]),
        minorityRecallArgmax: mean(argmax[j].map((a) => a.recall)), balancedAccuracyArgmax: mean(argmax[j].map((a) => a.balancedAccuracy)),
        cutoff: skipCutoff[j] !== null ? { status: 'skipped', reason: skipCutoff[j]! } : summariseCutoffs(cutoffs[j], cutoff.criterion),
        latencyMsMean: mean(ms[j]), usPerRow: (1000 * ms[j].reduce((a, b) => a + b, 0)) / queries,
      }));
      // the digest covers the AUCs only, as before the cut-off columns existed, so older links still reproduce;
      // the cut-off figures come from the same deterministic teachers on the same seeded folds
      const digest = await resultDigest({ view: 'teacher', scores: scores.map((s) => [s.teacher, s.foldAuc]) });
      return { dataset: t.name, rows: t.y.length, folds: folds.length, minorityClass: t.classNames[minority], cutoff, scores, skipped, digest };
    }),
    runStudy: (o, onProgress) => abortable(async (signal) => {
      const t = needTask();
      const { teachers, skipped } = resolveTeachers(o.teachers, userTeacher, o.backend, deps.tfmRuntime, o.tfmFeed);
      const result = await runStudy([{ id: t.name, task: t }], teachers.map((x) => x.teacher), { strategies: o.strategies, sizes: o.sizes, folds: o.folds, seed: o.seed }, {
        signal, onProgress: (e) => onProgress?.({ phase: 'study', done: e.done, total: e.total, label: e.label }),
      });
      const digest = await resultDigest({ view: 'study', records: result.records.map((r) => [r.fold, r.strategy, r.size, r.teacher, r.auc, r.minorityRecall, r.contextRows]) });
      return { result, skipped, digest };
    }),
    runDistill: (o, onProgress) => abortable(async (signal) => {
      const t = needTask();
      const { teachers, skipped } = resolveTeachers(o.teachers, userTeacher, o.backend, deps.tfmRuntime, o.tfmFeed);
      if (!o.students.length) throw new TabularDataError('Choose at least one student (gbdt, mlp or logreg).');
      const k = t.classNames.length;
      const split = stratifiedSplit(t.y, k, o.testFraction ?? 0.25, o.seed);
      const { train, test, preprocessor } = preprocessSplit(t, split.train, split.test);
      distilled = null;
      const labelCalls = teachers.length * (o.labelling === 'oof' ? o.folds : 1);
      const total = labelCalls + 1;
      onProgress?.({ phase: 'distill', done: 0, total, label: 'labelling the training rows' });
      const run = await runDistillation(teachers.map((x) => x.teacher), train, test, {
        label: {
          mode: o.labelling, folds: o.folds, temperature: o.temperature, alpha: o.hardLabelMix, seed: o.seed,
          onProgress: (done) => onProgress?.({ phase: 'distill', done, total, label: done < labelCalls ? `teacher call ${Math.floor(done) + 1}/${labelCalls}` : `training ${o.students.join(', ')}` }),
        },
        students: { gbdt: o.students.includes('gbdt') && { seed: o.seed }, mlp: o.students.includes('mlp') && { seed: o.seed }, logreg: o.students.includes('logreg') && { seed: o.seed } },
        ...(t.sensitive ? { testGroups: Array.from(split.test, (r) => t.sensitive!.groups[r]) } : {}),
        signal,
      });
      onProgress?.({ phase: 'distill', done: total, total, label: 'done' });
      distilled = { models: run.models, plans: preprocessor.plans, inputs: preprocessor.names, classNames: t.classNames, target: t.name, teacherId: run.teacherId };
      const digest = await resultDigest({ view: 'distill', teacher: run.teacher.report.auc, label: run.teacher.labelAuc, students: run.students.map((s: StudentOutcome) => [s.kind, s.report.auc, s.report.logLoss, s.agreement]) });
      // the trained models and per-row targets stay here: they are large and not needed to read the comparison
      return {
        teacherId: run.teacherId, teacher: run.teacher, collapse: run.collapse, students: run.students,
        warnings: run.labels.warnings, trainRows: train.n, testRows: test.n, skipped, digest,
      };
    }),
    runProtocol: (o, onProgress) => abortable(async (signal) => {
      const t = needTask();
      // the protocol distils in-context teachers and compares them with its baseline: a fitted baseline is no teacher here
      const fitted = o.teachers.filter((id) => TEACHER_FACTORIES.find((f) => f.id === id)?.kind === 'fitted-baseline');
      if (fitted.length === o.teachers.length) throw new TabularDataError(`The protocol needs an in-context teacher (tfm, knn, logreg or a user TFM): ${fitted.join(', ')} is a fitted baseline, which the protocol uses as its baseline (${o.baseline}).`);
      const { teachers, skipped } = resolveTeachers(o.teachers.filter((id) => !fitted.includes(id)), userTeacher, o.backend, deps.tfmRuntime, o.tfmFeed);
      for (const id of fitted) skipped.push({ teacher: id, reason: `"${id}" is a fitted baseline, not an in-context teacher: the protocol compares every teacher with its baseline (${o.baseline})` });
      const result = await runProtocolOnTask(t, dataset?.format === 'shared' ? dataset.name : null, teachers.map((x) => x.teacher), o, {
        signal, onProgress: (e) => onProgress?.({ phase: 'protocol', done: e.done, total: e.total, label: e.label }),
      });
      const digest = await resultDigest({
        view: 'protocol',
        baseline: result.baselineRecords.map((b) => [b.fold, b.auc]),
        distill: result.distillRecords.map((d) => [d.fold, d.teacher, d.teacherAuc, d.studentAuc]),
        study: result.study?.records.map((r) => [r.fold, r.strategy, r.size, r.teacher, r.auc]) ?? null,
      });
      return { result, skipped, digest };
    }),
    exportStudent: (kind) => enqueue(async () => {
      const model = distilled?.models.find((m) => m.kind === kind);
      if (!distilled || !model) throw new TabularDataError(`No ${kind} student to export: run a distillation with it first.`);
      const onnx = model instanceof GbdtStudent ? exportGbdtOnnx(model) : model instanceof DenseStudent ? exportDenseOnnx(model) : null;
      if (!onnx) throw new TabularDataError(`The ${kind} student has no ONNX exporter.`);
      const manifest = {
        student: kind, teacher: distilled.teacherId, dataset: distilled.target, classNames: distilled.classNames,
        onnx: { input: 'input', output: 'probabilities', inputColumns: distilled.inputs, sha256: await sha256Hex(onnx) },
        preprocessing: distilled.plans,
      };
      return { fileName: `${distilled.target.replace(/[^\w.-]+/g, '_')}-${kind}-student`, onnx, manifest: JSON.stringify(manifest, null, 2) };
    }),
    loadUserTeacher: (onnx, contractJson, backend) => enqueue(async () => {
      if (!deps.userTeacherBackend) throw new TabularDataError('This engine has no ONNX backend for user-supplied TFMs.');
      // contractJson '' = recognise a TabPFN v2 / TabICL export by its inputs (tfm/formats/detect.ts)
      const loaded = await loadUserTfm(onnx, contractJson, await deps.userTeacherBackend(), backend);
      userTeacher = { teacher: loaded.teacher, label: `user ONNX TFM "${loaded.name}" (${loaded.format})` };
      return { name: loaded.name, inputs: loaded.inputs, format: loaded.format, categoricalEncoding: loaded.categoricalEncoding };
    }),
    cancel: async () => current?.abort(),
  };
}
