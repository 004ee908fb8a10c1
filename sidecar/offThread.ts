// Runs the sidecar's heavy work on worker threads so the HTTP event loop only routes requests: each job
// (and each checkpoint inspection, whose headers can hold 100 MB of JSON) gets its own worker, started
// from jobWorker.mjs. Progress comes back as messages, cancel goes as one, errors come back by name and
// message and are rebuilt (EditsError subclasses as EditsError with the same name, so the API still
// answers 422 with that name). A worker that dies without answering fails its job with the reason.

import { Worker } from 'node:worker_threads';
import { EditsError } from '../src/core/edits/errors';
import type { JobContext, JobOutcome } from './jobs';
import type { CDeltaOptions } from './tasks/cdelta';
import type { InputRef } from './tasks/common';
import type { MansuOptions } from './tasks/mansu';
import type { SurvivalOptions } from './tasks/survival';

export type OffThreadTask = { jobId: string } & (
  | { kind: 'survival'; opts: SurvivalOptions }
  | { kind: 'cdelta'; opts: CDeltaOptions }
  | { kind: 'mansu'; opts: MansuOptions }
  | { kind: 'inspect'; opts: InputRef }
);

export type ToWorker = { type: 'cancel' };
export type FromWorker =
  | { type: 'progress'; phase: string; done: number; total: number }
  | { type: 'done'; value: unknown }
  | { type: 'error'; name: string; message: string; edits: boolean };

/** An error thrown on a worker thread, rebuilt with its original name. */
class WorkerEditsError extends EditsError {
  override readonly name: string;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const WORKER_URL = new URL('./jobWorker.mjs', import.meta.url);

function runOnWorker(task: OffThreadTask, ctx?: JobContext): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: task });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      ctx?.signal.removeEventListener('abort', cancel);
      f();
    };
    const cancel = () => worker.postMessage({ type: 'cancel' } satisfies ToWorker);
    if (ctx?.signal.aborted) cancel();
    ctx?.signal.addEventListener('abort', cancel);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'progress') ctx?.progress(m.phase, m.done, m.total);
      else if (m.type === 'done') settle(() => resolve(m.value));
      else {
        const e = m.edits ? new WorkerEditsError(m.name, m.message) : Object.assign(new Error(m.message), { name: m.name });
        settle(() => reject(e));
      }
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`${task.kind} worker exited (code ${code}) without an answer`))));
  });
}

/** Runs a job on its own worker thread; the context's signal cancels it there. */
export function runJobOffThread(task: Exclude<OffThreadTask, { kind: 'inspect' }>, ctx: JobContext): Promise<JobOutcome> {
  return runOnWorker(task, ctx) as Promise<JobOutcome>;
}

/** Opens and describes a checkpoint on a worker thread (its headers are parsed there). */
export function inspectOffThread(ref: InputRef): Promise<Record<string, unknown>> {
  return runOnWorker({ kind: 'inspect', jobId: 'inspect', opts: ref }) as Promise<Record<string, unknown>>;
}
