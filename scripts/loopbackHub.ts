// A loopback stand-in for the Hugging Face hub, for tests, e2e and offline demos: model folders served on
// 127.0.0.1 under the hub's URL layout (`/{owner}/{name}/resolve/{revision}/{file}`) with the headers clients read
// (Content-Length, ETag, Accept-Ranges, single-range `bytes=a-b` → 206 + Content-Range as transformers.js's
// metadata probe asks, CORS and `Cross-Origin-Resource-Policy: cross-origin` so a COOP/COEP page may fetch), large
// (LFS) files answered as the hub does, with a 302 to a content URL carrying X-Linked-Size/X-Linked-ETag, and
// switchable faults — the failures real users meet: a 404, an HTML page instead of a file, a truncated body, a
// throttled download, a 5xx. Faults and the request log are driven in-process (`startLoopbackHub`) or over the
// admin routes under `/_hub/` (see README "Loopback hub"); `npm run hub` is the CLI (loopbackHubCli.ts).
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export type HubFault =
  | { kind: 'not-found' }
  /** 200 text/html: what an SPA or a captive portal answers for a missing file. */
  | { kind: 'html' }
  /** Content-Length announces the whole file, `fraction` of it is sent, then the connection is cut. */
  | { kind: 'truncate'; fraction?: number }
  /** The file, throttled to `bytesPerSecond` (default 64 KiB/s), in chunks of about an eighth of a second. */
  | { kind: 'slow'; bytesPerSecond?: number }
  | { kind: 'status'; status: number };

/** `404`, `html`, `truncate[:fraction]`, `slow[:bytesPerSecond]`, or any other HTTP status (`500`, `503`). */
export function parseFault(spec: string): HubFault {
  const [kind, arg] = spec.split(':');
  if (kind === '404' || kind === 'not-found') return { kind: 'not-found' };
  if (kind === 'html') return { kind: 'html' };
  if (kind === 'truncate') return { kind: 'truncate', ...(arg ? { fraction: Number(arg) } : {}) };
  if (kind === 'slow') return { kind: 'slow', ...(arg ? { bytesPerSecond: Number(arg) } : {}) };
  if (/^[1-5]\d\d$/.test(kind)) return { kind: 'status', status: Number(kind) };
  throw new Error(`unknown fault "${spec}": use 404, html, truncate[:fraction], slow[:bytesPerSecond] or an HTTP status`);
}

/** One request as the hub saw it; `fault` is set when an injected fault shaped this response. */
export interface HubRequest { method: string; path: string; status: number; range?: string; fault?: HubFault['kind'] }

export interface LoopbackHubOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Repos `<root>/<owner>/<name>/…`, served as `owner/name`. */
  root?: string;
  /** Repo id → folder, e.g. `{ 'replicas/qwen3': '/tmp/qwen3' }`; takes precedence over `root`. */
  mounts?: Record<string, string>;
  /** Serve the embedded models/<id> folders as `workbench/<id>` (default true). */
  embedded?: boolean;
  /**
   * Answer LFS files (`.onnx`, `.onnx_data*`, `.safetensors`, `.bin`) as the hub does: 302 to `/_lfs/{id}/{file}`
   * (the hub's CDN), which serves the bytes and the transfer faults (truncate, slow). Default true.
   */
  lfsRedirect?: boolean;
}

