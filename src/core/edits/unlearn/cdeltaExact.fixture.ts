// Test fixture shared by cdeltaLab.test.ts (GPT-2) and cdeltaLlama.test.ts (Llama, untied head): checks that every
// C-Δθ output changed exactly the circuit's elements, each to fround(t + s·(a − t)), and nothing else.
import { readF32, type ArrRecord } from '../../lab';

/**
 * For each strength s (output k), every element `owned(name, i)` equals fround(t + s·(a − t)) and every other
 * element equals the target's. Throws naming the first wrong element; returns the number of owned elements.
 */
export function checkExactCDelta(target: ArrRecord, aligned: ArrRecord, outputs: readonly ArrRecord[], strengths: readonly number[],
  owned: (name: string, i: number) => boolean): number {
  let count = 0;
  strengths.forEach((s, k) => {
    let changed = 0;
    for (const n of Object.keys(target)) {
      const t = readF32(target[n]);
      const a = readF32(aligned[n]);
      const o = readF32(outputs[k][n]);
      for (let i = 0; i < t.length; i++) {
        if (owned(n, i)) {
          if (o[i] !== Math.fround(t[i] + s * (a[i] - t[i]))) throw new Error(`${n}[${i}] is not t + ${s}·(a − t)`);
          changed++;
        } else if (o[i] !== t[i]) throw new Error(`${n}[${i}] changed outside the circuit`);
      }
    }
    count = changed;
  });
  return count;
}
