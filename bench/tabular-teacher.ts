// Tabular teacher bench (`npx tsx bench/tabular-teacher.ts`): 5-fold stratified CV of every registered teacher on
// the shared datasets, (a) with the whole training fold as context and (b) under the neural TFM's input contract
// (withinLimits: ≤ 1,024 stratified context rows, ≤ 32 features), plus the context-strategy study on mammography
// and german. The comparison covers every teacher in TEACHER_FACTORIES, the tuned GBDT baseline included (full
// context only: the TFM's input contract means nothing for it; its grid search costs 0.6–3.2 s per fold in the committed run); the
// strategy study covers the in-context teachers only (a context strategy is not a question for a model fitted with
// its own hyper-parameter search). Prints tables and writes bench/results/tabular-teacher.json.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { aucFromProbs, perClassRecall } from '../src/core/metrics/classification';
import { preprocessSplit } from '../src/core/tabular/data/preprocess';
import { loadSharedDataset, sharedDatasetSpec } from '../src/core/tabular/data/registry';
import { stratifiedKFold } from '../src/core/tabular/data/split';
import { minorityClass, type TabularTask } from '../src/core/tabular/data/task';
import { STRATEGY_NAMES } from '../src/core/tabular/strategies';
import { runStudy } from '../src/core/tabular/study/runner';
import { IN_CONTEXT_TEACHER_FACTORIES, TEACHER_FACTORIES } from '../src/core/tabular/teachers/registry';
import { TFM_LIMITS, withinLimits, type Teacher } from '../src/core/tabular/teachers/teacher';

const DATA = new URL('../public/samples/tabular/', import.meta.url);
const OUT = new URL('./results/tabular-teacher.json', import.meta.url);
const FOLDS = 5;
const SEED = 0;
const TEACHER_DATASETS = ['german', 'pima', 'breast-cancer-wisconsin', 'mammography', 'phoneme'];
const STUDY_DATASETS = ['mammography', 'german'];
const STUDY_SIZES = [64, 256, 512];

async function load(id: string): Promise<TabularTask> {
  return loadSharedDataset(id, readFileSync(new URL(sharedDatasetSpec(id).file, DATA), 'utf8'));
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]): number => { const m = mean(v); return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1)); };
const f3 = (v: number | null): string => (v === null || !Number.isFinite(v) ? '  —  ' : v.toFixed(3));

interface TeacherRow {
  dataset: string;
  teacher: string;
  mode: 'full-context' | 'tfm-contract';
  aucMean: number;
  aucSd: number;
  minorityRecallMean: number;
  /** mean ms per predict call (one call scores a whole test fold) */
  msPerCall: number;
  usPerQuery: number;
  contextRows: number;
  features: number;
}

async function teacherComparison(): Promise<TeacherRow[]> {
  const rows: TeacherRow[] = [];
  for (const id of TEACHER_DATASETS) {
    const task = await load(id);
    const k = task.classNames.length;
    const minority = minorityClass(task.y, k);
    const folds = stratifiedKFold(task.y, k, FOLDS, SEED);
    const splits = folds.map((f) => preprocessSplit(task, f.train, f.test));
    for (const factory of TEACHER_FACTORIES) {
      const modes: [TeacherRow['mode'], Teacher][] = [['full-context', factory.create()]];
      if (factory.kind === 'in-context') modes.push(['tfm-contract', withinLimits(factory.create(), TFM_LIMITS, SEED)]);
      for (const [mode, teacher] of modes) {
        const aucs: number[] = [];
        const recalls: number[] = [];
        const ms: number[] = [];
        let queries = 0;
        for (const { train, test } of splits) {
          const t0 = performance.now();
          const p = await teacher.predict(train, train.y, k, test);
          ms.push(performance.now() - t0);
          queries += test.n;
          aucs.push(aucFromProbs(p, test.y));
          recalls.push(perClassRecall(p, test.y)[minority]);
        }
        rows.push({
          dataset: id, teacher: factory.id, mode, aucMean: mean(aucs), aucSd: sd(aucs), minorityRecallMean: mean(recalls),
          msPerCall: mean(ms), usPerQuery: (1000 * ms.reduce((a, b) => a + b, 0)) / queries,
          contextRows: Math.round(mean(splits.map((s) => s.train.n))), features: splits[0].train.d,
        });
      }
    }
  }
  return rows;
}

