// The loopback hub over real HTTP: the hub's URL layout and headers (what fetch and transformers.js read), each
// fault as a client sees it, the admin routes, and that transformers.js itself loads a model from it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFault, parseResolvePath, startLoopbackHub, type LoopbackHub } from './loopbackHub';

const MODELS = new URL('../models/', import.meta.url);
let hub: LoopbackHub;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'loopback-hub-'));
  await mkdir(join(scratch, 'some-org', 'tiny'), { recursive: true });
  await writeFile(join(scratch, 'some-org', 'tiny', 'config.json'), '{"model_type":"gpt2"}');
  hub = await startLoopbackHub({ root: scratch });
});
afterAll(async () => {
  await hub?.close();
  await rm(scratch, { recursive: true, force: true });
});
afterEach(() => {
  hub.clearFaults();
  hub.clearRequests();
});

const file = (id: string, path: string) => `${hub.url}${id}/resolve/main/${path}`;

describe('loopback hub layout and headers', () => {
  it('parses only /{owner}/{name}/resolve/{revision}/{file}', () => {
    expect(parseResolvePath('/workbench/target/resolve/main/onnx/model.onnx')).toEqual({ id: 'workbench/target', revision: 'main', file: 'onnx/model.onnx' });
    expect(parseResolvePath('/workbench/target/blob/main/config.json')).toBeUndefined();
    expect(parseResolvePath('/workbench/target/resolve/main/../../manifest.json')).toBeUndefined();
  });

  it('serves the embedded models as workbench/<id> byte for byte, with CORS, CORP and the hub headers', async () => {
    const res = await fetch(file('workbench/target', 'onnx/model.onnx'));
    const bytes = new Uint8Array(await res.arrayBuffer());
    const onDisk = new Uint8Array(await readFile(new URL('target/onnx/model.onnx', MODELS)));
    expect(res.status).toBe(200);
    expect(Buffer.compare(bytes, onDisk)).toBe(0);
    expect(res.headers.get('content-length')).toBe(String(onDisk.byteLength));
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Content-Range.*ETag/);
    expect(res.headers.get('etag')).toMatch(/^".+"$/);
    expect(res.headers.get('x-repo-commit')).toMatch(/^[0-9a-f]{40}$/);
    expect(hub.requests).toEqual([
      { method: 'GET', path: '/workbench/target/resolve/main/onnx/model.onnx', status: 302 },
      { method: 'GET', path: '/_lfs/workbench/target/onnx/model.onnx', status: 200 },
    ]);
  });

  it('redirects an LFS file as the hub does, with its size and ETag on the redirect; small files come directly', async () => {
    const res = await fetch(file('workbench/target', 'model.safetensors'), { redirect: 'manual' });
    const size = (await readFile(new URL('target/model.safetensors', MODELS))).byteLength;
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${hub.url}_lfs/workbench/target/model.safetensors`);
    expect(res.headers.get('x-linked-size')).toBe(String(size));
    expect(res.headers.get('x-linked-etag')).toMatch(/^".+"$/);
    expect((await fetch(file('workbench/target', 'config.json'), { redirect: 'manual' })).status).toBe(200);
    const direct = await startLoopbackHub({ lfsRedirect: false });
    try {
      expect((await fetch(`${direct.url}workbench/target/resolve/main/model.safetensors`, { redirect: 'manual' })).status).toBe(200);
    } finally {
      await direct.close();
    }
  });

  it('answers the one-byte Range probe transformers.js sends for a size with 206 and Content-Range', async () => {
    const res = await fetch(file('workbench/target', 'config.json'), { headers: { Range: 'bytes=0-0' } });
    const size = (await readFile(new URL('target/config.json', MODELS))).byteLength;
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 0-0/${size}`);
    expect(await res.text()).toBe('{');
    expect((await fetch(file('workbench/target', 'config.json'), { headers: { Range: `bytes=${size}-` } })).status).toBe(416);
    const head = await fetch(file('workbench/target', 'config.json'), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, String(size), '']);
  });

  it('serves repos under --root, folders mounted later, and 404s like the hub (JSON + X-Error-Code)', async () => {
    expect(await (await fetch(file('some-org/tiny', 'config.json'))).json()).toEqual({ model_type: 'gpt2' });
    const missingRepo = await fetch(file('some-org/absent', 'config.json'));
    expect([missingRepo.status, missingRepo.headers.get('x-error-code')]).toEqual([404, 'RepoNotFound']);
    const missingFile = await fetch(file('workbench/target', 'nothing.bin'));
    expect([missingFile.status, missingFile.headers.get('x-error-code'), missingFile.headers.get('content-type')]).toEqual([404, 'EntryNotFound', 'application/json; charset=utf-8']);
    expect((await fetch(`${hub.url}workbench/target/resolve/v9/config.json`)).headers.get('x-error-code')).toBe('RevisionNotFound');
    hub.mount('replicas/tiny', join(scratch, 'some-org', 'tiny'));
    expect((await fetch(file('replicas/tiny', 'config.json'))).status).toBe(200);
  });

  it('answers a CORS preflight for Range requests', async () => {
    const res = await fetch(file('workbench/target', 'config.json'), { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toContain('Range');
  });
});

