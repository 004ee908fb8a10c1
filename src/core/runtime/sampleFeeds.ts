// Deterministic sample inputs for any model from its input metadata, so diagnostics (provider parity, latency)
// can run a model the user just loaded without knowing its meaning. Symbolic dims: anything named like a past
// length becomes 0 (empty KV cache), a batch dim 1, other symbolic dims `seq`. Integer inputs get small ids
// (attention masks ones, position ids 0..n-1), floats a seeded uniform in [-1, 1).
import { InputMismatchError } from './errors';
import { elementCount, tensor, type Feeds, type TensorData } from './tensor';
import type { InputMeta } from './validate';

export function sampleFeeds(inputs: readonly InputMeta[], options: { seed?: number; seq?: number } = {}): Feeds {
  let s = (options.seed ?? 1) >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  const seq = options.seq ?? 4;
  const feeds: Feeds = {};
  for (const input of inputs) {
    if (!input.dims) throw new InputMismatchError([`input ${input.name} declares no shape; sample feeds need one`]);
    const dims = input.dims.map((d) => (typeof d === 'number' ? d : /past/i.test(d) ? 0 : /batch/i.test(d) ? 1 : seq));
    const n = elementCount(dims);
    const last = dims[dims.length - 1] ?? 1;
    switch (input.dtype) {
      case 'float32':
        feeds[input.name] = tensor('float32', Float32Array.from({ length: n }, rand), dims);
        break;
      case 'int64':
        feeds[input.name] = tensor('int64', BigInt64Array.from({ length: n }, (_, i) =>
          BigInt(/mask/i.test(input.name) ? 1 : /position/i.test(input.name) ? i % last : (i * 7) % 10)), dims);
        break;
      case 'int32':
        feeds[input.name] = tensor('int32', Int32Array.from({ length: n }, (_, i) => (i * 7) % 10), dims);
        break;
      default:
        throw new InputMismatchError([`input ${input.name} has dtype ${input.dtype}; sample feeds support float32, int64 and int32`]);
    }
  }
  return feeds;
}

/** Largest absolute difference between two runs' outputs (same names, same shapes). */
export function maxAbsDiff(a: Record<string, TensorData>, b: Record<string, TensorData>): number {
  let worst = 0;
  for (const [name, t] of Object.entries(a)) {
    const u = b[name];
    if (!u || u.data.length !== t.data.length) return Infinity;
    const x = t.data as ArrayLike<number | bigint | string>;
    const y = u.data as ArrayLike<number | bigint | string>;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(Number(x[i]) - Number(y[i])));
  }
  return worst;
}
