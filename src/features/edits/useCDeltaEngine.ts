// Drives the C-Δθ-with-behaviour run (src/core/edits/unlearn/cdeltaBehaviour.ts through api.ts runCDelta) in a lab
// worker of its own for the edits panel's "Unlearn in the browser" tab: one run at a time, progress on one bar, the
// last result. Cancel follows useUnlearnEngine.ts: a shared flag the worker reads after every fine-tune step and
// between decoded columns (its steps never yield to the event loop), plus a comlink cancel that lands between
// phases; "Stop now" terminates the worker.
import { useCallback, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import type { CDeltaJobResult } from '../../core/edits/unlearn/api';
import type { CDeltaBehaviourRequest, CDeltaProgress } from '../../core/edits/unlearn/cdeltaBehaviour';
import { useWorkerEngine } from '../../app/useWorkerEngine';
import type { LabWorkerApi } from '../../../workers/lab.worker';
import { installRuntimeErrorTransfer } from '../../../workers/comlinkErrors';
import { cdeltaCheckpointsSha256 } from '../../core/assurance/emit/edits';

export type CDeltaRunState =
  | { status: 'idle' }
  | { status: 'running'; request: CDeltaBehaviourRequest; progress: CDeltaProgress | null; cancelling: boolean }
  | { status: 'error'; message: string }
  | { status: 'cancelled'; message: string };

/** A finished run: the result, the sha256 of each strength's checkpoint (evidence names them) and the first one's (the share link's digest). */
export interface CDeltaRunView {
  result: CDeltaJobResult;
  digest: string;
  checkpointSha256: { strength: number; sha256: string }[];
}

const createWorker = () => {
  installRuntimeErrorTransfer();
  return new Worker(new URL('../../../workers/lab.worker.ts', import.meta.url), { type: 'module' });
};
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const sharedFlag = (): Int32Array | undefined => (typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : undefined);

export function useCDeltaEngine() {
  const { engine, restart } = useWorkerEngine<LabWorkerApi>(createWorker);
  const [run, setRun] = useState<CDeltaRunState>({ status: 'idle' });
  const [last, setLast] = useState<CDeltaRunView | null>(null);
  const flag = useRef<Int32Array | undefined>(undefined);
  const live = useRef(0);

  const start = useCallback(async (request: CDeltaBehaviourRequest): Promise<CDeltaRunView | undefined> => {
    const id = ++live.current;
    const cancelFlag = sharedFlag();
    flag.current = cancelFlag;
    setRun({ status: 'running', request, progress: null, cancelling: false });
    try {
      const result = await engine().runCDelta(request, Comlink.proxy((p: CDeltaProgress) => {
        if (live.current === id) setRun((r) => (r.status === 'running' ? { ...r, progress: p } : r));
      }), cancelFlag);
      live.current++;
      const checkpointSha256 = await cdeltaCheckpointsSha256(result.checkpoints);
      const view: CDeltaRunView = { result, digest: checkpointSha256[0].sha256, checkpointSha256 };
      setLast(view);
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

  const kill = useCallback(() => {
    live.current++;
    restart();
    setRun((r) => (r.status === 'running' ? { status: 'cancelled', message: 'Stopped: the worker was terminated (the model loads again on the next run).' } : r));
  }, [restart]);

  return { run, last, start, cancel, kill };
}
