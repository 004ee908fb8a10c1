// The JobBackend interface: what the CLI, the sidecar route and the tests need of a job engine, so BullMQ
// (bullmqBackend.ts) is one implementation and others (a cloud batch service, a plain process pool) can follow.
// And the baseline implementation: the single-process loop, which runs the jobs one after another in this process
// through the same runSweepJob the queue workers call.
// Semantics every backend keeps:
//   submit   idempotent: jobs are keyed by their deterministic ids (src/core/experiments/sweep.ts); submitting the
//            same sweep again adds nothing and returns the same sweep id
//   watch    progress aggregated over all workers (done / failed / total), ending when the sweep is finished
//   results  one run record per completed job (by job id: never two for one job) + dead letters (jobs that
//            exhausted their attempts, with the error)
//   cancel   waiting jobs removed, running ones signalled; the sweep then finishes with what completed
import type { ExpandedSweep } from '../src/core/experiments/sweep';
import type { RunRecord } from '../src/core/experiments/record';
import { runSweepJob } from './jobRunner';

export interface SweepProgress {
  sweepId: string;
  total: number;
  done: number;
  /** dead-lettered: attempts exhausted, or stopped by a cancel */
  failed: number;
  cancelled: boolean;
  /** every job completed or dead-lettered, or the sweep was cancelled and nothing of it still runs */
  finished: boolean;
}

export interface DeadLetter {
  jobId: string;
  index: number;
  title: string;
  error: string;
  attempts: number;
}

export interface SweepResult { jobId: string; index: number; record: RunRecord }

export interface SweepResults {
  sweepId: string;
  /** in job (grid) order */
  records: SweepResult[];
  deadLetters: DeadLetter[];
}

export interface SubmitOutcome {
  sweepId: string;
  total: number;
  /** jobs this call queued; the rest were already known under the same ids (a duplicate submission) */
  added: number;
}

export interface JobBackend {
  submit(sweep: ExpandedSweep): Promise<SubmitOutcome>;
  progress(sweepId: string): Promise<SweepProgress>;
  /** progress until finished (first value at once, then every change); stops early when `signal` aborts */
  watch(sweepId: string, options?: WatchOptions): AsyncGenerator<SweepProgress>;
  results(sweepId: string): Promise<SweepResults>;
  cancel(sweepId: string): Promise<{ removed: number; signalled: number }>;
  close(): Promise<void>;
}

export class UnknownSweepError extends Error {
  override readonly name = 'UnknownSweepError';
  constructor(sweepId: string) {
    super(`no sweep ${sweepId} here (submit it first; a sweep forgotten after its results were collected must be submitted again)`);
  }
}

export const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** Sleeps `ms` or until `signal` aborts. */
export const pause = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

export interface WatchOptions { intervalMs?: number; signal?: AbortSignal }

/**
 * What `watch` means for every backend: poll `progress` every `intervalMs`, yield the first value and then each
 * change, stop once the sweep is finished or `signal` aborts.
 */
export async function* watchByPolling(progress: () => Promise<SweepProgress>, intervalMs: number, signal?: AbortSignal): AsyncGenerator<SweepProgress> {
  let last = '';
  for (;;) {
    const p = await progress();
    const key = JSON.stringify(p);
    if (key !== last) yield p;
    last = key;
    if (p.finished || signal?.aborted) return;
    await pause(intervalMs, signal);
  }
}

interface LocalSweep {
  sweep: ExpandedSweep;
  results: Map<string, SweepResult>;
  dead: Map<string, DeadLetter>;
  abort: AbortController;
  running: Promise<void>;
  /** the loop has returned (finished or cancelled) */
  stopped: boolean;
}

/**
 * The single-process loop: jobs run in grid order in this process, `attempts` tries each (no backoff: a local
 * failure is deterministic). The baseline the queue is measured against, and the backend used without Redis.
 */
export class InProcessBackend implements JobBackend {
  private readonly sweeps = new Map<string, LocalSweep>();
  constructor(private readonly options: { attempts?: number; run?: typeof runSweepJob } = {}) {}

  async submit(sweep: ExpandedSweep): Promise<SubmitOutcome> {
    if (this.sweeps.has(sweep.sweepId)) return { sweepId: sweep.sweepId, total: sweep.jobs.length, added: 0 };
    const local: LocalSweep = { sweep, results: new Map(), dead: new Map(), abort: new AbortController(), running: Promise.resolve(), stopped: false };
    this.sweeps.set(sweep.sweepId, local);
    local.running = this.loop(local).finally(() => { local.stopped = true; });
    return { sweepId: sweep.sweepId, total: sweep.jobs.length, added: sweep.jobs.length };
  }

  private async loop(local: LocalSweep): Promise<void> {
    const attempts = this.options.attempts ?? 3;
    const run = this.options.run ?? runSweepJob;
    for (const job of local.sweep.jobs) {
      if (local.abort.signal.aborted) return;
      let error: unknown;
      for (let attempt = 1; attempt <= attempts && !local.abort.signal.aborted; attempt++) {
        try {
          local.results.set(job.id, { jobId: job.id, index: job.index, record: await run(job.experiment, local.abort.signal) });
          error = undefined;
          break;
        } catch (e) {
          error = e;
        }
        if (attempt === attempts) break;
      }
      if (error !== undefined) local.dead.set(job.id, { jobId: job.id, index: job.index, title: job.experiment.title ?? '', error: errorText(error), attempts });
      // yield to the event loop between jobs so progress readers (and cancel) get their turn
      await new Promise((r) => setImmediate(r));
    }
  }

  private get(sweepId: string): LocalSweep {
    const s = this.sweeps.get(sweepId);
    if (!s) throw new UnknownSweepError(sweepId);
    return s;
  }

  async progress(sweepId: string): Promise<SweepProgress> {
    const s = this.get(sweepId);
    const total = s.sweep.jobs.length;
    const done = s.results.size;
    const failed = s.dead.size;
    const cancelled = s.abort.signal.aborted;
    return { sweepId, total, done, failed, cancelled, finished: done + failed === total || (cancelled && s.stopped) };
  }

  watch(sweepId: string, options: WatchOptions = {}): AsyncGenerator<SweepProgress> {
    return watchByPolling(() => this.progress(sweepId), options.intervalMs ?? 50, options.signal);
  }

  async results(sweepId: string): Promise<SweepResults> {
    const s = this.get(sweepId);
    const byIndex = <T extends { index: number }>(m: Map<string, T>) => [...m.values()].sort((a, b) => a.index - b.index);
    return { sweepId, records: byIndex(s.results), deadLetters: byIndex(s.dead) };
  }

  async cancel(sweepId: string): Promise<{ removed: number; signalled: number }> {
    const s = this.get(sweepId);
    const pending = s.sweep.jobs.length - s.results.size - s.dead.size;
    s.abort.abort();
    return { removed: Math.max(0, pending - 1), signalled: pending > 0 ? 1 : 0 };
  }

  /** Resolves when the sweep's loop has stopped (finished or cancelled). */
  async settle(sweepId: string): Promise<void> {
    await this.get(sweepId).running;
  }

  async close(): Promise<void> {
    for (const s of this.sweeps.values()) s.abort.abort();
    await Promise.all([...this.sweeps.values()].map((s) => s.running));
  }
}
