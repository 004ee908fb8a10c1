// Ensembles bench (`npx tsx bench/ensembles.ts`): a seeded synthetic pool of 6 models × 30 datasets (300 OOF +
// 300 test rows each; correlated predictions of varying quality, a 3-seed TFM family), analysed in full
// (9 strategies, 4 metrics, diversity, Friedman/Nemenyi/Wilcoxon, CD diagrams) inside a worker_threads Worker, as
// the browser does in a Web Worker, against the same analysis on the main thread in the same run. Reports wall
// time, the worker's overhead ratio, how long the main thread's event loop was blocked in each mode, and the
// ensembles' quality and cost against the best single model. Writes bench/results/ensembles.json.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { analysePool, type EnsembleReport } from '../src/core/ensembles/analyse';
import type { MetricComparison } from '../src/core/ensembles/comparison';
import type { PredictionPool } from '../src/core/ensembles/pool';
import { syntheticPool } from '../src/core/ensembles/synthetic';

const POOL = { datasets: 30, rowsOof: 300, rowsTest: 300, seed: 2026 };
const WARMUP = { datasets: 4, rowsOof: 100, rowsTest: 100, seed: 1 };
const REPEATS = 3;
const OUT = new URL('./results/ensembles.json', import.meta.url);

type Request = { pool: PredictionPool };
type Reply = { report: EnsembleReport; computeMs: number };

/** Largest gap between 5 ms timer ticks while `job` runs: how long the main thread was unresponsive. */
async function withLag<T>(job: () => Promise<T>): Promise<{ value: T; ms: number; maxLagMs: number }> {
  let last = performance.now();
  let maxLag = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last);
    last = now;
  }, 5);
  const t = performance.now();
  const value = await job();
  const ms = performance.now() - t;
  clearInterval(timer);
  maxLag = Math.max(maxLag, performance.now() - last);
  return { value, ms, maxLagMs: maxLag };
}

function inWorker(worker: Worker, pool: PredictionPool): Promise<Reply> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage({ pool } satisfies Request);
  });
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

