// KV-cache surgery for decoding with two models on one text: select/duplicate batch rows (beam reordering of the
// target) and truncate a single-row cache to its first n tokens (the anchor, when re-tokenizing the committed text
// changes its last tokens), and stack/split one-row caches (the K anchor views stepped in one run). Past tensors are [B, H, T, hd] float32, row-major; CausalLM never mutates them, so a
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

/**
 * One batch of single-row, unpadded caches, left-padded to the longest (mask 0 over the padding; positions keep
 * counting real tokens). Equal lengths need no padding and step bit-identically to the rows alone; padded rows move
 * logits by ~4e-6 on ONNX Runtime CPU (its reductions group differently).
 */
export function stackRows(caches: readonly KvCache[]): KvCache {
  for (const c of caches) {
    if (c.mask.length !== 1 || c.mask[0].some((v) => v !== 1)) throw new Error('stackRows: expects unpadded one-row caches');
  }
  const T = Math.max(...caches.map((c) => c.mask[0].length));
  const past: Record<string, TensorData> = {};
  for (const name of Object.keys(caches[0].past)) {
    const first = caches[0].past[name];
    const [, H, , hd] = first.dims;
    const Ctor = first.data.constructor as new (n: number) => Float32Array;
    const out = new Ctor(caches.length * H * T * hd);
    caches.forEach((c, k) => {
      const src = c.past[name].data as Float32Array;
      const Tk = c.mask[0].length;
      for (let h = 0; h < H; h++) out.set(src.subarray(h * Tk * hd, (h + 1) * Tk * hd), ((k * H + h) * T + T - Tk) * hd);
    });
    past[name] = { type: first.type, dims: [caches.length, H, T, hd], data: out };
  }
  const mask = caches.map((c) => Array.from({ length: T }, (_, t) => (t < T - c.mask[0].length ? 0 : 1)));
  return { past, mask, nextPos: caches.map((c) => c.nextPos[0]) };
}

/** Row k of a (left-padded) batch cache as a one-row unpadded cache of its last lengths[k] tokens (undoes stackRows). */
export function splitRows(cache: KvCache, lengths: readonly number[]): KvCache[] {
  return lengths.map((n, k) => {
    const past: Record<string, TensorData> = {};
    for (const [name, t] of Object.entries(cache.past)) {
      const [, H, T, hd] = t.dims;
      const src = t.data as Float32Array;
      const Ctor = src.constructor as new (n: number) => Float32Array;
      const out = new Ctor(H * n * hd);
      for (let h = 0; h < H; h++) out.set(src.subarray(((k * H + h) * T + T - n) * hd, ((k * H + h) * T + T) * hd), h * n * hd);
      past[name] = { type: t.type, dims: [1, H, n, hd], data: out };
    }
    return { past, mask: [new Array<number>(n).fill(1)], nextPos: [cache.nextPos[k]] };
  });
}

export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
