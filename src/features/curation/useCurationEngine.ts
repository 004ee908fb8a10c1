// Drives the curation engine in the llm worker (the same worker, loader and ORT runtime alignbeam uses) for the
// panel: one run at a time with progress, a cancel that lets the pipeline stop at its next step and return what it
// did (cancelled), and a hard stop (terminate-and-recreate) when a run does not come back within a grace period.
// Keeps the last result with its chunks and digest. Thin: the pipeline lives in src/core/curation.
import { useCallback, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import type { CurationProgress, CurationRunOutput } from '../../core/curation/engine';
import type { Chunk, CorpusDocument } from '../../core/curation/types';
import { useWorkerEngine } from '../../app/useWorkerEngine';
import type { LlmWorkerApi } from '../../../workers/llm.worker';
import { installRuntimeErrorTransfer } from '../../../workers/comlinkErrors';
import { errorText } from '../alignbeam/useAlignbeamEngine';
import type { CurationSpec } from '../../state/specs/curation';
import { runRequest } from './requests';

const createWorker = () => {
  installRuntimeErrorTransfer();
  return new Worker(new URL('../../../workers/llm.worker.ts', import.meta.url), { type: 'module' });
};

/** A run that ignores its cancel this long is stopped by terminating the worker. */
const CANCEL_GRACE_MS = 10_000;

export type RunState =
  | { status: 'idle' }
  | { status: 'running'; progress: CurationProgress | null; cancelling: boolean }
  | { status: 'error'; message: string }
  | { status: 'done' };

export interface CurationRun extends CurationRunOutput {
  spec: CurationSpec;
  chunks: Chunk[];
  documents: CorpusDocument[];
}

export function useCurationEngine() {
  const { engine, restart } = useWorkerEngine<LlmWorkerApi>(createWorker);
  const [state, setState] = useState<RunState>({ status: 'idle' });
  const [run, setRun] = useState<CurationRun | null>(null);
  // progress arrives on its own port and can land after the result: only the live run may report it
  const live = useRef(0);
  const hardStop = useRef<ReturnType<typeof setTimeout> | null>(null);

  const start = useCallback(async (spec: CurationSpec, documents: CorpusDocument[], chunks: Chunk[]) => {
    const id = ++live.current;
    setState({ status: 'running', progress: null, cancelling: false });
    try {
      const out = await engine().curationRun(runRequest(spec, chunks), Comlink.proxy((p: CurationProgress) => {
        if (live.current === id) setState((s) => (s.status === 'running' ? { ...s, progress: p } : s));
      }));
      if (live.current !== id) return;
      setRun({ ...out, spec, chunks, documents });
      setState({ status: 'done' });
    } catch (e) {
      if (live.current === id) setState({ status: 'error', message: errorText(e) });
    } finally {
      if (hardStop.current) clearTimeout(hardStop.current);
      hardStop.current = null;
    }
  }, [engine]);

  const cancel = useCallback(() => {
    setState((s) => (s.status === 'running' ? { ...s, cancelling: true } : s));
    void engine().curationCancel();
    const id = live.current;
    hardStop.current = setTimeout(() => {
      if (live.current !== id) return;
      live.current++;
      restart();
      setState({ status: 'error', message: `The run did not stop within ${CANCEL_GRACE_MS / 1000} s of the cancel: its worker was stopped and nothing was kept.` });
    }, CANCEL_GRACE_MS);
  }, [engine, restart]);

  return { state, run, start, cancel };
}
