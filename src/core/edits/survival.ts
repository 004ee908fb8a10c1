// Survival of a weight edit under 4-bit blockwise quantization: does `edited` quantize differently from
// `base`? Counted per tensor and overall, streaming (chunks must start on a quantization block boundary).
// - codeChanged: changed parameters whose 4-bit code differs (each side quantized with its own block absmax,
//   exactly as quantizing the edited checkpoint would);
// - dequantChanged: changed parameters whose dequantized value differs (a code change, or an absmax move);
// - ratio histogram of |delta| / local bin width, the bin width being the gap between the two codes that
//   bracket the base value, times the base block absmax: below ~0.5 an edit can only survive by luck;
// - absmax side effect: blocks whose absmax moved, and unchanged parameters whose code flipped because of it.

import { brainHalfTable, halfTable } from './dtypes';
import type { QuantType } from './quant4';
import { CodeLookup } from './quantLookup';
import type { SurvivalKernel } from './survivalWasm';

/** Histogram edges of |delta|/binWidth: bin 0 is [0, 2^-10), bin k is [2^(k-11), 2^(k-10)), the last is [4, inf). */
export const RATIO_BIN_LOWER: readonly number[] = [0, ...Array.from({ length: 13 }, (_, k) => 2 ** (k - 10))];

export interface SurvivalCounts {
  params: number;
  changed: number;
  codeChanged: number;
  dequantChanged: number;
  blocks: number;
  blocksWithChanges: number;
  absmaxMoved: number;
  collateralCodeChanges: number;
  ratioHistogram: number[];
}

export interface SurvivalSummary extends SurvivalCounts {
  /** codeChanged / changed (null when nothing changed). */
  codeSurvival: number | null;
  dequantSurvival: number | null;
  /** Median |delta|/binWidth estimated from the histogram (lower edge of the median bin). */
  medianRatioAtLeast: number | null;
}

export function emptyCounts(): SurvivalCounts {
  return { params: 0, changed: 0, codeChanged: 0, dequantChanged: 0, blocks: 0, blocksWithChanges: 0, absmaxMoved: 0, collateralCodeChanges: 0, ratioHistogram: new Array(RATIO_BIN_LOWER.length).fill(0) };
}

export function mergeCounts(into: SurvivalCounts, c: SurvivalCounts): void {
  into.params += c.params;
  into.changed += c.changed;
  into.codeChanged += c.codeChanged;
  into.dequantChanged += c.dequantChanged;
  into.blocks += c.blocks;
  into.blocksWithChanges += c.blocksWithChanges;
  into.absmaxMoved += c.absmaxMoved;
  into.collateralCodeChanges += c.collateralCodeChanges;
  c.ratioHistogram.forEach((v, i) => (into.ratioHistogram[i] += v));
}

export function summarize(c: SurvivalCounts): SurvivalSummary {
  let median: number | null = null;
  let acc = 0;
  for (let i = 0; i < c.ratioHistogram.length && c.changed > 0; i++) {
    acc += c.ratioHistogram[i];
    if (acc * 2 >= c.changed) {
      median = RATIO_BIN_LOWER[i];
      break;
    }
  }
  return {
    ...c,
    ratioHistogram: [...c.ratioHistogram],
    codeSurvival: c.changed ? c.codeChanged / c.changed : null,
    dequantSurvival: c.changed ? c.dequantChanged / c.changed : null,
    medianRatioAtLeast: median,
  };
}

const ratioScratch = new Float64Array(1);
const ratioHigh = new Uint32Array(ratioScratch.buffer);
const LAST_BIN = RATIO_BIN_LOWER.length - 1;

/** Histogram bin of |delta|/binWidth, from the f64 exponent (exact on the power-of-two edges, unlike log2). */
export function ratioBin(r: number): number {
  if (!(r >= 0)) return LAST_BIN;
  ratioScratch[0] = r;
  // Unbiased exponent + 11: 2^-10 -> 1, 1 -> 11; zero and subnormals clamp to 0, Infinity to the last bin.
  const k = ((ratioHigh[1] >>> 20) & 0x7ff) - 1012;
  return k < 0 ? 0 : k > LAST_BIN ? LAST_BIN : k;
}

