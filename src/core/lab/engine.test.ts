import { beforeAll, describe, expect, it } from 'vitest';
import { nn } from '@jax-js/jax';
import { chooseDevice, fromF32, fromI32, initEngine, matmul, np, oneHot, readF32, takeF32 } from './engine';

beforeAll(async () => {
  await initEngine();
});

/** Host reference of a broadcasting batched matmul over explicit (already broadcast) operands. */
function hostBmm(a: Float32Array, b: Float32Array, nb: number, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(nb * m * n);
  for (let z = 0; z < nb; z++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += a[z * m * k + i * k + t] * b[z * k * n + t * n + j];
    out[z * m * n + i * n + j] = s;
  }
  return out;
}

const seq = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('engine', () => {
  it('starts wasm in Node and reports the polyfills it installed', async () => {
    const info = await initEngine();
    expect(info.host).toBe('node');
    expect(info.device).toBe('wasm');
    expect(info.started).toContain('wasm');
    expect(info.why).toBe('no WebGPU adapter: WebAssembly');
    // einsum needs the iterator-helper polyfill on Node 20 (and works natively on newer runtimes)
    const e = np.einsum('ij,jk->ik', fromF32([1, 2, 3, 4], [2, 2]), fromF32([1, 0, 0, 1], [2, 2]));
    expect(Array.from(takeF32(e))).toEqual([1, 2, 3, 4]);
  });

  it('chooses WebGPU only with a hardware adapter, honours a started preference, says why', () => {
    expect(chooseDevice(['cpu', 'wasm', 'webgpu'])).toEqual({ device: 'webgpu', why: 'WebGPU adapter available' });
    expect(chooseDevice(['cpu', 'wasm', 'webgpu'], { webgpuFallback: true }).device).toBe('wasm');
    expect(chooseDevice(['cpu', 'wasm', 'webgpu'], { webgpuFallback: true }).why).toMatch(/software fallback/);
    expect(chooseDevice(['cpu', 'wasm'])).toEqual({ device: 'wasm', why: 'no WebGPU adapter: WebAssembly' });
    expect(chooseDevice(['cpu', 'wasm', 'webgpu'], { prefer: 'wasm' }).device).toBe('wasm');
    expect(chooseDevice(['cpu', 'wasm'], { prefer: 'webgpu' }).why).toMatch(/webgpu requested but did not start/);
    expect(() => chooseDevice([])).toThrow(/no usable device/);
  });

  it('readF32 keeps the array, takeF32 releases it', () => {
    const a = fromF32([1, 2, 3], [3]);
    expect(Array.from(readF32(a))).toEqual([1, 2, 3]);
    expect(a.refCount).toBe(1);
    expect(Array.from(takeF32(a))).toEqual([1, 2, 3]);
    expect(() => fromI32([1, 2], [3])).toThrow(/needs 3/);
  });

  // Canary: np.matmul in jax-js 0.1.25 misaligns batch dims when ranks differ. If this starts failing, jax-js
  // fixed it and the rank padding in engine `matmul` can go.
  it('raw np.matmul is wrong for [2,1,3,4] @ [2,4,5] (the case engine matmul exists for)', () => {
    const a = seq(24, Math.sin);
    const b = seq(40, Math.cos);
    const raw = takeF32(np.matmul(fromF32(a, [2, 1, 3, 4]), fromF32(b, [2, 4, 5])));
    const aB = new Float32Array(48); // a broadcast to [2,2,3,4]
    const bB = new Float32Array(80); // b broadcast to [2,2,4,5]
    for (let i = 0; i < 2; i++) for (let h = 0; h < 2; h++) {
      aB.set(a.subarray(i * 12, i * 12 + 12), (i * 2 + h) * 12);
      bB.set(b.subarray(h * 20, h * 20 + 20), (i * 2 + h) * 20);
    }
    const want = hostBmm(aB, bB, 4, 3, 4, 5);
    expect(maxAbs(raw, want)).toBeGreaterThan(0.1);
    expect(maxAbs(takeF32(matmul(fromF32(a, [2, 1, 3, 4]), fromF32(b, [2, 4, 5]))), want)).toBeLessThan(1e-5);
  });

  it('engine matmul gives the broadcast shape and values for 2-D @ batched', () => {
    const a = seq(12, (i) => i * 0.1);
    const b = seq(40, Math.cos);
    const out = matmul(fromF32(a, [3, 4]), fromF32(b, [2, 4, 5]));
    expect(out.shape).toEqual([2, 3, 5]);
    const aB = new Float32Array(24);
    aB.set(a, 0);
    aB.set(a, 12);
    expect(maxAbs(takeF32(out), hostBmm(aB, b, 2, 3, 4, 5))).toBeLessThan(1e-5);
  });

  it('one-hot rows of a real vocabulary size: nn.oneHot overflows past 46,340 classes, engine oneHot does not', () => {
    const V = 50257; // GPT-2's vocabulary
    const ids = [V - 1, 3];
    const count = (rows: Float32Array) => ids.reduce((bad, id, r) => {
      for (let i = 0; i < V; i++) if (rows[r * V + i] !== (i === id ? 1 : 0)) bad++;
      return bad;
    }, 0);
    expect(count(takeF32(nn.oneHot(fromI32(ids, [2]), V)))).toBeGreaterThan(0); // the canary: fails once jax-js is fixed
    expect(count(takeF32(oneHot(fromI32(ids, [2]), V)))).toBe(0);
    expect(Array.from(takeF32(oneHot(fromI32([-1, 4], [2]), 4)))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]); // out of range: zeros
  });
});
