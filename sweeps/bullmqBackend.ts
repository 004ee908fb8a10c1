// The BullMQ backend (CONVENTIONS #20): one shared queue (default name "sweeps"; tests use a fresh random one),
// the sweep id in each job's data, and each job under its deterministic custom id `<sweepId>.<experimentDigest>`.
//   idempotence   BullMQ ignores an add whose id is still in Redis, so completed and failed jobs are kept
//                 (removeOnComplete / removeOnFail: false): a duplicate submission or a retry finds the id and
//                 runs nothing twice. `forget(sweepId)` drops a sweep once its results are collected; after that
//                 the same sweep submitted again runs again (documented in the README).
//   retries       `attempts` tries with exponential backoff; a job that exhausts them stays in the failed set
//                 with its error and stack: that set is the dead-letter queue, read back by results().
//   progress      ZMSCORE of the sweep's job ids against the queue's completed and failed sets: counts by id,
//                 so a job re-run after a crash is counted once, whichever worker ran it.
//   cancel        the sweep is marked cancelled in Redis, its waiting/delayed jobs removed, and a message on
//                 the cancel channel makes every worker abort its running jobs of that sweep (worker.ts).
//   results       each completed job's return value (the run record the worker wrote), read by id.
// Sweep metadata (job ids in grid order, titles, cancelled flag) lives in one hash per sweep next to the queue's
// own keys, so any process with the Redis URL can watch, collect or cancel a sweep it did not submit.
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { ExpandedSweep } from '../src/core/experiments/sweep';
import type { RunRecord } from '../src/core/experiments/record';
import { UnknownSweepError, watchByPolling, type DeadLetter, type JobBackend, type SubmitOutcome, type SweepProgress, type SweepResults, type WatchOptions } from './backend';

export const DEFAULT_QUEUE = 'sweeps';
export const BULL_PREFIX = 'bull';

export interface SweepJobData {
  sweepId: string;
  index: number;
  experiment: ExpandedSweep['jobs'][number]['experiment'];
  /** written by the processor at each start (worker process id, attempt number, time) */
  starts?: { pid: number; attempt: number; startedAt: string }[];
}

export interface BullmqBackendOptions {
  redisUrl: string;
  queueName?: string;
  attempts?: number;
  /** first retry delay (ms); doubled each attempt */
  backoffMs?: number;
}

/** Redis keys of a queue's sweeps (the queue's own keys are BullMQ's: `<prefix>:<queue>:<kind>`). */
export function sweepKeys(queueName: string) {
  const base = `${BULL_PREFIX}:${queueName}`;
  return {
    job: (jobId: string) => `${base}:${jobId}`,
    completed: `${base}:completed`,
    failed: `${base}:failed`,
    meta: (sweepId: string) => `${base}:sweep:${sweepId}`,
    cancelled: `${base}:sweeps:cancelled`,
    cancelChannel: `${base}:sweeps:cancel`,
  };
}

/** A Redis connection as BullMQ wants it (no per-command retry limit: commands wait out a Redis restart). */
export function redisConnection(url: string, onError: (e: Error) => void = () => undefined): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  // ioredis reconnects by itself (a Redis restart); without a listener each failed try is an "Unhandled error event"
  redis.on('error', onError);
  return redis;
}

interface SweepMeta { jobIds: string[]; titles: string[]; total: number; module: string; title?: string; createdAt: string }

export class BullmqBackend implements JobBackend {
  readonly queueName: string;
  readonly queue: Queue<SweepJobData, RunRecord>;
  private readonly redis: Redis;
  private readonly queueConnection: Redis;
  private readonly keys: ReturnType<typeof sweepKeys>;
  private readonly metaCache = new Map<string, SweepMeta>();

  constructor(private readonly options: BullmqBackendOptions) {
    this.queueName = options.queueName ?? DEFAULT_QUEUE;
    this.keys = sweepKeys(this.queueName);
    this.redis = redisConnection(options.redisUrl);
    this.queueConnection = redisConnection(options.redisUrl);
    this.queue = new Queue<SweepJobData, RunRecord>(this.queueName, { connection: this.queueConnection, prefix: BULL_PREFIX });
    // connection errors while Redis restarts: ioredis reconnects and BullMQ retries; nothing to report per try
    this.queue.on('error', () => undefined);
  }

  private jobOptions(jobId: string): JobsOptions {
    return {
      jobId,
      attempts: this.options.attempts ?? 3,
      backoff: { type: 'exponential', delay: this.options.backoffMs ?? 1000 },
      // kept, so the id stays known (idempotence) and the result / the dead letter can be collected
      removeOnComplete: false,
      removeOnFail: false,
    };
  }

  async submit(sweep: ExpandedSweep): Promise<SubmitOutcome> {
    const meta: SweepMeta = {
      jobIds: sweep.jobs.map((j) => j.id), titles: sweep.jobs.map((j) => j.experiment.title ?? ''), total: sweep.jobs.length,
      module: sweep.module, ...(sweep.title ? { title: sweep.title } : {}), createdAt: new Date().toISOString(),
    };
    // HSETNX: the first submission's metadata stays (a duplicate submission must not reset createdAt or a cancel)
    await this.redis.hsetnx(this.keys.meta(sweep.sweepId), 'meta', JSON.stringify(meta));
    const exists = await this.pipelined(sweep.jobs.map((j) => ['exists', this.keys.job(j.id)]));
    const missing = sweep.jobs.filter((_, i) => exists[i] !== 1);
    for (let i = 0; i < missing.length; i += 500) {
      await this.queue.addBulk(missing.slice(i, i + 500).map((j) => ({
        name: sweep.module, data: { sweepId: sweep.sweepId, index: j.index, experiment: j.experiment }, opts: this.jobOptions(j.id),
      })));
    }
    return { sweepId: sweep.sweepId, total: sweep.jobs.length, added: missing.length };
  }

