// Job lifecycle: one job per output path, monotone progress ending in a terminal event, and cancel of a
// real C-Δθ job removing its temp output.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../src/core/edits/errors';
import { createApp, DEFAULT_ORIGINS } from './app';
import { JobManager, OutputBusyError, type JobEvent } from './jobs';
import { gpt2Specs, tmpWorkspace, writeBigF16 } from './testkit';
import { Workspace } from './workspace';

describe('JobManager', () => {
  it('allows one job per output path and frees it when the job ends', async () => {
    const m = new JobManager();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = m.start('survival', ['/w/out.json'], async () => (await gate, { result: 1 }));
    expect(() => m.start('mansu', ['/w/other', '/w/out.json'], async () => ({ result: 2 }))).toThrow(OutputBusyError);
    release();
    expect((await m.wait(a.id))?.state).toBe('done');
    const b = m.start('survival', ['/w/out.json'], async () => ({ result: 3 }));
    expect((await m.wait(b.id))?.result).toBe(3);
  });

  it('streams monotone progress and ends with exactly one terminal event', async () => {
    const m = new JobManager();
    const seen: JobEvent[] = [];
    let go!: () => void;
    const started = new Promise<void>((r) => (go = r));
    const j = m.start('cdelta', ['/w/x'], async (ctx) => {
      await started;
      for (let i = 0; i <= 10; i++) {
        ctx.progress('edit', i, 10);
        await new Promise((r) => setTimeout(r, 30));
      }
      ctx.progress('hash', 0, 1);
      return { result: 'ok' };
    });
    m.subscribe(j.id, (e) => seen.push(e));
    go();
    await m.wait(j.id);
    const fr = seen.filter((e) => e.type === 'progress').map((e) => (e as { fraction: number }).fraction);
    fr.forEach((f, i) => i && expect(f).toBeGreaterThanOrEqual(fr[i - 1]));
    expect(Math.max(...fr)).toBe(1);
    expect(seen.filter((e) => e.type !== 'progress')).toEqual([{ type: 'done', result: 'ok' }]);
  });

  it('turns a CancelledError into the cancelled state', async () => {
    const m = new JobManager();
    const j = m.start('mansu', ['/w/y'], async (ctx) => {
      await new Promise((r) => setTimeout(r, 20));
      if (ctx.signal.aborted) throw new CancelledError();
      return { result: null };
    });
    expect(m.cancel(j.id)).toBe(true);
    expect((await m.wait(j.id))?.state).toBe('cancelled');
    expect(m.cancel(j.id)).toBe(false);
  });
});

describe('cancel through the API', () => {
  let root = '';
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('stops a running C-Δθ job and removes its partial output', async () => {
    root = await tmpWorkspace('edits-cancel-');
    const specs = gpt2Specs(2, 768, 4096, 'F16');
    const fill = (salt: number) => (_t: number, s: number, out: Uint16Array) => {
      for (let i = 0; i < out.length; i++) out[i] = 0x2400 + ((s + i + salt) & 0x3ff);
    };
    await writeBigF16(join(root, 'a.safetensors'), specs, fill(0));
    await writeBigF16(join(root, 'b.safetensors'), specs, fill(3));
    const { app, jobs } = createApp({ workspace: await Workspace.open(root), token: 't', origins: DEFAULT_ORIGINS, maxBodyBytes: 1 << 20, port: () => 0 });
    const headers = { authorization: 'Bearer t', 'content-type': 'application/json' };
    const r = await app.request('/api/jobs/cdelta', { method: 'POST', headers, body: JSON.stringify({ base: 'a.safetensors', aligned: 'b.safetensors', circuitJson: { nodes: { m0: true, m1: true } }, nHeads: 12, outputs: [{ strength: 1, path: 'out' }] }) });
    expect(r.status).toBe(202);
    const { id } = (await r.json()) as { id: string };
    const c = await app.request(`/api/jobs/${id}/cancel`, { method: 'POST', headers });
    expect(((await c.json()) as { cancelled: boolean }).cancelled).toBe(true);
    expect((await jobs.wait(id))?.state).toBe('cancelled');
    expect((await readdir(root)).sort()).toEqual(['a.safetensors', 'b.safetensors']);
    const man = await app.request(`/api/jobs/${id}/manifest`, { headers });
    expect(man.status).toBe(409);
  });
});