export interface LoopbackHub {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:4310/`: the app's hub URL setting. */
  readonly url: string;
  readonly port: number;
  /** Every request to a repo path (admin and preflight requests are not logged), oldest first. */
  readonly requests: readonly HubRequest[];
  mount(id: string, dir: string): void;
  /** `target` is `*` (every file) or a prefix of `<owner>/<name>/<file>`; the longest matching prefix wins. */
  setFault(target: string, fault: HubFault): void;
  clearFaults(): void;
  clearRequests(): void;
  close(): Promise<void>;
}

export const EMBEDDED_OWNER = 'workbench';
const MODELS_DIR = fileURLToPath(new URL('../models/', import.meta.url));
/** What X-Repo-Commit says: the hub names the commit a `main` resolved to; here every repo is at one commit. */
const COMMIT = '0000000000000000000000000000000000000000';
const CHUNK = 16 * 1024;
const EXPOSED = 'Content-Length, Content-Range, Content-Type, ETag, Accept-Ranges, X-Repo-Commit, X-Error-Code, X-Linked-Size, X-Linked-ETag';
const LFS_FILE = /\.(onnx|onnx_data(_\d+)?|safetensors|bin)$/;

const HTML_PAGE = '<!doctype html><html><head><title>Workbench</title></head><body><div id="root"></div></body></html>\n';

async function embeddedMounts(): Promise<Record<string, string>> {
  const manifest = JSON.parse(await readFile(resolve(MODELS_DIR, 'manifest.json'), 'utf8')) as { models: { id: string }[] };
  return Object.fromEntries(manifest.models.map((m) => [`${EMBEDDED_OWNER}/${m.id}`, resolve(MODELS_DIR, m.id)]));
}

/** `/{owner}/{name}/resolve/{revision}/{file…}` → its parts (undefined for any other path). */
export function parseResolvePath(pathname: string): { id: string; revision: string; file: string } | undefined {
  const parts = pathname.split('/').slice(1).map((p) => decodeURIComponent(p));
  if (parts.length < 5 || parts[2] !== 'resolve' || parts.slice(4).some((p) => p === '' || p === '.' || p === '..')) return undefined;
  return { id: `${parts[0]}/${parts[1]}`, revision: parts[3], file: parts.slice(4).join('/') };
}

/** `/_lfs/{owner}/{name}/{file…}`, where a resolve of an LFS file redirects to. */
function parseLfsPath(pathname: string): { id: string; revision: string; file: string } | undefined {
  const [, lfs, owner, name, ...file] = pathname.split('/').map((p) => decodeURIComponent(p));
  if (lfs !== '_lfs' || !owner || !name || file.length === 0 || file.some((p) => p === '' || p === '.' || p === '..')) return undefined;
  return { id: `${owner}/${name}`, revision: 'main', file: file.join('/') };
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // absent, or multi-range: the whole file, as a 200
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start > end || start >= size ? 'unsatisfiable' : { start, end };
}

/** Each chunk waits its share of time before it is written, so no byte arrives ahead of the rate. */
async function sendThrottled(res: ServerResponse, path: string, bytesPerSecond: number, start: number, end: number): Promise<void> {
  const chunk = Math.min(CHUNK, Math.max(256, Math.floor(bytesPerSecond / 8))); // ~8 progress steps a second
  const stream = createReadStream(path, { start, end, highWaterMark: chunk });
  try {
    for await (const data of stream as AsyncIterable<Buffer>) {
      await new Promise((ok) => setTimeout(ok, (1000 * data.length) / bytesPerSecond));
      if (res.destroyed) return; // the client cancelled: stop reading
      res.write(data);
    }
    res.end();
  } finally {
    stream.destroy();
  }
}

export async function startLoopbackHub(options: LoopbackHubOptions = {}): Promise<LoopbackHub> {
  const mounts = new Map<string, string>(Object.entries({ ...(options.embedded === false ? {} : await embeddedMounts()), ...options.mounts }));
  const faults = new Map<string, HubFault>();
  const requests: HubRequest[] = [];

  const folderOf = (id: string): string | undefined => mounts.get(id) ?? (options.root ? resolve(options.root, id) : undefined);
  const faultFor = (key: string): HubFault | undefined => {
    let best: [string, HubFault] | undefined;
    for (const [target, fault] of faults) {
      if ((target === '*' || key === target || key.startsWith(target.endsWith('/') ? target : `${target}/`)) && (!best || target.length > best[0].length || best[0] === '*')) best = [target, fault];
    }
    return best?.[1];
  };

  const notFound = (res: ServerResponse, code: 'RepoNotFound' | 'EntryNotFound' | 'RevisionNotFound', message: string) => {
    res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8', 'X-Error-Code': code });
    res.end(JSON.stringify({ error: message }));
  };

  /** Serves a resolve (`viaLfs` false) or a content URL; `applied` records the fault that shaped the answer. */
  async function serveFile(req: IncomingMessage, res: ServerResponse, fault: HubFault | undefined, parsed: { id: string; revision: string; file: string }, viaLfs: boolean, applied: { fault?: HubFault['kind'] }) {
    if (fault && (fault.kind === 'not-found' || fault.kind === 'status' || fault.kind === 'html')) applied.fault = fault.kind;
    if (fault?.kind === 'not-found') return notFound(res, 'EntryNotFound', 'Entry not found');
    if (fault?.kind === 'status') { res.writeHead(fault.status, { 'Content-Type': 'text/plain' }); return void res.end(`loopback hub: injected HTTP ${fault.status}`); }
    if (fault?.kind === 'html') { res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }); return void res.end(HTML_PAGE); }
    const dir = folderOf(parsed.id);
    if (!dir || !(await stat(dir).then((s) => s.isDirectory(), () => false))) return notFound(res, 'RepoNotFound', 'Repository not found');
    if (parsed.revision !== 'main' && parsed.revision !== COMMIT) return notFound(res, 'RevisionNotFound', `Invalid rev id: ${parsed.revision}`);
    const path = resolve(dir, parsed.file);
    const inside = relative(dir, path);
    if (inside.startsWith(`..${sep}`) || isAbsolute(inside)) return notFound(res, 'EntryNotFound', 'Entry not found');
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return notFound(res, 'EntryNotFound', 'Entry not found');
    const size = info.size;
    const headers: Record<string, string> = {
      'Content-Type': parsed.file.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      // weak validator from size and mtime: changes whenever a generated replica is rewritten
      ETag: `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
      'X-Repo-Commit': COMMIT,
    };
    if (!viaLfs && options.lfsRedirect !== false && LFS_FILE.test(parsed.file)) {
      const location = `http://${req.headers.host}/_lfs/${parsed.id}/${parsed.file.split('/').map(encodeURIComponent).join('/')}`;
      res.writeHead(302, { Location: location, 'X-Linked-Size': String(size), 'X-Linked-ETag': headers.ETag, 'X-Repo-Commit': COMMIT, 'Content-Length': '0' });
      return void res.end();
    }
    const range = parseRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` });
      return void res.end();
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const length = end - start + 1;
    res.writeHead(range ? 206 : 200, { ...headers, 'Content-Length': String(length), ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}) });
    if (req.method === 'HEAD' || length === 0) return void res.end();
    if (fault?.kind === 'truncate' || fault?.kind === 'slow') applied.fault = fault.kind;
    if (fault?.kind === 'truncate') {
      const sent = Math.floor(length * (fault.fraction ?? 0.5));
      const stream = createReadStream(path, { start, end: start + sent - 1 });
      stream.on('data', (chunk) => res.write(chunk));
      // Content-Length promised more: closing the socket is how a dropped connection looks to the client
      stream.on('end', () => res.write('', () => res.destroy()));
      return;
    }
    if (fault?.kind === 'slow') return sendThrottled(res, path, fault.bytesPerSecond ?? 64 * 1024, start, end);
    createReadStream(path, { start, end }).pipe(res);
  }

  async function admin(req: IncomingMessage, res: ServerResponse, route: string) {
    const body = async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    };
    const json = (status: number, value: unknown) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(value)); };
    if (route === 'faults' && req.method === 'POST') {
      const { target, fault } = await body();
      if (typeof target !== 'string' || !fault || typeof (fault as HubFault).kind !== 'string') return json(400, { error: 'expected {"target": "*" | "<owner>/<name>[/<file>]", "fault": {"kind": …}}' });
      hub.setFault(target, fault as HubFault);
      return json(200, Object.fromEntries(faults));
    }
    if (route === 'faults' && req.method === 'DELETE') { hub.clearFaults(); return json(200, {}); }
    if (route === 'faults') return json(200, Object.fromEntries(faults));
    if (route === 'requests' && req.method === 'DELETE') { hub.clearRequests(); return json(200, []); }
    if (route === 'requests') return json(200, requests);
    if (route === 'mounts' && req.method === 'POST') {
      const { id, dir } = await body();
      if (typeof id !== 'string' || typeof dir !== 'string' || !/^[^/]+\/[^/]+$/.test(id)) return json(400, { error: 'expected {"id": "<owner>/<name>", "dir": "<folder>"}' });
      hub.mount(id, dir);
    }
    if (route === 'mounts') return json(200, Object.fromEntries(mounts));
    json(404, { error: `no admin route ${route}` });
  }

  const server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', EXPOSED);
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    const url = new URL(req.url ?? '/', 'http://loopback');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS', 'Access-Control-Allow-Headers': 'Range, Authorization, Content-Type', 'Access-Control-Max-Age': '600' });
      return void res.end();
    }
    if (url.pathname.startsWith('/_hub/')) {
      return void admin(req, res, url.pathname.slice('/_hub/'.length)).catch((e: unknown) => { res.writeHead(400); res.end(String(e)); });
    }
    const lfs = parseLfsPath(url.pathname);
    const parsed = lfs ?? parseResolvePath(url.pathname);
    if (!parsed) { res.writeHead(404, { 'Content-Type': 'text/plain' }); return void res.end('loopback hub: expected /{owner}/{name}/resolve/{revision}/{file}'); }
    const applied: { fault?: HubFault['kind'] } = {};
    res.on('close', () => requests.push({ method: req.method ?? 'GET', path: url.pathname, status: res.statusCode, ...(req.headers.range ? { range: req.headers.range } : {}), ...(applied.fault ? { fault: applied.fault } : {}) }));
    serveFile(req, res, faultFor(`${parsed.id}/${parsed.file}`), parsed, Boolean(lfs), applied).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((ok, fail) => { server.once('error', fail); server.listen(options.port ?? 0, '127.0.0.1', ok); });
  const port = (server.address() as AddressInfo).port;

  const hub: LoopbackHub = {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests,
    mount: (id, dir) => { mounts.set(id, resolve(dir)); },
    setFault: (target, fault) => { faults.set(target, fault); },
    clearFaults: () => faults.clear(),
    clearRequests: () => { requests.length = 0; },
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
  return hub;
}
