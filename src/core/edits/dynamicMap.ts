// Double quantization of the 4-bit absmax statistics, as bitsandbytes quantize_4bit(compress_statistics=True)
// does it: subtract the mean of the absmax vector, then quantize it blockwise (blocksize 256) to 8 bits with
// the signed dynamic map (create_dynamic_map), nearest code by the binary search of the CUDA dQuantize<0>.
// Codes of the weights never depend on this level (they are computed with the exact f32 absmax); it only
// changes the scale a block dequantizes with. The map is built in f32 like torch; its construction follows
// create_dynamic_map step by step but was not compared bit for bit with a torch run (none available here).

import { QuantBlocksizeError } from './errors';
import { blockAbsmax, normalise } from './quant4';

/** bitsandbytes create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8), sorted ascending. */
export function createDynamicMap(): Float32Array {
  const data: number[] = [];
  const maxExp = 7;
  const nonSignBits = 7;
  for (let i = 0; i < maxExp; i++) {
    const items = 2 ** (i + nonSignBits - maxExp) + 1;
    // torch.linspace(0.1, 1, items) in f32: the first half counts up from start, the second down from end.
    const start = Math.fround(0.1);
    const step = Math.fround((1 - start) / (items - 1));
    const half = Math.floor(items / 2);
    const bounds: number[] = [];
    for (let j = 0; j < items; j++) {
      bounds.push(j < half ? Math.fround(start + Math.fround(step * j)) : Math.fround(1 - Math.fround(step * (items - j - 1))));
    }
    // torch multiplies a float32 tensor by a Python scalar in float32: the scalar is rounded first.
    const scale = Math.fround(10 ** (-(maxExp - 1) + i));
    for (let j = 0; j + 1 < items; j++) {
      const mean = Math.fround(Math.fround(bounds[j] + bounds[j + 1]) / 2);
      data.push(Math.fround(scale * mean), -Math.fround(scale * mean));
    }
  }
  data.push(0, 1);
  return Float32Array.from(data.sort((a, b) => a - b));
}

/** Port of dQuantize<STOCHASTIC=0>: binary search over the 256-entry map, then nearest by midpoint. */
export function quantize8bitDynamic(code: Float32Array, x: number): number {
  let pivot = 127;
  let upperPivot = 255;
  let lowerPivot = 0;
  let lower = -1;
  let upper = 1;
  let val = code[pivot];
  for (let i = 64; i > 0; i >>= 1) {
    if (x > val) {
      lowerPivot = pivot;
      lower = val;
      pivot += i;
    } else {
      upperPivot = pivot;
      upper = val;
      pivot -= i;
    }
    val = code[pivot];
  }
  if (upperPivot === 255) upper = code[upperPivot];
  if (lowerPivot === 0) lower = code[lowerPivot];
  if (x > val) return x > Math.fround((upper + val) * 0.5) ? upperPivot : pivot;
  return x < Math.fround((lower + val) * 0.5) ? lowerPivot : pivot;
}

export interface DoubleQuantized {
  offset: number;
  blocksize: number;
  codes: Uint8Array;
  absmax2: Float32Array;
}

export function doubleQuantize(absmax: Float32Array, blocksize = 256, code: Float32Array = createDynamicMap()): DoubleQuantized {
  // Checked before the loop: blocksize 0 would make Infinity blocks, a fraction would cut blocks mid-element.
  if (!Number.isInteger(blocksize) || blocksize < 1) throw new QuantBlocksizeError(blocksize, 'a positive integer');
  let sum = 0;
  for (const v of absmax) sum += v;
  const offset = Math.fround(sum / absmax.length);
  const centred = absmax.map((v) => Math.fround(v - offset));
  const nb = Math.ceil(centred.length / blocksize);
  const absmax2 = new Float32Array(nb);
  const codes = new Uint8Array(centred.length);
  for (let b = 0; b < nb; b++) {
    const s = b * blocksize;
    const e = Math.min(centred.length, s + blocksize);
    const m = blockAbsmax(centred, s, e);
    absmax2[b] = m;
    for (let i = s; i < e; i++) codes[i] = quantize8bitDynamic(code, normalise(centred[i], m));
  }
  return { offset, blocksize, codes, absmax2 };
}

/** The absmax values a bitsandbytes model actually dequantizes with after double quantization. */
export function doubleDequantize(dq: DoubleQuantized, code: Float32Array = createDynamicMap()): Float32Array {
  return Float32Array.from(dq.codes, (c, i) => Math.fround(Math.fround(code[c] * dq.absmax2[Math.floor(i / dq.blocksize)]) + dq.offset));
}
