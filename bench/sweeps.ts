// Sweeps on a job queue, scale figures (`npx tsx bench/sweeps.ts`), issue #24 item 4. One run, on this machine:
//   loop        the single-process loop (InProcessBackend): the sweep's jobs one after another in this process
//   queue × k   the same sweeps (a fresh queue, so no job id is already done) on k = 1, 2, 4 local worker processes
//               (sweeps/worker.ts, concurrency 1, sandboxed processor), timed from submit to the last result
//               collected; worker start-up (tsx + module graph) is timed apart and excluded, after a warm-up sweep
//   no-op       queue overhead per job: jobs whose processor returns at once (one in-process BullMQ worker),
//               add → completed → result collected
// Two job sizes: light (tens of ms: the queue's round trip is a large share) and heavy (hundreds of ms).
// Also writes a plan for two real studies from measured per-job times in bench/results (tabular-protocol.json:
// the TFM protocol per dataset; alignbeam.json: ALIGNBEAM per prompt): jobs × per-job time ÷ workers + the queue's
// per-job overhead. Machine load (uptime) before and after. Writes bench/results/sweeps.json.
// Env: SWEEP_BENCH_JOBS (default 120), SWEEP_BENCH_NOOP (default 500).
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { InProcessBackend } from '../sweeps/backend';
import { BullmqBackend, redisConnection } from '../sweeps/bullmqBackend';
import { decodeExperiment } from '../src/core/experiments/envelope';
import { expandSweep, makeSweep, type ExpandedSweep } from '../src/core/experiments/sweep';
import { SPEC_CATALOGUE } from '../src/state/experiments';
import { cheapSweep, freshQueueName, spawnWorker, startOwnedRedis, stopWorkers } from '../sweeps/testkit';

const ROOT = new URL('..', import.meta.url).pathname;
const JOBS = Number(process.env.SWEEP_BENCH_JOBS ?? 120);
const NOOP = Number(process.env.SWEEP_BENCH_NOOP ?? 500);
const HEAVY_JOBS = Number(process.env.SWEEP_BENCH_HEAVY_JOBS ?? 24);
/** a job of a few hundred ms: ensembles on 10 synthetic datasets × 300 rows, 4 strategies */
const heavyExperiment = decodeExperiment({ format: 'workbench-experiment', version: 1, module: 'ensembles', specVersion: 1,
  spec: { pool: { kind: 'demo', datasets: 10, rows: 300 }, strategies: ['best-single', 'avg-uniform', 'caruana', 'stacking-lr'] }, seed: 0 }, SPEC_CATALOGUE);
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const uptime = () => execSync('uptime').toString().trim();

const uptimeBefore = uptime();
const loadBefore = loadavg().map((v) => round(v));
const redis = await startOwnedRedis();

// the single-process loop (warm-up sweep first: module caches, JIT)
const loop = new InProcessBackend();
const warm = cheapSweep(4, [], 900_000);
await loop.submit(warm);
await loop.settle(warm.sweepId);
const loopSweep = cheapSweep(JOBS, [], 0);
let t0 = performance.now();
await loop.submit(loopSweep);
await loop.settle(loopSweep.sweepId);
const loopMs = performance.now() - t0;
const loopDigests = new Map((await loop.results(loopSweep.sweepId)).records.map((r) => [loopSweep.jobs[r.index].experimentDigest, r.record.digest]));
console.log(`loop: ${JOBS} jobs in ${round(loopMs / 1000)} s`);
const heavySweep = () => expandSweep(makeSweep(heavyExperiment, [{ path: 'seed', values: Array.from({ length: HEAVY_JOBS }, (_, i) => i) }]), SPEC_CATALOGUE);
const loopHeavy = heavySweep();
t0 = performance.now();
await loop.submit(loopHeavy);
await loop.settle(loopHeavy.sweepId);
const loopHeavyMs = performance.now() - t0;
for (const r of (await loop.results(loopHeavy.sweepId)).records) loopDigests.set(loopHeavy.jobs[r.index].experimentDigest, r.record.digest);
console.log(`loop (heavy): ${HEAVY_JOBS} jobs in ${round(loopHeavyMs / 1000)} s`);

const queueRuns = [];
for (const k of [1, 2, 4]) {
  const queueName = freshQueueName('bench');
  const s0 = performance.now();
  const workers = await Promise.all(Array.from({ length: k }, () => spawnWorker(redis.url, queueName, ['--concurrency', '1'])));
  const startupMs = performance.now() - s0;
  const backend = new BullmqBackend({ redisUrl: redis.url, queueName });
  const warmup = cheapSweep(2 * k, [], 800_000 + k * 1000);
  await backend.submit(warmup);
  for await (const p of backend.watch(warmup.sweepId, { intervalMs: 50 })) void p;
  // the loop's experiments again (their digests must agree), in a fresh queue: submit → last result collected
  const timed = async (sweep: ExpandedSweep) => {
    const start = performance.now();
    await backend.submit(sweep);
    for await (const p of backend.watch(sweep.sweepId, { intervalMs: 50 })) void p;
    const { records, deadLetters } = await backend.results(sweep.sweepId);
    const ms = performance.now() - start;
    const agree = records.every((r) => loopDigests.get(sweep.jobs[r.index].experimentDigest) === r.record.digest);
    if (records.length !== sweep.jobs.length || deadLetters.length || !agree) throw new Error(`queue × ${k}: ${records.length} records, ${deadLetters.length} dead letters, digests agree: ${agree}`);
    return ms;
  };
  const ms = await timed(cheapSweep(JOBS, [], 0));
  const heavyMs = await timed(heavySweep());
  await backend.close();
  await stopWorkers(workers);
  queueRuns.push({
    workers: k, concurrencyPerWorker: 1, workerStartupSeconds: round(startupMs / 1000), digestsEqualLoop: true,
    light: { seconds: round(ms / 1000), jobsPerSecond: round(JOBS / (ms / 1000)), speedupOverLoop: round(loopMs / ms) },
    heavy: { seconds: round(heavyMs / 1000), jobsPerSecond: round(HEAVY_JOBS / (heavyMs / 1000)), speedupOverLoop: round(loopHeavyMs / heavyMs) },
  });
  console.log(`queue × ${k}: light ${round(ms / 1000)} s, heavy ${round(heavyMs / 1000)} s (startup ${round(startupMs / 1000)} s)`);
}

