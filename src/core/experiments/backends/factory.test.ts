// The backend factory with the real runtimes: onnxruntime-node for `auto` in Node, onnxruntime-web's WASM build
// for `wasm`, WebGPU requested where there is none (logged at resolution and at session creation, then WASM), a
// browser-like host whose only WebGPU adapter is a software one (auto takes WASM: the runtime's own resolver,
// reported as a fallback), the sidecar for big jobs, and sessions released when the run ends.
import { afterEach, describe, expect, it } from 'vitest';
import { buildBenchGraph } from '../../runtime/benchGraph';
import { nodeHost } from '../buildInfoNode';
import { UNKNOWN_BUILD } from '../environment';
import { BackendUnavailableError, createBackend, type BackendHost } from './factory';

const host = nodeHost();
const graph = buildBenchGraph({ layers: 1, dModel: 16, heads: 2, seq: 4, seed: 3 });

/** One forward of the probe graph on `preference`, through the factory's ORT backend; the output and the report. */
async function forward(preference: 'auto' | 'wasm' | 'webgpu', on: BackendHost = host) {
  const backend = createBackend(preference, on);
  const out = await backend.run(async (b) => {
    const session = await (await b.ort()).createSession(graph.bytes, { backend: preference, file: 'probe.onnx' });
    const result = await session.run(graph.feeds());
    return Array.from(Object.values(result)[0].data as Float32Array);
  });
  return { out, report: backend.report(), backend };
}

afterEach(() => {
  delete (globalThis as { navigator?: unknown }).navigator;
});

describe('createBackend in Node', () => {
  it('auto runs on onnxruntime-node (CPU); wasm on onnxruntime-web WASM; both compute the same forward', async () => {
    const cpu = await forward('auto');
    expect(cpu.report).toEqual({ requested: 'auto', chosen: 'node', used: 'onnxruntime-node:cpu', fallbacks: [] });
    const wasm = await forward('wasm');
    expect(wasm.report.requested).toBe('wasm');
    expect(wasm.report.chosen).toBe('wasm');
    expect(wasm.report.used).toBe('onnxruntime-web:wasm');
    // the web runtime's resolver says why WebGPU was not tried; the factory passes that on
    expect(wasm.report.fallbacks).toEqual([{ from: 'webgpu', to: 'wasm', stage: 'resolve', reason: 'the backend is set to wasm', file: 'probe.onnx' }]);
    expect(wasm.out.length).toBe(cpu.out.length);
    wasm.out.forEach((v, i) => expect(v).toBeCloseTo(cpu.out[i], 4));
  });

  it('webgpu in Node is logged twice (no WebGPU in Node; the session could not create on it) and runs on WASM', async () => {
    const { report } = await forward('webgpu');
    expect(report.chosen).toBe('wasm');
    expect(report.used).toBe('onnxruntime-web:wasm');
    expect(report.fallbacks).toEqual([
      expect.objectContaining({ from: 'webgpu', to: 'wasm', stage: 'resolve', reason: expect.stringContaining('Node has no WebGPU') }),
      expect.objectContaining({ from: 'webgpu', to: 'wasm', stage: 'create', file: 'probe.onnx', reason: expect.stringContaining('navigator.gpu') }),
    ]);
  });

  it('a pure-TypeScript run reports js; a host without ONNX runtimes is refused by name when a session is needed', async () => {
    const js = createBackend('webgpu', { runtime: 'node', platform: 'test', build: UNKNOWN_BUILD });
    expect(await js.run(async () => 42)).toBe(42);
    expect(js.report().used).toBe('js');
    await expect(js.ort()).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(js.ort()).rejects.toThrow(/BackendHost\.ort\.node is missing/);
  });

  it('releases the sessions a run created when it ends', async () => {
    const backend = createBackend('auto', host);
    let session: Awaited<ReturnType<Awaited<ReturnType<typeof backend.ort>>['createSession']>> | undefined;
    await backend.run(async (b) => { session = await (await b.ort()).createSession(graph.bytes); });
    await expect(session!.run(graph.feeds())).rejects.toThrow(/disposed/);
  });

  it('a big job goes to the sidecar when one is connected, and says so when none is', () => {
    const endpoint = { url: 'http://127.0.0.1:8765', token: 't'.repeat(43) };
    const withSidecar = createBackend('auto', nodeHost(undefined, { sidecar: endpoint }), { job: 'big' });
    expect(withSidecar.kind).toBe('sidecar');
    expect(withSidecar.sidecar()).toEqual(endpoint);
    expect(withSidecar.report()).toMatchObject({ chosen: 'sidecar', fallbacks: [] });
    const without = createBackend('auto', host, { job: 'big' });
    expect(without.kind).toBe('node');
    expect(without.report().fallbacks).toEqual([expect.objectContaining({ from: 'sidecar', to: 'node', reason: expect.stringContaining('npm run sidecar') })]);
    expect(() => without.sidecar()).toThrow(BackendUnavailableError);
  });
});

describe('createBackend on a browser-like host', () => {
  it('auto never takes a software (fallback) WebGPU adapter over WASM, and the report says why', async () => {
    // the only adapter is SwiftShader, as in a GPU-less Chromium: the runtime's probe sees it through navigator.gpu
    const adapter = { features: new Set<string>(), limits: {}, info: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader', isFallbackAdapter: true } };
    (globalThis as { navigator?: unknown }).navigator = { gpu: { requestAdapter: async () => adapter }, hardwareConcurrency: 1 };
    const worker: BackendHost = { runtime: 'worker', platform: 'test worker', build: UNKNOWN_BUILD, ort: host.ort };
    const { report } = await forward('auto', worker);
    expect(report).toMatchObject({ requested: 'auto', chosen: 'wasm', used: 'onnxruntime-web:wasm' });
    expect(report.fallbacks).toEqual([{ from: 'webgpu', to: 'wasm', stage: 'resolve', file: 'probe.onnx', reason: expect.stringMatching(/fallback adapter .*slower than WASM/) }]);
  });
});
