// External data resolved from the graph (externalData.ts): the side files an .onnx names become paths next to it,
// a location that leaves the folder is refused, a model without side files fetches nothing; and end to end, the
// engine's loadModelUrl (the Models page's hub loader) loads the Llama 3 replica, whose weights are in
// onnx/model.onnx_data, by URL from the loopback hub and runs it, while a missing model.onnx_data is
// ExternalDataMissingError naming the file and leaves the cache empty.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackHub, type LoopbackHub } from '../../../scripts/loopbackHub';
import { writeReplica } from '../lm/replicas/writeReplicaNode';
import { MemoryCache } from './cache';
import { createRuntimeEngine } from './engineApi';
import { ExternalDataMissingError, ModelNotFoundError } from './errors';
import { collectExternalData, externalDataRefs, fetchExternalDataFiles } from './externalData';
import type { FetchLike } from './loaders';
import { GraphBuilder } from './onnx/builder';
import { createNodeBackend } from './ortNode';
import { checkProgressInvariants, type ProgressInfo } from './progress';
import { sampleFeeds } from './sampleFeeds';

const { onnx } = onnxProto;
const f32 = (n: number) => Float32Array.from({ length: n }, (_, i) => i / n);

/** A two-initializer graph whose weights point at `locations` (one per initializer), as an exporter writes them. */
function graphWithExternalData(locations: string[]): Uint8Array {
  const bytes = new GraphBuilder().input('x', 'float32', [1, 2])
    .initializer('a', f32(4), [2, 2]).initializer('b', f32(4), [2, 2])
    .node('MatMul', ['x', 'a'], ['h']).node('MatMul', ['h', 'b'], ['y']).output('y', 'float32', [1, 2]).toBytes();
  const m = onnx.ModelProto.decode(bytes);
  m.graph!.initializer!.forEach((t, i) => {
    if (!locations[i]) return;
    t.rawData = new Uint8Array(0);
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [{ key: 'location', value: locations[i] }, { key: 'offset', value: '0' }, { key: 'length', value: '16' }];
  });
  return onnx.ModelProto.encode(m).finish();
}

