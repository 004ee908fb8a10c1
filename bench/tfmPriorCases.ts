// Held-out prior tasks as teacher cases, shared by bench/tfm-feeding.ts and bench/tfm-categorical.ts: a prior task
// becomes a frame (categorical columns with their codes as levels), preprocessed as the workbench does (one-hot
// design matrix fitted on the context rows), so a teacher sees it exactly as it would see a shipped dataset.
import type { Column, DataFrame } from '../src/core/tabular/data/frame';
import { fitPreprocessor } from '../src/core/tabular/data/preprocess';
import type { FeatureMatrix } from '../src/core/tabular/matrix';
import { sampleTask, type PriorTask } from '../src/core/tabular/tfm/prior';

export interface Case { xc: FeatureMatrix; yc: Int32Array; xq: FeatureMatrix; yq: Int32Array; k: number; label: string }

/** Seeds of held-out prior tasks: never drawn by the forge (training seeds are small, its evaluation 3e9 + i). */
export const HELD_OUT = 3.5e9;

/**
 * A prior column is categorical when it has at most 24 distinct finite values: makeCategorical's codes (permuted,
 * then scaled and shifted like every column), or the trees generator's small integer levels.
 */
export function distinctLevels(t: PriorTask, j: number): number {
  const seen = new Set<number>();
  for (let r = 0; r < t.n; r++) {
    const v = t.x[r * t.d + j];
    if (Number.isNaN(v)) continue;
    seen.add(v);
    if (seen.size > 24) return Infinity;
  }
  return seen.size;
}
const isCodes = (t: PriorTask, j: number): boolean => { const l = distinctLevels(t, j); return l >= 2 && l <= 24; };

/** The prior task as a frame (categorical columns with their codes as levels), so preprocessing one-hot encodes it. */
export function priorFrame(t: PriorTask): { frame: DataFrame; categorical: number } {
  let categorical = 0;
  const columns = Array.from({ length: t.d }, (_, j): Column => {
    const values = Float64Array.from({ length: t.n }, (_, r) => t.x[r * t.d + j]);
    if (!isCodes(t, j)) return { kind: 'numeric', name: `f${j}`, values };
    categorical++;
    const levels = [...new Set(Array.from(values).filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
    const index = new Map(levels.map((l, i) => [l, i]));
    return { kind: 'categorical', name: `f${j}`, levels: levels.map(String), codes: Int32Array.from(values, (v) => (Number.isNaN(v) ? -1 : index.get(v)!)) };
  });
  return { frame: { nRows: t.n, columns }, categorical };
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

/** Context = first nc rows, queries = the rest; preprocessing fitted on the context rows only. */
export function priorCase(t: PriorTask, nc: number, label: string): Case | null {
  const { frame } = priorFrame(t);
  let pre;
  try { pre = fitPreprocessor(frame, range(0, nc)); } catch { return null; }
  const yc = t.y.slice(0, nc);
  const present = new Set(yc);
  if (present.size < 2) return null;
  // queries of classes the context lacks cannot be scored by any in-context teacher
  const q = range(nc, t.n).filter((r) => present.has(t.y[r]));
  const yq = Int32Array.from(q, (r) => t.y[r]);
  if (new Set(yq).size < 2) return null;
  return { xc: pre.transform(frame, range(0, nc)), yc, xq: pre.transform(frame, q), yq, k: t.k, label };
}

/** `count` held-out prior-v2 tasks (768 rows, ≤ 4 classes) with at least one categorical column, 512 context rows. */
export function categoricalCases(count: number, from = HELD_OUT): Case[] {
  const out: Case[] = [];
  for (let s = 0; out.length < count && s < count * 20; s++) {
    const t = sampleTask(from + s, { nRows: 768, version: 2, maxClasses: 4 });
    const { categorical } = priorFrame(t);
    if (categorical === 0) continue;
    const c = priorCase(t, 512, `prior-v2 seed ${from + s}: ${t.d} features, ${categorical} categorical`);
    if (c) out.push(c);
  }
  return out;
}
