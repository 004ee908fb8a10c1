// Test and bench helpers for sweeps: real worker processes (sweeps/worker.ts under tsx's loader, so a SIGKILL hits
// the worker itself, not an npx wrapper), a redis-server and temp dirs, a fresh random queue name, and the cheap
// sweep the tests and the bench run (ensembles on a tiny synthetic pool: tens of ms a job).
// Every process and dir made here is owned by this process: when it exits, or is interrupted (Ctrl-C, a CI
// timeout's SIGTERM), the owned processes are stopped and the dirs removed, so an interrupted run leaves no
// redis-server or worker behind (a SIGKILL of this process cannot be caught: nothing can clean up then).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisServer } from '../scripts/redis.mjs';
import { decodeExperiment } from '../src/core/experiments/envelope';
import { expandSweep, makeSweep, type ExpandedSweep, type SweepAxis } from '../src/core/experiments/sweep';
import { SPEC_CATALOGUE } from '../src/state/experiments';
import { REPOSITORY_ROOT } from './jobRunner';

/** the pid of an owned process while it runs, undefined once it has exited */
type LivePid = () => number | undefined;
const ownedProcesses = new Set<LivePid>();
const ownedDirs = new Set<string>();
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** how long an interrupt waits for owned processes to stop on SIGTERM before it SIGKILLs them */
const INTERRUPT_GRACE_MS = 3000;
let hooksInstalled = false;
let interrupted = false;

const livePids = () => [...ownedProcesses].map((live) => live()).filter((pid): pid is number => pid !== undefined);
const signalAll = (signal: NodeJS.Signals) => {
  for (const pid of livePids()) {
    try {
      process.kill(pid, signal);
    } catch {
      // it exited meanwhile
    }
  }
};
const removeOwnedDirs = () => {
  for (const dir of ownedDirs) {
    rmSync(dir, { recursive: true, force: true });
    ownedDirs.delete(dir);
  }
};

/** On exit nothing async can run: SIGKILL what is left, remove the dirs. Running it twice does nothing more. */
function cleanUpNow(): void {
  signalAll('SIGKILL');
  ownedProcesses.clear();
  removeOwnedDirs();
}

/**
 * On an interrupt: SIGTERM the owned processes (workers close, redis shuts down), wait for them (their exits are
 * reaped by this process, so none is left a zombie), SIGKILL any past the grace, remove the dirs, then end the way
 * the signal would have (unless another listener, e.g. a test runner's, handles it). A second interrupt while
 * waiting kills at once.
 */
async function onInterrupt(signal: NodeJS.Signals): Promise<void> {
  if (interrupted) return cleanUpNow();
  interrupted = true;
  signalAll('SIGTERM');
  for (let waited = 0; livePids().length > 0 && waited < INTERRUPT_GRACE_MS; waited += 20) await new Promise((r) => setTimeout(r, 20));
  cleanUpNow();
  for (const s of INTERRUPTS) process.removeListener(s, interruptListener);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
const interruptListener = (signal: NodeJS.Signals) => void onInterrupt(signal);

function installCleanupHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanUpNow);
  for (const s of INTERRUPTS) process.on(s, interruptListener);
}

function ownProcess(live: LivePid): () => void {
  installCleanupHooks();
  ownedProcesses.add(live);
  return () => ownedProcesses.delete(live);
}

const childPid = (child: ChildProcess) => () => (child.exitCode === null && child.signalCode === null ? child.pid : undefined);

/** A temp dir removed when this process exits or is interrupted (or earlier by `rmSync`: removing it twice is fine). */
export function ownedTempDir(prefix = 'sweeps-'): string {
  installCleanupHooks();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  ownedDirs.add(dir);
  return dir;
}

/** `startRedis` (scripts/redis.mjs) whose server, restarted or not, is stopped when this process exits or is interrupted. */
export async function startOwnedRedis(options?: Parameters<typeof startRedis>[0]): Promise<RedisServer> {
  const server = await startRedis(options);
  ownProcess(() => (server.running ? server.pid : undefined));
  return server;
}

export const freshQueueName = (tag = 'test') => `${tag}-${randomBytes(6).toString('hex')}`;

export interface WorkerProcess { child: ChildProcess; pid: number; output: () => string; exited: Promise<number | null> }

/** Starts a worker process and resolves once it is listening on the queue. */
export function spawnWorker(redisUrl: string, queueName: string, args: string[] = [], readyTimeoutMs = 90_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sweeps/worker.ts', '--redis', redisUrl, '--queue', queueName, ...args], {
    cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const disown = ownProcess(childPid(child));
  let out = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => {
    disown();
    r(code);
  }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker not ready in ${readyTimeoutMs} ms:\n${out}`));
    }, readyTimeoutMs);
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
