// One run in flight per engine (CONVENTIONS #2). EngineHost serialises jobs inside an engine (worker side or
// in-thread) and cancels cooperatively through an AbortSignal; RestartableWorker is the main-thread handle
// that cancels a runaway job the hard way: terminate the worker, reject its calls, start a fresh one.
import { CancelledError, EngineBusyError } from './errors';

export type WhenBusy = 'queue' | 'reject';

interface Entry {
  label: string;
  job: (signal: AbortSignal) => Promise<unknown>;
  controller: AbortController;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class EngineHost {
  private readonly queue: Entry[] = [];
  private running: Entry | undefined;

  constructor(private readonly whenBusy: WhenBusy = 'queue') {}

  /** Label of the job in flight, for "busy with …" messages. */
  get current(): string | undefined {
    return this.running?.label;
  }

  get pending(): number {
    return this.queue.length;
  }

  /**
   * Runs `job` after the jobs before it. With 'reject' a busy engine refuses at once (EngineBusyError): use it
   * for interactive actions where a queued duplicate would surprise the user.
   */
  run<T>(label: string, job: (signal: AbortSignal) => Promise<T>, options: { whenBusy?: WhenBusy; signal?: AbortSignal } = {}): Promise<T> {
    if ((options.whenBusy ?? this.whenBusy) === 'reject' && (this.running || this.queue.length > 0)) {
      return Promise.reject(new EngineBusyError(this.running?.label ?? this.queue[0].label));
    }
    return new Promise<T>((resolve, reject) => {
      const controller = new AbortController();
      options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
      if (options.signal?.aborted) controller.abort();
      this.queue.push({ label, job, controller, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Aborts the job in flight (it sees its signal) and drops every queued job before it starts. */
  cancel(): void {
    for (const e of this.queue.splice(0)) { e.controller.abort(); e.reject(new CancelledError(e.label)); }
    this.running?.controller.abort();
  }

  private pump(): void {
    if (this.running) return;
    const next = this.queue.shift();
    if (!next) return;
    if (next.controller.signal.aborted) { next.reject(new CancelledError(next.label)); this.pump(); return; }
    this.running = next;
    const { signal } = next.controller;
    // The engine is free again before the caller hears back, so a call made right after `await` is not busy.
    const settle = (deliver: () => void) => {
      this.running = undefined;
      deliver();
      this.pump();
    };
    next.job(signal).then(
      (v) => settle(() => (signal.aborted ? next.reject(new CancelledError(next.label)) : next.resolve(v))),
      (e: unknown) => settle(() => next.reject(signal.aborted ? new CancelledError(next.label) : e)),
    );
  }
}

/** Anything with terminate(): a Worker, or a fake in tests. */
export interface Terminable { terminate(): void }

/**
 * Main-thread handle on an engine worker. `call` tracks in-flight calls so `restart` can reject them with
 * CancelledError; the next call starts a new worker from the factory (models must be loaded again).
 */
export class RestartableWorker<Api> {
  private instance: { worker: Terminable; api: Api } | undefined;
  private readonly inflight = new Set<(e: unknown) => void>();
  private restarts = 0;

  constructor(private readonly factory: () => { worker: Terminable; api: Api }) {}

  /** How many times the worker was replaced; engines compare it to know their loaded models are gone. */
  get generation(): number {
    return this.restarts;
  }

  get api(): Api {
    this.instance ??= this.factory();
    return this.instance.api;
  }

  /** Calls into the worker; aborting `signal` terminates and recreates the worker (for runaway jobs). */
  call<T>(fn: (api: Api) => Promise<T>, options: { signal?: AbortSignal; label?: string } = {}): Promise<T> {
    const label = options.label ?? 'The engine call';
    if (options.signal?.aborted) return Promise.reject(new CancelledError(label));
    return new Promise<T>((resolve, reject) => {
      const fail = (e: unknown) => { this.inflight.delete(fail); reject(e); };
      this.inflight.add(fail);
      const onAbort = () => this.restart(new CancelledError(label));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      fn(this.api).then((v) => { this.inflight.delete(fail); resolve(v); }, fail)
        .finally(() => options.signal?.removeEventListener('abort', onAbort));
    });
  }

  /** Terminates the worker now; every call in flight rejects with `reason`. */
  restart(reason: unknown = new CancelledError('The engine call')): void {
    this.instance?.worker.terminate();
    this.instance = undefined;
    this.restarts++;
    for (const fail of [...this.inflight]) fail(reason);
  }

  terminate(): void {
    this.instance?.worker.terminate();
    this.instance = undefined;
  }
}