async function main(): Promise<void> {
  const pool = syntheticPool(POOL);
  const warm = syntheticPool(WARMUP);
  // Node workers do not inherit tsx's loader hooks: a tiny bootstrap registers them, then loads this file
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(boot, { eval: true });
  try {
    // warm both JITs on a small pool so neither side pays compilation in the measured runs
    await analysePool(warm);
    await inWorker(worker, warm);
    const mainRuns: { ms: number; maxLagMs: number }[] = [];
    const work: { ms: number; maxLagMs: number; computeMs: number }[] = [];
    let mainReport: EnsembleReport | null = null;
    let workerReport: EnsembleReport | null = null;
    for (let r = 0; r < REPEATS; r++) {
      const a = await withLag(() => analysePool(pool));
      mainRuns.push({ ms: a.ms, maxLagMs: a.maxLagMs });
      mainReport = a.value;
      const b = await withLag(() => inWorker(worker, pool));
      work.push({ ms: b.ms, maxLagMs: b.maxLagMs, computeMs: b.value.computeMs });
      workerReport = b.value.report;
    }
    const report = mainReport as EnsembleReport;
    const identical = JSON.stringify(report) === JSON.stringify(workerReport);
    const mainMs = median(mainRuns.map((m) => m.ms));
    const workerMs = median(work.map((m) => m.ms));
    const strategies = report.strategies.map((s, j) => {
      const col = (metric: 'auc' | 'logloss' | 'accuracy' | 'ece') => mean((report.scores[metric] as number[][]).map((row) => row[j]));
      const rank = (metric: 'auc' | 'logloss') => (report.comparisons[metric] as MetricComparison).avgRanks[j];
      return {
        strategy: s.id, meanAuc: col('auc'), meanLogloss: col('logloss'), meanAccuracy: col('accuracy'), meanEce: col('ece'),
        avgRankAuc: rank('auc'), avgRankLogloss: rank('logloss'), costMultiple: report.costs[j].meanCostMultiple,
      };
    });
    const best = strategies.find((s) => s.strategy === 'best-single');
    const stats = Object.fromEntries((['auc', 'logloss', 'accuracy', 'ece'] as const).map((m) => {
      const c = report.comparisons[m] as MetricComparison;
      return [m, { friedmanChi2: c.friedman.chiSquare, friedmanP: c.friedman.p, imanDavenportF: c.friedman.imanDavenport, imanDavenportP: c.friedman.pImanDavenport, nemenyiCd: c.nemenyi.cd, cliques: c.cliques }];
    }));
    const result = {
      bench: 'ensembles',
      date: new Date().toISOString(),
      machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', note: 'shared 2-core machine; times are medians of 3' },
      pool: { models: report.models, ...POOL, classes: '2 (every 5th dataset 3)' },
      timing: {
        mainThreadMs: mainMs,
        workerRoundTripMs: workerMs,
        workerComputeMs: median(work.map((m) => m.computeMs)),
        workerOverMainRatio: workerMs / mainMs,
        mainThreadMaxEventLoopLagMs: { analysisOnMainThread: median(mainRuns.map((m) => m.maxLagMs)), analysisInWorker: median(work.map((m) => m.maxLagMs)) },
        runs: { mainThread: mainRuns, worker: work },
      },
      reportsIdentical: identical,
      reportJsonBytes: JSON.stringify(report).length,
      baselineBestSingle: best,
      strategies: strategies.map((s) => ({ ...s, aucGainOverBestSingle: s.meanAuc - (best?.meanAuc ?? NaN), loglossRatioToBestSingle: s.meanLogloss / (best?.meanLogloss ?? NaN) })),
      statistics: stats,
      meanPairwiseYuleQ: report.diversity.meanQ,
      convexBoundMeanLogloss: mean(report.perDataset.map((d) => d.convexBound.logloss)),
    };
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');

    const f = (v: number | null, d = 4) => (v === null ? '—' : v.toFixed(d));
    console.log(`pool: ${report.models.length} models × ${POOL.datasets} datasets, ${POOL.rowsOof}+${POOL.rowsTest} rows; ${report.strategies.length} strategies, 4 metrics`);
    console.log(`main thread     ${f(mainMs, 0)} ms   (event loop blocked up to ${f(result.timing.mainThreadMaxEventLoopLagMs.analysisOnMainThread, 0)} ms)`);
    console.log(`worker (r.trip) ${f(workerMs, 0)} ms   (event loop blocked up to ${f(result.timing.mainThreadMaxEventLoopLagMs.analysisInWorker, 0)} ms)  ratio worker/main ${f(workerMs / mainMs, 3)}`);
    console.log(`reports identical: ${identical}`);
    console.log('strategy            AUC     logloss  ECE     rank(AUC) rank(LL) cost×');
    for (const s of strategies) console.log(`${s.strategy.padEnd(19)} ${f(s.meanAuc)}  ${f(s.meanLogloss)}  ${f(s.meanEce)}  ${f(s.avgRankAuc, 2).padStart(8)} ${f(s.avgRankLogloss, 2).padStart(8)} ${f(s.costMultiple, 2)}`);
    for (const [m, s] of Object.entries(stats)) console.log(`${m}: Friedman χ² = ${f(s.friedmanChi2, 2)} (p = ${s.friedmanP.toExponential(2)}), F_F = ${f(s.imanDavenportF, 2)} (p = ${s.imanDavenportP.toExponential(2)}), CD = ${f(s.nemenyiCd, 3)}`);
    console.log(`mean pairwise Yule's Q ${f(report.diversity.meanQ, 3)}; convex-bound mean log-loss ${f(result.convexBoundMeanLogloss)}`);
    console.log(`wrote ${OUT.pathname}`);
  } finally {
    await worker.terminate();
  }
}

if (!isMainThread) {
  // worker side: analyse each pool it is sent, reply with the report and the time spent computing
  parentPort?.on('message', async ({ pool }: Request) => {
    const t = performance.now();
    const report = await analysePool(pool);
    parentPort?.postMessage({ report, computeMs: performance.now() - t } satisfies Reply);
  });
} else {
  await main();
}
