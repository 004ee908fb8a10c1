// Sweeps on a real job queue: a real redis-server on a random loopback port (scripts/redis.mjs), worker *processes*
// (sweeps/worker.ts, sandboxed processors on worker threads), a fresh random queue name per test. What is checked:
//   a 200-job sweep (the size) on 3 worker processes gives the same run-record digests as the single-process loop;
//   a worker SIGKILLed mid-job loses nothing (its job is found stalled and re-run elsewhere) and nothing is counted
//   twice; the same sweep submitted twice (at once, and again after it finished) runs nothing twice; a poisoned job
//   (its dataset does not exist: fails on every attempt) is dead-lettered with its error and the sweep finishes;
//   a cancelled sweep stops; a Redis crash + restart mid-sweep (append-only file, fsync always) and the sweep
//   finishes with every result once; the sidecar's sweep routes over this backend (what the app calls).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisServer } from '../scripts/redis.mjs';
import { decodeExperiment } from '../src/core/experiments/envelope';
import { parseRunRecord } from '../src/core/experiments/record';
import { expandSweep, makeSweep } from '../src/core/experiments/sweep';
import { SPEC_CATALOGUE } from '../src/state/experiments';
import { InProcessBackend, type SweepProgress } from './backend';
import { BullmqBackend, redisConnection } from './bullmqBackend';
import type { Redis } from 'ioredis';
import { createApp, DEFAULT_ORIGINS } from '../sidecar/app';
import { Workspace } from '../sidecar/workspace';
import { cheapExperiment, cheapSweep, freshQueueName, ownedTempDir, spawnWorker, startOwnedRedis, stopWorkers, type WorkerProcess } from './testkit';

const FAST_STALL = ['--lock-ms', '2000', '--stalled-ms', '1000'];
let redis: RedisServer;
const workers: WorkerProcess[] = [];
const backends: BullmqBackend[] = [];
/** experiment digest → run-record digest, from the single-process loop */
const baseline = new Map<string, string>();
// 200 jobs (issue #24 asks for at least 200): every worker slot takes many; each sandboxed slot loads the module
// graph once, which is most of this file's CPU on a loaded 2-core CI box, so every worker runs one slot
const BIG = cheapSweep(200);

