// Session policy on real onnxruntime: input validation, named errors for bad files, serialised runs, provider
// fallback at creation (onnxruntime-web in Node has no WebGPU) and at run time (a lost device mid-run).
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './onnx/builder';
import { createNodeBackend, createNodeRawSession } from './ortNode';
import { createWebBackend } from './ortWeb';
import { createFallbackSession, type RawSession } from './session';
import { tensor } from './tensor';

const { onnx } = onnxProto;
const W = new Float32Array([1, 2, 3, 4, 5, 6]);
const model = new GraphBuilder()
  .input('x', 'float32', ['batch', 2]).input('y', 'float32', ['batch', 3]).initializer('w', W, [2, 3])
  .node('MatMul', ['x', 'w'], ['xw']).node('Add', ['xw', 'y'], ['z']).output('z').toBytes();
const feeds = (b: number, v = 1) => ({
  x: tensor('float32', new Float32Array(2 * b).fill(v), [b, 2]),
  y: tensor('float32', new Float32Array(3 * b), [b, 3]),
});
const node = createNodeBackend({ numThreads: 1 });

describe('input validation', () => {
  it('runs matching feeds and reports the provider that ran', async () => {
    const s = await node.createSession(model);
    expect(s.executionProvider).toBe('cpu');
    expect(s.info.inputMetadata).toEqual([{ name: 'x', dtype: 'float32', dims: ['batch', 2] }, { name: 'y', dtype: 'float32', dims: ['batch', 3] }]);
    expect(Array.from((await s.run(feeds(1))).z.data as Float32Array)).toEqual([5, 7, 9]);
    await s.dispose();
  });

  it.each([
    ['wrong dtype', { ...feeds(1), x: tensor('int32', new Int32Array(2), [1, 2]) }, "'x' has dtype int32, model expects float32"],
    ['wrong fixed dim', { ...feeds(1), x: tensor('float32', new Float32Array(3), [1, 3]) }, "'x' dim 1 is 3, model expects 2"],
    ['wrong rank', { ...feeds(1), x: tensor('float32', new Float32Array(2), [2]) }, "'x' has rank 1 [2], model expects rank 2"],
    ['inconsistent symbolic dim', { ...feeds(1), y: tensor('float32', new Float32Array(6), [2, 3]) }, "'y' dim 0 (batch) is 2 but 'x' set batch=1"],
    ['data length', { ...feeds(1), x: tensor('float32', new Float32Array(5), [1, 2]) }, "'x' has 5 values for dims [1,2]"],
    ['missing input', { x: feeds(1).x }, "missing input 'y'"],
    ['unexpected input', { ...feeds(1), z: feeds(1).y }, "unexpected input 'z'"],
  ])('rejects %s with InputMismatchError', async (_label, bad, message) => {
    const s = await node.createSession(model);
    await expect(s.run(bad)).rejects.toMatchObject({ code: 'INPUT_MISMATCH', message: expect.stringContaining(message) });
    await s.dispose();
  });
});

describe('bad model files', () => {
  it('truncated, garbage, HTML and unknown-op models fail with named errors', async () => {
    await expect(node.createSession(model.subarray(0, Math.floor(model.length * 0.6)))).rejects.toMatchObject({ code: 'CORRUPT_MODEL' });
    await expect(node.createSession(new TextEncoder().encode('\u0000\u00ffgarbage'))).rejects.toMatchObject({ code: 'CORRUPT_MODEL', message: expect.stringContaining('wrong magic') });
    await expect(node.createSession(new TextEncoder().encode('<!DOCTYPE html><html></html>'))).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    const unknownOp = new GraphBuilder().input('x', 'float32', [1]).node('NoSuchOp', ['x'], ['y']).output('y', 'float32', [1]).toBytes();
    await expect(node.createSession(unknownOp)).rejects.toMatchObject({ code: 'UNSUPPORTED_MODEL' });
  });

  it('a model whose weights live in an external data file that was not supplied is ExternalDataMissingError naming it', async () => {
    const m = onnx.ModelProto.decode(model);
    m.graph!.initializer![0].rawData = new Uint8Array(0);
    m.graph!.initializer![0].dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    m.graph!.initializer![0].externalData = [{ key: 'location', value: 'model.onnx_data' }];
    const bytes = onnx.ModelProto.encode(m).finish();
    await expect(node.createSession(bytes)).rejects.toMatchObject({ name: 'ExternalDataMissingError', code: 'EXTERNAL_DATA_MISSING', files: ['model.onnx_data'], message: expect.stringContaining('external data file model.onnx_data') });
  });
});

