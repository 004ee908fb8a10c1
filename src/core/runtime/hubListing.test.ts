// The hub listing gives the Models page's one bar (an .onnx, then the external data its graph names) its byte total
// before the first byte: parsing the Hugging Face tree API's answer, the guess before the .onnx is in, the exact
// total after, and the engine's loadModelUrl end to end on a small real graph with its weights in model.onnx_data,
// served by an in-memory hub: with the listing the total never changes; without it (404) it grows as before.
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { MemoryCache } from './cache';
import { createRuntimeEngine } from './engineApi';
import { exactChainTotal, fetchHubListing, guessedChainTotal, likelySideFiles, parseHubTree } from './hubListing';
import type { FetchLike } from './loaders';
import { GraphBuilder } from './onnx/builder';
import { createNodeBackend } from './ortNode';
import { checkProgressInvariants, type ProgressInfo } from './progress';

const { onnx } = onnxProto;

/** A graph whose two 2×2 float32 weights live in `model.onnx_data` (offsets 0 and 16), as an exporter writes it. */
function graphWithSideFile(): { onnx: Uint8Array; data: Uint8Array } {
  const w = Float32Array.from([1, 0, 0, 1, 2, 0, 0, 2]);
  const bytes = new GraphBuilder().input('x', 'float32', [1, 2])
    .initializer('a', w.slice(0, 4), [2, 2]).initializer('b', w.slice(4), [2, 2])
    .node('MatMul', ['x', 'a'], ['h']).node('MatMul', ['h', 'b'], ['y']).output('y', 'float32', [1, 2]).toBytes();
  const m = onnx.ModelProto.decode(bytes);
  m.graph!.initializer!.forEach((t, i) => {
    t.rawData = new Uint8Array(0);
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [{ key: 'location', value: 'model.onnx_data' }, { key: 'offset', value: String(16 * i) }, { key: 'length', value: '16' }];
  });
  return { onnx: onnx.ModelProto.encode(m).finish(), data: new Uint8Array(w.buffer) };
}

const HUB = 'https://hub.test/';
const URL_ONNX = `${HUB}org/m/resolve/main/onnx/model.onnx`;
const LISTING = `${HUB}api/models/org/m/tree/main/onnx`;

/** An in-memory hub: files by URL and the tree API's answer (undefined: 404, as a mirror without the API). */
function memoryHub(files: Map<string, Uint8Array>, tree: unknown): { fetch: FetchLike; asked: string[] } {
  const asked: string[] = [];
  const fetch: FetchLike = async (url) => {
    asked.push(url);
    if (url === LISTING) return tree === undefined ? new Response('{"error":"not found"}', { status: 404 }) : new Response(JSON.stringify(tree));
    const body = files.get(url);
    return body ? new Response(body.slice(), { headers: { 'content-length': String(body.byteLength) } }) : new Response('404', { status: 404 });
  };
  return { fetch, asked };
}

const treeEntry = (path: string, size: number, lfs = false) => ({ type: 'file', oid: 'x', size: lfs ? 134 : size, path, ...(lfs ? { lfs: { oid: 'y', size, pointerSize: 134 } } : {}) });

