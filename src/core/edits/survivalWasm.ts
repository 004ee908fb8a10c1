// The WebAssembly survival kernel (source wasm/survival.ts, binary wasm/survival.wasm): SurvivalCounter.addBits'
// hot loop with identical counts, several times faster than the JavaScript loop on dense edits. This module
// only instantiates it from bytes (no file or fetch access, so it runs anywhere); the sidecar loads the file.
// SurvivalCounter keeps its TypeScript loop as the reference and the fallback when no kernel is given.

import { NF4_CODE, NF4_THRESHOLDS, type QuantType } from './quant4';
import type { CodeLookup } from './quantLookup';
import type { SurvivalCounts } from './survival';

/** Thrown when the bytes are not the survival kernel this module was written for. */
export class SurvivalKernelMismatchError extends Error {
  constructor(missing: string) {
    super(`survival kernel: the WebAssembly module has no export '${missing}'; rebuild it with npm run build:wasm`);
    this.name = 'SurvivalKernelMismatchError';
  }
}

/** Counts of one chunk, in the order the kernel writes them. */
export type KernelCounts = Omit<SurvivalCounts, 'params' | 'ratioHistogram'>;

const PAGE = 65536;

/** The byte planes of f32 entries: plane p (entries.length bytes) holds byte p of each entry. */
function writePlanes(out: Uint8Array, entries: readonly number[]): void {
  const bytes = new Uint8Array(Float32Array.from(entries).buffer);
  const n = entries.length;
  for (let c = 0; c < n; c++) for (let p = 0; p < 4; p++) out[n * p + c] = bytes[4 * c + p];
}

/**
 * The kernel's NF4 code buckets: bucket b holds x with round((x + 1) * 16) = b (clamped to [0, 31]); per
 * bucket the thresholds below it and the one inside (+Infinity if none). Throws unless each bucket holds at
 * most one threshold and none lies within 1e-4 of a bucket edge, where the kernel's f32 rounding of
 * (x + 1) * 16 might pick the neighbouring bucket.
 */
function nf4Buckets(): { below: number[]; threshold: number[] } {
  const edge = (b: number) => (b - 0.5) / 16 - 1;
  const below: number[] = [];
  const threshold: number[] = [];
  for (let b = 0; b < 32; b++) {
    const lo = b === 0 ? -Infinity : edge(b);
    const hi = b === 31 ? Infinity : edge(b + 1);
    const inside = NF4_THRESHOLDS.filter((t) => t >= lo && t < hi);
    if (inside.length > 1) throw new Error(`survival kernel: two NF4 thresholds in bucket ${b}`);
    below.push(NF4_THRESHOLDS.filter((t) => t < lo).length);
    threshold.push(inside[0] ?? Infinity);
  }
  for (const t of NF4_THRESHOLDS) {
    const d = Math.abs((t + 1) * 16 - Math.round((t + 1) * 16 - 0.5) - 0.5);
    if (d < 16e-4) throw new Error(`survival kernel: NF4 threshold ${t} lies on a bucket edge`);
  }
  return { below, threshold };
}

export class SurvivalKernel {
  private readonly memory: WebAssembly.Memory;
  private readonly countFn: (n: number, base: number, edited: number, bs: number, fp4: number, bf16: number) => void;
  private readonly at: Record<'CODE_POINT' | 'CODE_ANSWER' | 'GAP_POINT' | 'GAP_ANSWER' | 'VALUES' | 'HIST' | 'COUNTS' | 'NF4_PLANES' | 'NF4_BUCKETS' | 'INPUT', number>;
  /** Elements per input area: two read slots per input and one copy area per input, from INPUT on. */
  private capacity = 0;
  private loaded: QuantType | null = null;

  constructor(bytes: Uint8Array<ArrayBuffer>) {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
    const get = <T>(name: string): T => {
      if (!(name in exports)) throw new SurvivalKernelMismatchError(name);
      return exports[name] as T;
    };
    this.memory = get<WebAssembly.Memory>('memory');
    this.countFn = get('count');
    const g = (name: string) => Number(get<WebAssembly.Global>(name).value);
    this.at = { CODE_POINT: g('CODE_POINT'), CODE_ANSWER: g('CODE_ANSWER'), GAP_POINT: g('GAP_POINT'), GAP_ANSWER: g('GAP_ANSWER'), VALUES: g('VALUES'), HIST: g('HIST'), COUNTS: g('COUNTS'), NF4_PLANES: g('NF4_PLANES'), NF4_BUCKETS: g('NF4_BUCKETS'), INPUT: g('INPUT') };
    this.loadNf4BlockTables();
  }

