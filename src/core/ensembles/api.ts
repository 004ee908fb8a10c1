// The ensembles engine interface (CONVENTIONS #1, #2): what a panel calls, in-thread or through a worker
// (`workers/ensembles.worker.ts` is then `Comlink.expose(createEnsemblesEngine() satisfies EnsemblesApi)`, with
// progress via `Comlink.proxy`). The engine holds the loaded pool so its arrays cross the worker boundary once,
// runs one analysis at a time (later calls queue behind it), and `cancel()` aborts the run in flight: an
// AbortSignal cannot cross `postMessage`, so cancellation is a method here.

import { analysePool, type AnalyseOptions, type EnsembleProgress, type EnsembleReport } from './analyse';
import { parsePoolFile } from './parse';
import { poolModels, type PredictionPool } from './pool';
import { syntheticPool, type SyntheticOptions } from './synthetic';

export interface PoolSummary {
  datasets: { dataset: string; k: number; nOof: number; nTest: number; models: string[] }[];
  models: string[];
}

export interface EnsemblesApi {
  /** Parse a CSV / JSON / Parquet pool file (format from the name or the Parquet magic) and keep it. */
  loadPool(fileName: string, bytes: Uint8Array): Promise<PoolSummary>;
  /** Generate and keep a seeded synthetic pool (demo, benchmarks). */
  loadSyntheticPool(options?: SyntheticOptions): Promise<PoolSummary>;
  /** Analyse the kept pool. Rejects with an AbortError after `cancel()`. */
  analyse(options?: AnalyseOptions, onProgress?: (p: EnsembleProgress) => void): Promise<EnsembleReport>;
  /** Abort the analysis in flight, if any. */
  cancel(): void;
}

export function summarisePool(pool: PredictionPool): PoolSummary {
  return {
    datasets: pool.datasets.map((d) => ({ dataset: d.dataset, k: d.k, nOof: d.oofLabels.length, nTest: d.testLabels.length, models: d.models.map((m) => m.model) })),
    models: poolModels(pool),
  };
}

export function createEnsemblesEngine(): EnsemblesApi {
  let pool: PredictionPool | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  let current: AbortController | null = null;
  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const next = chain.then(job, job);
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    loadPool: (fileName, bytes) => enqueue(async () => {
      pool = await parsePoolFile(fileName, bytes);
      return summarisePool(pool);
    }),
    loadSyntheticPool: (options) => enqueue(async () => {
      pool = syntheticPool(options);
      return summarisePool(pool);
    }),
    analyse: (options, onProgress) => enqueue(async () => {
      if (!pool) throw new Error('no prediction pool loaded: call loadPool (CSV/JSON/Parquet) or loadSyntheticPool first');
      const ac = new AbortController();
      current = ac;
      try {
        return await analysePool(pool, options, onProgress, ac.signal);
      } finally {
        if (current === ac) current = null;
      }
    }),
    cancel: () => current?.abort(),
  };
}
