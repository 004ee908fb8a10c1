// The bench graph is a valid transformer stack: both ORT builds agree on it, causality holds (changing the last
// position leaves earlier outputs unchanged), and the output is finite and not a copy of the input.
import { describe, expect, it } from 'vitest';
import { buildBenchGraph } from './benchGraph';
import { createNodeBackend } from './ortNode';
import { createWebBackend } from './ortWeb';

describe('buildBenchGraph', () => {
  const g = buildBenchGraph({ layers: 2, dModel: 32, heads: 4, seq: 8 });

  it('gives the same outputs on onnxruntime-node and onnxruntime-web (wasm)', async () => {
    const feeds = g.feeds();
    const a = (await (await createNodeBackend({ numThreads: 1 }).createSession(g.bytes)).run(feeds)).y.data as Float32Array;
    const web = await createWebBackend({ wasmPaths: null, numThreads: 1, providers: ['wasm'] }).createSession(g.bytes);
    const b = (await web.run(feeds)).y.data as Float32Array;
    expect(a.length).toBe(8 * 32);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-4);
    expect(Math.max(...a.map((v, i) => Math.abs(v - (feeds.x.data as Float32Array)[i])))).toBeGreaterThan(0.01);
  });

  it('is causal: editing the last position changes only the last position', async () => {
    const s = await createNodeBackend({ numThreads: 1 }).createSession(g.bytes);
    const feeds = g.feeds();
    const edited = (feeds.x.data as Float32Array).slice();
    for (let i = 7 * 32; i < 8 * 32; i++) edited[i] += 1;
    const a = (await s.run(feeds)).y.data as Float32Array;
    const b = (await s.run({ x: { ...feeds.x, data: edited } })).y.data as Float32Array;
    const diff = (from: number, to: number) => Math.max(...Array.from({ length: to - from }, (_, i) => Math.abs(a[from + i] - b[from + i])));
    expect(diff(0, 7 * 32)).toBeLessThan(1e-6);
    expect(diff(7 * 32, 8 * 32)).toBeGreaterThan(0.01);
  });
});
