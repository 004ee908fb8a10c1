// Survival of a weight edit under 4-bit blockwise quantization: does `edited` quantize differently from
// `base`? Counted per tensor and overall, streaming (chunks must start on a quantization block boundary).
// - codeChanged: changed parameters whose 4-bit code differs (each side quantized with its own block absmax,
//   exactly as quantizing the edited checkpoint would);
// - dequantChanged: changed parameters whose dequantized value differs (a code change, or an absmax move);
// - ratio histogram of |delta| / local bin width, the bin width being the gap between the two codes that
//   bracket the base value, times the base block absmax: below ~0.5 an edit can only survive by luck;
// - absmax side effect: blocks whose absmax moved, and unchanged parameters whose code flipped because of it.

import { bf16BitsToF32, f16BitsToF32, halfTable } from './dtypes';
import { codeTable, quantizeFp4, quantizeNf4, type QuantType } from './quant4';

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

export function ratioBin(r: number): number {
  if (!(r > 0)) return r === 0 ? 0 : RATIO_BIN_LOWER.length - 1;
  if (!Number.isFinite(r)) return RATIO_BIN_LOWER.length - 1;
  return Math.max(0, Math.min(RATIO_BIN_LOWER.length - 1, Math.floor(Math.log2(r)) + 11));
}

/**
 * Gap between the two sorted code values bracketing xn (x / absmax), given p, the sorted position of xn's
 * own (nearest) code: the bracket is [p, p+1] when xn lies above that code, [p-1, p] otherwise.
 */
export function localCodeGap(sorted: readonly number[], p: number, xn: number): number {
  const k = xn > sorted[p] ? Math.min(p, sorted.length - 2) : Math.max(p - 1, 0);
  return sorted[k + 1] - sorted[k];
}

/** Streaming survival counter for one tensor. */
export class SurvivalCounter {
  readonly counts = emptyCounts();
  private readonly table: readonly number[];
  private readonly sorted: number[];
  /** Sorted position of each 4-bit code's value. */
  private readonly posOf: Int32Array;
  private readonly quantize: (x: number) => number;
  private readonly changedIdx: Int32Array;

  constructor(readonly type: QuantType, readonly blocksize = 64) {
    this.table = codeTable(type);
    this.sorted = [...new Set(this.table.map((v) => (v === 0 ? 0 : v)))].sort((a, b) => a - b);
    this.posOf = Int32Array.from(this.table, (v) => this.sorted.indexOf(v === 0 ? 0 : v));
    this.quantize = type === 'nf4' ? quantizeNf4 : quantizeFp4;
    this.changedIdx = new Int32Array(blocksize);
  }

  /** Adds `base`/`edited` values of one chunk; the chunk starts on a block boundary of the flattened tensor. */
  add(base: Float32Array, edited: Float32Array): void {
    const n = base.length;
    const c = this.counts;
    const bs = this.blocksize;
    c.params += n;
    for (let s = 0; s < n; s += bs) {
      const e = Math.min(n, s + bs);
      c.blocks++;
      let first = -1;
      for (let i = s; i < e; i++) {
        if (base[i] !== edited[i]) {
          first = i;
          break;
        }
      }
      if (first < 0) continue;
      this.block(base, edited, s, e);
    }
  }

  /**
   * Same counts from raw half-precision bits (F16 or BF16), without decoding unchanged blocks: both formats
   * are sign-magnitude, so |x| orders like the integer bits & 0x7fff and the block absmax is an integer max.
   * (A NaN would win that max; NaN weights are out of scope.)
   */
  addBits(base: Uint16Array, edited: Uint16Array, dtype: 'F16' | 'BF16'): void {
    const dec = dtype === 'F16' ? f16BitsToF32 : bf16BitsToF32;
    const table = dtype === 'F16' ? halfTable() : null;
    const n = base.length;
    const c = this.counts;
    const bs = this.blocksize;
    c.params += n;
    const idx = this.changedIdx;
    const at = (bits: number) => (table ? table[bits] : dec(bits));
    for (let s = 0; s < n; s += bs) {
      const e = Math.min(n, s + bs);
      c.blocks++;
      // One pass: both absmax values and the changed positions.
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
      if (nc === 0) continue;
      const amB = dec(mb);
      const amE = dec(me);
      const moved = this.blockHeader(amB, amE);
      const invB = Math.fround(1 / amB);
      const invE = Math.fround(1 / amE);
      if (!moved) {
        for (let j = 0; j < nc; j++) this.element(at(base[idx[j]]), at(edited[idx[j]]), true, amB, amE, invB, invE);
      } else {
        for (let i = s; i < e; i++) this.element(at(base[i]), at(edited[i]), base[i] !== edited[i], amB, amE, invB, invE);
      }
    }
  }

  private block(base: Float32Array, edited: Float32Array, s: number, e: number): void {
    let amB = 0;
    let amE = 0;
    for (let i = s; i < e; i++) {
      const a = Math.abs(base[i]);
      if (a > amB) amB = a;
      const b = Math.abs(edited[i]);
      if (b > amE) amE = b;
    }
    this.scan(base, edited, s, e, amB, amE);
  }

  /** Counts one block that has at least one change, given both absmax values. */
  private scan(base: Float32Array, edited: Float32Array, s: number, e: number, amB: number, amE: number): void {
    const moved = this.blockHeader(amB, amE);
    const invB = Math.fround(1 / amB);
    const invE = Math.fround(1 / amE);
    for (let i = s; i < e; i++) {
      const changed = base[i] !== edited[i];
      if (changed || moved) this.element(base[i], edited[i], changed, amB, amE, invB, invE);
    }
  }

  private blockHeader(amB: number, amE: number): boolean {
    this.counts.blocksWithChanges++;
    const moved = amB !== amE;
    if (moved) this.counts.absmaxMoved++;
    return moved;
  }

  /** One parameter of a block with changes: a changed one, or any one when the absmax moved. */
  private element(bv: number, ev: number, changed: boolean, amB: number, amE: number, invB: number, invE: number): void {
    const c = this.counts;
    const xb = Math.fround(bv * invB);
    const cb = this.quantize(xb);
    const ce = this.quantize(Math.fround(ev * invE));
    if (!changed) {
      if (cb !== ce) c.collateralCodeChanges++;
      return;
    }
    c.changed++;
    if (cb !== ce) c.codeChanged++;
    if (Math.fround(this.table[cb] * amB) !== Math.fround(this.table[ce] * amE)) c.dequantChanged++;
    const width = localCodeGap(this.sorted, this.posOf[cb], amB > 0 ? xb : 0) * amB;
    c.ratioHistogram[ratioBin(Math.abs(ev - bv) / width)]++;
  }
}
