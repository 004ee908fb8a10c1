// The alignbeam model loader resolves hub ids on the hub its deps name at call time, as the llm worker's
// configureHub sets them: offline it refuses before any request, then the same loader loads from the loopback hub.
// The pair card's dtype choice reaches the hub load: a replica holding only fp16 and q4 files loads the variant
// asked for, 'auto' on wasm probes q8 first (transformers.js's wasm default), and an absent explicit dtype is refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLoopbackHub, type LoopbackHub } from '../../../scripts/loopbackHub';
import type { FetchLike } from '../runtime/loaders';
import { createNodeBackend } from '../runtime/ortNode';
import { writeReplica } from '../lm/replicas/writeReplicaNode';
import { createModelLoader, type ModelLoaderDeps } from './loadModel';

// The embedded models' manifest read from disk; everything else over HTTP.
const fetchAny: FetchLike = async (url, init) => (url.startsWith('file:') ? new Response(await readFile(fileURLToPath(url))) : fetch(url, init));
const work = mkdtempSync(join(tmpdir(), 'alignbeam-loader-'));
let hub: LoopbackHub;
beforeAll(async () => {
  await writeReplica('phi3', join(work, 'phi3'), { variants: ['fp16', 'q4'] });
  hub = await startLoopbackHub({ mounts: { 'replica/phi3': join(work, 'phi3') } });
}, 120_000);
afterAll(async () => {
  await hub?.close();
  rmSync(work, { recursive: true, force: true });
});

it('a hub id is refused offline, then loads from the hub URL set on the same deps', async () => {
  const backend = createNodeBackend();
  const deps: ModelLoaderDeps = { backend: async () => backend, fetch: fetchAny, modelsBaseUrl: new URL('../../../models/', import.meta.url).href };
  const load = createModelLoader(deps);
  await expect(load('workbench/target')).rejects.toMatchObject({ code: 'REMOTE_DISABLED' });
  expect(hub.requests).toEqual([]);
  Object.assign(deps, { allowRemote: true, hubUrl: hub.url });
  const lm = await load('workbench/target');
  try {
    expect(lm.vocabSize).toBe(1024);
    expect(hub.requests.map((r) => `${r.path} ${r.status}`)).toContain('/workbench/target/resolve/main/onnx/model.onnx 302');
  } finally {
    await lm.dispose();
  }
});

it('the dtype choice reaches the hub load: fp16 and q4 as asked, auto on wasm probes q8 first, an absent fp32 is refused', async () => {
  const backend = createNodeBackend();
  const load = createModelLoader({ backend: async () => backend, fetch: fetchAny, modelsBaseUrl: new URL('../../../models/', import.meta.url).href,
    allowRemote: true, hubUrl: hub.url, provider: () => 'wasm' });
  for (const dtype of ['fp16', 'q4'] as const) {
    const lm = await load('replica/phi3', { dtype });
    expect(lm.dtype).toBe(dtype);
    await lm.dispose();
  }
  hub.clearRequests();
  const auto = await load('replica/phi3');
  expect(auto.dtype).toBe('q4');
  await auto.dispose();
  expect(hub.requests.filter((r) => r.path.includes('/onnx/')).map((r) => r.path.split('/resolve/main/')[1]).slice(0, 2))
    .toEqual(['onnx/model_quantized.onnx', 'onnx/model.onnx']);
  await expect(load('replica/phi3', { dtype: 'fp32' })).rejects.toMatchObject({ code: 'DTYPE_VARIANT_MISSING' });
}, 60_000);
