// An interrupted sweep test run leaves nothing behind: a child process starts through the testkit what
// sweeps.test.ts starts (redis-server, a worker process, a temp dir) and is then sent SIGINT (Ctrl-C) or SIGTERM
// (a CI timeout), or exits on its own; every process it started must be gone and its dir removed. Without the
// testkit's exit and signal hooks the redis-server and the worker outlive it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from './jobRunner';

interface Owned { redisPid: number; workerPid: number; dir: string }

/** Gone: no such process, or a zombie / dead entry (exited, waiting only to be reaped by whoever adopted it). */
function gone(pid: number): boolean {
  try {
    return /^\d+ \(.*\) [ZXx] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

const leftovers: number[] = [];
afterEach(() => {
  // a failed run must not leave its own leak behind
  for (const pid of leftovers.splice(0)) if (!gone(pid)) process.kill(pid, 'SIGKILL');
});

async function startFixture(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sweeps/cleanupFixture.ts', ...args], { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const owned = await new Promise<Owned>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^OWNED (.*)$/m.exec(out);
      if (m) resolve(JSON.parse(m[1]) as Owned);
    });
    void ended.then(({ code, signal }) => reject(new Error(`fixture ended (${code ?? signal}) before it started its processes:\n${out}`)));
  });
  leftovers.push(owned.redisPid, owned.workerPid);
  return { child, ended, owned };
}

/** Polls until every pid is gone; fails naming the survivors after a generous limit (a loaded CI box). */
async function expectAllGone(pids: number[], limitMs = 60_000): Promise<void> {
  for (let waited = 0; pids.some((pid) => !gone(pid)) && waited < limitMs; waited += 50) await new Promise((r) => setTimeout(r, 50));
  expect(pids.filter((pid) => !gone(pid)), 'processes the interrupted run left behind').toEqual([]);
}

describe('sweeps testkit cleans up what it started', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('on %s: redis-server and worker stopped, temp dir removed, and the run ends by that signal', async (signal) => {
    const { child, ended, owned } = await startFixture([]);
    expect(gone(owned.redisPid) || gone(owned.workerPid)).toBe(false);
    expect(existsSync(owned.dir)).toBe(true);
    child.kill(signal);
    expect(await ended).toEqual({ code: null, signal });
    await expectAllGone([owned.redisPid, owned.workerPid]);
    expect(existsSync(owned.dir)).toBe(false);
  }, 180_000);

  it('on a normal exit: the same', async () => {
    const { ended, owned } = await startFixture(['--exit']);
    expect(await ended).toEqual({ code: 0, signal: null });
    await expectAllGone([owned.redisPid, owned.workerPid]);
    expect(existsSync(owned.dir)).toBe(false);
  }, 180_000);
});
