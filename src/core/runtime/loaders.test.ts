// A real multi-file model folder on disk (written by the builder and hashed by registryNode), served by a local
// fetch that streams in chunks like a network would; then every failure a user meets, each with its named error.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryCache, type ModelCache } from './cache';
import { loadFiles, loadManifest, loadManifestModel, sha256Hex, type FetchLike, type ResponseLike } from './loaders';
import { GraphBuilder } from './onnx/builder';
import { createNodeBackend } from './ortNode';
import { checkProgressInvariants, type ProgressInfo } from './progress';
import { findModel } from './registry';
import { updateManifest } from './registryNode';
import { tensor } from './tensor';

const BASE = 'http://127.0.0.1:5173/models/';
let root: string;

function respond(status: number, bytes: Uint8Array, contentType = 'application/octet-stream', chunk = 4096): ResponseLike {
  const body = new ReadableStream<Uint8Array>({
    start(c) { for (let i = 0; i < bytes.length; i += chunk) c.enqueue(bytes.slice(i, i + chunk)); c.close(); },
  });
  const headers = new Headers({ 'content-type': contentType, 'content-length': String(bytes.length) });
  return { ok: status >= 200 && status < 300, status, statusText: status === 404 ? 'Not Found' : 'OK', headers, body, arrayBuffer: async () => bytes.slice().buffer };
}

/** Serves `root` like the dev server; `spa` answers missing files with index.html like a misconfigured host. */
function localFetch(options: { spa?: boolean; mutate?: (path: string, b: Uint8Array) => Uint8Array; log?: string[] } = {}): FetchLike {
  return async (url) => {
    const path = url.slice(BASE.length);
    options.log?.push(path);
    try {
      const bytes = new Uint8Array(await readFile(join(root, path)));
      return respond(200, options.mutate ? options.mutate(path, bytes) : bytes);
    } catch {
      if (options.spa) return respond(200, new TextEncoder().encode('<!doctype html><html><body>app</body></html>'), 'text/html');
      return respond(404, new TextEncoder().encode(`404 Not Found: ${path}`), 'text/plain');
    }
  };
}

const weights = Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i));
const onnxBytes = new GraphBuilder().input('x', 'float32', ['batch', 64]).initializer('w', weights, [64, 64])
  .node('MatMul', ['x', 'w'], ['y']).output('y').toBytes();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runtime-loaders-'));
  await mkdir(join(root, 'tiny', 'onnx'), { recursive: true });
  await writeFile(join(root, 'tiny', 'config.json'), JSON.stringify({ model_type: 'mlp', hidden: 64 }));
  await writeFile(join(root, 'tiny', 'tokenizer.json'), JSON.stringify({ vocab: Object.fromEntries([...Array(500).keys()].map((i) => [`t${i}`, i])) }));
  await writeFile(join(root, 'tiny', 'onnx', 'model.onnx'), onnxBytes);
  await updateManifest(root, 'tiny', { family: 'test', description: 'one MatMul' });
});

