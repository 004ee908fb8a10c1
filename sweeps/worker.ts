// A sweep worker: takes jobs from the BullMQ queue and runs them (sandboxed processor on worker threads,
// processor.mjs), `concurrency` at a time. Run: npm run sweep-worker -- --redis redis://127.0.0.1:6379 --concurrency 2
//   --queue <name>         queue to serve (default "sweeps")
//   --lock-ms <ms>         job lock; a worker that dies holding a job loses the lock after this long, and the
//                          stalled check (every --stalled-ms) puts the job back to wait: it is run again
//   --close-timeout-ms     how long SIGINT/SIGTERM waits for running jobs before exiting anyway (their locks then
//                          expire and the jobs are re-run elsewhere)
// Cancels: the worker listens on the queue's cancel channel and aborts its running jobs of a cancelled sweep;
// a job of a cancelled sweep it picks up is aborted at once.
import { Worker, type Job } from 'bullmq';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '../src/core/experiments/record';
import { DEFAULT_QUEUE, redisConnection, sweepKeys, type SweepJobData } from './bullmqBackend';

export interface SweepWorkerOptions {
  redisUrl: string;
  queueName?: string;
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** how many times a job may be found stalled (its worker died) before it is failed; default 3 */
  maxStalledCount?: number;
  /** false runs jobs on the worker's own event loop (no thread per slot): for tiny jobs or debugging */
  sandboxed?: boolean;
  log?: (line: string) => void;
}

export interface SweepWorkerHandle {
  worker: Worker<SweepJobData, RunRecord>;
  close(timeoutMs?: number): Promise<'closed' | 'timed-out'>;
}

const PROCESSOR = fileURLToPath(new URL('./processor.mjs', import.meta.url));

export async function startSweepWorker(o: SweepWorkerOptions): Promise<SweepWorkerHandle> {
  const queueName = o.queueName ?? DEFAULT_QUEUE;
  const keys = sweepKeys(queueName);
  const log = o.log ?? (() => undefined);
  const connection = redisConnection(o.redisUrl);
  const control = redisConnection(o.redisUrl);
  const subscriber = redisConnection(o.redisUrl);
  const cancelled = new Set<string>(await control.smembers(keys.cancelled));
  const lockDuration = o.lockDurationMs ?? 30_000;
  const options = {
    connection, concurrency: o.concurrency ?? 1, name: `pid-${process.pid}`,
    lockDuration, stalledInterval: o.stalledIntervalMs ?? Math.max(1000, Math.floor(lockDuration / 2)), maxStalledCount: o.maxStalledCount ?? 3,
  };
  const worker = o.sandboxed === false
    ? new Worker<SweepJobData, RunRecord>(queueName, (await import('./processorImpl')).default as never, options)
    : new Worker<SweepJobData, RunRecord>(queueName, PROCESSOR, { ...options, useWorkerThreads: true });
  const active = new Map<string, Job<SweepJobData, RunRecord>>();
  worker.on('active', (job) => {
    if (!job.id) return;
    active.set(job.id, job);
    if (cancelled.has(job.data.sweepId)) worker.cancelJob(job.id, 'sweep cancelled');
  });
  const settle = (job: Job<SweepJobData, RunRecord> | undefined) => { if (job?.id) active.delete(job.id); };
  worker.on('completed', settle);
  worker.on('failed', (job, err) => {
    settle(job);
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) log(`dead-lettered ${job.id}: ${err.message}`);
  });
  worker.on('error', (e) => log(`worker error: ${e.message}`));
  await subscriber.subscribe(keys.cancelChannel);
  subscriber.on('message', (_channel, sweepId: string) => {
    cancelled.add(sweepId);
    for (const [id, job] of active) if (job.data.sweepId === sweepId) worker.cancelJob(id, 'sweep cancelled');
  });
  await worker.waitUntilReady();
  log(`sweep worker pid ${process.pid} on queue ${queueName}, concurrency ${options.concurrency}, lock ${lockDuration} ms`);
  return {
    worker,
    async close(timeoutMs = 30_000) {
      // close() lets running jobs finish; past the timeout we exit anyway and their locks expire (re-run elsewhere)
      const outcome = await Promise.race([
        worker.close().then(() => 'closed' as const),
        new Promise<'timed-out'>((r) => setTimeout(() => r('timed-out'), timeoutMs).unref()),
      ]);
      subscriber.disconnect();
      control.disconnect();
      connection.disconnect();
      return outcome;
    },
  };
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const num = (name: string) => (flag(name) !== undefined ? Number(flag(name)) : undefined);
  const handle = await startSweepWorker({
    redisUrl: flag('--redis') ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    queueName: flag('--queue') ?? DEFAULT_QUEUE,
    concurrency: num('--concurrency') ?? 1,
    ...(num('--lock-ms') ? { lockDurationMs: num('--lock-ms') } : {}),
    ...(num('--stalled-ms') ? { stalledIntervalMs: num('--stalled-ms') } : {}),
    sandboxed: !process.argv.includes('--in-process'),
    log: (line) => console.log(line),
  });
  const closeTimeout = num('--close-timeout-ms') ?? 30_000;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: closing (running jobs get ${closeTimeout} ms to finish)`);
    const outcome = await handle.close(closeTimeout);
    console.log(`worker ${outcome}`);
    process.exit(outcome === 'closed' ? 0 : 1);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
