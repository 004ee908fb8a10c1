// The context-strategy study: datasets × folds × context sizes × strategies × teachers. For each stratified fold,
// preprocessing is fitted on the training rows (the pool), each strategy builds a context from the pool, and every
// teacher predicts the held-out fold from that same context, so teacher and strategy effects are crossed and the
// variance decomposition separates them. Results are plain JSON for charts and share links.

import { preprocessSplit, type PreprocessOptions } from '../data/preprocess';
import { stratifiedKFold } from '../data/split';
import { minorityClass, type TabularTask } from '../data/task';
import { PlannedProgress } from '../../runtime/progress';
import { buildContext, type StrategyName } from '../strategies';
import type { Teacher } from '../teachers/teacher';
import { decomposeVariance, type VarianceDecomposition } from './anova';
import { runMetrics, type RunMetrics } from './metrics';

export interface StudyConfig {
  strategies: StrategyName[];
  sizes: number[];
  folds: number;
  seed: number;
  preprocess?: PreprocessOptions;
}

export interface StudyDataset {
  id: string;
  task: TabularTask;
}

export interface StudyRecord extends RunMetrics {
  dataset: string;
  fold: number;
  strategy: StrategyName;
  size: number;
  teacher: string;
  /** rows the strategy returned, of which synthetic */
  contextRows: number;
  syntheticRows: number;
  /** minority-class rows in the context */
  minorityInContext: number;
  /** wall-clock ms of the teacher call (context strategy excluded) */
  latencyMs: number;
}

export interface StudySummaryRow {
  dataset: string;
  strategy: StrategyName;
  size: number;
  teacher: string;
  folds: number;
  aucMean: number;
  aucSd: number;
  minorityRecallMean: number;
  minorityRecallYoudenMean: number | null;
  latencyMsMean: number;
}

export interface StudyResult {
  config: StudyConfig;
  datasets: { id: string; rows: number; classes: string[]; minorityClass: string }[];
  teachers: string[];
  records: StudyRecord[];
  summary: StudySummaryRow[];
  /** per dataset, then pooled over datasets after removing each dataset's mean AUC */
  variance: VarianceDecomposition[];
}

export type StudyEvent = { kind: 'progress'; done: number; total: number; label: string };

export interface StudyHooks {
  onProgress?: (e: StudyEvent) => void;
  signal?: AbortSignal;
}

/**
 * Teachers and strategies are synchronous CPU work; awaiting them only yields to microtasks. A worker must reach
 * its macrotask queue now and then so an abort message (or a progress read) gets through: yield every YIELD_MS.
 */
const YIELD_MS = 20;

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]): number => { const m = mean(v); return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1)); };

export async function runStudy(datasets: StudyDataset[], teachers: Teacher[], config: StudyConfig, hooks: StudyHooks = {}): Promise<StudyResult> {
  if (!datasets.length || !teachers.length || !config.strategies.length || !config.sizes.length) {
    throw new RangeError('A study needs at least one dataset, teacher, strategy and context size.');
  }
  // One unit per teacher call, planned before the first; a call moves the bar inside its unit as its teacher
  // reports steps (the TFM: ONNX runs), so a long TFM call no longer leaves the bar still until it returns.
  const calls = datasets.length * config.folds * config.sizes.length * config.strategies.length * teachers.length;
  const progress = new PlannedProgress(Array.from({ length: calls }, (_, i) => ({ name: String(i), units: 1 })),
    (e) => hooks.onProgress?.({ kind: 'progress', done: e.done, total: e.total, label: e.label }));
  let call = 0;
  let lastYield = performance.now();
  const breathe = async (): Promise<void> => {
    if (performance.now() - lastYield >= YIELD_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = performance.now();
    }
    hooks.signal?.throwIfAborted();
  };
  progress.report('0', 0, 'starting');
  const records: StudyRecord[] = [];
  for (const ds of datasets) {
    const k = ds.task.classNames.length;
    const minority = minorityClass(ds.task.y, k);
    const folds = stratifiedKFold(ds.task.y, k, config.folds, config.seed);
    for (let f = 0; f < folds.length; f++) {
      hooks.signal?.throwIfAborted();
      const { train: pool, test } = preprocessSplit(ds.task, folds[f].train, folds[f].test, config.preprocess);
      for (const size of config.sizes) {
        // One seed per (fold, size): strategies differ only by their own rule, teachers see identical contexts.
        const ctxSeed = config.seed * 1_000_003 + f * 7919 + size;
        for (const strategy of config.strategies) {
          hooks.signal?.throwIfAborted();
          const { context, sourceRows } = buildContext(strategy, pool, size, ctxSeed);
          let minorityInContext = 0;
          for (const c of context.y) if (c === minority) minorityInContext++;
          for (const teacher of teachers) {
            await breathe();
            const stage = String(call++);
            const label = `${ds.id} fold ${f + 1}/${folds.length} · ${strategy}@${size} · ${teacher.id}`;
            const t0 = performance.now();
            const probs = await teacher.predict(context, context.y, k, test, hooks.signal,
              (done, steps) => progress.step(stage, done, steps, `${label} · step ${Math.floor(done)}/${steps}`));
            const latencyMs = performance.now() - t0;
            records.push({
              dataset: ds.id, fold: f, strategy, size, teacher: teacher.id,
              contextRows: context.n, syntheticRows: sourceRows.filter((r) => r === null).length, minorityInContext, latencyMs,
              ...runMetrics(probs, test.y, minority),
            });
            progress.report(stage, 1, label);
          }
        }
      }
    }
  }
  progress.end();
  return {
    config,
    datasets: datasets.map((d) => {
      const m = minorityClass(d.task.y, d.task.classNames.length);
      return { id: d.id, rows: d.task.y.length, classes: d.task.classNames, minorityClass: d.task.classNames[m] };
    }),
    teachers: teachers.map((t) => t.id),
    records,
    summary: summarise(records),
    variance: decompose(records, datasets.map((d) => d.id)),
  };
}

