// Runs an ensembles analysis in the worker: load the pool (demo from the spec, or a user file checked against the
// sha256 in the spec), analyse with progress, cancel, and compute the result digest that share links carry. The
// pool and analysis options come from ensemblesPlan (the experiment runner's own mapping), so the panel and the
// runner run the same analysis for the same spec.
import { useCallback, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import type { EnsemblesApi, PoolSummary } from '../../core/ensembles/api';
import type { EnsembleProgress, EnsembleReport } from '../../core/ensembles/analyse';
import { ensembleLinkDigest, ensemblesPlan } from '../../core/experiments/runners/ensemblesPlan';
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

/** Digest of what a reader compares: every strategy score and every comparison's ranks, rounded to 1e-9 (the runner's moduleDigest). */
export function reportDigest(report: EnsembleReport): Promise<string> {
  return Promise.resolve(ensembleLinkDigest(report));
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
      const plan = ensemblesPlan(spec);
      let pool: PoolSummary;
      if (plan.pool.kind === 'demo') {
        pool = await api.loadSyntheticPool(plan.pool.synthetic);
      } else {
        if (!file || file.sha256 !== plan.pool.sha256) throw new Error(`this experiment needs the pool file "${plan.pool.name}" (sha256 ${plan.pool.sha256.slice(0, 12)}…): choose it above`);
        pool = await api.loadPool(file.name, file.bytes.slice());
      }
      const report = await api.analyse(
        plan.analyse,
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
