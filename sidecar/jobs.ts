// Long-running edit jobs: one at a time per output path, progress as a monotone event stream (NDJSON over
// HTTP), explicit cancel through an AbortSignal checked between chunks. The `run` function the app passes
// starts the job on a worker thread (offThread.ts): chunks of a multi-GB pass are tens of milliseconds of
// maths each, and two jobs interleaved on the event loop used to keep status requests waiting for seconds.

import { randomBytes } from 'node:crypto';
import { CancelledError } from '../src/core/edits/errors';
import { JOB_ID_CHARS } from './fileio';

export type JobKind = 'cdelta' | 'survival' | 'mansu';
export type JobState = 'running' | 'done' | 'error' | 'cancelled';

export type JobEvent =
  | { type: 'progress'; phase: string; done: number; total: number; fraction: number }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: string; name: string }
  | { type: 'cancelled' };

export interface JobContext {
  id: string;
  signal: AbortSignal;
  /** Reports progress of the current phase; the job's overall fraction is kept monotone. */
  progress(phase: string, done: number, total: number): void;
}

export interface JobOutcome {
  result: unknown;
  manifest?: unknown;
}

export interface Job {
  id: string;
  kind: JobKind;
  state: JobState;
  createdAt: string;
  outputs: string[];
  last: JobEvent;
  result?: unknown;
  manifest?: unknown;
  error?: string;
}

interface Internal extends Job {
  abort: AbortController;
  listeners: Set<(e: JobEvent) => void>;
  lastEmit: number;
  promise: Promise<void>;
}

export class OutputBusyError extends Error {
  override readonly name = 'OutputBusyError';
}

export class JobManager {
  private readonly jobs = new Map<string, Internal>();
  private readonly busy = new Map<string, string>();

  /** Starts a job; `outputs` are absolute final paths, each locked until the job ends. */
  start(kind: JobKind, outputs: string[], run: (ctx: JobContext) => Promise<JobOutcome>): Job {
    for (const o of outputs) {
      const other = this.busy.get(o);
      if (other) throw new OutputBusyError(`output ${o} is already being written by job ${other}; wait for it or cancel it`);
    }
    if (new Set(outputs).size !== outputs.length) throw new OutputBusyError('the same output path is given twice');
    const id = randomBytes(JOB_ID_CHARS / 2).toString('hex');
    const job: Internal = {
      id, kind, state: 'running', createdAt: new Date().toISOString(), outputs,
      last: { type: 'progress', phase: 'queued', done: 0, total: 1, fraction: 0 },
      abort: new AbortController(), listeners: new Set(), lastEmit: 0, promise: Promise.resolve(),
    };
    for (const o of outputs) this.busy.set(o, id);
    this.jobs.set(id, job);
    let fraction = 0;
    const ctx: JobContext = {
      id,
      signal: job.abort.signal,
      progress: (phase, done, total) => {
        const f = total > 0 ? Math.min(1, done / total) : 1;
        fraction = Math.max(fraction, f);
        const now = Date.now();
        // Throttled: a multi-GB job would otherwise emit thousands of events a second. A new phase always goes out
        // (an ONNX export of seconds right after the hash phase would otherwise show as "hash").
        const samePhase = job.last.type === 'progress' && job.last.phase === phase;
        if (now - job.lastEmit < 100 && f < 1 && samePhase) return;
        job.lastEmit = now;
        this.emit(job, { type: 'progress', phase, done, total, fraction });
      },
    };
    job.promise = (async () => {
      try {
        const out = await run(ctx);
        job.state = 'done';
        job.result = out.result;
        if (out.manifest !== undefined) job.manifest = out.manifest;
        this.emit(job, { type: 'done', result: out.result });
      } catch (e) {
        if (e instanceof CancelledError || job.abort.signal.aborted) {
          job.state = 'cancelled';
          this.emit(job, { type: 'cancelled' });
        } else {
          job.state = 'error';
          job.error = (e as Error).message;
          this.emit(job, { type: 'error', error: job.error, name: (e as Error).name });
        }
      } finally {
        for (const o of outputs) this.busy.delete(o);
      }
    })();
    return this.view(job);
  }

  private emit(job: Internal, e: JobEvent): void {
    job.last = e;
    for (const l of job.listeners) l(e);
  }

  get(id: string): Job | undefined {
    const j = this.jobs.get(id);
    return j && this.view(j);
  }

  list(): Job[] {
    return [...this.jobs.values()].map((j) => this.view(j));
  }

  cancel(id: string): boolean {
    const j = this.jobs.get(id);
    if (!j || j.state !== 'running') return false;
    j.abort.abort();
    return true;
  }

  /** Subscribes to events; returns an unsubscribe function. The current state is delivered first. */
  subscribe(id: string, fn: (e: JobEvent) => void): () => void {
    const j = this.jobs.get(id);
    if (!j) throw new Error(`no job ${id}`);
    fn(j.last);
    if (j.state !== 'running') return () => undefined;
    j.listeners.add(fn);
    return () => j.listeners.delete(fn);
  }

  /** Resolves when the job has ended (any state). */
  async wait(id: string): Promise<Job | undefined> {
    await this.jobs.get(id)?.promise;
    return this.get(id);
  }

  cancelAll(): Promise<void[]> {
    return Promise.all([...this.jobs.values()].map((j) => (j.abort.abort(), j.promise)));
  }

  private view(j: Internal): Job {
    const { id, kind, state, createdAt, outputs, last, result, manifest, error } = j;
    const v: Job = { id, kind, state, createdAt, outputs, last };
    if (result !== undefined) v.result = result;
    if (manifest !== undefined) v.manifest = manifest;
    if (error !== undefined) v.error = error;
    return v;
  }
}
