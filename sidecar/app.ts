// The sidecar's HTTP API (Hono). Guards, in order: Host must be the loopback address we listen on (DNS
// rebinding), a present Origin must be an allowed app origin, CORS answers only those origins, bodies are
// size-limited, and every /api route needs the per-start bearer token. Endpoints are listed in README.md.

import { createHash, timingSafeEqual } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { stream } from 'hono/streaming';
import type { z } from 'zod';
import { parseCircuit } from '../src/core/edits/circuit';
import { EditsError, FileTooLargeError } from '../src/core/edits/errors';
import { EDITS_TOOL } from '../src/core/edits/version';
import { JobManager, OutputBusyError, type JobContext, type JobKind, type JobOutcome } from './jobs';
import { inspectOffThread, runJobOffThread } from './offThread';
import { CDeltaBody, MansuBody, SurvivalBody } from './schemas';
import type { InputRef } from './tasks/common';
import { readRegularFile } from './fileio';
import { survivalEvidencePath } from './tasks/evidence';
import { MANIFEST_FILE } from './tasks/output';
import { PathError, Workspace } from './workspace';
import { defaultSweepBackend, mountSweeps } from './sweeps';
import type { JobBackend } from '../sweeps/backend';

export const DEFAULT_ORIGINS = ['http://127.0.0.1:4173', 'http://127.0.0.1:5173', 'http://localhost:4173', 'http://localhost:5173'];

export interface AppOptions {
  workspace: Workspace;
  token: string;
  origins: string[];
  maxBodyBytes: number;
  /** Port we listen on, for the Host check (0 skips it: tests calling app.request directly). */
  port: () => number;
  /** where sweeps run (sweeps.ts): default BullMQ on SWEEP_REDIS_URL, else the in-process loop */
  sweeps?: () => JobBackend;
}

class HttpError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 409 | 413 | 422, message: string) {
    super(message);
  }
}

