// Runs the sidecar's heavy work on worker threads so the HTTP event loop only routes requests: each job
// (and each checkpoint inspection, whose headers can hold 100 MB of JSON) runs on a worker of its own,
// started from jobWorker.mjs. Workers are pooled: starting one compiles the TypeScript sources and the
// survival kernel again (0.3-1 s of CPU), so a finished worker waits, unreferenced, for the next task, and
// one is started with the server. Progress comes back as messages, cancel goes as one, errors come back by
// name and message and are rebuilt (EditsError subclasses as EditsError with the same name, so the API
// still answers 422 with that name). A worker that dies without answering fails its task with the reason
// and is not reused.

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

export type ToWorker = { type: 'run'; task: OffThreadTask } | { type: 'cancel'; jobId: string };
export type FromWorker =
  | { type: 'ready' }
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
/** Idle workers kept for later tasks; more finish only when tasks overlap, and those are closed. */
const MAX_IDLE = 2;
const idle: Worker[] = [];
let started = 0;

/** Workers started so far (the pool's tests read it). */
export function workersStarted(): number {
  return started;
}

function startWorker(): Worker {
  const w = new Worker(WORKER_URL);
  started++;
  // A worker that dies while idle leaves the pool.
  w.once('exit', () => {
    const k = idle.indexOf(w);
    if (k >= 0) idle.splice(k, 1);
  });
  return w;
}

function park(w: Worker): void {
  if (idle.length >= MAX_IDLE) {
    void w.terminate();
    return;
  }
  // An idle worker does not keep the process alive.
  w.unref();
  idle.push(w);
}

/** Starts a worker ahead of the first task, so that task does not pay the start-up; resolves once it is loaded. */
export function prewarmWorker(): Promise<void> {
  if (idle.length > 0) return Promise.resolve();
  const w = startWorker();
  park(w);
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromWorker) => {
      if (m.type !== 'ready') return;
      w.off('message', onMessage);
      resolve();
    };
    w.on('message', onMessage);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`the job worker exited (code ${code}) while loading`)));
  });
}

function runOnWorker(task: OffThreadTask, ctx?: JobContext): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = idle.pop() ?? startWorker();
    worker.ref();
    let settled = false;
    const settle = (reusable: boolean, f: () => void) => {
      if (settled) return;
      settled = true;
      ctx?.signal.removeEventListener('abort', cancel);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (reusable) park(worker);
      f();
    };
    const cancel = () => worker.postMessage({ type: 'cancel', jobId: task.jobId } satisfies ToWorker);
    const onMessage = (m: FromWorker) => {
      if (m.type === 'ready') return;
      if (m.type === 'progress') ctx?.progress(m.phase, m.done, m.total);
      else if (m.type === 'done') settle(true, () => resolve(m.value));
      else {
        const e = m.edits ? new WorkerEditsError(m.name, m.message) : Object.assign(new Error(m.message), { name: m.name });
        settle(true, () => reject(e));
      }
    };
    const onError = (e: Error) => settle(false, () => reject(e));
    const onExit = (code: number) => settle(false, () => reject(new Error(`${task.kind} worker exited (code ${code}) without an answer`)));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ type: 'run', task } satisfies ToWorker);
    if (ctx?.signal.aborted) cancel();
    ctx?.signal.addEventListener('abort', cancel);
  });
}

/** Runs a job on a worker thread of its own; the context's signal cancels it there. */
export function runJobOffThread(task: Exclude<OffThreadTask, { kind: 'inspect' }>, ctx: JobContext): Promise<JobOutcome> {
  return runOnWorker(task, ctx) as Promise<JobOutcome>;
}

/** Opens and describes a checkpoint on a worker thread (its headers are parsed there). */
export function inspectOffThread(ref: InputRef): Promise<Record<string, unknown>> {
  return runOnWorker({ kind: 'inspect', jobId: 'inspect', opts: ref }) as Promise<Record<string, unknown>>;
}
