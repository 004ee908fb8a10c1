// C-Δθ on half-precision chunks: the table-driven path taken when every input is F16 (or every one BF16)
// writes the same bits and the same stats as the general decode / encode path, which it leaves for mixed
// dtypes (fed here the same values with the base as F32), including overflow to Infinity, NaN inputs, two
// strengths, the last output edited in place in the target's own buffer, and positions where aligned
// equals base (skipped by the table path unless the target is NaN/Infinity or −0).
import { describe, expect, it } from 'vitest';
import type { RowColMask } from './archMap';
import { applyCDeltaRaw, emptyCDeltaStats } from './cdelta';
import { decodeToF32, encodeFromF32 } from './dtypes';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ROWS = 24;
const COLS = 96;
// Two heads' columns of a few row blocks: runs of 16 values, cut by the chunk boundaries below.
const MASK: RowColMask = { rows: ROWS, cols: COLS, rowRanges: [[2, 9], [12, 24]], colRanges: [[16, 32], [64, 80]] };

function halfBits(dtype: 'F16' | 'BF16', r: () => number): Uint8Array {
  const v = Float32Array.from({ length: ROWS * COLS }, () => (r() - 0.5) * 0.2);
  const inf = dtype === 'F16' ? 0x7c00 : 0x7f80;
  const bits = new Uint16Array(encodeFromF32(dtype, v).buffer);
  // Near the top of the range (overflows at s = 3), NaN, Infinity.
  for (let i = 7; i < bits.length; i += 97) bits[i] = dtype === 'F16' ? 0x7bf0 : 0x7f70;
  for (let i = 11; i < bits.length; i += 301) bits[i] = inf | 1;
  for (let i = 13; i < bits.length; i += 401) bits[i] = inf | 0x8000;
  return new Uint8Array(bits.buffer);
}

function run(dtype: 'F16' | 'BF16', baseAsF32: boolean) {
  const r = rng(dtype === 'F16' ? 3 : 4);
  const target = halfBits(dtype, r);
  // −0 targets (−0 + +0 would be +0: never skipped as unchanged).
  for (let i = 5; i < target.length / 2; i += 37) target.set([0, 0x80], 2 * i);
  // As in a sparse fine-tune, aligned equals the target (here also the base) at two thirds of the
  // positions: the table path skips those (including equal NaN/Infinity, which it must not skip).
  const aligned = halfBits(dtype, r);
  for (let i = 0; i < aligned.length / 2; i++) if (i % 3 !== 0) aligned.set(target.subarray(2 * i, 2 * i + 2), 2 * i);
  const strengths = [0.5, 3];
  const stats = strengths.map(() => emptyCDeltaStats('w', ROWS * COLS, MASK));
  const outs = strengths.map(() => new Uint8Array(target.byteLength));
  const chunk = 700; // elements: not a multiple of a row
  for (let s = 0; s < ROWS * COLS; s += chunk) {
    const e = Math.min(ROWS * COLS, s + chunk);
    const t = target.slice(s * 2, e * 2);
    const base = baseAsF32 ? { dtype: 'F32' as const, bytes: encodeFromF32('F32', decodeToF32(dtype, t)) } : { dtype, bytes: t };
    // The last output is the target chunk itself, as the sidecar passes it.
    const chunkOuts = [new Uint8Array(t), t];
    applyCDeltaRaw(chunkOuts, { dtype, bytes: t }, base, { dtype, bytes: aligned.slice(s * 2, e * 2) }, MASK, s, strengths, stats);
    chunkOuts.forEach((o, k) => outs[k].set(o, s * 2));
  }
  return { outs, stats };
}

describe('C-Δθ on half-precision chunks', () => {
  for (const dtype of ['F16', 'BF16'] as const)
    it(`${dtype}: the table path writes what the general path writes, with the same stats`, () => {
      const half = run(dtype, false);
      const general = run(dtype, true);
      expect(half.stats).toEqual(general.stats);
      half.outs.forEach((o, k) => expect(Buffer.compare(o, general.outs[k]), `strength ${k}`).toBe(0));
      expect(half.stats[0].changed).toBeGreaterThan(0);
      expect(half.stats[1].nonFinite).toBeGreaterThan(0);
    });
});
