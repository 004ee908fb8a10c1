// Test support: compares an engine gradient with finite differences of the same float64 loss, at three entries
// (first, middle, last) of every parameter tensor. Shared by the GPT-2 and family-decoder gradient tests.
// jax-js evaluates exp/log/tanh to float32 accuracy even in float64 (~7e-8 relative), so steps are 1e-3-sized:
// a central difference at that step carries O(eps²) truncation error, which Richardson extrapolation
// (4·D(eps/2) − D(eps)) / 3 cancels.
import { numpy as np } from '@jax-js/jax';
import type { ArrRecord } from './engine';

export type Host64 = Map<string, { data: Float64Array; shape: number[] }>;

export const toF64 = (h: Host64): ArrRecord =>
  Object.fromEntries([...h].map(([k, v]) => [k, np.array(Float64Array.from(v.data), { shape: v.shape, dtype: np.float64 })]));

/**
 * "name[i]: grad g vs fd f" for every checked entry whose gradient `g` (from grad(loss) at `h`) differs from the
 * finite difference by more than `tol` relative to the tensor's largest difference (at least 1e-4). `loss`
 * evaluates (jitted is best: it only runs); it consumes its argument.
 */
export function finiteDifferenceMismatches(h: Host64, g: ArrRecord, loss: (p: ArrRecord) => { item(): number }, eps = 2e-3, tol = 1e-2): string[] {
  const bad: string[] = [];
  for (const [name, t] of h) {
    const gv = g[name].dataSync() as Float64Array;
    const idx = [0, Math.floor(t.data.length / 2), t.data.length - 1];
    const fd = idx.map((i) => {
      const at = (s: number) => {
        const d = t.data.slice();
        d[i] += s;
        return loss(toF64(new Map(h).set(name, { data: d, shape: t.shape }))).item();
      };
      const central = (e: number) => (at(e) - at(-e)) / (2 * e);
      return (4 * central(eps / 2) - central(eps)) / 3;
    });
    const scale = Math.max(1e-4, ...fd.map(Math.abs));
    idx.forEach((i, j) => {
      if (Math.abs(gv[i] - fd[j]) / scale > tol) bad.push(`${name}[${i}]: grad ${gv[i]} vs fd ${fd[j]}`);
    });
  }
  return bad;
}
