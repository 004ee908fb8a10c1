// How a backend setting becomes a provider order: `auto` skips a fallback adapter (and says why), an explicit
// 'webgpu' is honoured even there, a timing settles a hardware adapter, and the whole probe → choice → session
// path runs on onnxruntime-web in Node (no navigator.gpu: WASM, with the reason recorded in the session).
import { describe, expect, it } from 'vitest';
import { buildBenchGraph } from './benchGraph';
import { chooseProviders, needsTiming, resolveProviders, timeProviders } from './backendChoice';
import { probeCapabilities, type AdapterLike, type ProbeGlobals } from './capabilities';
import { createNodeRawSession } from './ortNode';
import { createWebBackend } from './ortWeb';
import { createFallbackSession, type RawSession } from './session';

const swiftshader: AdapterLike = { info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } };
const nvidia: AdapterLike = { info: { vendor: 'nvidia', architecture: 'ampere' }, features: ['shader-f16'] };

const probeWith = (adapter: AdapterLike | null) =>
  probeCapabilities({ navigator: { gpu: { requestAdapter: async () => adapter } }, WebAssembly } as ProbeGlobals);

describe('resolveProviders', () => {
  it('auto never prefers a fallback adapter: WASM only, and the reason names the adapter', async () => {
    const caps = await probeWith(swiftshader);
    expect(caps.webgpu.available).toBe(true);
    expect(caps.providers).toEqual(['wasm']);
    const c = resolveProviders('auto', caps);
    expect(c.providers).toEqual(['wasm']);
    expect(c.skipped).toEqual([{ provider: 'webgpu', reason: expect.stringContaining('fallback adapter (google/swiftshader)') }]);
    expect(c.reason).toMatch(/^WASM \(auto\): WebGPU skipped — fallback adapter/);
    expect(needsTiming('auto', caps)).toBe(false);
  });

  it('a software adapter that does not set the flag is recognised by its name', async () => {
    const caps = await probeWith({ info: { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } });
    expect(resolveProviders('auto', caps).providers).toEqual(['wasm']);
  });

  it('an explicit webgpu is honoured on a fallback adapter, with a warning', async () => {
    const c = resolveProviders('webgpu', await probeWith(swiftshader));
    expect(c.providers).toEqual(['webgpu', 'wasm']);
    expect(c.skipped).toEqual([]);
    expect(c.reason).toContain('software rasteriser');
  });

  it('wasm is WASM whatever the adapter; no adapter under auto gives the probe reason', async () => {
    expect(resolveProviders('wasm', await probeWith(nvidia)).providers).toEqual(['wasm']);
    const none = resolveProviders('auto', await probeWith(null));
    expect(none.providers).toEqual(['wasm']);
    expect(none.skipped[0].reason).toContain('requestAdapter() returned null');
  });

  it('a hardware adapter needs a timing under auto, and the faster provider goes first', async () => {
    const caps = await probeWith(nvidia);
    expect(needsTiming('auto', caps)).toBe(true);
    expect(needsTiming('webgpu', caps)).toBe(false);
    expect(resolveProviders('auto', caps, { wasmMs: 12, webgpuMs: 3 })).toMatchObject({ providers: ['webgpu', 'wasm'], reason: expect.stringContaining('measured faster') });
    const slow = resolveProviders('auto', caps, { wasmMs: 2.6, webgpuMs: 9 });
    expect(slow).toMatchObject({ providers: ['wasm'], timings: { wasmMs: 2.6, webgpuMs: 9 } });
    expect(slow.skipped[0].reason).toContain('(9.00 ms vs 2.60 ms per call');
  });

  it('chooseProviders times only when it must, and a failed timing rules WebGPU out', async () => {
    let timed = 0;
    const time = async () => { timed++; return { wasmMs: 5, webgpuMs: 1 }; };
    expect((await chooseProviders('auto', await probeWith(swiftshader), time)).providers).toEqual(['wasm']);
    expect((await chooseProviders('webgpu', await probeWith(nvidia), time)).providers).toEqual(['webgpu', 'wasm']);
    expect(timed).toBe(0);
    expect((await chooseProviders('auto', await probeWith(nvidia), time)).providers).toEqual(['webgpu', 'wasm']);
    expect(timed).toBe(1);
    const failed = await chooseProviders('auto', await probeWith(nvidia), async () => { throw new Error('device lost'); });
    expect(failed).toMatchObject({ providers: ['wasm'], skipped: [{ provider: 'webgpu', reason: expect.stringContaining('device lost') }] });
  });
});

describe('timeProviders', () => {
  it('times the probe graph on each provider with real ORT sessions', async () => {
    // onnxruntime-node stands in for both providers; the "webgpu" one is made 30 ms slower per call.
    const factory = async (bytes: Uint8Array, provider: string): Promise<RawSession> => {
      const real = await createNodeRawSession(bytes, 1);
      if (provider !== 'webgpu') return real;
      return { ...real, run: async (feeds) => { await new Promise((r) => setTimeout(r, 30)); return real.run(feeds); } };
    };
    const t = await timeProviders({ createSession: (bytes, o) => createFallbackSession(factory, bytes, o?.preferredProviders ?? [], o) }, 3);
    expect(t.webgpuMs).toBeGreaterThan(t.wasmMs + 20);
  });
});

describe('the web backend resolves each session\'s setting', () => {
  it('auto in Node (no navigator.gpu) creates on WASM directly and records why WebGPU was skipped', async () => {
    const g = buildBenchGraph({ layers: 1, dModel: 16, heads: 2, seq: 4 });
    const s = await createWebBackend({ wasmPaths: null, numThreads: 1 }).createSession(g.bytes);
    expect(s.executionProvider).toBe('wasm');
    expect(s.info.fallbacks).toEqual([]);
    expect(s.info.choice).toMatchObject({ preference: 'auto', providers: ['wasm'], skipped: [{ provider: 'webgpu', reason: expect.stringContaining('navigator.gpu is missing') }] });
    await s.dispose();
  });
});