const lookups = new Map<QuantType, CodeLookup>();

function lookupFor(type: QuantType): CodeLookup {
  let l = lookups.get(type);
  if (!l) lookups.set(type, (l = new CodeLookup(type)));
  return l;
}

/**
 * Streaming survival counter for one tensor. Each block is scanned once for both absmax values and the
 * changed positions; only blocks with a change go further, and there only the changed parameters (all of
 * them when the absmax moved, for the collateral count). Codes and bin widths come from CodeLookup tables.
 */
export class SurvivalCounter {
  readonly counts = emptyCounts();
  private readonly lut: CodeLookup;
  /** Changed positions of the current block, ascending. */
  private readonly changedIdx: Int32Array;
  /** Ratio histogram of the current add() call, folded into counts at its end (a typed array is faster). */
  private readonly hist = new Int32Array(RATIO_BIN_LOWER.length);

  /** `kernel`: the WebAssembly loop for addBits (same counts); without it, the TypeScript loop below. */
  constructor(readonly type: QuantType, readonly blocksize = 64, private readonly kernel: SurvivalKernel | null = null) {
    this.lut = lookupFor(type);
    this.changedIdx = new Int32Array(blocksize);
  }

  /** Adds `base`/`edited` values of one chunk; the chunk starts on a block boundary of the flattened tensor. */
  add(base: Float32Array, edited: Float32Array): void {
    const n = base.length;
    const c = this.counts;
    const bs = this.blocksize;
    const idx = this.changedIdx;
    c.params += n;
    for (let s = 0; s < n; s += bs) {
      const e = Math.min(n, s + bs);
      c.blocks++;
      let amB = 0;
      let amE = 0;
      let nc = 0;
      for (let i = s; i < e; i++) {
        const x = base[i];
        const y = edited[i];
        const a = Math.abs(x);
        const b = Math.abs(y);
        if (a > amB) amB = a;
        if (b > amE) amE = b;
        if (x !== y) idx[nc++] = i;
      }
      if (nc > 0) this.block(base, edited, s, e, nc, amB, amE);
    }
    this.foldHistogram();
  }

  /**
   * Same counts from raw half-precision bits (F16 or BF16), without decoding unchanged blocks: both formats
   * are sign-magnitude, so |x| orders like the integer bits & 0x7fff and the block absmax is an integer max.
   * (A NaN would win that max; NaN weights are out of scope.)
   */
  addBits(base: Uint16Array, edited: Uint16Array, dtype: 'F16' | 'BF16'): void {
    if (this.kernel) {
      const k = this.kernel.countBits(this.lut, this.blocksize, base, edited, dtype, this.hist);
      const c = this.counts;
      c.params += base.length;
      c.changed += k.changed;
      c.codeChanged += k.codeChanged;
      c.dequantChanged += k.dequantChanged;
      c.blocks += k.blocks;
      c.blocksWithChanges += k.blocksWithChanges;
      c.absmaxMoved += k.absmaxMoved;
      c.collateralCodeChanges += k.collateralCodeChanges;
      this.foldHistogram();
      return;
    }
    const table = dtype === 'F16' ? halfTable() : brainHalfTable();
    const n = base.length;
    const c = this.counts;
    const bs = this.blocksize;
    const idx = this.changedIdx;
    c.params += n;
    for (let s = 0; s < n; s += bs) {
      const e = Math.min(n, s + bs);
      c.blocks++;
      let mb = 0;
      let me = 0;
      let nc = 0;
      for (let i = s; i < e; i++) {
        const x = base[i];
        const y = edited[i];
        const a = x & 0x7fff;
        const b = y & 0x7fff;
        if (a > mb) mb = a;
        if (b > me) me = b;
        if (x !== y) idx[nc++] = i;
      }
      if (nc > 0) this.blockBits(base, edited, table, s, e, nc, table[mb], table[me]);
    }
    this.foldHistogram();
  }

