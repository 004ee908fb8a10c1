// Drives the in-browser unlearning engine (src/core/edits/unlearn/api.ts) in a lab worker of its own for the
// edits panel: one run at a time with progress on one bar, cancel, and the session's finished runs (newest first)
// so methods can be compared side by side. Cancel sets a shared flag the worker reads after every training step
// (its steps never yield to the event loop, so a message would wait for the end) and also asks through comlink,
// which lands between phases; "Stop now" terminates the worker (its model is loaded again on the next run).
import { useCallback, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import type { UnlearnJobProgress, UnlearnJobRequest, UnlearnJobResult } from '../../core/edits/unlearn/api';
import { useWorkerEngine } from '../../app/useWorkerEngine';
import type { LabWorkerApi } from '../../../workers/lab.worker';
import { installRuntimeErrorTransfer } from '../../../workers/comlinkErrors';
import { checkpointDigest } from './unlearnRequest';

export type UnlearnRunState =
  | { status: 'idle' }
  | { status: 'running'; request: UnlearnJobRequest; progress: UnlearnJobProgress | null; cancelling: boolean }
  | { status: 'error'; message: string }
  | { status: 'cancelled'; message: string };

/** A finished run as the panel shows it. */
export interface UnlearnRunView {
  /** 1-based within the session */
  index: number;
  result: UnlearnJobResult;
  digest: string;
}

/** Runs kept on screen (each holds its checkpoint's bytes: a few MB for the embedded models): 4 configurations × 3 seeds. */
const KEEP_RUNS = 12;

const createWorker = () => {
  installRuntimeErrorTransfer();
  return new Worker(new URL('../../../workers/lab.worker.ts', import.meta.url), { type: 'module' });
};
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A cancel flag the worker can read while it computes (needs cross-origin isolation, which the app has). */
const sharedFlag = (): Int32Array | undefined => (typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : undefined);

export function useUnlearnEngine() {
  const { engine, restart } = useWorkerEngine<LabWorkerApi>(createWorker);
  const [run, setRun] = useState<UnlearnRunState>({ status: 'idle' });
  const [runs, setRuns] = useState<UnlearnRunView[]>([]);
  const flag = useRef<Int32Array | undefined>(undefined);
  // progress arrives on its own port and can land after the result: only the live run may report it
  const live = useRef(0);
  const count = useRef(0);

  const start = useCallback(async (request: UnlearnJobRequest): Promise<UnlearnRunView | undefined> => {
    const id = ++live.current;
    const cancelFlag = sharedFlag();
    flag.current = cancelFlag;
    setRun({ status: 'running', request, progress: null, cancelling: false });
    try {
      const result = await engine().runUnlearn(request, Comlink.proxy((p: UnlearnJobProgress) => {
        if (live.current === id) setRun((r) => (r.status === 'running' ? { ...r, progress: p } : r));
      }), cancelFlag);
      live.current++;
      const view: UnlearnRunView = { index: ++count.current, result, digest: await checkpointDigest(result.checkpoint.safetensors) };
      setRuns((rs) => [view, ...rs].slice(0, KEEP_RUNS));
      setRun({ status: 'idle' });
      return view;
    } catch (e) {
      if (live.current !== id) return undefined;
      live.current++;
      const message = messageOf(e);
      setRun(/cancel/i.test(message) ? { status: 'cancelled', message } : { status: 'error', message });
      return undefined;
    }
  }, [engine]);

  const cancel = useCallback(() => {
    if (flag.current) Atomics.store(flag.current, 0, 1);
    setRun((r) => (r.status === 'running' ? { ...r, cancelling: true } : r));
    void engine().cancelUnlearn();
  }, [engine]);

  /** Last resort for an evaluation that does not notice cancel: kill the worker. */
  const kill = useCallback(() => {
    live.current++;
    restart();
    setRun((r) => (r.status === 'running' ? { status: 'cancelled', message: 'Stopped: the worker was terminated (the model loads again on the next run).' } : r));
  }, [restart]);

  const clearRuns = useCallback(() => setRuns([]), []);

  return { run, runs, start, cancel, kill, clearRuns };
}
