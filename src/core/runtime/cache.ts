// Model-file cache behind match/put/delete (CONVENTIONS #8): the Cache API in browsers and workers, a Map in
// tests. Callers treat every cache error as a miss: a full quota or a private window must never block loading.
import { RUNTIME_DEFAULTS } from './config';

export interface ModelCache {
  match(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<boolean>;
  keys(): Promise<string[]>;
}

export class MemoryCache implements ModelCache {
  private readonly map = new Map<string, Uint8Array>();
  async match(key: string) { return this.map.get(key); }
  async put(key: string, bytes: Uint8Array) { this.map.set(key, bytes.slice()); }
  async delete(key: string) { return this.map.delete(key); }
  async keys() { return [...this.map.keys()]; }
}

/** The subset of the browser's CacheStorage used here, injected so core never touches the `caches` global. */
export interface CacheStorageLike {
  open(name: string): Promise<{
    match(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | undefined>;
    put(key: string, response: Response): Promise<void>;
    delete(key: string): Promise<boolean>;
    keys(): Promise<readonly { url: string }[]>;
  }>;
}

/** Cache API storage; keys must be absolute URLs (the Cache API's own rule). */
export class CacheApiCache implements ModelCache {
  constructor(private readonly storage: CacheStorageLike, private readonly name: string = RUNTIME_DEFAULTS.cacheName) {}
  async match(key: string) {
    const hit = await (await this.storage.open(this.name)).match(key);
    return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
  }
  async put(key: string, bytes: Uint8Array) {
    const body = new Uint8Array(bytes).buffer;
    await (await this.storage.open(this.name)).put(key, new Response(body, { headers: { 'Content-Length': String(bytes.byteLength) } }));
  }
  async delete(key: string) { return (await this.storage.open(this.name)).delete(key); }
  async keys() { return (await (await this.storage.open(this.name)).keys()).map((r) => r.url); }
}

/**
 * A cache view that records what it added, so a model load that fails part-way (a later file 404s, the graph
 * does not match its config, the model is too large) can take its new entries back out: nothing half-loaded
 * stays in the cache. Entries that were there before the load are never touched.
 */
export class TrackedCache implements ModelCache {
  private readonly added = new Set<string>();
  constructor(private readonly inner: ModelCache) {}
  match(key: string) { return this.inner.match(key); }
  async put(key: string, bytes: Uint8Array) {
    const had = (await this.inner.match(key).catch(() => undefined)) !== undefined;
    await this.inner.put(key, bytes);
    if (!had) this.added.add(key);
  }
  delete(key: string) { this.added.delete(key); return this.inner.delete(key); }
  keys() { return this.inner.keys(); }
  /** Deletes every entry this view added; cache errors are ignored (a miss later is harmless). */
  async rollback(): Promise<void> {
    for (const key of this.added) await this.inner.delete(key).catch(() => false);
    this.added.clear();
  }
}

/** Runs a load against a tracked view of `cache`; if the load throws, what it added is removed and the error rethrown. */
export async function withCacheRollback<T>(cache: ModelCache | undefined, load: (cache: ModelCache | undefined) => Promise<T>): Promise<T> {
  if (!cache) return load(undefined);
  const tracked = new TrackedCache(cache);
  try {
    return await load(tracked);
  } catch (e) {
    await tracked.rollback();
    throw e;
  }
}
