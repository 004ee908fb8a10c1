// KV-cache surgery for decoding with two models on one text: select/duplicate batch rows (beam reordering of the
// target) and truncate a single-row cache to its first n tokens (the anchor, when re-tokenizing the committed text
// changes its last tokens). Past tensors are [B, H, T, hd] float32, row-major; CausalLM never mutates them, so a
// cache can be shared between beams and forked by reference.
import type { KvCache } from '../lm/causalLm';
import type { TensorData } from '../runtime/tensor';

/** A cache whose row r is row `rows[r]` of `cache` (rows may repeat: beams forking from one parent). */
export function selectRows(cache: KvCache, rows: readonly number[]): KvCache {
  const past: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(cache.past)) {
    const [, H, T, hd] = t.dims;
    const rowSize = H * T * hd;
    const src = t.data as Float32Array;
    const out = new Float32Array(rows.length * rowSize);
    rows.forEach((r, i) => out.set(src.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize));
    past[name] = { type: t.type, dims: [rows.length, H, T, hd], data: out };
  }
  return { past, mask: rows.map((r) => [...cache.mask[r]]), nextPos: rows.map((r) => cache.nextPos[r]) };
}

/** The first n tokens of a one-row, unpadded cache (as if only those n tokens had been fed). */
export function truncateCache(cache: KvCache, n: number): KvCache {
  if (cache.mask.length !== 1) throw new Error(`truncateCache: expects one row, got ${cache.mask.length}`);
  const T = cache.mask[0].length;
  if (cache.mask[0].some((v) => v !== 1)) throw new Error('truncateCache: expects an unpadded row');
  if (n < 0 || n > T) throw new Error(`truncateCache: cannot keep ${n} of ${T} tokens`);
  const past: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(cache.past)) {
    const [B, H, , hd] = t.dims;
    const src = t.data as Float32Array;
    const out = new Float32Array(B * H * n * hd);
    for (let h = 0; h < B * H; h++) out.set(src.subarray(h * T * hd, h * T * hd + n * hd), h * n * hd);
    past[name] = { type: t.type, dims: [B, H, n, hd], data: out };
  }
  return { past, mask: [new Array<number>(n).fill(1)], nextPos: [n] };
}

export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