const backendFor = (redisUrl: string, queueName: string) => {
  const b = new BullmqBackend({ redisUrl, queueName, attempts: 3, backoffMs: 100 });
  backends.push(b);
  return b;
};
const start = async (redisUrl: string, queueName: string, n: number, args: string[] = []) => {
  const started = await Promise.all(Array.from({ length: n }, () => spawnWorker(redisUrl, queueName, args)));
  workers.push(...started);
  return started;
};
/** Polls `check` (a read of queue or process state) until it holds; the test's timeout bounds it. */
async function waitFor(check: () => Promise<boolean>, what: string, intervalMs = 20): Promise<void> {
  for (let polls = 0; !(await check()); polls++) {
    if (polls > 0 && polls % 2500 === 0) console.warn(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Every thread of `pid` is stopped (SIGSTOP has taken effect, not merely been sent). */
const frozen = (pid: number) => readdirSync(`/proc/${pid}/task`).every((tid) => {
  try {
    return /^\d+ \(.*\) [TtZX] /.test(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
  } catch {
    return true; // the thread ended meanwhile
  }
});

/**
 * Freezes a pool worker while it runs a job of `sweepId` and returns it with that job. A candidate is an active job
 * processed under a pool worker's name whose last start checkpoint is that worker's pid. The worker is stopped;
 * once every thread is stopped it can send nothing more, and one PING round trip later Redis has executed what it
 * had sent before (a completion in flight): if the job is still active the worker holds it, else it is thawed and
 * the next candidate tried. Fails only if the whole sweep finishes first.
 */
async function freezeWorkerMidJob(backend: BullmqBackend, redisUrl: string, sweepId: string, pool: WorkerProcess[]): Promise<{ victim: WorkerProcess; jobId: string }> {
  const redis = redisConnection(redisUrl);
  try {
    return await freezeLoop(backend, redis, sweepId, pool);
  } finally {
    redis.disconnect();
  }
}

async function freezeLoop(backend: BullmqBackend, redis: Redis, sweepId: string, pool: WorkerProcess[]): Promise<{ victim: WorkerProcess; jobId: string }> {
  for (;;) {
    if ((await backend.progress(sweepId)).finished) throw new Error('the sweep finished before a worker was caught holding a job');
    for (const job of await backend.queue.getActive()) {
      const victim = pool.find((w) => job.processedBy === `pid-${w.pid}` && job.data.starts?.at(-1)?.pid === w.pid);
      if (!victim || !job.id) continue;
      victim.child.kill('SIGSTOP');
      await waitFor(async () => frozen(victim.pid), 'the worker to stop', 1);
      await redis.ping();
      const now = await backend.queue.getJob(job.id);
      if (now && (await now.getState()) === 'active' && now.processedBy === `pid-${victim.pid}` && now.finishedOn === undefined) return { victim, jobId: job.id };
      victim.child.kill('SIGCONT');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function until(backend: BullmqBackend, sweepId: string, pred: (p: SweepProgress) => boolean): Promise<SweepProgress[]> {
  const seen: SweepProgress[] = [];
  for await (const p of backend.watch(sweepId, { intervalMs: 100 })) {
    seen.push(p);
    if (pred(p)) break;
  }
  return seen;
}

beforeAll(async () => {
  redis = await startOwnedRedis();
  const local = new InProcessBackend();
  await local.submit(BIG);
  await local.settle(BIG.sweepId);
  const { records, deadLetters } = await local.results(BIG.sweepId);
  expect(deadLetters).toEqual([]);
  for (const r of records) baseline.set(BIG.jobs[r.index].experimentDigest, r.record.digest);
}, 180_000);

afterAll(async () => {
  await stopWorkers(workers, 5000);
  await Promise.all(backends.map((b) => b.close()));
  await redis?.stop();
}, 60_000);

describe('sweeps on BullMQ + redis-server', () => {
  it('200 jobs on 3 worker processes equal the single-process loop; a SIGKILLed worker\'s job is re-run; duplicates run nothing twice', async () => {
    const queueName = freshQueueName();
    const pool = await start(redis.url, queueName, 3, ['--concurrency', '1', ...FAST_STALL]);
    const backend = backendFor(redis.url, queueName);
    const [a, b] = await Promise.all([backend.submit(BIG), backend.submit(BIG)]);
    expect(a.sweepId).toBe(b.sweepId);
    const counts = await backend.queue.getJobCounts('wait', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBe(BIG.jobs.length);

    await until(backend, BIG.sweepId, (p) => p.done >= 20);
    // kill a worker mid-job, on queue state only: freeze (SIGSTOP) a worker whose job is active under its name with
    // its start checkpoint written, confirm the job is still active once the frozen process can send nothing more,
    // SIGKILL it; then its lock expires (lock lost) and another worker runs the job again
    const { victim, jobId } = await freezeWorkerMidJob(backend, redis.url, BIG.sweepId, pool);
    victim.child.kill('SIGKILL');
    await victim.exited;
    // lock lost: the stalled check found the job's lock expired and counted it (a monotone mark, unlike the lock key)
    await waitFor(async () => ((await backend.queue.getJob(jobId))?.stalledCounter ?? 0) >= 1, 'the stalled check to find the killed worker\'s job');
    await waitFor(async () => {
      const job = await backend.queue.getJob(jobId);
      return (await job?.getState()) === 'completed' && job!.processedBy !== `pid-${victim.pid}`;
    }, 'the killed worker\'s job to be run again and completed by another worker');

    const seen = await until(backend, BIG.sweepId, (p) => p.finished);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ total: BIG.jobs.length, done: BIG.jobs.length, failed: 0, finished: true });
    for (let i = 1; i < seen.length; i++) expect(seen[i].done).toBeGreaterThanOrEqual(seen[i - 1].done);

    const { records, deadLetters } = await backend.results(BIG.sweepId);
    expect(deadLetters).toEqual([]);
    expect(records).toHaveLength(BIG.jobs.length);
    expect(new Set(records.map((r) => r.jobId)).size).toBe(BIG.jobs.length);
    for (const r of records) expect(r.record.digest).toBe(baseline.get(BIG.jobs[r.index].experimentDigest));
    expect(() => parseRunRecord(records[0].record)).not.toThrow();
    // the jobs the killed worker started and did not finish (the one caught mid-job among them): each run again and
    // completed by another process, once
    const completed = await backend.queue.getJobs(['completed'], 0, -1);
    expect(completed).toHaveLength(BIG.jobs.length);
    const orphaned = completed.filter((j) => (j.data.starts ?? []).some((s) => s.pid === victim.pid) && j.processedBy !== `pid-${victim.pid}`);
    expect(orphaned.map((j) => j.id)).toContain(jobId);
    for (const job of orphaned) {
      expect(job.attemptsStarted).toBeGreaterThanOrEqual(2);
      expect(job.data.starts?.at(-1)?.pid).not.toBe(victim.pid);
    }
    expect(completed.every((j) => (j.data.starts ?? []).length >= 1)).toBe(true);

    const again = await backend.submit(BIG);
    expect(again).toEqual({ sweepId: BIG.sweepId, total: BIG.jobs.length, added: 0 });
    expect((await backend.queue.getJobCounts('completed')).completed).toBe(BIG.jobs.length);
  }, 240_000);

  it('a poisoned job is dead-lettered with its error after its attempts; the sweep finishes; the sidecar routes run a sweep on the queue; a cancel stops a sweep', async () => {
    const queueName = freshQueueName();
    await start(redis.url, queueName, 1, ['--concurrency', '1', ...FAST_STALL]);
    const backend = backendFor(redis.url, queueName);
    const tabular = decodeExperiment({ format: 'workbench-experiment', version: 1, module: 'tabular', specVersion: 2,
      spec: { view: 'teacher', dataset: { id: 'pima' }, teachers: ['logreg'], folds: 2 }, seed: 1 }, SPEC_CATALOGUE);
    const poisoned = expandSweep(makeSweep(tabular, [{ path: 'dataset.id', values: ['pima', 'no-such-dataset'] }, { path: 'seed', values: [1, 2] }]), SPEC_CATALOGUE);
    await backend.submit(poisoned);
    const seen = await until(backend, poisoned.sweepId, (p) => p.finished);
    expect(seen.at(-1)).toMatchObject({ total: 4, done: 2, failed: 2, finished: true });
    const { records, deadLetters } = await backend.results(poisoned.sweepId);
    expect(records.map((r) => r.record.experiment.spec.dataset)).toEqual([{ id: 'pima' }, { id: 'pima' }]);
    expect(deadLetters.map((d) => d.index)).toEqual([2, 3]);
    for (const d of deadLetters) {
      expect(d.attempts).toBe(3);
      expect(d.error).toMatch(/input-unavailable.*no-such-dataset/);
      expect(d.title).toMatch(/dataset\.id="no-such-dataset"/);
    }

    // the same queue behind the sidecar's routes: what the app's Experiments page calls
    const { app } = createApp({ workspace: await Workspace.open(ownedTempDir('sweeps-ws-')), token: 't0k3n-sweeps-test', origins: DEFAULT_ORIGINS, maxBodyBytes: 1 << 20, port: () => 0, sweeps: () => backend });
    const auth = { authorization: 'Bearer t0k3n-sweeps-test', 'content-type': 'application/json' };
    const viaSidecar = makeSweep(cheapExperiment(), [{ path: 'seed', values: [7, 8, 9] }]);
    const sub = await (await app.request('/api/sweeps', { method: 'POST', headers: auth, body: JSON.stringify({ sweep: viaSidecar }) })).json() as { sweepId: string; events: string; results: string };
    const events = (await (await app.request(sub.events, { headers: auth })).text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events.at(-1)).toMatchObject({ type: 'finished', done: 3, total: 3 });
    const landed = await (await app.request(sub.results, { headers: auth })).json() as { records: { record: unknown }[] };
    expect(landed.records.map((r) => parseRunRecord(r.record).seed)).toEqual([7, 8, 9]);

    const long = cheapSweep(60, [], 1000);
    await backend.submit(long);
    await until(backend, long.sweepId, (p) => p.done >= 3);
    const { removed } = await backend.cancel(long.sweepId);
    expect(removed).toBeGreaterThan(0);
    const end = await until(backend, long.sweepId, (p) => p.finished);
    const stopped = end.at(-1)!;
    expect(stopped.cancelled).toBe(true);
    expect(stopped.done + stopped.failed).toBeLessThan(60);
    // nothing of it is left waiting, delayed or running (the queue is this test's own), so nothing can finish later
    expect(await backend.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized')).toEqual({ wait: 0, active: 0, delayed: 0, prioritized: 0 });
    expect((await backend.progress(long.sweepId)).done).toBe(stopped.done);
  }, 180_000);

  it('a Redis crash and restart mid-sweep (append-only file, fsync always): the sweep finishes, every result once', async () => {
    const dir = ownedTempDir('sweeps-redis-');
    const durable = await startOwnedRedis({ dir });
    try {
      const queueName = freshQueueName();
      const pool = await start(durable.url, queueName, 1, ['--concurrency', '1', ...FAST_STALL]);
      const backend = backendFor(durable.url, queueName);
      const sweep = cheapSweep(30);
      await backend.submit(sweep);
      await until(backend, sweep.sweepId, (p) => p.done >= 8);
      await durable.restart({ crash: true });
      const seen = await until(backend, sweep.sweepId, (p) => p.finished);
      expect(seen.at(-1)).toMatchObject({ total: 30, done: 30, failed: 0, finished: true });
      const { records } = await backend.results(sweep.sweepId);
      expect(new Set(records.map((r) => r.jobId)).size).toBe(30);
      for (const r of records) expect(r.record.digest).toBe(baseline.get(sweep.jobs[r.index].experimentDigest));
      await stopWorkers(pool);
      // a graceful close (SIGTERM → worker.close()) exits 0
      expect(pool.map((w) => w.child.exitCode)).toEqual([0]);
    } finally {
      await durable.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