describe('loading an embedded model', () => {
  it('loads every file with verified hashes, progress invariants hold, and the model runs', async () => {
    const events: ProgressInfo[] = [];
    const manifest = await loadManifest(BASE, { fetch: localFetch() });
    const model = findModel(manifest, 'tiny');
    expect(model.files.map((f) => f.path)).toEqual(['config.json', 'onnx/model.onnx', 'tokenizer.json']);
    const files = await loadManifestModel(model, BASE, { fetch: localFetch(), onProgress: (e) => events.push(e) });
    expect(checkProgressInvariants(events)).toEqual([]);
    const totals = events.filter((e) => e.status === 'total');
    expect(totals.length).toBeGreaterThan(3);
    expect(totals[0].total).toBe(model.files.reduce((s, f) => s + f.size, 0));
    expect(totals.at(-1)).toMatchObject({ percent: 100, loaded: totals[0].total });
    const session = await createNodeBackend().createSession(files.get('tiny/onnx/model.onnx')!);
    const out = await session.run({ x: tensor('float32', new Float32Array(64).fill(1), [1, 64]) });
    expect((out.y.data as Float32Array)[3]).toBeCloseTo([...Array(64).keys()].reduce((s, r) => s + weights[r * 64 + 3], 0), 4);
  });

  it('with manifest sizes, fetches each file only when its turn comes (no idle open connections)', async () => {
    const model = findModel(await loadManifest(BASE, { fetch: localFetch() }), 'tiny');
    const log: string[] = [];
    await loadManifestModel(model, BASE, { fetch: localFetch({ log }), onProgress: (e) => { if (e.status === 'done') log.push(`done ${e.file}`); } });
    expect(log).toEqual(['tiny/config.json', 'done tiny/config.json', 'tiny/onnx/model.onnx', 'done tiny/onnx/model.onnx', 'tiny/tokenizer.json', 'done tiny/tokenizer.json']);
  });

  it('serves the second load from the cache without fetching, and refetches a stale cached copy', async () => {
    const cache = new MemoryCache();
    const model = findModel(await loadManifest(BASE, { fetch: localFetch() }), 'tiny');
    await loadManifestModel(model, BASE, { fetch: localFetch(), cache });
    const log: string[] = [];
    const events: ProgressInfo[] = [];
    await loadManifestModel(model, BASE, { fetch: localFetch({ log }), cache, onProgress: (e) => events.push(e) });
    expect(log).toEqual([]);
    expect(checkProgressInvariants(events)).toEqual([]);
    expect(events.filter((e) => e.status === 'done').every((e) => e.status === 'done' && e.cached)).toBe(true);
    await cache.put(`${BASE}tiny/config.json`, new TextEncoder().encode('{"stale":true}'));
    await loadManifestModel(model, BASE, { fetch: localFetch({ log }), cache });
    expect(log).toEqual(['tiny/config.json']);
  });

  it('a cache that throws on every call never blocks loading', async () => {
    const broken: ModelCache = {
      match: async () => { throw new Error('QuotaExceededError'); }, put: async () => { throw new Error('QuotaExceededError'); },
      delete: async () => { throw new Error('x'); }, keys: async () => [],
    };
    const errors: string[] = [];
    const model = findModel(await loadManifest(BASE, { fetch: localFetch() }), 'tiny');
    const files = await loadManifestModel(model, BASE, { fetch: localFetch(), cache: broken, onCacheError: (_e, op) => errors.push(op) });
    expect(files.size).toBe(3);
    expect(errors).toEqual(['match', 'match', 'match', 'put', 'put', 'put']);
  });
});

describe('load failures', () => {
  const manifestModel = async () => findModel(await loadManifest(BASE, { fetch: localFetch() }), 'tiny');

  it('a missing file is ModelNotFoundError (404), also when an SPA answers with index.html', async () => {
    const req = [{ url: `${BASE}tiny/onnx/missing.onnx`, path: 'tiny/onnx/missing.onnx' }];
    await expect(loadFiles(req, { fetch: localFetch() })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('HTTP 404') });
    await expect(loadFiles(req, { fetch: localFetch({ spa: true }) })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('HTML page') });
    const htmlAsOctets: FetchLike = async () => respond(200, new TextEncoder().encode('\n<!DOCTYPE html><html></html>'));
    await expect(loadFiles(req, { fetch: htmlAsOctets })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('a changed file is ChecksumMismatchError and a truncated one CorruptModelError', async () => {
    const model = await manifestModel();
    const flipped = localFetch({ mutate: (p, b) => { if (p.endsWith('.onnx')) b[b.length - 1] ^= 1; return b; } });
    await expect(loadManifestModel(model, BASE, { fetch: flipped })).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    const truncated = localFetch({ mutate: (p, b) => (p.endsWith('.onnx') ? b.subarray(0, 100) : b) });
    await expect(loadManifestModel(model, BASE, { fetch: truncated })).rejects.toMatchObject({ code: 'CORRUPT_MODEL', message: expect.stringContaining(`got 100 of ${onnxBytes.length} bytes`) });
  });

  it('an aborted load is CancelledError', async () => {
    const ac = new AbortController();
    const model = await manifestModel();
    const events: ProgressInfo[] = [];
    const p = loadManifestModel(model, BASE, { fetch: localFetch(), signal: ac.signal, onProgress: (e) => { events.push(e); if (e.status === 'progress') ac.abort(); } });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(events.some((e) => e.status === 'ready')).toBe(false);
  });

  it('sha256Hex agrees with the manifest written by registryNode', async () => {
    const model = await manifestModel();
    expect(await sha256Hex(onnxBytes)).toBe(model.files.find((f) => f.path === 'onnx/model.onnx')!.sha256);
  });
});
