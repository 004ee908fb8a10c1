// One sidecar per workspace, with real processes: a second sidecar started on a workspace whose first one is
// mid-job exits with an error naming the first (and leaves its temp output alone: it used to sweep it), a
// clean stop releases the lock, and a lock left by a dead process is taken over.
import { spawnSync } from 'node:child_process';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from './lock';
import { gpt2Specs, startSidecar, tmpWorkspace, writeBigF16, type RunningSidecar } from './testkit';

let root: string;
const running: RunningSidecar[] = [];

beforeAll(async () => {
  root = await tmpWorkspace('edits-lock-');
  const specs = gpt2Specs(2, 1024, 8192, 'F16');
  const fill = (salt: number) => (_t: number, s: number, out: Uint16Array) => {
    for (let i = 0; i < out.length; i++) out[i] = 0x2400 + ((s + i + salt) & 0x3ff);
  };
  await writeBigF16(join(root, 'a.safetensors'), specs, fill(0));
  await writeBigF16(join(root, 'b.safetensors'), specs, fill(3));
});

afterAll(async () => {
  for (const s of running) {
    s.proc.kill('SIGCONT');
    await s.kill();
  }
  await rm(root, { recursive: true, force: true });
});

async function partials(): Promise<string[]> {
  return (await readdir(root)).filter((n) => n.includes('.partial-'));
}

describe('workspace lock', () => {
  it('refuses a second sidecar while the first runs a job, and the first one\'s temp output survives', async () => {
    const s1 = await startSidecar(root);
    running.push(s1);
    const lock = JSON.parse(await readFile(join(root, LOCK_FILE), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(s1.proc.pid);
    const headers = { authorization: `Bearer ${s1.token}`, 'content-type': 'application/json' };
    const r = await fetch(`${s1.url}/api/jobs/cdelta`, { method: 'POST', headers, body: JSON.stringify({ base: 'a.safetensors', aligned: 'b.safetensors', circuitJson: { nodes: { m0: true, m1: true } }, nHeads: 16, outputs: [{ strength: 1, path: 'out' }] }) });
    expect(r.status).toBe(202);
    const { id } = (await r.json()) as { id: string };
    const t0 = Date.now();
    while ((await partials()).length === 0 && Date.now() - t0 < 20_000) await new Promise((res) => setTimeout(res, 10));
    // Frozen mid-job: alive (its pid answers), its temp output on disk, deterministically unfinished.
    s1.proc.kill('SIGSTOP');
    const temp = await partials();
    expect(temp, 'the first sidecar was writing its output').toHaveLength(1);

    const second = await startSidecar(root).then((s) => (running.push(s), 'started'), (e: Error) => e.message);
    expect(second).toMatch(new RegExp(`exited \\(1\\).*in use by another edits sidecar \\(pid ${s1.proc.pid}`, 's'));
    expect(await partials()).toEqual(temp);

    s1.proc.kill('SIGCONT');
    let state = '';
    while (Date.now() - t0 < 120_000) {
      state = ((await (await fetch(`${s1.url}/api/jobs/${id}`, { headers })).json()) as { state: string }).state;
      if (state !== 'running') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(state).toBe('done');
    expect((await stat(join(root, 'out/model.safetensors'))).isFile()).toBe(true);
    expect(await partials()).toEqual([]);
    await s1.kill('SIGTERM');
    await expect(stat(join(root, LOCK_FILE))).rejects.toThrow(/ENOENT/);
  }, 180_000);

  it('takes over a lock whose process is dead', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(root, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
    const s = await startSidecar(root);
    running.push(s);
    expect(s.stdout()).toMatch(new RegExp(`took over the workspace lock of an earlier sidecar \\(pid ${dead}\\)`));
    expect((JSON.parse(await readFile(join(root, LOCK_FILE), 'utf8')) as { pid: number }).pid).toBe(s.proc.pid);
    await s.kill('SIGTERM');
  }, 60_000);
});
