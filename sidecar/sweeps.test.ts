// The sweep routes end to end in-process (the single-process loop as the backend; the BullMQ backend behind the
// same interface is tested with real Redis and worker processes in sweeps/sweeps.test.ts): submit, NDJSON progress
// to the final event, run records that pass the reader, idempotent resubmission, named refusals, cancel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunRecord } from '../src/core/experiments/record';
import { makeSweep } from '../src/core/experiments/sweep';
import { InProcessBackend } from '../sweeps/backend';
import { cheapExperiment } from '../sweeps/testkit';
import { createApp, DEFAULT_ORIGINS } from './app';
import { tmpWorkspace } from './testkit';
import { Workspace } from './workspace';

const TOKEN = 'test-token-sweeps-0123456789';
let app: ReturnType<typeof createApp>['app'];
const backend = new InProcessBackend();

const call = (path: string, body?: unknown) => app.request(path, {
  method: body === undefined ? 'GET' : 'POST',
  headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

beforeAll(async () => {
  ({ app } = createApp({ workspace: await Workspace.open(await tmpWorkspace('sweeps-ws-')), token: TOKEN, origins: DEFAULT_ORIGINS, maxBodyBytes: 1 << 20, port: () => 0, sweeps: () => backend }));
});
afterAll(() => backend.close());

describe('sidecar sweep routes', () => {
  it('submits a sweep, streams progress to the end, returns its run records; resubmitting adds nothing', async () => {
    const sweep = makeSweep(cheapExperiment(), [{ path: 'seed', values: [1, 2, 3] }, { path: 'pool.rows', values: [40, 50] }], 'sidecar sweep');
    const res = await call('/api/sweeps', { sweep });
    expect(res.status).toBe(202);
    const sub = await res.json() as { sweepId: string; total: number; added: number; events: string; results: string; module: string };
    expect(sub).toMatchObject({ total: 6, added: 6, module: 'ensembles' });
    const text = await (await call(sub.events)).text();
    const events = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; done: number; total: number });
    expect(events.at(-1)).toMatchObject({ type: 'finished', done: 6, total: 6, failed: 0 });
    expect(events.slice(0, -1).every((e) => e.type === 'progress')).toBe(true);
    const results = await (await call(sub.results)).json() as { records: { index: number; record: unknown }[]; deadLetters: unknown[] };
    expect(results.records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const records = results.records.map((r) => parseRunRecord(r.record));
    expect(records.map((r) => r.seed)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(records[5].experiment.title).toBe('sidecar sweep: seed=3 pool.rows=50');
    expect(await (await call('/api/sweeps', { sweep })).json()).toMatchObject({ sweepId: sub.sweepId, added: 0 });
  });

  it('refuses a bad sweep by name (422), an unknown sweep (404), a body without a sweep (400)', async () => {
    const bad = await call('/api/sweeps', { sweep: makeSweep(cheapExperiment(), [{ path: 'pool.colums', values: [1] }]) });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ name: 'SweepError', kind: 'unknown-axis' });
    expect((await call('/api/sweeps/nope')).status).toBe(404);
    expect((await call('/api/sweeps/nope/events')).status).toBe(404);
    expect((await call('/api/sweeps', { notASweep: 1 })).status).toBe(400);
    expect((await app.request('/api/sweeps/nope')).status).toBe(401);
  });

  it('cancels a sweep: it finishes with what completed', async () => {
    const sweep = makeSweep(cheapExperiment(), [{ path: 'seed', values: Array.from({ length: 40 }, (_, i) => 100 + i) }]);
    const sub = await (await call('/api/sweeps', { sweep })).json() as { sweepId: string };
    const cancel = await (await call(`/api/sweeps/${sub.sweepId}/cancel`, {})).json() as { removed: number };
    expect(cancel.removed).toBeGreaterThan(0);
    await backend.settle(sub.sweepId);
    const p = await (await call(`/api/sweeps/${sub.sweepId}`)).json() as { done: number; cancelled: boolean; finished: boolean };
    expect(p).toMatchObject({ cancelled: true, finished: true });
    expect(p.done).toBeLessThan(40);
  });
});