describe('hub listing sizes', () => {
  it('parses the tree API (an LFS file by its real size, folders skipped), guesses the side files, then totals exactly', () => {
    const listing = parseHubTree([
      treeEntry('onnx/model.onnx', 1000, true), treeEntry('onnx/model.onnx_data', 9000, true), treeEntry('onnx/model.onnx_data_1', 500, true),
      treeEntry('onnx/model_q4.onnx', 300, true), treeEntry('onnx/model_q4.onnx_data', 2000, true), treeEntry('onnx/model.onnx.data', 7, true),
      { type: 'directory', oid: 'z', size: 0, path: 'onnx/sub' }, treeEntry('onnx/notes.txt', 12),
    ])!;
    expect(listing.get('onnx/model.onnx')).toBe(1000);
    expect(listing.has('onnx/sub')).toBe(false);
    expect(likelySideFiles(listing, 'onnx/model.onnx').sort()).toEqual(['onnx/model.onnx.data', 'onnx/model.onnx_data', 'onnx/model.onnx_data_1']);
    expect(likelySideFiles(listing, 'onnx/model_q4.onnx')).toEqual(['onnx/model_q4.onnx_data']);
    expect(guessedChainTotal(listing, 'onnx/model.onnx')).toBe(1000 + 9000 + 500 + 7);
    expect(guessedChainTotal(listing, 'onnx/other.onnx')).toBeUndefined();
    expect(exactChainTotal(listing, 'onnx/model.onnx', ['onnx/model.onnx_data'])).toBe(10_000);
    expect(exactChainTotal(listing, 'onnx/model.onnx', [])).toBe(1000);
    expect(exactChainTotal(listing, 'onnx/model.onnx', ['onnx/missing.bin'])).toBeUndefined();
    expect(parseHubTree({ error: 'Repository not found' })).toBeUndefined();
  });

  it('a listing that fails (404, not JSON) is no listing; a cancelled one still cancels', async () => {
    expect(await fetchHubListing(LISTING, memoryHub(new Map(), undefined).fetch)).toBeUndefined();
    expect(await fetchHubListing(LISTING, async () => new Response('<!doctype html>'))).toBeUndefined();
    const abort = new AbortController();
    abort.abort();
    await expect(fetchHubListing(LISTING, async () => { throw new DOMException('aborted', 'AbortError'); }, abort.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('loadModelUrl with a hub listing: one bar over the .onnx and model.onnx_data, its total known up front', () => {
  const model = graphWithSideFile();
  const files = new Map([[URL_ONNX, model.onnx], [`${URL_ONNX}_data`, model.data]]);
  const total = model.onnx.byteLength + model.data.byteLength;
  const load = async (tree: unknown, cache = new MemoryCache()) => {
    const hub = memoryHub(files, tree);
    const engine = createRuntimeEngine({ backend: createNodeBackend({ numThreads: 1 }), probe: async () => { throw new Error('unused'); }, fetch: hub.fetch, cache });
    const events: ProgressInfo[] = [];
    const info = await engine.loadModelUrl(URL_ONNX, { name: 'org/m/onnx/model.onnx', listing: { url: LISTING, file: 'onnx/model.onnx' } }, (p) => events.push(p));
    const out = await engine.run(info.handle, { x: { type: 'float32', data: Float32Array.from([1, 3]), dims: [1, 2] } });
    await engine.unload(info.handle);
    return { events, asked: hub.asked, y: Array.from(out.y.data as Float32Array), totals: events.flatMap((e) => (e.status === 'total' ? [e.total] : [])) };
  };

  it('with the listing: every aggregate has the final total, the strict invariants hold, and the side file\'s weights run', async () => {
    const r = await load([treeEntry('onnx/model.onnx', model.onnx.byteLength, true), treeEntry('onnx/model.onnx_data', model.data.byteLength, true)]);
    expect(new Set(r.totals)).toEqual(new Set([total]));
    expect(checkProgressInvariants(r.events)).toEqual([]);
    expect(r.asked).toEqual([LISTING, URL_ONNX, `${URL_ONNX}_data`]);
    expect(r.y).toEqual([2, 6]); // x · I · 2I
  });

  it('without the API (404) the total grows once, as before; a listed file the graph does not name is corrected away', async () => {
    const without = await load(undefined);
    expect(without.totals[0]).toBe(model.onnx.byteLength);
    expect(checkProgressInvariants(without.events)).toEqual(expect.arrayContaining([expect.stringMatching(/total changed/)]));
    expect(checkProgressInvariants(without.events, { totalMayGrow: true })).toEqual([]);
    const extra = await load([treeEntry('onnx/model.onnx', model.onnx.byteLength), treeEntry('onnx/model.onnx_data', model.data.byteLength), treeEntry('onnx/model.onnx_data_1', 4096)]);
    expect(extra.totals[0]).toBe(total + 4096);
    expect(extra.totals.at(-1)).toBe(total);
    const percents = extra.events.flatMap((e) => (e.status === 'total' ? [e.percent] : []));
    expect(percents.every((p, i) => i === 0 || p >= percents[i - 1])).toBe(true);
    expect(checkProgressInvariants(extra.events, { totalMayShrink: true })).toEqual([]);
    expect(extra.asked).not.toContain(`${URL_ONNX}_data_1`); // the listing never decides what is fetched
  });

  it('a cached .onnx asks the hub for no listing', async () => {
    const cache = new MemoryCache();
    await load(undefined, cache);
    const again = await load([treeEntry('onnx/model.onnx', model.onnx.byteLength)], cache);
    expect(again.asked).toEqual([]);
  });
});
