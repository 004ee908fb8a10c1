// The one differentiable engine of the workbench (DESIGN.md "Runtime rules"): a thin wrapper over @jax-js/jax.
// It starts the right backend for the host (Node: wasm, single thread; browser: WebGPU when an adapter exists,
// else wasm), installs the Node 20 polyfills, and keeps the few ownership helpers every caller needs in one
// place, because jax-js arrays are reference-counted: every op consumes its inputs, `.ref` keeps one.
import { defaultDevice, getWebGPUDevice, grad, init, jit, nn, numpy as np, tree, valueAndGrad, type Device } from '@jax-js/jax';
import { installPolyfills } from './polyfill';

export { np };
export type Arr = np.Array;
/** A plain named record of arrays: the pytree shape jax-js transforms (grad/jit) accept directly. */
export type ArrRecord = Record<string, np.Array>;

/** Raised when the engine cannot start or an op the lab needs misbehaves; the message says what to do. */
export class LabEngineError extends Error {
  override readonly name = 'LabEngineError';
}

export interface EngineInfo {
  /** Device every new array lands on. */
  device: Device;
  /** Devices that really started (probe result, not a wish list). */
  started: Device[];
  /** Polyfills that had to be installed on this runtime. */
  polyfills: string[];
  host: 'node' | 'browser';
  /** Why `device` was chosen, for the UI's "which ran and why" line. */
  why: string;
}

let ready: Promise<EngineInfo> | null = null;

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * Picks the device among those that started. WebGPU wins unless its adapter is a software fallback
 * (SwiftShader in headless Chromium runs at ~1 GFLOP/s, wasm at 16–32: FACTS.md); `prefer` wins when it started.
 */
export function chooseDevice(started: Device[], opts: { prefer?: Device; webgpuFallback?: boolean } = {}): { device: Device; why: string } {
  if (opts.prefer && started.includes(opts.prefer)) return { device: opts.prefer, why: `${opts.prefer} requested` };
  const lost = opts.prefer ? `${opts.prefer} requested but did not start; ` : '';
  if (started.includes('webgpu') && !opts.webgpuFallback) return { device: 'webgpu', why: `${lost}WebGPU adapter available` };
  if (started.includes('wasm')) {
    const reason = started.includes('webgpu') ? 'the WebGPU adapter is a software fallback' : 'no WebGPU adapter';
    return { device: 'wasm', why: `${lost}${reason}: WebAssembly` };
  }
  if (started.includes('cpu')) return { device: 'cpu', why: `${lost}only the (slow, debugging) cpu device started` };
  throw new LabEngineError(`jax-js started no usable device (got ${started.join(', ') || 'none'}).`);
}

/**
 * Starts jax-js once per process/worker; later calls return the first result (and ignore `prefer`). Node:
 * `init('cpu','wasm')` (plain `init()` touches `navigator` and throws there). Browser: probe every backend.
 */
export function initEngine(prefer?: Device): Promise<EngineInfo> {
  ready ??= (async () => {
    const polyfills = installPolyfills();
    requireOps();
    const host = isNode() ? 'node' : 'browser';
    let started: Device[];
    try {
      started = host === 'node' ? await init('cpu', 'wasm') : await init();
    } catch (e) {
      throw new LabEngineError(`jax-js failed to start on ${host}: ${(e as Error).message}`);
    }
    const { device, why } = chooseDevice(started, { prefer, webgpuFallback: started.includes('webgpu') && webgpuIsFallback() });
    defaultDevice(device);
    return { device, started, polyfills, host, why };
  })();
  return ready;
}

/** `GPUDevice.adapterInfo` (Chrome ≥ 128) says whether the adapter is software; unknown counts as hardware. */
function webgpuIsFallback(): boolean {
  try {
    const dev = getWebGPUDevice() as unknown as { adapterInfo?: { isFallbackAdapter?: boolean; architecture?: string } };
    return dev.adapterInfo?.isFallbackAdapter === true || dev.adapterInfo?.architecture === 'swiftshader';
  } catch {
    return false;
  }
}

/**
 * Matrix product with NumPy broadcasting. jax-js 0.1.25's `np.matmul` misaligns batch dimensions when the two
 * operands differ in rank and the lower-rank one has ≥ 3 dims (`[2,1,3,4] @ [2,4,5]` gives wrong numbers,
 * `[3,4] @ [2,4,5]` even the wrong shape; engine.test.ts keeps the case). Padding the lower-rank operand with
 * leading 1-dims first gives the right result, so every lab matmul goes through here.
 */
export function matmul(a: Arr, b: Arr): Arr {
  if (a.ndim < 1 || b.ndim < 1) throw new LabEngineError('matmul needs arrays of rank ≥ 1');
  if (a.ndim === b.ndim || (b.ndim === 2 && a.ndim > 2)) return np.matmul(a, b); // the cases that are right
  const rank = Math.max(a.ndim, b.ndim);
  const pad = (x: Arr) => (x.ndim === rank ? x : x.reshape([...Array<number>(rank - x.ndim).fill(1), ...x.shape]));
  return np.matmul(pad(a), pad(b));
}

