// Sweep routes of the sidecar (issue #24): the app submits a sweep spec, follows its progress and collects its run
// records, which it lands in history. Same shape as the edit jobs: POST starts, an NDJSON event stream reports
// (progress events, then one final event), a cancel route stops. The backend is the sidecar's JobBackend: BullMQ
// when the sidecar was started with SWEEP_REDIS_URL (workers anywhere that Redis reaches run the jobs), else the
// single-process loop inside the sidecar (small sweeps; the jobs share the sidecar's event loop).
//   POST /api/sweeps               { sweep }        → 202 { sweepId, total, added, events, results }
//   GET  /api/sweeps/:id                            → progress { total, done, failed, cancelled, finished }
//   GET  /api/sweeps/:id/events                     → NDJSON: { type: 'progress', ... } … { type: 'finished', ... }
//   GET  /api/sweeps/:id/results                    → { records: [{ jobId, index, record }], deadLetters }
//   POST /api/sweeps/:id/cancel                     → { removed, signalled }
import type { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { ExperimentError } from '../src/core/experiments/errors';
import { expandSweep, SweepError } from '../src/core/experiments/sweep';
import { SPEC_CATALOGUE } from '../src/state/experiments';
import { InProcessBackend, UnknownSweepError, type JobBackend } from '../sweeps/backend';
import { BullmqBackend } from '../sweeps/bullmqBackend';

/** The sidecar's sweep backend: BullMQ on SWEEP_REDIS_URL (queue SWEEP_QUEUE), else the in-process loop. */
export function defaultSweepBackend(env = process.env): JobBackend {
  if (env.SWEEP_REDIS_URL) return new BullmqBackend({ redisUrl: env.SWEEP_REDIS_URL, ...(env.SWEEP_QUEUE ? { queueName: env.SWEEP_QUEUE } : {}) });
  return new InProcessBackend();
}

export function mountSweeps(app: Hono, backendOf: () => JobBackend, answerTimeoutMs = 30_000): void {
  let backend: JobBackend | undefined;
  const get = () => (backend ??= backendOf());
  const refusal = (e: unknown) => {
    if (e instanceof SweepError || e instanceof ExperimentError) return { status: 422 as const, body: { error: e.message, name: e.name, kind: e.kind, remedy: e.remedy } };
    if (e instanceof UnknownSweepError) return { status: 404 as const, body: { error: e.message, name: e.name } };
    return undefined;
  };
  // A request must not hang while Redis is down (BullMQ's connections wait for it to come back, which is what
  // workers want, not an HTTP caller: BullMQ's "failing fast when Redis is down" pattern): 503 after a bound.
  const guarded = <T>(fn: () => Promise<T>) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<{ status: 503; body: { error: string } }>((resolve) => {
      timer = setTimeout(() => resolve({ status: 503, body: { error: `the sweep backend did not answer in ${answerTimeoutMs} ms (is Redis at SWEEP_REDIS_URL up?); try again` } }), answerTimeoutMs);
    });
    const work = fn().catch((e: unknown) => {
      const r = refusal(e);
      if (r) return r;
      throw e;
    });
    return Promise.race([work, bound]).finally(() => clearTimeout(timer));
  };

  app.post('/api/sweeps', async (c) => {
    const raw = await c.req.json().catch(() => undefined) as { sweep?: unknown } | undefined;
    if (!raw || typeof raw !== 'object' || !('sweep' in raw)) return c.json({ error: 'body must be { "sweep": { "format": "workbench-sweep", ... } }' }, 400);
    const out = await guarded(async () => {
      const expanded = expandSweep(raw.sweep, SPEC_CATALOGUE);
      const submitted = await get().submit(expanded);
      return { status: 202 as const, body: { ...submitted, module: expanded.module, events: `/api/sweeps/${submitted.sweepId}/events`, results: `/api/sweeps/${submitted.sweepId}/results` } };
    });
    return c.json(out.body, out.status);
  });

  app.get('/api/sweeps/:id', async (c) => {
    const out = await guarded(async () => ({ status: 200 as const, body: await get().progress(c.req.param('id')) }));
    return c.json(out.body, out.status);
  });

  app.get('/api/sweeps/:id/results', async (c) => {
    const out = await guarded(async () => ({ status: 200 as const, body: await get().results(c.req.param('id')) }));
    return c.json(out.body, out.status);
  });

  app.post('/api/sweeps/:id/cancel', async (c) => {
    const out = await guarded(async () => ({ status: 200 as const, body: await get().cancel(c.req.param('id')) }));
    return c.json(out.body, out.status);
  });

  app.get('/api/sweeps/:id/events', async (c) => {
    const id = c.req.param('id');
    const first = await guarded(async () => ({ status: 200 as const, body: await get().progress(id) }));
    if ('error' in first.body) return c.json(first.body, first.status);
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    c.header('Cache-Control', 'no-store');
    return stream(c, async (s) => {
      const abort = new AbortController();
      s.onAbort(() => abort.abort());
      for await (const p of get().watch(id, { intervalMs: 250, signal: abort.signal })) {
        await s.write(`${JSON.stringify({ type: p.finished ? 'finished' : 'progress', ...p })}\n`);
      }
    });
  });
}