  /**
   * Tables of the kernel's whole-block NF4 path (nf4Block in wasm/survival.ts): the byte planes of four f32
   * tables indexed by code (code value; bin width by gap index k, value[k + 1] - value[k] as CodeLookup.gap,
   * NF4's sorted values being its codes; threshold below and above the code), and the code buckets.
   */
  private loadNf4BlockTables(): void {
    const buf = this.memory.buffer;
    const gaps = NF4_CODE.slice(1).map((v, k) => v - NF4_CODE[k]);
    // The kernel widens an f32 gap to f64: that must be the f64 gap itself.
    if (gaps.some((g) => Math.fround(g) !== g)) throw new Error('survival kernel: an NF4 bin width is not exact in f32');
    const tables = [
      NF4_CODE,
      [...gaps, 0],
      NF4_CODE.map((_, c) => (c === 0 ? -Infinity : NF4_THRESHOLDS[c - 1])),
      NF4_CODE.map((_, c) => (c === 15 ? Infinity : NF4_THRESHOLDS[c])),
    ];
    tables.forEach((entries, t) => writePlanes(new Uint8Array(buf, this.at.NF4_PLANES + 64 * t, 64), entries));
    const buckets = nf4Buckets();
    new Uint8Array(buf, this.at.NF4_BUCKETS, 32).set(buckets.below);
    writePlanes(new Uint8Array(buf, this.at.NF4_BUCKETS + 32, 128), buckets.threshold);
  }

  private loadTables(lut: CodeLookup): void {
    if (this.loaded === lut.type) return;
    const buf = this.memory.buffer;
    new Float64Array(buf, this.at.CODE_POINT, lut.codePoint.length).set(lut.codePoint);
    new Int32Array(buf, this.at.CODE_ANSWER, lut.codeAnswer.length).set(lut.codeAnswer);
    new Float64Array(buf, this.at.GAP_POINT, lut.gapPoint.length).set(lut.gapPoint);
    new Float64Array(buf, this.at.GAP_ANSWER, lut.gapAnswer.length).set(lut.gapAnswer);
    new Float64Array(buf, this.at.VALUES, 16).set(lut.values);
    this.loaded = lut.type;
  }

  /** Grows the memory to areas of at least `elems` values; views from inputBuffer taken before are then detached. */
  private reserve(elems: number): void {
    if (elems <= this.capacity) return;
    // At least the sidecar's chunk (1 Mi values), so its reads never grow the memory under each other.
    const capacity = Math.max(elems, 1 << 20);
    const need = this.at.INPUT + 6 * 2 * capacity;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE));
    this.capacity = capacity;
  }

  private area(k: number): number {
    return this.at.INPUT + k * 2 * this.capacity;
  }

  /**
   * A buffer in kernel memory for `bytes` of input `input` (0 base, 1 edited), in read slot `slot` (0 or 1:
   * one chunk is read while the other is counted). Reading a chunk straight into it spares countBits its
   * copy. The first call sizes the memory for chunks of that size; a larger chunk later (or a larger copy
   * in countBits) grows it, which detaches buffers handed out before.
   */
  inputBuffer(input: number, slot: number, bytes: number): Uint8Array {
    this.reserve(Math.ceil(bytes / 2));
    return new Uint8Array(this.memory.buffer, this.area(2 * slot + input), bytes);
  }

  /**
   * Counts one chunk of raw half-precision bits (starting on a block boundary) with `lut`'s tables; adds the
   * ratio histogram into `hist` and returns the other counts. Inputs that already lie in kernel memory (see
   * inputBuffer) are counted where they are; others are copied in first.
   */
  countBits(lut: CodeLookup, blocksize: number, base: Uint16Array, edited: Uint16Array, dtype: 'F16' | 'BF16', hist: Int32Array): KernelCounts {
    const n = base.length;
    const inMemory = base.buffer === this.memory.buffer && edited.buffer === this.memory.buffer;
    if (!inMemory) this.reserve(n);
    this.loadTables(lut);
    const buf = this.memory.buffer;
    let pb = base.byteOffset;
    let pe = edited.byteOffset;
    if (!inMemory) {
      pb = this.area(4);
      pe = this.area(5);
      new Uint16Array(buf, pb, n).set(base);
      new Uint16Array(buf, pe, n).set(edited);
    }
    const h = new Int32Array(buf, this.at.HIST, hist.length);
    h.fill(0);
    this.countFn(n, pb, pe, blocksize, lut.type === 'fp4' ? 1 : 0, dtype === 'BF16' ? 1 : 0);
    for (let k = 0; k < hist.length; k++) hist[k] += h[k];
    const c = new Int32Array(buf, this.at.COUNTS, 7);
    return { changed: c[0], codeChanged: c[1], dequantChanged: c[2], blocks: c[3], blocksWithChanges: c[4], absmaxMoved: c[5], collateralCodeChanges: c[6] };
  }
}