function printTeachers(rows: TeacherRow[]): void {
  console.log(`\nTeachers, ${FOLDS}-fold stratified CV (AUC mean ± sd, minority recall at argmax, ms per predict call)`);
  console.log('dataset                  teacher     mode           ctx   d   AUC            min.recall  ms/call  µs/query');
  for (const r of rows) {
    console.log(`${r.dataset.padEnd(24)} ${r.teacher.padEnd(11)} ${r.mode.padEnd(14)} ${String(r.contextRows).padStart(5)} ${String(r.features).padStart(3)}  ` +
      `${f3(r.aucMean)} ± ${f3(r.aucSd)}  ${f3(r.minorityRecallMean).padStart(9)}  ${r.msPerCall.toFixed(1).padStart(7)}  ${r.usPerQuery.toFixed(1).padStart(8)}`);
  }
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const teacherRows = await teacherComparison();
  printTeachers(teacherRows);

  const datasets = await Promise.all(STUDY_DATASETS.map(async (id) => ({ id, task: await load(id) })));
  let lastPct = -1;
  const study = await runStudy(datasets, IN_CONTEXT_TEACHER_FACTORIES.map((f) => f.create()),
    { strategies: [...STRATEGY_NAMES], sizes: STUDY_SIZES, folds: FOLDS, seed: SEED },
    { onProgress: (e) => { const pct = Math.floor((100 * e.done) / e.total); if (pct % 10 === 0 && pct !== lastPct) { lastPct = pct; process.stderr.write(`study ${pct}%\n`); } } });

  console.log(`\nContext strategies, ${FOLDS}-fold CV (AUC per teacher; minority recall at argmax / at Youden threshold, mean over teachers)`);
  const teacherIds = study.teachers;
  console.log(`dataset      size  strategy                  ${teacherIds.map((t) => `AUC ${t}`.padEnd(11)).join(' ')} rec@argmax rec@Youden  min.rows`);
  for (const ds of STUDY_DATASETS) for (const size of STUDY_SIZES) for (const s of STRATEGY_NAMES) {
    const g = study.summary.filter((r) => r.dataset === ds && r.size === size && r.strategy === s);
    const recs = study.records.filter((r) => r.dataset === ds && r.size === size && r.strategy === s);
    const aucs = teacherIds.map((t) => f3(g.find((r) => r.teacher === t)?.aucMean ?? null).padEnd(11)).join(' ');
    const yr = g.map((r) => r.minorityRecallYoudenMean).filter((v): v is number => v !== null);
    console.log(`${ds.padEnd(12)} ${String(size).padStart(4)}  ${s.padEnd(24)}  ${aucs} ${f3(mean(g.map((r) => r.minorityRecallMean))).padStart(10)} ` +
      `${f3(yr.length ? mean(yr) : null).padStart(10)}  ${mean(recs.map((r) => r.minorityInContext)).toFixed(0).padStart(8)}`);
  }
  console.log('\nShare of AUC variance (sums of squares / total)');
  for (const v of study.variance) console.log(`${v.scope.padEnd(22)} ${v.terms.map((t) => `${t.term} ${(100 * t.share).toFixed(1)}%`).join('  ')}`);

  // Ratios measured in this run: strategy vs uniform (minority recall, AUC), kNN vs logistic regression (AUC).
  const ratios = STUDY_DATASETS.flatMap((ds) => STUDY_SIZES.flatMap((size) => ['balanced', 'hybrid_balanced_diverse'].flatMap((s) => teacherIds.map((t) => {
    const get = (strategy: string) => study.summary.find((r) => r.dataset === ds && r.size === size && r.strategy === strategy && r.teacher === t);
    const a = get(s);
    const u = get('uniform');
    return { dataset: ds, size, strategy: s, teacher: t, aucRatioVsUniform: (a?.aucMean ?? NaN) / (u?.aucMean ?? NaN),
      minorityRecallRatioVsUniform: (a?.minorityRecallMean ?? NaN) / (u?.minorityRecallMean ?? NaN) };
  }))));
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(OUT, JSON.stringify({
    bench: 'tabular-teacher', started, finished: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown', folds: FOLDS, seed: SEED,
    note: 'Latencies are wall-clock on a shared machine; compare within this run only. Teachers are those in TEACHER_FACTORIES (tfm, kNN, logistic regression, tuned GBDT; the last in full-context mode only); the strategy study uses the in-context ones (tfm, kNN, logistic regression).',
    teachers: teacherRows, strategyStudy: study, strategyRatios: ratios,
  }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1));
  console.log(`\nwrote ${OUT.pathname}`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
