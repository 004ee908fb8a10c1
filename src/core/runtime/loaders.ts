// Loads model files through an injected fetch with aggregate progress, sha256 verification and a cache. The
// failure modes a user actually meets get named errors: a 404, an SPA answering index.html for a missing file,
// a truncated download, a stale cached copy. A cache that throws is treated as a miss, never as a failure.
import type { ModelCache } from './cache';
import { CancelledError, ChecksumMismatchError, CorruptModelError, ModelFetchError, ModelNotFoundError } from './errors';
import { ProgressAggregator, type ProgressCallback } from './progress';
import { parseManifest, type Manifest, type ManifestModel } from './registry';

/** The part of `Response` the loader reads; satisfied by the real fetch and by test servers. */
export interface ResponseLike {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<ResponseLike>;

export interface FileRequest {
  url: string;
  /** Label for progress events and errors, e.g. 'target/onnx/model.onnx'. */
  path: string;
  size?: number;
  sha256?: string;
}

export interface LoadOptions {
  fetch: FetchLike;
  cache?: ModelCache;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Cache problems are reported here (for a UI notice) and otherwise ignored. */
  onCacheError?: (error: unknown, op: 'match' | 'put' | 'delete') => void;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(bytes));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function looksLikeHtml(head: Uint8Array): boolean {
  const text = new TextDecoder().decode(head.subarray(0, 64)).trimStart().toLowerCase();
  return text.startsWith('<!doctype') || text.startsWith('<html');
}

async function safeCache<T>(op: 'match' | 'put' | 'delete', run: () => Promise<T> | undefined, options: LoadOptions): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    options.onCacheError?.(e, op);
    return undefined;
  }
}

/** A file after the first pass: bytes from the cache, an open response, or a size from the manifest. */
type Planned = { req: FileRequest; size: number } & ({ cached: Uint8Array } | { response: ResponseLike } | { later: true });

async function fetchChecked(req: FileRequest, options: LoadOptions): Promise<ResponseLike> {
  let response: ResponseLike;
  try {
    response = await options.fetch(req.url, { signal: options.signal });
  } catch (e) {
    if (options.signal?.aborted) throw new CancelledError(`Loading ${req.path}`);
    throw new ModelFetchError(req.url, e instanceof Error ? e.message : String(e), { cause: e });
  }
  if (response.status === 404 || response.status === 410) throw new ModelNotFoundError(req.url, `HTTP ${response.status}`);
  if (!response.ok) throw new ModelFetchError(req.url, `HTTP ${response.status} ${response.statusText}`);
  if ((response.headers.get('content-type') ?? '').includes('text/html')) {
    throw new ModelNotFoundError(req.url, 'the server answered with an HTML page (an SPA fallback for a missing file)');
  }
  return response;
}

/**
 * Finds each file's size without reading bodies: cache hit, else the manifest size (fetched later, in turn),
 * else the Content-Length of a response opened now. Only unknown sizes open early, because a browser gives
 * HTTP/1.1 hosts six connections and unread open responses hold theirs.
 */
async function plan(req: FileRequest, options: LoadOptions): Promise<Planned> {
  const cached = await safeCache('match', () => options.cache?.match(req.url), options);
  if (cached) {
    if (!req.sha256 || (await sha256Hex(cached)) === req.sha256) return { req, size: cached.byteLength, cached };
    await safeCache('delete', () => options.cache?.delete(req.url), options); // stale copy from an older forge run
  }
  if (req.size !== undefined) return { req, size: req.size, later: true };
  const response = await fetchChecked(req, options);
  const length = Number(response.headers.get('content-length') ?? NaN);
  return { req, size: Number.isFinite(length) ? length : 0, response };
}

/**
 * Reads a body with progress. `expected` is the size planned for it (manifest or Content-Length): a stream that
 * fails short of it is a truncated download (the server or a proxy cut the connection; Chromium says
 * ERR_CONTENT_LENGTH_MISMATCH, undici "terminated"), named as such. A body that merely ends at another length is
 * not judged by Content-Length here, because a compressed response's Content-Length counts the encoded bytes.
 */
