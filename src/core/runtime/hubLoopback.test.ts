// Hub ids against the loopback hub (scripts/loopbackHub.ts) over real HTTP and Node's fetch: the runtime loader
// names each fault the way the app shows it, the cache makes a reload free of requests without mixing two hubs'
// copies of one repo id, a causal LM loaded by hub id computes the logits of the same folder read from disk, and
// transformers.js itself loads the repo from the loopback hub.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { startLoopbackHub, type LoopbackHub } from '../../../scripts/loopbackHub';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { loadHubCausalLM } from '../lm/causalLmSources';
import { MemoryCache } from './cache';
import { loadHubFiles } from './hub';
import type { FetchLike } from './loaders';
import { createNodeBackend } from './ortNode';
import type { ProgressInfo } from './progress';

const TARGET = fileURLToPath(new URL('../../../models/target/', import.meta.url));
const ID = 'workbench/target';
const fetchHttp: FetchLike = (url, init) => fetch(url, init);
let hub: LoopbackHub;

beforeAll(async () => { hub = await startLoopbackHub(); });
afterAll(async () => { await hub?.close(); });
afterEach(() => { hub.clearFaults(); hub.clearRequests(); });

const load = (files: string[], extra: Partial<Parameters<typeof loadHubFiles>[2]> = {}) =>
  loadHubFiles(ID, files, { fetch: fetchHttp, allowRemote: true, hubUrl: hub.url, ...extra });

describe('hub ids on the loopback hub: faults become named errors', () => {
  it('a missing file is ModelNotFoundError', async () => {
    hub.setFault(`${ID}/config.json`, { kind: 'not-found' });
    await expect(load(['config.json'])).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining(`${hub.url}${ID}/resolve/main/config.json`) });
  });

  it('an HTML page instead of the file is never parsed as one', async () => {
    hub.setFault(ID, { kind: 'html' });
    await expect(load(['onnx/model.onnx'])).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('HTML page') });
  });

  it('a connection cut before Content-Length bytes is CorruptModelError (size mismatch) and nothing is cached', async () => {
    hub.setFault(`${ID}/onnx/model.onnx`, { kind: 'truncate', fraction: 0.3 });
    const cache = new MemoryCache();
    await expect(load(['config.json', 'onnx/model.onnx'], { cache })).rejects.toMatchObject({ code: 'CORRUPT_MODEL', message: expect.stringMatching(/got \d+ of \d+ bytes/) });
    expect(await cache.keys()).toEqual([`${hub.url}${ID}/resolve/main/config.json`]);
  });

  it('a server error is ModelFetchError with its status', async () => {
    hub.setFault('*', { kind: 'status', status: 500 });
    await expect(load(['config.json'])).rejects.toMatchObject({ code: 'FETCH_FAILED', message: expect.stringContaining('HTTP 500') });
  });

  it('a slow download reports progress as bytes arrive and stops on cancel', async () => {
    hub.setFault(`${ID}/onnx/model.onnx`, { kind: 'slow', bytesPerSecond: 256 * 1024 });
    const controller = new AbortController();
    const events: ProgressInfo[] = [];
    const loading = load(['onnx/model.onnx'], {
      signal: controller.signal,
      onProgress: (p) => {
        events.push(p);
        if (p.status === 'progress' && p.loaded > 100_000) controller.abort();
      },
    });
    await expect(loading).rejects.toMatchObject({ code: 'CANCELLED' });
    const loaded = events.flatMap((e) => (e.status === 'progress' ? [e.loaded] : []));
    expect(loaded.length).toBeGreaterThan(2);
    expect(loaded.at(-1)).toBeLessThan(1_000_000); // the file is 3.7 MB: it stopped early
  });
});

describe('hub ids on the loopback hub: cache and results', () => {
  it('a second load comes from the cache with no request; another hub with the same repo id does not share it', async () => {
    const cache = new MemoryCache();
    // (a request a previous test cancelled may still be logged as it closes: count this test's files only)
    const mine = () => hub.requests.filter((r) => /\/(config|tokenizer)\.json$/.test(r.path));
    const first = await load(['config.json', 'tokenizer.json'], { cache });
    expect(mine()).toHaveLength(2);
    hub.clearRequests();
    const second = await load(['config.json', 'tokenizer.json'], { cache });
    expect(mine()).toEqual([]);
    expect(second).toEqual(first);
    const other = await startLoopbackHub();
    try {
      await loadHubFiles(ID, ['config.json'], { fetch: fetchHttp, allowRemote: true, hubUrl: other.url, cache });
      expect(other.requests).toHaveLength(1); // keys are whole URLs, host included
      expect((await cache.keys()).filter((k) => k.endsWith(`${ID}/resolve/main/config.json`)).sort()).toEqual([`${hub.url}${ID}/resolve/main/config.json`, `${other.url}${ID}/resolve/main/config.json`].sort());
    } finally {
      await other.close();
    }
  });

  it('loadHubCausalLM by hub id gives the logits of the same folder loaded from disk', async () => {
    const backend = createNodeBackend();
    const viaHub = await loadHubCausalLM(ID, backend, { fetch: fetchHttp, allowRemote: true, hubUrl: hub.url });
    const fromDisk = await loadCausalLMFolder(TARGET, backend);
    try {
      const ids = fromDisk.tokenizer.applyChatTemplate('Convert 3 g to mg.');
      expect(viaHub.tokenizer.applyChatTemplate('Convert 3 g to mg.')).toEqual(ids);
      expect(Array.from((await viaHub.forwardAll([ids])).logits[0])).toEqual(Array.from((await fromDisk.forwardAll([ids])).logits[0]));
    } finally {
      await viaHub.dispose();
      await fromDisk.dispose();
    }
  });

  it('transformers.js loads the repo from the loopback hub; its Node file cache keys by repo id, not host', async () => {
    const saved = { remoteHost: env.remoteHost, allowRemoteModels: env.allowRemoteModels, allowLocalModels: env.allowLocalModels, cacheDir: env.cacheDir };
    const cacheDir = await mkdtemp(join(tmpdir(), 'tjs-cache-'));
    Object.assign(env, { remoteHost: hub.url, allowRemoteModels: true, allowLocalModels: false, cacheDir });
    try {
      const model = await AutoModelForCausalLM.from_pretrained(ID, { dtype: 'fp32' });
      const lm = await loadCausalLMFolder(TARGET);
      const ids = lm.tokenizer.applyChatTemplate('Hello!');
      const out = await model({
        input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
        attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      }) as { logits: Tensor };
      const ours = (await lm.forwardAll([ids])).logits[0];
      const theirs = out.logits.data as Float32Array;
      expect(Math.max(...ours.map((v, i) => Math.abs(v - theirs[i])))).toBeLessThan(1e-4);
      // the ONNX file came through the hub's LFS redirect, as from huggingface.co
      expect(hub.requests.filter((r) => r.path.endsWith('onnx/model.onnx')).map((r) => r.status)).toEqual([302, 200]);
      // The same id on huggingface.co would land in the same folder: point cacheDir elsewhere per hub (README).
      expect(await readdir(join(cacheDir, ID))).toContain('config.json');
      await model.dispose();
      await lm.dispose();
    } finally {
      Object.assign(env, saved);
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
