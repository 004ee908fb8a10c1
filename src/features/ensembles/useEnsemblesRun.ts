// Runs an ensembles analysis in the worker: load the pool (demo from the spec, or a user file checked against the
// sha256 in the spec), analyse with progress, cancel, and compute the result digest that share links carry.
import { useCallback, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import type { EnsemblesApi, PoolSummary } from '../../core/ensembles/api';
import type { EnsembleProgress, EnsembleReport } from '../../core/ensembles/analyse';
import { sha256Hex } from '../../core/runtime/loaders';
import type { EnsemblesSpec } from '../../state/specs/ensembles';
import { useWorkerEngine } from '../../app/useWorkerEngine';

export type RunState =
  | { status: 'idle' }
  | { status: 'running'; progress: EnsembleProgress | null }
  | { status: 'done'; report: EnsembleReport; digest: string; pool: PoolSummary }
  | { status: 'error'; message: string }
  | { status: 'cancelled' };

export interface PoolFile { name: string; bytes: Uint8Array; sha256: string }

const createWorker = () => new Worker(new URL('../../../workers/ensembles.worker.ts', import.meta.url), { type: 'module' });

/** Digest of what a reader compares: every strategy score and every comparison's ranks, rounded to 1e-9. */
export async function reportDigest(report: EnsembleReport): Promise<string> {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1e9) / 1e9);
  const payload = {
    scores: Object.fromEntries(Object.entries(report.scores).map(([m, rows]) => [m, rows?.map((r) => r.map(round))])),
    ranks: Object.fromEntries(Object.entries(report.comparisons).map(([m, c]) => [m, c && 'avgRanks' in c ? c.avgRanks.map(round) : null])),
  };
  return sha256Hex(new TextEncoder().encode(JSON.stringify(payload)));
}

export function useEnsemblesRun() {
  const { engine, restart } = useWorkerEngine<EnsemblesApi>(createWorker);
  const [state, setState] = useState<RunState>({ status: 'idle' });
  // Progress arrives over its own message port and can land after the result: only the live run may report it.
  const live = useRef(0);

  const run = useCallback(async (spec: EnsemblesSpec, file: PoolFile | undefined) => {
    const id = ++live.current;
    setState({ status: 'running', progress: null });
    try {
      const api = engine();
      let pool: PoolSummary;
      if (spec.pool.kind === 'demo') {
        pool = await api.loadSyntheticPool({ datasets: spec.pool.datasets, rowsOof: spec.pool.rows, rowsTest: spec.pool.rows, seed: spec.seed });
      } else {
        if (!file || file.sha256 !== spec.pool.sha256) throw new Error(`this experiment needs the pool file "${spec.pool.name}" (sha256 ${spec.pool.sha256.slice(0, 12)}…): choose it above`);
        pool = await api.loadPool(file.name, file.bytes.slice());
      }
      const report = await api.analyse(
        {
          strategies: spec.strategies, alpha: spec.alpha, cliqueTest: spec.cliqueTest, caruanaIterations: spec.caruanaIterations, selectionMetric: spec.selectionMetric,
          wilcoxon: { zeroMethod: spec.statistics.wilcoxonZeroMethod, method: spec.statistics.wilcoxonMethod, correction: spec.statistics.wilcoxonCorrection },
          friedmanTieCorrection: spec.statistics.friedmanTieCorrection, control: spec.statistics.control,
        },
        Comlink.proxy((p: EnsembleProgress) => { if (live.current === id) setState({ status: 'running', progress: p }); }),
      );
      const digest = await reportDigest(report);
      live.current++;
      setState({ status: 'done', report, digest, pool });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      live.current++;
      setState(/abort/i.test(message) ? { status: 'cancelled' } : { status: 'error', message });
    }
  }, [engine]);

  const cancel = useCallback(() => {
    void engine().cancel();
  }, [engine]);

  /** Last resort for a job that ignores cancel: kill the worker; the next run starts a fresh one. */
  const kill = useCallback(() => {
    live.current++;
    restart();
    setState({ status: 'cancelled' });
  }, [restart]);

  return { state, run, cancel, kill };
}
