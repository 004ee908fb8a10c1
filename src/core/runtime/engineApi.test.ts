// The runtime engine in-thread (as tests and debugging use it), with onnxruntime-node and a local fetch.
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryCache } from './cache';
import { probeCapabilities } from './capabilities';
import { createRuntimeEngine } from './engineApi';
import type { FetchLike } from './loaders';
import { GraphBuilder } from './onnx/builder';
import { createNodeBackend } from './ortNode';
import { checkProgressInvariants, type ProgressInfo } from './progress';
import { updateManifest } from './registryNode';
import { tensor } from './tensor';

const model = new GraphBuilder().input('x', 'float32', ['n', 3]).node('Softmax', ['x'], ['p'], { axis: -1 }).output('p').toBytes();
let root: string;

const fileFetch: FetchLike = async (url, init) => {
  if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
  try {
    return new Response(await readFile(join(root, url.replace('/models/', ''))), { headers: { 'content-type': 'application/octet-stream' } });
  } catch {
    return new Response('404 Not Found', { status: 404 });
  }
};

const engine = (fetch: FetchLike = fileFetch) => createRuntimeEngine({
  backend: async () => createNodeBackend({ numThreads: 1 }), fetch, probe: () => probeCapabilities({ WebAssembly }),
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runtime-engine-'));
  await mkdir(join(root, 'soft', 'onnx'), { recursive: true });
  await writeFile(join(root, 'soft', 'onnx', 'model.onnx'), model);
  await writeFile(join(root, 'soft', 'config.json'), '{}');
  await updateManifest(root, 'soft', { family: 'test' });
});

describe('RuntimeEngineApi in-thread', () => {
  it('loads from bytes, runs, reports the provider, unloads', async () => {
    const e = engine();
    const info = await e.loadModelBytes(model, { name: 'soft' });
    expect(info).toMatchObject({ executionProvider: 'cpu', inputs: [{ name: 'x', dtype: 'float32', dims: ['n', 3] }], byteLength: model.byteLength });
    const out = await e.run(info.handle, { x: tensor('float32', new Float32Array([0, 0, 0]), [1, 3]) });
    expect(Array.from(out.p.data as Float32Array)).toEqual([1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    await e.unload(info.handle);
    await expect(e.run(info.handle, {})).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('loads an embedded model by id with valid progress, and names a missing one', async () => {
    const e = engine();
    const events: ProgressInfo[] = [];
    const info = await e.loadEmbeddedModel('soft', {}, (p) => events.push(p));
    expect(info.handle).toMatch(/^soft\/onnx\/model\.onnx#/);
    expect(checkProgressInvariants(events)).toEqual([]);
    await expect(e.loadEmbeddedModel('absent')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('available: soft') });
    await expect(e.loadModelUrl('/models/soft/onnx/nope.onnx')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('cancel stops a load that is waiting on the network and the engine stays usable', async () => {
    const hanging: FetchLike = (_url, init) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const e = engine(hanging);
    const load = e.loadModelUrl('/models/slow.onnx');
    const queued = e.loadModelBytes(model);
    await new Promise((r) => setTimeout(r, 5));
    await e.cancel();
    const [a, b] = await Promise.allSettled([load, queued]);
    expect(a).toMatchObject({ status: 'rejected', reason: { code: 'CANCELLED' } });
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'CANCELLED' } });
    await expect(e.loadModelBytes(model)).resolves.toMatchObject({ executionProvider: 'cpu' });
  });

  it('lists and deletes cached model files', async () => {
    const cache = new MemoryCache();
    const e = createRuntimeEngine({ backend: createNodeBackend({ numThreads: 1 }), fetch: fileFetch, cache, probe: () => probeCapabilities({}) });
    await e.loadEmbeddedModel('soft');
    expect(await e.cachedFiles()).toEqual(['/models/soft/onnx/model.onnx']);
    expect(await e.deleteCached()).toBe(1);
    expect(await e.cachedFiles()).toEqual([]);
  });

  it('reports capabilities through the injected probe', async () => {
    const caps = await engine().capabilities();
    expect(caps.providers).toEqual(['wasm']);
    expect(caps.webgpu.available).toBe(false);
  });
});
