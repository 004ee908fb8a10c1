// The probe against fake globals shaped like real browsers: SwiftShader (FACTS.md), a GPU with shader-f16, a
// null adapter, a throwing adapter request, no WebGPU at all, and Node itself.
import { describe, expect, it } from 'vitest';
import { probeCapabilities, type AdapterLike, type ProbeGlobals } from './capabilities';

const swiftshader: AdapterLike = {
  info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true },
  features: new Set(['float32-filterable', 'timestamp-query']),
  limits: { maxBufferSize: 268435456, maxStorageBufferBindingSize: 134217728, maxComputeInvocationsPerWorkgroup: 256, maxTextureDimension2D: 8192 },
};

function page(adapter: () => Promise<AdapterLike | null>, extra: Partial<ProbeGlobals> = {}): ProbeGlobals {
  return {
    navigator: { gpu: { requestAdapter: adapter }, hardwareConcurrency: 8, storage: { estimate: async () => ({ usage: 1000, quota: 5e9 }) } },
    crossOriginIsolated: true, SharedArrayBuffer, WebAssembly, ...extra,
  };
}

describe('probeCapabilities', () => {
  it('reports the SwiftShader fallback adapter with fp32 and only the key limits', async () => {
    const c = await probeCapabilities(page(async () => swiftshader));
    expect(c.webgpu).toEqual({
      available: true, vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true,
      features: ['float32-filterable', 'timestamp-query'], shaderF16: false, dtype: 'fp32',
      limits: { maxBufferSize: 268435456, maxStorageBufferBindingSize: 134217728, maxComputeInvocationsPerWorkgroup: 256 },
    });
    // available, but `auto` starts from WASM: a software adapter is slower than it (backendChoice.ts)
    expect(c.providers).toEqual(['wasm']);
    expect(c.wasm).toMatchObject({ threads: true, recommendedThreads: 4 });
    expect(c.storage).toEqual({ usage: 1000, quota: 5e9 });
  });

  it('picks fp16 when the adapter has shader-f16', async () => {
    const c = await probeCapabilities(page(async () => ({ ...swiftshader, info: { vendor: 'nvidia', architecture: 'ampere' }, features: ['shader-f16'] })));
    expect(c.webgpu).toMatchObject({ available: true, vendor: 'nvidia', isFallbackAdapter: false, shaderF16: true, dtype: 'fp16' });
    expect(c.providers).toEqual(['webgpu', 'wasm']);
  });

  it('gives the exact reason when there is no adapter', async () => {
    const none = await probeCapabilities(page(async () => null));
    expect(none.webgpu).toEqual({ available: false, reason: expect.stringContaining('requestAdapter() returned null') });
    expect(none.providers).toEqual(['wasm']);
    const threw = await probeCapabilities(page(async () => { throw new Error('GPU process crashed'); }));
    expect(threw.webgpu).toEqual({ available: false, reason: 'requestAdapter() failed: GPU process crashed' });
    const hangs = await probeCapabilities(page(() => new Promise(() => undefined)), { adapterTimeoutMs: 5 });
    expect(hangs.webgpu).toEqual({ available: false, reason: 'requestAdapter() failed: no answer within 5 ms' });
  });

  it('explains single-threaded WASM when the page is not cross-origin isolated', async () => {
    const c = await probeCapabilities(page(async () => null, { crossOriginIsolated: false }));
    expect(c.wasm).toMatchObject({ threads: false, recommendedThreads: 1, reason: expect.stringContaining('COOP') });
  });

  it('runs on Node globals: no navigator.gpu, WASM present', async () => {
    const c = await probeCapabilities({ WebAssembly, SharedArrayBuffer });
    expect(c.webgpu).toEqual({ available: false, reason: expect.stringContaining('navigator.gpu is missing') });
    expect(c.wasm.available).toBe(true);
    expect(c.storage).toEqual({ unavailable: 'navigator.storage is missing' });
  });
});
