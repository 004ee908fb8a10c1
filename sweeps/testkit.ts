// Test and bench helpers for sweeps: real worker processes (sweeps/worker.ts under tsx's loader, so a SIGKILL hits
// the worker itself, not an npx wrapper), a fresh random queue name, and the cheap sweep the tests and the bench
// run (ensembles on a tiny synthetic pool: tens of ms a job).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { decodeExperiment } from '../src/core/experiments/envelope';
import { expandSweep, makeSweep, type ExpandedSweep, type SweepAxis } from '../src/core/experiments/sweep';
import { SPEC_CATALOGUE } from '../src/state/experiments';
import { REPOSITORY_ROOT } from './jobRunner';

export const freshQueueName = (tag = 'test') => `${tag}-${randomBytes(6).toString('hex')}`;

export interface WorkerProcess { child: ChildProcess; pid: number; output: () => string; exited: Promise<number | null> }

/** Starts a worker process and resolves once it is listening on the queue. */
export function spawnWorker(redisUrl: string, queueName: string, args: string[] = [], readyTimeoutMs = 90_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sweeps/worker.ts', '--redis', redisUrl, '--queue', queueName, ...args], {
    cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready in ${readyTimeoutMs} ms:\n${out}`)), readyTimeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('sweep worker pid')) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid!, output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
  });
}

/** Stops workers: SIGTERM (graceful close), SIGKILL after `graceMs`. */
export async function stopWorkers(workers: WorkerProcess[], graceMs = 10_000): Promise<void> {
  await Promise.all(workers.map(async (w) => {
    if (w.child.exitCode !== null || w.child.signalCode !== null) return;
    w.child.kill('SIGTERM');
    const t = setTimeout(() => w.child.kill('SIGKILL'), graceMs);
    await w.exited;
    clearTimeout(t);
  }));
}

/** The cheap base experiment: ensembles, 2 synthetic datasets × 40 rows, 2 strategies. */
export const cheapExperiment = () => decodeExperiment({ format: 'workbench-experiment', version: 1, module: 'ensembles', specVersion: 1,
  spec: { pool: { kind: 'demo', datasets: 2, rows: 40 }, strategies: ['best-single', 'avg-uniform'] }, seed: 1 }, SPEC_CATALOGUE);

/** A seed sweep of the cheap experiment (plus any other axes). */
export function cheapSweep(seeds: number, axes: SweepAxis[] = [], firstSeed = 0): ExpandedSweep {
  return expandSweep(makeSweep(cheapExperiment(), [{ path: 'seed', values: Array.from({ length: seeds }, (_, i) => firstSeed + i) }, ...axes]), SPEC_CATALOGUE);
}