// queue overhead per job: a processor that does nothing
const noopQueue = freshQueueName('noop');
const conns = [redisConnection(redis.url), redisConnection(redis.url)];
const queue = new Queue(noopQueue, { connection: conns[0] });
const worker = new Worker(noopQueue, async () => ({ ok: true }), { connection: conns[1], concurrency: 1 });
await worker.waitUntilReady();
t0 = performance.now();
await queue.addBulk(Array.from({ length: NOOP }, (_, i) => ({ name: 'noop', data: { i }, opts: { jobId: `noop.${i}`, removeOnComplete: false } })));
while ((await queue.getJobCounts('completed')).completed < NOOP) await new Promise((r) => setTimeout(r, 20));
const noopMs = performance.now() - t0;
await worker.close();
await queue.close();
conns.forEach((c) => c.disconnect());
await redis.stop();
const overheadMsPerJob = noopMs / NOOP;
console.log(`no-op: ${round(overheadMsPerJob, 3)} ms per job`);

// plans for real studies, from measured per-job times
const perJobLoopMs = loopMs / JOBS;
const protocol = JSON.parse(readFileSync(join(ROOT, 'bench/results/tabular-protocol.json'), 'utf8')) as { seconds: number; spec: { datasets: string[]; teachers: string[] } };
const alignbeam = JSON.parse(readFileSync(join(ROOT, 'bench/results/alignbeam.json'), 'utf8')) as { seconds: number; prompts: number; machine: string };
const tfmPerDatasetS = protocol.seconds / protocol.spec.datasets.length;
const alignPerPromptS = alignbeam.seconds / alignbeam.prompts;
const plan = (name: string, jobs: number, perJobS: number, source: string) => ({
  study: name, jobs, perJobSeconds: round(perJobS, 3), source,
  queueOverheadSeconds: round((jobs * overheadMsPerJob) / 1000, 1),
  hoursOnWorkers: Object.fromEntries([1, 4, 16, 64].map((n) => [n, round((jobs * perJobS + jobs * overheadMsPerJob / 1000) / n / 3600, 2)])),
});
const result = {
  bench: 'sweeps',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '?', node: process.version, uptimeBefore, uptimeAfter: uptime(), loadavgBefore: loadBefore, loadavgAfter: loadavg().map((v) => round(v)) },
  job: 'ensembles, demo pool 2 datasets × 40 rows, strategies best-single + avg-uniform, one seed per job (recordRun: run record + digest)',
  jobs: JOBS,
  heavyJob: `ensembles, demo pool 10 datasets × 300 rows, 4 strategies (caruana, stacking-lr), ${HEAVY_JOBS} jobs`,
  loop: { seconds: round(loopMs / 1000), jobsPerSecond: round(JOBS / (loopMs / 1000)), msPerJob: round(perJobLoopMs) },
  loopHeavy: { seconds: round(loopHeavyMs / 1000), jobsPerSecond: round(HEAVY_JOBS / (loopHeavyMs / 1000)), msPerJob: round(loopHeavyMs / HEAVY_JOBS) },
  queue: queueRuns,
  noop: { jobs: NOOP, msPerJob: round(overheadMsPerJob, 3), note: 'add (bulk) → processed by one in-process worker, concurrency 1 → completed: the queue round trip a job pays' },
  plans: [
    plan('TFM benchmark, 150 datasets (the tabular protocol: 3 teachers × folds per dataset)', 150, tfmPerDatasetS, `bench/results/tabular-protocol.json: ${round(protocol.seconds)} s for ${protocol.spec.datasets.length} datasets on 2 shared cores`),
    plan('ALIGNBEAM sweep, 10,000 prompts (embedded model, α 0.9, K 4)', 10_000, alignPerPromptS, `bench/results/alignbeam.json: ${alignbeam.seconds} s for ${alignbeam.prompts} prompts (${alignbeam.machine})`),
  ],
  note: 'one worker = one process at concurrency 1 (one core); on this 2-core box 4 workers cannot beat 2. Plans: jobs × measured per-job time ÷ workers + queue overhead (no-op ms × jobs), assuming one core per worker like the one measured',
};
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/sweeps.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ loop: result.loop, loopHeavy: result.loopHeavy, queue: result.queue, noop: result.noop }, null, 1));
process.exit(0);