describe('loopback hub faults', () => {
  it('404, HTML page, 5xx: per file, per repo or everywhere; the longest target wins', async () => {
    hub.setFault('*', { kind: 'status', status: 503 });
    hub.setFault('workbench/target', { kind: 'html' });
    hub.setFault('workbench/target/config.json', { kind: 'not-found' });
    expect((await fetch(file('workbench/target', 'config.json'))).status).toBe(404);
    const html = await fetch(file('workbench/target', 'tokenizer.json'));
    expect([html.status, html.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect((await html.text()).startsWith('<!doctype html>')).toBe(true);
    expect((await fetch(file('workbench/anchor', 'config.json'))).status).toBe(503);
    expect(hub.requests.map((r) => r.fault)).toEqual(['not-found', 'html', 'status']);
  });

  it('truncate: Content-Length promises the whole file, the body stops early and the read fails', async () => {
    hub.setFault('workbench/target/onnx/model.onnx', { kind: 'truncate', fraction: 0.25 });
    const res = await fetch(file('workbench/target', 'onnx/model.onnx'));
    const size = (await readFile(new URL('target/onnx/model.onnx', MODELS))).byteLength;
    expect(res.headers.get('content-length')).toBe(String(size));
    let got = 0;
    const reader = res.body!.getReader();
    const read = async () => { for (;;) { const { done, value } = await reader.read(); if (done) return; got += value.byteLength; } };
    await expect(read()).rejects.toThrow();
    expect(got).toBeLessThan(size);
  });

  it('slow: the file arrives whole, at about the throttled rate', async () => {
    hub.setFault('workbench/target/config.json', { kind: 'slow', bytesPerSecond: 2000 });
    const t0 = performance.now();
    const text = await (await fetch(file('workbench/target', 'config.json'))).text();
    expect(text).toBe(await readFile(new URL('target/config.json', MODELS), 'utf8'));
    expect(performance.now() - t0).toBeGreaterThan((1000 * text.length) / 2000 * 0.8);
  });

  it('is driven over /_hub/ too: set and clear faults, read and clear the request log, mount a folder', async () => {
    const post = (route: string, body: unknown) => fetch(`${hub.url}_hub/${route}`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post('faults', { target: 'workbench/judge', fault: parseFault('404') })).status).toBe(200);
    expect((await fetch(file('workbench/judge', 'config.json'))).status).toBe(404);
    expect(await (await fetch(`${hub.url}_hub/requests`)).json()).toEqual([{ method: 'GET', path: '/workbench/judge/resolve/main/config.json', status: 404, fault: 'not-found' }]);
    await fetch(`${hub.url}_hub/faults`, { method: 'DELETE' });
    await fetch(`${hub.url}_hub/requests`, { method: 'DELETE' });
    expect((await fetch(file('workbench/judge', 'config.json'))).status).toBe(200);
    expect(hub.requests).toHaveLength(1);
    expect((await post('faults', { target: 'x' })).status).toBe(400);
    expect((await post('mounts', { id: 'demo/tiny', dir: join(scratch, 'some-org', 'tiny') })).status).toBe(200);
    expect((await fetch(file('demo/tiny', 'config.json'))).status).toBe(200);
  });

  it('parses the CLI fault specs and refuses unknown ones', () => {
    expect([parseFault('404'), parseFault('html'), parseFault('truncate:0.1'), parseFault('slow:1000'), parseFault('500')]).toEqual([
      { kind: 'not-found' }, { kind: 'html' }, { kind: 'truncate', fraction: 0.1 }, { kind: 'slow', bytesPerSecond: 1000 }, { kind: 'status', status: 500 },
    ]);
    expect(() => parseFault('boom')).toThrow(/unknown fault "boom"/);
  });
});

describe('npm run hub', () => {
  it('prints a ready line with its URL, serves the embedded models and applies --fault', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/loopbackHubCli.ts', '--port', '0', '--fault', 'workbench/judge=html'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const url = await new Promise<string>((ok, fail) => {
        child.stdout.on('data', (d: string) => { out += d; const m = out.match(/ready at (http:\/\/127\.0\.0\.1:\d+\/)/); if (m) ok(m[1]); });
        child.once('exit', (code) => fail(new Error(`hub exited (${code}) before its ready line: ${out}`)));
      });
      expect((await fetch(`${url}workbench/target/resolve/main/config.json`)).status).toBe(200);
      expect((await fetch(`${url}workbench/judge/resolve/main/config.json`)).headers.get('content-type')).toContain('text/html');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