function sameToken(given: string, want: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createApp(o: AppOptions): { app: Hono; jobs: JobManager } {
  const app = new Hono();
  const jobs = new JobManager();
  const ws = o.workspace;

  // Answers name files as the client does (workspace-relative); Node's own errors carry absolute paths.
  const relative = (msg: string) => msg.split(`${ws.root}${sep}`).join('').split(ws.root).join('.');
  app.onError((e, c) => {
    if (e instanceof HttpError || e instanceof PathError) return c.json({ error: e.message }, e.status);
    if (e instanceof OutputBusyError) return c.json({ error: e.message }, 409);
    if (e instanceof FileTooLargeError) return c.json({ error: relative(e.message), name: e.name }, 413);
    if (e instanceof EditsError) return c.json({ error: relative(e.message), name: e.name }, 422);
    console.error(e);
    return c.json({ error: `internal error: ${relative((e as Error).message)}` }, 500);
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}; see sidecar/README.md` }, 404));

  // The app is cross-origin isolated (COEP require-corp), so the only way it can tell "sidecar refuses my
  // origin" (an unreadable CORS failure) from "no sidecar" is a no-cors probe of /api/health, which COEP
  // blocks unless the answer opts in with CORP. The opaque answer reveals nothing (it is the 401 without a token).
  app.use('/api/health', async (c, next) => {
    await next();
    c.res.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
  });
  app.use('*', async (c, next) => {
    const port = o.port();
    const host = c.req.header('host') ?? '';
    if (port !== 0 && host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return c.json({ error: 'Host header is not this loopback sidecar' }, 403);
    const origin = c.req.header('origin');
    if (origin !== undefined && !o.origins.includes(origin)) return c.json({ error: `origin ${origin} is not allowed; start the sidecar with --origin ${origin}` }, 403);
    await next();
  });
  app.use('*', cors({ origin: (origin) => (o.origins.includes(origin) ? origin : null), allowHeaders: ['Authorization', 'Content-Type'], allowMethods: ['GET', 'POST', 'OPTIONS'], maxAge: 600 }));
  app.use('*', bodyLimit({ maxSize: o.maxBodyBytes, onError: (c) => c.json({ error: `request body over ${o.maxBodyBytes} bytes; put large circuits in the workspace and pass their path` }, 413) }));
  app.use('/api/*', async (c, next) => {
    const h = c.req.header('authorization') ?? '';
    const m = /^Bearer (\S+)$/.exec(h);
    if (!m || !sameToken(m[1], o.token)) return c.json({ error: 'missing or wrong bearer token (printed by the sidecar at start)' }, 401);
    await next();
  });

  const body = async <T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> => {
    const raw = await c.req.json().catch(() => {
      throw new HttpError(400, 'body is not valid JSON');
    });
    const r = schema.safeParse(raw);
    if (!r.success) throw new HttpError(400, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    return r.data;
  };
  const input = async (rel: string): Promise<InputRef> => ({ rel, abs: await ws.existing(rel) });
  const output = async (rel: string): Promise<InputRef> => ({ rel, abs: await ws.fresh(rel) });
  const circuit = async (b: { circuit?: string | undefined; circuitJson?: Record<string, unknown> | undefined }) => {
    if (b.circuit && b.circuitJson) throw new HttpError(400, 'give either circuit (a path) or circuitJson, not both');
    if (b.circuitJson) return { selection: parseCircuit(b.circuitJson), sha256: createHash('sha256').update(JSON.stringify(b.circuitJson)).digest('hex') };
    if (!b.circuit) return undefined;
    const text = await readRegularFile(await ws.existing(b.circuit), b.circuit, 256 << 20);
    let json: unknown;
    try {
      json = JSON.parse(text.toString('utf8'));
    } catch {
      throw new HttpError(422, `${b.circuit} is not valid JSON`);
    }
    return { selection: parseCircuit(json), path: b.circuit, sha256: createHash('sha256').update(text).digest('hex') };
  };
  const start = (c: Context, kind: JobKind, outs: InputRef[], run: (ctx: JobContext) => Promise<JobOutcome>) => {
    const job = jobs.start(kind, outs.map((x) => x.abs), (ctx) => run(ctx).catch((e: unknown) => {
      if (e instanceof Error) e.message = relative(e.message);
      throw e;
    }));
    return c.json({ ...job, outputs: outs.map((x) => x.rel), events: `/api/jobs/${job.id}/events` }, 202);
  };

  app.get('/api/health', (c) => c.json({ ok: true, tool: EDITS_TOOL }));

  app.get('/api/checkpoints', async (c) => c.json({ checkpoints: await ws.listCheckpoints() }));

  app.get('/api/checkpoints/inspect', async (c) => {
    const rel = c.req.query('path');
    if (!rel) throw new HttpError(400, 'query parameter "path" is required');
    return c.json(await inspectOffThread({ rel, abs: await ws.existing(rel) }));
  });

  app.post('/api/jobs/cdelta', async (c) => {
    const b = await body(c, CDeltaBody);
    const circ = await circuit(b);
    if (!circ) throw new HttpError(400, 'C-Δθ needs a circuit (circuit path or circuitJson)');
    const outs = await Promise.all(b.outputs.map((x) => output(x.path)));
    const opts = {
      base: await input(b.base), aligned: await input(b.aligned), circuit: circ,
      outputs: b.outputs.map((x, i) => ({ strength: x.strength, path: outs[i] })), onnx: b.onnx,
      ...(b.target ? { target: await input(b.target) } : {}), ...(b.nHeads ? { nHeads: b.nHeads } : {}),
    };
    return start(c, 'cdelta', outs, (ctx) => runJobOffThread({ kind: 'cdelta', jobId: ctx.id, opts }, ctx));
  });

  app.post('/api/jobs/survival', async (c) => {
    const b = await body(c, SurvivalBody);
    const out = await output(b.output);
    // the evidence file is an output too: a report name near the limit leaves it no room, said as such
    const evidence = await output(survivalEvidencePath(b.output)).catch((e: unknown) => {
      if (e instanceof PathError && e.status === 400) throw new PathError(400, `the report's evidence file ${survivalEvidencePath(b.output).split('/').pop()!.slice(0, 32)}… does not fit (survival report names are limited to 220 bytes so that it does): ${e.message}`);
      throw e;
    });
    const opts = { base: await input(b.base), edited: await input(b.edited), quant: b.quant, blocksize: b.blocksize, output: out, evidence };
    return start(c, 'survival', [out, evidence], (ctx) => runJobOffThread({ kind: 'survival', jobId: ctx.id, opts }, ctx));
  });

  app.post('/api/jobs/mansu', async (c) => {
    const b = await body(c, MansuBody);
    if ((b.fisher || b.covariance) && !b.stats) throw new HttpError(400, 'fisher/covariance need "stats": a safetensors file with fisher/<param> and cov/<param> tensors');
    const circ = await circuit(b);
    const out = await output(b.output);
    const opts = {
      base: await input(b.base), edited: await input(b.edited), floor: b.floor, quant: b.quant, blocksize: b.blocksize, output: out, onnx: b.onnx,
      ...(b.stats ? { stats: await input(b.stats) } : {}), ...(circ ? { circuit: circ } : {}), ...(b.nHeads ? { nHeads: b.nHeads } : {}),
      ...(b.fisher ? { fisher: b.fisher } : {}), ...(b.covariance ? { covariance: b.covariance } : {}),
    };
    return start(c, 'mansu', [out], (ctx) => runJobOffThread({ kind: 'mansu', jobId: ctx.id, opts }, ctx));
  });

  const rels = <T extends { outputs: string[] }>(j: T) => ({ ...j, outputs: j.outputs.map((p) => ws.rel(p)) });
  app.get('/api/jobs', (c) => c.json({ jobs: jobs.list().map(({ manifest: _m, ...j }) => rels(j)) }));
  const job = (c: Context) => {
    const j = jobs.get(c.req.param('id') ?? '');
    if (!j) throw new HttpError(404, `no job ${c.req.param('id')}`);
    return j;
  };
  app.get('/api/jobs/:id', (c) => {
    const { manifest: _m, ...j } = job(c);
    return c.json(rels(j));
  });
  app.post('/api/jobs/:id/cancel', (c) => {
    const j = job(c);
    return c.json({ id: j.id, cancelled: jobs.cancel(j.id), state: j.state });
  });
  app.get('/api/jobs/:id/manifest', (c) => {
    const j = job(c);
    if (j.state !== 'done') throw new HttpError(409, `job ${j.id} is ${j.state}: the manifest exists once it is done`);
    return c.json(j.manifest as object);
  });
  app.get('/api/jobs/:id/events', (c) => {
    const id = job(c).id;
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    c.header('Cache-Control', 'no-store');
    return stream(c, async (s) => {
      await new Promise<void>((resolve) => {
        let unsub: () => void = () => undefined;
        let ended = false;
        const end = () => {
          ended = true;
          unsub();
          resolve();
        };
        unsub = jobs.subscribe(id, (e) => {
          void s.write(`${JSON.stringify({ jobId: id, ...e })}\n`);
          if (e.type !== 'progress') end();
        });
        if (ended) unsub();
        s.onAbort(end);
      });
    });
  });

  app.get('/api/manifest', async (c) => {
    const rel = c.req.query('path');
    if (!rel) throw new HttpError(400, 'query parameter "path" is required (an output folder or a survival report)');
    const abs = await ws.existing(rel);
    const file = (await stat(abs)).isDirectory() ? join(abs, MANIFEST_FILE) : abs;
    if (!file.endsWith('.json')) throw new HttpError(400, `${rel} is neither an output folder nor a .json report`);
    const text = await readRegularFile(file, file === abs ? rel : `${rel}/${MANIFEST_FILE}`, 256 << 20).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new HttpError(404, `${rel} has no ${MANIFEST_FILE}`);
      throw e;
    });
    return c.body(text.toString('utf8'), 200, { 'Content-Type': 'application/json' });
  });

  mountSweeps(app, o.sweeps ?? defaultSweepBackend);

  return { app, jobs };
}
