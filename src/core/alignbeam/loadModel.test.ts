// The alignbeam model loader resolves hub ids on the hub its deps name at call time, as the llm worker's
// configureHub sets them: offline it refuses before any request, then the same loader loads from the loopback hub.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLoopbackHub, type LoopbackHub } from '../../../scripts/loopbackHub';
import type { FetchLike } from '../runtime/loaders';
import { createNodeBackend } from '../runtime/ortNode';
import { createModelLoader, type ModelLoaderDeps } from './loadModel';

// The embedded models' manifest read from disk; everything else over HTTP.
const fetchAny: FetchLike = async (url, init) => (url.startsWith('file:') ? new Response(await readFile(fileURLToPath(url))) : fetch(url, init));
let hub: LoopbackHub;
beforeAll(async () => { hub = await startLoopbackHub(); });
afterAll(async () => { await hub?.close(); });

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