  private async pipelined(commands: [string, ...string[]][]): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let i = 0; i < commands.length; i += 1000) {
      const replies = await this.redis.pipeline(commands.slice(i, i + 1000)).exec();
      for (const [err, value] of replies ?? []) {
        if (err) throw err;
        out.push(value);
      }
    }
    return out;
  }

  private async meta(sweepId: string): Promise<SweepMeta> {
    const cached = this.metaCache.get(sweepId);
    if (cached) return cached;
    const text = await this.redis.hget(this.keys.meta(sweepId), 'meta');
    if (!text) throw new UnknownSweepError(sweepId);
    const meta = JSON.parse(text) as SweepMeta;
    this.metaCache.set(sweepId, meta);
    return meta;
  }

  /** Which of the sweep's jobs are in the completed / failed sets (one ZMSCORE each per 5,000 ids). */
  private async states(jobIds: string[]): Promise<{ done: boolean[]; failed: boolean[] }> {
    const done: boolean[] = [];
    const failed: boolean[] = [];
    for (let i = 0; i < jobIds.length; i += 5000) {
      const part = jobIds.slice(i, i + 5000);
      const [c, f] = await Promise.all([this.redis.zmscore(this.keys.completed, ...part), this.redis.zmscore(this.keys.failed, ...part)]);
      done.push(...c.map((s) => s !== null));
      failed.push(...f.map((s) => s !== null));
    }
    return { done, failed };
  }

  async progress(sweepId: string): Promise<SweepProgress> {
    const meta = await this.meta(sweepId);
    const [{ done, failed }, cancelled] = await Promise.all([this.states(meta.jobIds), this.redis.sismember(this.keys.cancelled, sweepId)]);
    const nDone = done.filter(Boolean).length;
    const nFailed = done.reduce((n, d, i) => n + (!d && failed[i] ? 1 : 0), 0);
    let finished = nDone + nFailed === meta.total;
    if (!finished && cancelled) {
      // cancelled: finished once no job of it is left waiting or running (removed jobs have no key)
      const open = meta.jobIds.filter((_, i) => !done[i] && !failed[i]);
      const exists = await this.pipelined(open.map((id) => ['exists', this.keys.job(id)]));
      finished = exists.every((e) => e !== 1);
    }
    return { sweepId, total: meta.total, done: nDone, failed: nFailed, cancelled: cancelled === 1, finished };
  }

  watch(sweepId: string, options: WatchOptions = {}): AsyncGenerator<SweepProgress> {
    return watchByPolling(() => this.progress(sweepId), options.intervalMs ?? 250, options.signal);
  }

  async results(sweepId: string): Promise<SweepResults> {
    const meta = await this.meta(sweepId);
    const { done, failed } = await this.states(meta.jobIds);
    const records: SweepResults['records'] = [];
    const deadLetters: DeadLetter[] = [];
    const wanted = meta.jobIds.map((id, index) => ({ id, index })).filter(({ index }) => done[index] || failed[index]);
    const values = await this.pipelined(wanted.map(({ id }) => ['hget', this.keys.job(id), 'returnvalue']));
    for (const [k, { id, index }] of wanted.entries()) {
      const returnvalue = values[k] as string | null;
      if (done[index] && returnvalue) {
        records.push({ jobId: id, index, record: JSON.parse(returnvalue) as RunRecord });
        continue;
      }
      // dead letters are few: read through BullMQ (field names of its job hash are its business)
      const job = await this.queue.getJob(id);
      deadLetters.push({ jobId: id, index, title: meta.titles[index], error: job?.failedReason || '(no error recorded)', attempts: job?.attemptsMade ?? 0 });
    }
    return { sweepId, records, deadLetters };
  }

  async cancel(sweepId: string): Promise<{ removed: number; signalled: number }> {
    const meta = await this.meta(sweepId);
    await this.redis.sadd(this.keys.cancelled, sweepId);
    const { done, failed } = await this.states(meta.jobIds);
    let removed = 0;
    let locked = 0;
    for (const [i, id] of meta.jobIds.entries()) {
      if (done[i] || failed[i]) continue;
      // remove() refuses a job whose lock a worker holds (it is running): those are signalled below
      const n = await this.queue.remove(id).catch(() => 0);
      if (n === 1) removed++;
      else locked++;
    }
    // every worker hears it (pub/sub) and aborts the running jobs of this sweep it holds
    if (locked > 0) await this.redis.publish(this.keys.cancelChannel, sweepId);
    return { removed, signalled: locked };
  }

  /** Deletes a sweep's jobs, results, dead letters and metadata (after its results were collected). */
  async forget(sweepId: string): Promise<void> {
    const meta = await this.meta(sweepId);
    for (const id of meta.jobIds) await this.queue.remove(id).catch(() => 0);
    await this.redis.del(this.keys.meta(sweepId));
    await this.redis.srem(this.keys.cancelled, sweepId);
    this.metaCache.delete(sweepId);
  }

  async close(): Promise<void> {
    await this.queue.close();
    // connections passed in are the caller's to close (BullMQ leaves them open)
    this.queueConnection.disconnect();
    this.redis.disconnect();
  }
}
