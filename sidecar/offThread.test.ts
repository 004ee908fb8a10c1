// The HTTP side stays free while jobs compute: two survival jobs on densely edited fp16 checkpoints (every
// weight changed, the costliest survival case) run at once, and the server's own event loop utilisation
// over their run stays low while health and status keep answering. With the maths on the event loop the
// utilisation was ~1 and each answer waited for a whole chunk. No throughput is asserted here.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TensorSpec } from '../src/core/edits/safetensors';
import { createApp, DEFAULT_ORIGINS } from './app';
import { inspectOffThread, prewarmWorker, workersStarted } from './offThread';
import { tmpWorkspace, writeBigF16 } from './testkit';
import { Workspace } from './workspace';

const TOKEN = 'test-token-0123456789';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
let root: string;
let app: ReturnType<typeof createApp>['app'];
let jobs: ReturnType<typeof createApp>['jobs'];

beforeAll(async () => {
  root = await tmpWorkspace('edits-offthread-');
  const specs: TensorSpec[] = Array.from({ length: 4 }, (_, k) => ({ name: `layers.${k}.weight`, dtype: 'F16', shape: [1024, 1024] }));
  const base = (t: number, s: number, out: Uint16Array) => {
    for (let i = 0; i < out.length; i++) out[i] = 0x2000 + ((Math.imul(s + i, 2654435761) ^ t) >>> 22) + ((i & 1) << 15);
  };
  const edited = (t: number, s: number, out: Uint16Array) => {
    base(t, s, out);
    for (let i = 0; i < out.length; i++) out[i] += 1 + ((s + i) % 3);
  };
  for (const k of [1, 2]) {
    await writeBigF16(join(root, `base${k}.safetensors`), specs, base);
    await writeBigF16(join(root, `edited${k}.safetensors`), specs, edited);
  }
  ({ app, jobs } = createApp({ workspace: await Workspace.open(root), token: TOKEN, origins: DEFAULT_ORIGINS, maxBodyBytes: 4096, port: () => 0 }));
});

afterAll(async () => {
  await jobs.cancelAll();
  await rm(root, { recursive: true, force: true });
});

describe('jobs off the event loop', () => {
  it('answers health and status while two survival jobs run, with the event loop mostly idle', async () => {
    const elu0 = performance.eventLoopUtilization();
    const ids: string[] = [];
    for (const k of [1, 2]) {
      const body = { base: `base${k}.safetensors`, edited: `edited${k}.safetensors`, quant: 'fp4', output: `report${k}.json` };
      const r = await app.request('/api/jobs/survival', { method: 'POST', headers, body: JSON.stringify(body) });
      expect(r.status).toBe(202);
      ids.push(((await r.json()) as { id: string }).id);
    }
    const latencies: number[] = [];
    let answeredWhileRunning = 0;
    const finished = Promise.all(ids.map((id) => jobs.wait(id)));
    let done = false;
    void finished.then(() => (done = true));
    while (!done) {
      const t0 = performance.now();
      const h = await app.request('/api/health', { headers });
      const s = await app.request(`/api/jobs/${ids[0]}`, { headers });
      latencies.push(performance.now() - t0);
      expect(h.status).toBe(200);
      if (((await s.json()) as { state: string }).state === 'running') answeredWhileRunning++;
      await new Promise((r) => setTimeout(r, 10));
    }
    const elu = performance.eventLoopUtilization(elu0);
    for (const j of await finished) expect(j?.state, j?.error).toBe('done');
    latencies.sort((a, b) => a - b);
    expect(answeredWhileRunning).toBeGreaterThan(3);
    // Generous bounds for a loaded CI box: the maths runs elsewhere, so the loop is idle most of the time.
    expect(elu.utilization).toBeLessThan(0.5);
    expect(latencies[latencies.length >> 1]).toBeLessThan(100);
  });
});

describe('worker pool', () => {
  it('reuses a warm worker: one start for a prewarm and three inspections in a row', async () => {
    await prewarmWorker();
    const before = workersStarted();
    const ref = { rel: 'base1.safetensors', abs: join(root, 'base1.safetensors') };
    for (let k = 0; k < 3; k++) expect((await inspectOffThread(ref)).params).toBe(4 * 1024 * 1024);
    // Before the pool, each request started (and compiled) a worker of its own.
    expect(workersStarted()).toBe(before);
  });
});
