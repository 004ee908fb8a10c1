// Drives the in-browser training engine (src/core/experiments/train/api.ts) in a lab worker of its own for the
// experiments page: one run at a time with progress on one bar (the latest step's loss) and cancel. Cancel sets a
// shared flag the worker reads after every training step (its steps never yield to the event loop, so a message
// would wait for the end): the run stops after the step in flight and its result (status 'cancelled', the steps
// done and their checkpoint) comes back like a finished one. "Stop now" terminates the worker. Evaluations (spec
// `eval`) arrive as progress events and are kept as they come, so the panel shows them before the run ends. A
// finished or cancelled run keeps its request beside the result, so the panel can continue it from its checkpoint.
import { useCallback, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import type { TrainJobProgress, TrainJobRequest, TrainJobResult } from '../../core/experiments/train/api';
import type { EvalRecord } from '../../core/experiments/train/evalHooks';
import type { StepLog } from '../../core/experiments/train/trainer';
import { useWorkerEngine } from '../../app/useWorkerEngine';
import type { LabWorkerApi } from '../../../workers/lab.worker';
import { installRuntimeErrorTransfer } from '../../../workers/comlinkErrors';

export type TrainRunState =
  | { status: 'idle' }
  | { status: 'running'; request: TrainJobRequest; progress: TrainJobProgress | null; logs: StepLog[]; evals: EvalRecord[]; cancelling: boolean }
  | { status: 'done'; request: TrainJobRequest; result: TrainJobResult }
  | { status: 'error'; message: string; kind?: string };

const createWorker = () => {
  installRuntimeErrorTransfer();
  return new Worker(new URL('../../../workers/lab.worker.ts', import.meta.url), { type: 'module' });
};

/** A cancel flag the worker can read while it computes (needs cross-origin isolation, which the app has). */
const sharedFlag = (): Int32Array | undefined => (typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : undefined);

export function useTrainEngine() {
  const { engine, restart } = useWorkerEngine<LabWorkerApi>(createWorker);
  const [run, setRun] = useState<TrainRunState>({ status: 'idle' });
  const flag = useRef<Int32Array | undefined>(undefined);
  // progress arrives on its own port and can land after the result: only the live run may report it
  const live = useRef(0);

  const start = useCallback(async (request: TrainJobRequest): Promise<void> => {
    const id = ++live.current;
    const cancelFlag = sharedFlag();
    flag.current = cancelFlag;
    setRun({ status: 'running', request, progress: null, logs: [], evals: [], cancelling: false });
    try {
      const result = await engine().runTrain(request, Comlink.proxy((p: TrainJobProgress) => {
        if (live.current !== id) return;
        setRun((r) => (r.status === 'running' ? {
          ...r, progress: p,
          logs: p.step ? [...r.logs.filter((l) => l.step < p.step!.step), p.step.log] : r.logs,
          evals: p.eval ? [...r.evals.filter((e) => e.step < p.eval!.step), p.eval] : r.evals,
        } : r));
      }), cancelFlag);
      if (live.current !== id) return;
      live.current++;
      setRun({ status: 'done', request, result });
    } catch (e) {
      if (live.current !== id) return;
      live.current++;
      setRun({ status: 'error', message: e instanceof Error ? e.message : String(e), kind: (e as { kind?: string }).kind });
    }
  }, [engine]);

  const cancel = useCallback(() => {
    if (flag.current) Atomics.store(flag.current, 0, 1);
    setRun((r) => (r.status === 'running' ? { ...r, cancelling: true } : r));
  }, []);

  /** Last resort (a model still loading, no flag): kill the worker; the model loads again on the next run. */
  const kill = useCallback(() => {
    live.current++;
    restart();
    setRun({ status: 'error', message: 'Stopped: the worker was terminated (the model loads again on the next run).' });
  }, [restart]);

  return { run, start, cancel, kill };
}
