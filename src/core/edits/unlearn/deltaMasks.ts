// Reference masks for C-Δθ that are NOT circuits (issue #20 item 5), to bracket a circuit of the same size:
//   magnitude  the `count` entries with the largest |W_aligned − W_target| over the whole model (an upper
//              reference: the most moved weights, whatever unit they belong to);
//   random     `count` entries drawn uniformly (seeded) from the tensors the copy was allowed to change (a lower
//              reference: a mask that knows nothing of the refusal).
// and the edit itself on such a per-element mask: out = t + s·(a − t) where the mask is set, the target's bits
// elsewhere, in float32 as applyCDeltaRaw computes it for F32 tensors (cdelta.ts). Pure: no Node, no DOM.
import { fromF32, Pcg32, readF32, type ArrRecord } from '../../lab';
import { UnlearnConfigError } from './errors';

/** Per-tensor 0/1 masks (engine names; tensors without a set entry are absent). */
export type ElementMasks = Map<string, Uint8Array>;

export const maskSize = (m: ElementMasks): number => [...m.values()].reduce((s, x) => s + x.reduce((a, v) => a + v, 0), 0);

function checkCount(count: number, available: number, what: string): void {
  if (!Number.isInteger(count) || count < 0) throw new UnlearnConfigError(`mask size must be an integer ≥ 0, got ${count}`);
  if (count > available) throw new UnlearnConfigError(`mask size ${count} exceeds the ${available} ${what}`);
}

/** The `count` entries of largest |aligned − target| (ties: earlier tensor, then earlier index). */
export function magnitudeMask(target: ArrRecord, aligned: ArrRecord, count: number): ElementMasks {
  const names = Object.keys(target);
  const deltas = names.map((n) => {
    const t = readF32(target[n]);
    const a = readF32(aligned[n]);
    if (a.length !== t.length) throw new UnlearnConfigError(`${n}: aligned has ${a.length} entries, target ${t.length}`);
    return Float32Array.from(t, (v, i) => Math.abs(a[i] - v));
  });
  const total = deltas.reduce((s, d) => s + d.length, 0);
  checkCount(count, total, 'parameters');
  const all = new Float32Array(total);
  let o = 0;
  for (const d of deltas) {
    all.set(d, o);
    o += d.length;
  }
  // threshold = the count-th largest value; entries above it are in, ties at it fill up in order
  const sorted = Float32Array.from(all).sort();
  const thr = count === 0 ? Infinity : sorted[total - count];
  let above = 0;
  for (const v of all) if (v > thr) above++;
  let ties = count - above;
  const out: ElementMasks = new Map();
  names.forEach((n, k) => {
    const d = deltas[k];
    const m = new Uint8Array(d.length);
    let any = false;
    for (let i = 0; i < d.length; i++) {
      if (d[i] > thr || (d[i] === thr && ties > 0 && (ties--, true))) {
        m[i] = 1;
        any = true;
      }
    }
    if (any) out.set(n, m);
  });
  return out;
}

/** `count` entries drawn uniformly without replacement from the tensors `names` of `target`, seeded. */
export function randomMask(target: ArrRecord, names: readonly string[], count: number, seed: number): ElementMasks {
  const sizes = names.map((n) => {
    if (!(n in target)) throw new UnlearnConfigError(`random mask: no tensor ${n}`);
    return target[n].size;
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  checkCount(count, total, 'entries of the eligible tensors');
  // Floyd's algorithm: count distinct indices in [0, total)
  const rng = new Pcg32(seed, 31);
  const picked = new Set<number>();
  for (let j = total - count; j < total; j++) {
    const r = rng.int(j + 1);
    picked.add(picked.has(r) ? j : r);
  }
  const out: ElementMasks = new Map();
  const starts: number[] = [];
  sizes.reduce((s, x) => (starts.push(s), s + x), 0);
  const masks = names.map((_, k) => new Uint8Array(sizes[k]));
  for (const g of picked) {
    let k = 0;
    while (k + 1 < starts.length && starts[k + 1] <= g) k++;
    masks[k][g - starts[k]] = 1;
  }
  names.forEach((n, k) => {
    if (masks[k].some((v) => v)) out.set(n, masks[k]);
  });
  return out;
}

/** W_target + s·(W_aligned − W_target) on the mask, per strength; unmasked tensors share the target's arrays. */
export function maskedCDelta(target: ArrRecord, aligned: ArrRecord, masks: ElementMasks, strengths: readonly number[]): ArrRecord[] {
  for (const n of masks.keys()) if (!(n in target)) throw new UnlearnConfigError(`mask names ${n}, which the model does not have`);
  return strengths.map((s) => Object.fromEntries(Object.keys(target).map((n) => {
    const m = masks.get(n);
    if (!m) return [n, target[n].ref];
    const t = readF32(target[n]);
    const a = readF32(aligned[n]);
    if (m.length !== t.length) throw new UnlearnConfigError(`mask of ${n} has ${m.length} entries, the tensor ${t.length}`);
    const v = new Float32Array(t);
    for (let i = 0; i < v.length; i++) if (m[i]) v[i] = t[i] + s * (a[i] - t[i]);
    return [n, fromF32(v, [...target[n].shape])];
  })));
}