/**
 * The jax-js functions the lab is built on. A jax-js upgrade that renames or drops one fails here, at start,
 * with the name, instead of deep inside a forward pass.
 */
function requireOps(): void {
  const ops: Record<string, unknown> = {
    'np.matmul': np.matmul, 'np.split': np.split, 'np.tri': np.tri, 'np.tanh': np.tanh, 'np.sqrt': np.sqrt,
    'np.reciprocal': np.reciprocal, 'np.square': np.square, 'np.broadcastTo': np.broadcastTo, 'np.maximum': np.maximum,
    'np.minimum': np.minimum, 'nn.oneHot': nn.oneHot, 'nn.softmax': nn.softmax, 'nn.logSoftmax': nn.logSoftmax,
    grad, jit, valueAndGrad, 'tree.ref': tree.ref, 'tree.dispose': tree.dispose,
  };
  const missing = Object.entries(ops).filter(([, f]) => typeof f !== 'function').map(([k]) => k);
  if (missing.length) {
    throw new LabEngineError(`this @jax-js/jax lacks ${missing.join(', ')}; core/lab is written against 0.1.25.`);
  }
}

/**
 * One-hot rows [..., n] (float32) of integer ids [...]. jax-js 0.1.25's `nn.oneHot` is `eye(n).slice(ids)`, whose
 * flat index i·n + j overflows int32 once n > 46,340: rows of real vocabularies (GPT-2 50,257, Llama 3 128,256,
 * Qwen 151,936, Gemma 262,208) came back wrong (engine.test.ts keeps the case). A broadcast comparison with
 * arange never forms that index. Ids outside [0, n) give a zero row (nn.oneHot gave other rows for them).
 */
export function oneHot(ids: Arr, n: number): Arr {
  return np.equal(ids.reshape([...ids.shape, 1]), np.arange(0, n, 1, { dtype: np.int32 })).astype(np.float32); // [..., n]
}

/**
 * `a` computed into a buffer of its own: a − 0·mean(a) is `a` bit for bit (finite `a`) and adds 0 to every
 * gradient, but the reduction stops jax-js's fuser from folding `a`'s producer (a transpose, a broadcast, a
 * normalisation's input) into the consumer's inner loop. Where the consumer is a matmul, that fold reads the
 * operand with a stride in the innermost loop: a transposed nn.Linear weight made the per-head products of a
 * Llama graph forward 2.7× slower than GPT-2's (bench/circuits.ts), and RMSNorm's input a train step 3× slower.
 */
export function materialize(a: Arr): Arr {
  return a.sub(a.ref.mean(-1, { keepdims: true }).mul(0));
}

/**
 * Hands out each array of a parameter record exactly once (the jax-js ownership rule: a forward consumes what it
 * takes) and disposes whatever the forward did not use.
 */
export class OwnedParams {
  private readonly left: Map<string, Arr>;
  constructor(params: ArrRecord) {
    this.left = new Map(Object.entries(params));
  }

  take(name: string): Arr {
    const a = this.left.get(name);
    if (!a) throw new Error(`parameter ${name} is missing or was already used`);
    this.left.delete(name);
    return a;
  }

  has(name: string): boolean {
    return this.left.has(name);
  }

  done(): void {
    for (const a of this.left.values()) a.dispose();
    this.left.clear();
  }
}

/** float32 array of `shape` from JS data (copied, so later edits to `data` do not reach the engine). */
export function fromF32(data: ArrayLike<number>, shape: number[]): Arr {
  checkSize(data.length, shape);
  return np.array(Float32Array.from(data), { shape });
}

/** int32 array (token ids, class indices). */
export function fromI32(data: ArrayLike<number>, shape: number[]): Arr {
  checkSize(data.length, shape);
  return np.array(Int32Array.from(data), { shape, dtype: np.int32 });
}

/** Reads `a` into a Float32Array WITHOUT consuming it (the caller keeps its reference). */
export function readF32(a: Arr): Float32Array {
  return Float32Array.from(a.ref.dataSync() as ArrayLike<number>);
}

/** Reads `a` into a Float32Array and releases it: for results you are done with. */
export function takeF32(a: Arr): Float32Array {
  return Float32Array.from(a.dataSync() as ArrayLike<number>);
}

/** One extra reference on every leaf: pass `keep(params)` to a consuming function and still own `params`. */
export function keep<T extends ArrRecord>(r: T): T {
  return tree.ref(r);
}

/** Releases every leaf of a record (or nested record/list of arrays). */
export function release(r: ArrRecord | Arr[] | Record<string, ArrRecord> | null | undefined): void {
  tree.dispose(r);
}

function checkSize(n: number, shape: number[]): void {
  const want = shape.reduce((a, b) => a * b, 1);
  if (n !== want) throw new LabEngineError(`data has ${n} values but shape [${shape.join(', ')}] needs ${want}.`);
}