async function readBody(req: FileRequest, response: ResponseLike, agg: ProgressAggregator, signal: AbortSignal | undefined, expected: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const add = (chunk: Uint8Array) => {
    if (loaded === 0 && looksLikeHtml(chunk)) throw new ModelNotFoundError(req.url, 'the body is an HTML page, not a model file (an SPA fallback for a missing file)');
    chunks.push(chunk);
    loaded += chunk.byteLength;
    agg.progress(req.path, loaded);
  };
  if (response.body) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        if (signal?.aborted) throw new CancelledError(`Loading ${req.path}`);
        const { done, value } = await reader.read().catch((e: unknown) => {
          if (signal?.aborted) throw new CancelledError(`Loading ${req.path}`);
          if (loaded > 0 && loaded < expected) {
            throw new CorruptModelError(req.path, `got ${loaded} of ${expected} bytes: the connection closed before the file was complete (truncated download)`, { cause: e });
          }
          throw new ModelFetchError(req.url, String(e), { cause: e });
        });
        if (done) break;
        add(value);
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    add(new Uint8Array(await response.arrayBuffer()));
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.byteLength; }
  return bytes;
}

/**
 * Loads the files in order and returns them by `path`. All sizes are settled before the first byte is counted,
 * so the progress total is fixed from the first event (see `plan`).
 */
export async function loadFiles(requests: readonly FileRequest[], options: LoadOptions): Promise<Map<string, Uint8Array>> {
  const planned: Planned[] = [];
  const cancelOpen = (list: Planned[]) => {
    for (const p of list) if ('response' in p) void p.response.body?.cancel().catch(() => undefined);
  };
  try {
    for (const req of requests) planned.push(await plan(req, options));
  } catch (e) {
    cancelOpen(planned);
    throw e;
  }
  const agg = new ProgressAggregator(planned.map((p) => ({ file: p.req.path, size: p.size })), options.onProgress ?? (() => undefined));
  const out = new Map<string, Uint8Array>();
  for (const [i, p] of planned.entries()) {
    const { req } = p;
    agg.initiate(req.path);
    if ('cached' in p) {
      out.set(req.path, p.cached);
      agg.done(req.path, true);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readBody(req, 'response' in p ? p.response : await fetchChecked(req, options), agg, options.signal, p.size);
    } catch (e) {
      cancelOpen(planned.slice(i + 1));
      throw e;
    }
    if (req.size !== undefined && bytes.byteLength !== req.size) {
      throw new CorruptModelError(req.path, `got ${bytes.byteLength} of ${req.size} bytes (truncated or changed download)`);
    }
    if (req.sha256) {
      const actual = await sha256Hex(bytes);
      if (actual !== req.sha256) throw new ChecksumMismatchError(req.path, req.sha256, actual);
    }
    await safeCache('put', () => options.cache?.put(req.url, bytes), options);
    out.set(req.path, bytes);
    agg.done(req.path);
  }
  agg.ready();
  return out;
}

/** Fetches and validates `<baseUrl>manifest.json`. */
export async function loadManifest(baseUrl: string, options: Pick<LoadOptions, 'fetch' | 'signal'>): Promise<Manifest> {
  const url = `${baseUrl}manifest.json`;
  const files = await loadFiles([{ url, path: 'manifest.json' }], options);
  const text = new TextDecoder().decode(files.get('manifest.json'));
  try {
    return parseManifest(JSON.parse(text));
  } catch (e) {
    if (e instanceof SyntaxError) throw new CorruptModelError('models/manifest.json', `invalid JSON: ${e.message}`);
    throw e;
  }
}

/** Loads an embedded model's files (all, or those `include` keeps) from `<baseUrl><id>/<path>`. */
export function loadManifestModel(model: ManifestModel, baseUrl: string, options: LoadOptions & { include?: (path: string) => boolean }) {
  const files = model.files.filter((f) => options.include?.(f.path) ?? true);
  return loadFiles(files.map((f) => ({ url: `${baseUrl}${model.id}/${f.path}`, path: `${model.id}/${f.path}`, size: f.size, sha256: f.sha256 })), options);
}