describe('serialised runs', () => {
  it('never overlaps two runs of one session and keeps results in call order', async () => {
    let active = 0;
    let maxActive = 0;
    const base = await createNodeRawSession(model, 1);
    const counting: RawSession = { ...base, async run(f) {
      active++; maxActive = Math.max(maxActive, active);
      try { await new Promise((r) => setTimeout(r, 1)); return await base.run(f); } finally { active--; }
    } };
    const s = await createFallbackSession(async () => counting, model, ['cpu']);
    const outs = await Promise.all([1, 2, 3, 4, 5].map((v) => s.run(feeds(1, v))));
    expect(maxActive).toBe(1);
    expect(outs.map((o) => (o.z.data as Float32Array)[0])).toEqual([5, 10, 15, 20, 25]);
  });

  it('a run cancelled while queued never starts', async () => {
    const s = await node.createSession(model);
    const ac = new AbortController();
    const first = s.run(feeds(1));
    const second = s.run(feeds(1), { signal: ac.signal });
    ac.abort();
    await expect(first).resolves.toBeDefined();
    await expect(second).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('provider fallback', () => {
  it('onnxruntime-web set to webgpu without WebGPU falls back to WASM at creation and records why', async () => {
    const web = createWebBackend({ wasmPaths: null, numThreads: 1 });
    const s = await web.createSession(model, { backend: 'webgpu' });
    expect(s.executionProvider).toBe('wasm');
    expect(s.info.fallbacks).toEqual([expect.objectContaining({ from: 'webgpu', to: 'wasm', when: 'create', code: 'WEBGPU_UNAVAILABLE' })]);
    expect(s.info.choice).toMatchObject({ preference: 'webgpu', providers: ['webgpu', 'wasm'] });
    expect(Array.from((await s.run(feeds(1))).z.data as Float32Array)).toEqual([5, 7, 9]);
    const forced = await web.createSession(model, { backend: 'webgpu', simulateWebGpuFailure: 'create' });
    expect(forced.info.fallbacks[0].reason).toContain('simulated failure');
  });

  it('a device lost during a WebGPU run re-creates the session on WASM and completes the run', async () => {
    let gpuRuns = 0;
    const factory = async (bytes: Uint8Array, provider: string): Promise<RawSession> => {
      const real = await createNodeRawSession(bytes, 1);
      if (provider !== 'webgpu') return real;
      return { ...real, run: async () => { gpuRuns++; throw new Error('GPUDevice was lost: reason "unknown"'); } };
    };
    const s = await createFallbackSession(factory, model, ['webgpu', 'wasm']);
    expect(s.executionProvider).toBe('webgpu');
    expect(Array.from((await s.run(feeds(1))).z.data as Float32Array)).toEqual([5, 7, 9]);
    expect(gpuRuns).toBe(1);
    expect(s.executionProvider).toBe('wasm');
    expect(s.info.fallbacks).toEqual([expect.objectContaining({ from: 'webgpu', to: 'wasm', when: 'run', code: 'DEVICE_LOST' })]);
  });

  it('out-of-memory on the last provider is reported as OutOfMemoryError with a remedy', async () => {
    const factory = async (bytes: Uint8Array): Promise<RawSession> => ({
      ...(await createNodeRawSession(bytes, 1)), run: async () => { throw new Error('Failed to allocate memory for requested buffer of size 4294967296'); },
    });
    const s = await createFallbackSession(factory, model, ['wasm']);
    await expect(s.run(feeds(1))).rejects.toMatchObject({ code: 'OUT_OF_MEMORY', remedy: expect.stringContaining('smaller model') });
  });
});
