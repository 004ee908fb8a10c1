// Sweeps on a real job queue: a real redis-server on a random loopback port (scripts/redis.mjs), worker *processes*
// (sweeps/worker.ts, sandboxed processors on worker threads), a fresh random queue name per test. What is checked:
//   a 200-job sweep on 3 workers × concurrency 2 gives the same run-record digests as the single-process loop;
//   a worker SIGKILLed mid-job loses nothing (its job is found stalled and re-run elsewhere) and nothing is counted
//   twice; the same sweep submitted twice (at once, and again after it finished) runs nothing twice; a poisoned job
//   (its dataset does not exist: fails on every attempt) is dead-lettered with its error and the sweep finishes;
//   a cancelled sweep stops; a Redis crash + restart mid-sweep (append-only file, fsync always) and the sweep
//   finishes with every result once; the sidecar's sweep routes over this backend (what the app calls).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../scripts/redis.mjs';
import { decodeExperiment } from '../src/core/experiments/envelope';
import { parseRunRecord } from '../src/core/experiments/record';
import { expandSweep, makeSweep } from '../src/core/experiments/sweep';
import { SPEC_CATALOGUE } from '../src/state/experiments';
import { InProcessBackend, type SweepProgress } from './backend';
import { BullmqBackend } from './bullmqBackend';
import { createApp, DEFAULT_ORIGINS } from '../sidecar/app';
import { tmpWorkspace } from '../sidecar/testkit';
import { Workspace } from '../sidecar/workspace';
import { cheapExperiment, cheapSweep, freshQueueName, spawnWorker, stopWorkers, type WorkerProcess } from './testkit';

const FAST_STALL = ['--lock-ms', '2000', '--stalled-ms', '1000'];
let redis: RedisServer;
const workers: WorkerProcess[] = [];
const backends: BullmqBackend[] = [];
/** experiment digest → run-record digest, from the single-process loop */
const baseline = new Map<string, string>();
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
async function until(backend: BullmqBackend, sweepId: string, pred: (p: SweepProgress) => boolean): Promise<SweepProgress[]> {
  const seen: SweepProgress[] = [];
  for await (const p of backend.watch(sweepId, { intervalMs: 100 })) {
    seen.push(p);
    if (pred(p)) break;
  }
  return seen;
}

beforeAll(async () => {
  redis = await startRedis();
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
    const pool = await start(redis.url, queueName, 3, ['--concurrency', '2', ...FAST_STALL]);
    const backend = backendFor(redis.url, queueName);
    const [a, b] = await Promise.all([backend.submit(BIG), backend.submit(BIG)]);
    expect(a.sweepId).toBe(b.sweepId);
    const counts = await backend.queue.getJobCounts('wait', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBe(200);

    await until(backend, BIG.sweepId, (p) => p.done >= 20);
    // kill a worker mid-job: freeze it (SIGSTOP) so nothing it holds can finish, read the jobs it holds, then SIGKILL
    let victim: WorkerProcess | undefined;
    let held: string[] = [];
    for (let i = 0; i < 200 && held.length === 0; i++) {
      const active = await backend.queue.getActive();
      victim = pool.find((w) => active.some((j) => j.processedBy === `pid-${w.pid}`));
      if (!victim) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      victim.child.kill('SIGSTOP');
      held = (await backend.queue.getActive()).filter((j) => j.processedBy === `pid-${victim!.pid}`).map((j) => j.id!);
      if (held.length === 0) victim.child.kill('SIGCONT');
    }
    expect(held.length, 'jobs held by the frozen worker').toBeGreaterThan(0);
    victim!.child.kill('SIGKILL');
    await victim!.exited;

    const seen = await until(backend, BIG.sweepId, (p) => p.finished);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ total: 200, done: 200, failed: 0, finished: true });
    for (let i = 1; i < seen.length; i++) expect(seen[i].done).toBeGreaterThanOrEqual(seen[i - 1].done);

    const { records, deadLetters } = await backend.results(BIG.sweepId);
    expect(deadLetters).toEqual([]);
    expect(records).toHaveLength(200);
    expect(new Set(records.map((r) => r.jobId)).size).toBe(200);
    for (const r of records) expect(r.record.digest).toBe(baseline.get(BIG.jobs[r.index].experimentDigest));
    expect(() => parseRunRecord(records[0].record)).not.toThrow();
    // the jobs the killed worker held: each run again and completed by another process, once
    const completed = await backend.queue.getJobs(['completed'], 0, -1);
    expect(completed).toHaveLength(200);
    for (const id of held) {
      const job = completed.find((j) => j.id === id)!;
      expect(job.processedBy).not.toBe(`pid-${victim!.pid}`);
      expect(job.attemptsStarted).toBeGreaterThanOrEqual(2);
      expect(job.data.starts?.at(-1)?.pid).not.toBe(victim!.pid);
    }
    expect(completed.every((j) => (j.data.starts ?? []).length >= 1)).toBe(true);

    const again = await backend.submit(BIG);
    expect(again).toEqual({ sweepId: BIG.sweepId, total: 200, added: 0 });
    expect((await backend.queue.getJobCounts('completed')).completed).toBe(200);
  }, 240_000);

  it('a poisoned job is dead-lettered with its error after its attempts; the sweep finishes; the sidecar routes run a sweep on the queue; a cancel stops a sweep', async () => {
    const queueName = freshQueueName();
    await start(redis.url, queueName, 1, ['--concurrency', '2', ...FAST_STALL]);
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
    const { app } = createApp({ workspace: await Workspace.open(await tmpWorkspace('sweeps-ws-')), token: 't0k3n-sweeps-test', origins: DEFAULT_ORIGINS, maxBodyBytes: 1 << 20, port: () => 0, sweeps: () => backend });
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
    await new Promise((r) => setTimeout(r, 1500));
    expect((await backend.progress(long.sweepId)).done).toBe(stopped.done);
    expect(await backend.queue.getJobCounts('wait', 'active', 'delayed')).toEqual({ wait: 0, active: 0, delayed: 0 });
  }, 180_000);

  it('a Redis crash and restart mid-sweep (append-only file, fsync always): the sweep finishes, every result once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweeps-redis-'));
    const durable = await startRedis({ dir });
    try {
      const queueName = freshQueueName();
      const pool = await start(durable.url, queueName, 1, ['--concurrency', '2', ...FAST_STALL]);
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
