// Survival of a weight edit under 4-bit blockwise quantization: does `edited` quantize differently from
// `base`? Counted per tensor and overall, streaming (chunks must start on a quantization block boundary).
// - codeChanged: changed parameters whose 4-bit code differs (each side quantized with its own block absmax,
//   exactly as quantizing the edited checkpoint would);
// - dequantChanged: changed parameters whose dequantized value differs (a code change, or an absmax move);
// - ratio histogram of |delta| / local bin width, the bin width being the gap between the two codes that
//   bracket the base value, times the base block absmax: below ~0.5 an edit can only survive by luck;
// - absmax side effect: blocks whose absmax moved, and unchanged parameters whose code flipped because of it.

import { codeTable, quantizeValue, type QuantType } from './quant4';

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

/** Gap between the two sorted codes bracketing the normalised value xn (x / absmax). */
export function localCodeGap(sorted: readonly number[], xn: number): number {
  let k = 0;
  while (k < sorted.length - 2 && xn > sorted[k + 1]) k++;
  return sorted[k + 1] - sorted[k];
}

/** Streaming survival counter for one tensor. */
export class SurvivalCounter {
  readonly counts = emptyCounts();
  private readonly table: readonly number[];
  private readonly sorted: number[];

  constructor(readonly type: QuantType, readonly blocksize = 64) {
    this.table = codeTable(type);
    this.sorted = [...new Set(this.table.map((v) => (v === 0 ? 0 : v)))].sort((a, b) => a - b);
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

  private block(base: Float32Array, edited: Float32Array, s: number, e: number): void {
    const c = this.counts;
    let amB = 0;
    let amE = 0;
    for (let i = s; i < e; i++) {
      const a = Math.abs(base[i]);
      if (a > amB) amB = a;
      const b = Math.abs(edited[i]);
      if (b > amE) amE = b;
    }
    c.blocksWithChanges++;
    const moved = amB !== amE;
    if (moved) c.absmaxMoved++;
    const invB = Math.fround(1 / amB);
    const invE = Math.fround(1 / amE);
    for (let i = s; i < e; i++) {
      const changed = base[i] !== edited[i];
      if (!changed && !moved) continue;
      const xb = Math.fround(base[i] * invB);
      const cb = quantizeValue(this.type, xb);
      const ce = quantizeValue(this.type, Math.fround(edited[i] * invE));
      if (!changed) {
        if (cb !== ce) c.collateralCodeChanges++;
        continue;
      }
      c.changed++;
      if (cb !== ce) c.codeChanged++;
      if (Math.fround(this.table[cb] * amB) !== Math.fround(this.table[ce] * amE)) c.dequantChanged++;
      const width = localCodeGap(this.sorted, amB > 0 ? xb : 0) * amB;
      c.ratioHistogram[ratioBin(Math.abs(edited[i] - base[i]) / width)]++;
    }
  }
}