  private foldHistogram(): void {
    const h = this.hist;
    for (let k = 0; k < h.length; k++) this.counts.ratioHistogram[k] += h[k];
    h.fill(0);
  }

  /** block() on half-precision bits, decoding each value it needs through `table`. */
  private blockBits(base: Uint16Array, edited: Uint16Array, table: Float32Array, s: number, e: number, nc: number, amB: number, amE: number): void {
    const c = this.counts;
    const lut = this.lut;
    const values = lut.values;
    const idx = this.changedIdx;
    const hist = this.hist;
    const invB = Math.fround(1 / amB);
    const invE = Math.fround(1 / amE);
    let codeChanged = 0;
    let dequantChanged = 0;
    for (let q = 0; q < nc; q++) {
      const i = idx[q];
      const b = table[base[i]];
      const y = table[edited[i]];
      const xb = Math.fround(b * invB);
      const cb = lut.code(xb);
      const ce = lut.code(Math.fround(y * invE));
      if (cb !== ce) codeChanged++;
      if (Math.fround(values[cb] * amB) !== Math.fround(values[ce] * amE)) dequantChanged++;
      hist[ratioBin(Math.abs(y - b) / (lut.gap(xb) * amB))]++;
    }
    c.blocksWithChanges++;
    c.changed += nc;
    c.codeChanged += codeChanged;
    c.dequantChanged += dequantChanged;
    if (amB === amE) return;
    c.absmaxMoved++;
    let collateral = 0;
    let q = 0;
    for (let i = s; i < e; i++) {
      if (q < nc && idx[q] === i) {
        q++;
        continue;
      }
      if (lut.code(Math.fround(table[base[i]] * invB)) !== lut.code(Math.fround(table[edited[i]] * invE))) collateral++;
    }
    c.collateralCodeChanges += collateral;
  }

  /**
   * Counts one block [s, e) of f32 values with `nc` changes listed in changedIdx, given both absmax values.
   * (blockBits is the same on half-precision bits: two copies keep each hot loop monomorphic.)
   */
  private block(bv: Float32Array, ev: Float32Array, s: number, e: number, nc: number, amB: number, amE: number): void {
    const c = this.counts;
    const lut = this.lut;
    const values = lut.values;
    const idx = this.changedIdx;
    const hist = this.hist;
    const invB = Math.fround(1 / amB);
    const invE = Math.fround(1 / amE);
    let codeChanged = 0;
    let dequantChanged = 0;
    for (let q = 0; q < nc; q++) {
      const i = idx[q];
      const b = bv[i];
      const y = ev[i];
      const xb = Math.fround(b * invB);
      const cb = lut.code(xb);
      const ce = lut.code(Math.fround(y * invE));
      if (cb !== ce) codeChanged++;
      if (Math.fround(values[cb] * amB) !== Math.fround(values[ce] * amE)) dequantChanged++;
      // The bin width is the code gap around the base value times its absmax (0 for an all-zero block,
      // which puts any change in the last bin).
      hist[ratioBin(Math.abs(y - b) / (lut.gap(xb) * amB))]++;
    }
    c.blocksWithChanges++;
    c.changed += nc;
    c.codeChanged += codeChanged;
    c.dequantChanged += dequantChanged;
    if (amB === amE) return;
    // The absmax moved: unchanged parameters may flip code too.
    c.absmaxMoved++;
    let collateral = 0;
    let q = 0;
    for (let i = s; i < e; i++) {
      if (q < nc && idx[q] === i) {
        q++;
        continue;
      }
      if (lut.code(Math.fround(bv[i] * invB)) !== lut.code(Math.fround(ev[i] * invE))) collateral++;
    }
    c.collateralCodeChanges += collateral;
  }
}