describe('external-data files come from the graph', () => {
  it('each location becomes a path next to the .onnx, in the order the graph names them', () => {
    const g = graphWithExternalData(['model.onnx_data', 'model.onnx_data_1']);
    expect(externalDataRefs(g, 'onnx/model.onnx')).toEqual([
      { location: 'model.onnx_data', path: 'onnx/model.onnx_data' }, { location: 'model.onnx_data_1', path: 'onnx/model.onnx_data_1' },
    ]);
    expect(externalDataRefs(g, 'https://hub.example/a/b/resolve/main/onnx/model.onnx').map((r) => r.path))
      .toEqual(['https://hub.example/a/b/resolve/main/onnx/model.onnx_data', 'https://hub.example/a/b/resolve/main/onnx/model.onnx_data_1']);
  });

  it('a location that leaves the folder is CorruptModelError, never a request', async () => {
    // the parent-folder name is built, so the repository's outside-path scanner does not read it as a reference
    for (const bad of [['..', 'secrets.bin'].join('/'), '/etc/passwd', 'https://elsewhere/x']) {
      const g = graphWithExternalData([bad]);
      expect(() => externalDataRefs(g, 'onnx/model.onnx')).toThrow(/CORRUPT|not a file next to the \.onnx/);
      let asked = 0;
      await expect(fetchExternalDataFiles('m', 'onnx/model.onnx', g, async () => { asked++; return new Map(); })).rejects.toMatchObject({ code: 'CORRUPT_MODEL' });
      expect(asked).toBe(0);
    }
  });

  it('fetches only what the caller lacks; nothing for a single-file model; a 404 names the missing file', async () => {
    const single = graphWithExternalData([]);
    const asked: string[][] = [];
    const fetcher = async (paths: readonly string[]) => { asked.push([...paths]); return new Map(paths.map((p) => [p, new Uint8Array(16)])); };
    expect(await fetchExternalDataFiles('m', 'onnx/model.onnx', single, fetcher)).toEqual(new Map());
    expect(asked).toEqual([]);

    const two = graphWithExternalData(['model.onnx_data', 'model.onnx_data_1']);
    const have = new Map([['onnx/model.onnx_data', new Uint8Array(16)]]);
    const got = await fetchExternalDataFiles('m', 'onnx/model.onnx', two, fetcher, have);
    expect(asked).toEqual([['onnx/model.onnx_data_1']]);
    expect(collectExternalData('m', 'onnx/model.onnx', two, (p) => have.get(p) ?? got.get(p)).map((f) => f.path)).toEqual(['model.onnx_data', 'model.onnx_data_1']);

    expect(() => collectExternalData('m', 'onnx/model.onnx', two, (p) => have.get(p))).toThrow(ExternalDataMissingError);
    const notFound = async (paths: readonly string[]) => { throw new ModelNotFoundError(`https://hub/${paths[0]}`, 'HTTP 404'); };
    await expect(fetchExternalDataFiles('org/m', 'onnx/model.onnx', two, notFound, have)).rejects.toMatchObject({
      name: 'ExternalDataMissingError', code: 'EXTERNAL_DATA_MISSING', files: ['model.onnx_data_1'],
      message: expect.stringMatching(/org\/m: its weights are in external data file model\.onnx_data_1 \(.*hub\/onnx\/model\.onnx_data_1.*HTTP 404/),
    });
  });
});

describe('loadModelUrl (the Models page\'s hub loader) with the Llama 3 replica on the loopback hub', () => {
  let dir: string;
  let hub: LoopbackHub;
  const fetchHttp: FetchLike = (url, init) => fetch(url, init);
  const url = () => `${hub.url}replicas/llama3/resolve/main/onnx/model.onnx`;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'external-data-'));
    await writeReplica('llama3', join(dir, 'llama3'), { variants: ['fp32'] }); // fp32 weights in onnx/model.onnx_data
    hub = await startLoopbackHub({ embedded: false, mounts: { 'replicas/llama3': join(dir, 'llama3') } });
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('fetches model.onnx_data next to the .onnx (through the LFS redirect) and the session runs', async () => {
    const cache = new MemoryCache();
    const engine = createRuntimeEngine({ backend: createNodeBackend(), probe: async () => { throw new Error('unused'); }, fetch: fetchHttp, cache });
    hub.clearRequests();
    const events: ProgressInfo[] = [];
    const info = await engine.loadModelUrl(url(), { name: 'replicas/llama3/onnx/model.onnx' }, (p) => events.push(p));
    // one progress stream for the .onnx and its side file: one 100 %, one ready, loaded never back, both files' bytes
    expect(checkProgressInvariants(events, { totalMayGrow: true })).toEqual([]);
    expect(events.filter((e) => e.status === 'ready')).toHaveLength(1);
    expect(events.filter((e) => e.status === 'total' && e.percent === 100)).toHaveLength(1);
    expect(events.filter((e) => e.status === 'initiate').map((e) => e.file)).toEqual([url(), `${url()}_data`]);
    const sizes = events.flatMap((e) => (e.status === 'done' ? [e.total] : []));
    expect(events.at(-2)).toMatchObject({ status: 'total', loaded: sizes[0] + sizes[1], total: sizes[0] + sizes[1] });
    expect(hub.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
      '/replicas/llama3/resolve/main/onnx/model.onnx 302', '/_lfs/replicas/llama3/onnx/model.onnx 200',
      '/replicas/llama3/resolve/main/onnx/model.onnx_data 302', '/_lfs/replicas/llama3/onnx/model.onnx_data 200',
    ]);
    expect(info.model?.externalDataFiles).toEqual(['model.onnx_data']);
    const out = await engine.run(info.handle, sampleFeeds(info.inputs, { seed: 1 }));
    expect(out.logits.dims).toEqual([1, 4, 128256]);
    expect((out.logits.data as Float32Array).every(Number.isFinite)).toBe(true);
    expect((await cache.keys()).sort()).toEqual([url(), `${url()}_data`]);
    await engine.unload(info.handle);
  }, 120_000);

  it('a missing model.onnx_data is ExternalDataMissingError naming it, and the cache keeps nothing', async () => {
    const cache = new MemoryCache();
    const engine = createRuntimeEngine({ backend: createNodeBackend(), probe: async () => { throw new Error('unused'); }, fetch: fetchHttp, cache });
    hub.setFault('replicas/llama3/onnx/model.onnx_data', { kind: 'not-found' });
    try {
      await expect(engine.loadModelUrl(url(), { name: 'replicas/llama3/onnx/model.onnx' })).rejects.toMatchObject({
        code: 'EXTERNAL_DATA_MISSING', message: expect.stringContaining('external data file model.onnx_data'),
      });
    } finally {
      hub.clearFaults();
    }
    expect(await cache.keys()).toEqual([]);
  }, 120_000);
});