/**
 * Studies of one config over different datasets, as one (a sweep runs one dataset per job): datasets and records
 * concatenated in the order given, summary and variance recomputed from the records as runStudy does. runStudy draws
 * each dataset's folds and contexts from the config's seed alone, so the combined result equals one run over all.
 */
export function combineStudies(parts: StudyResult[]): StudyResult {
  if (!parts.length) throw new RangeError('combineStudies needs at least one study.');
  const [first] = parts;
  const key = (r: StudyResult) => JSON.stringify({ config: r.config, teachers: r.teachers });
  const odd = parts.find((r) => key(r) !== key(first));
  if (odd) throw new RangeError(`Studies with different settings cannot be combined: ${key(first)} vs ${key(odd)}.`);
  const datasets = parts.flatMap((r) => r.datasets);
  const ids = datasets.map((d) => d.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw new RangeError(`Dataset "${twice}" appears in more than one study part.`);
  const records = parts.flatMap((r) => r.records);
  return { config: first.config, datasets, teachers: first.teachers, records, summary: summarise(records), variance: decompose(records, ids) };
}

function summarise(records: StudyRecord[]): StudySummaryRow[] {
  const groups = new Map<string, StudyRecord[]>();
  for (const r of records) {
    const key = [r.dataset, r.strategy, r.size, r.teacher].join('|');
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((g) => {
    const aucs = g.map((r) => r.auc).filter(Number.isFinite);
    const yr = g.map((r) => r.minorityRecallYouden).filter((v): v is number => v !== null && Number.isFinite(v));
    return {
      dataset: g[0].dataset, strategy: g[0].strategy, size: g[0].size, teacher: g[0].teacher, folds: g.length,
      aucMean: aucs.length ? mean(aucs) : NaN,
      aucSd: aucs.length ? sd(aucs) : NaN,
      minorityRecallMean: mean(g.map((r) => r.minorityRecall)),
      minorityRecallYoudenMean: yr.length ? mean(yr) : null,
      latencyMsMean: mean(g.map((r) => r.latencyMs)),
    };
  });
}

function decompose(records: StudyRecord[], datasetIds: string[]): VarianceDecomposition[] {
  const factors = ['strategy', 'teacher', 'size'];
  const inter: [string, string][] = [['strategy', 'teacher'], ['strategy', 'size']];
  const toObs = (r: StudyRecord, value: number) => ({ strategy: r.strategy, teacher: r.teacher, size: r.size, value });
  const out = datasetIds.map((id) => decomposeVariance(id, records.filter((r) => r.dataset === id).map((r) => toObs(r, r.auc)), factors, inter));
  if (datasetIds.length > 1) {
    const dsMean = new Map(datasetIds.map((id) => {
      const v = records.filter((r) => r.dataset === id && Number.isFinite(r.auc)).map((r) => r.auc);
      return [id, v.length ? mean(v) : 0];
    }));
    out.push(decomposeVariance('all (dataset-centred)', records.map((r) => toObs(r, r.auc - (dsMean.get(r.dataset) ?? 0))), factors, inter));
  }
  return out;
}
