// Held-out synthetic evaluation for the forge: tasks drawn from the training prior with seeds the training never
// uses (3e9 + i), scored by the model and, once, by the in-context baselines (class frequencies, kNN, logistic
// regression), so the log says whether the PFN has learnt more than a classical fit of the same context.
import { aucFromProbs, type ProbMatrix } from '../../../src/core/metrics/classification';
import { emptyBatch, packTask, type HostBatch } from '../../../src/core/tabular/tfm/batch';
import { sampleTask, type PriorTask } from '../../../src/core/tabular/tfm/prior';
import { knnTeacher } from '../../../src/core/tabular/teachers/knn';
import { logRegTeacher } from '../../../src/core/tabular/teachers/logreg';

export interface SyntheticEval {
  /** mean cross-entropy over query rows whose class occurs in the context */
  ce: number;
  accuracy: number;
  /** mean one-vs-rest ROC-AUC */
  auc: number;
}

const K = 10;
const F = 32;
const sizes = (tiny: boolean) => (tiny ? { Nc: 16, Nq: 8, B: 2 } : { Nc: 256, Nq: 128, B: 8 });

function tasks(count: number, tiny: boolean, version: 1 | 2 | 3): PriorTask[] {
  const { Nc, Nq } = sizes(tiny);
  return Array.from({ length: count }, (_, i) => sampleTask(3e9 + i, { nRows: Nc + Nq, maxFeatures: F, maxClasses: K, version, contextRows: Nc }));
}

/** Scores per-task probabilities (n × k, k = the task's classes) against its query labels. */
function score(t: PriorTask, Nc: number, probs: (i: number, c: number) => number): SyntheticEval {
  const inCtx = new Set(Array.from(t.y.subarray(0, Nc)));
  const n = t.n - Nc;
  let ce = 0;
  let cnt = 0;
  let correct = 0;
  const p = new Float64Array(n * t.k);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 0; c < t.k; c++) { p[i * t.k + c] = probs(i, c); if (p[i * t.k + c] > p[i * t.k + best]) best = c; }
    const y = t.y[Nc + i];
    if (best === y) correct++;
    if (inCtx.has(y)) { ce -= Math.log(Math.max(p[i * t.k + y], 1e-12)); cnt++; }
  }
  const pm: ProbMatrix = { probs: p, n, k: t.k };
  const auc = aucFromProbs(pm, t.y.subarray(Nc));
  return { ce: ce / Math.max(cnt, 1), accuracy: correct / n, auc };
}

function mean(evals: SyntheticEval[]): SyntheticEval {
  const m = (f: (e: SyntheticEval) => number) => {
    const v = evals.map(f).filter(Number.isFinite);
    return +(v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1)).toFixed(4);
  };
  return { ce: m((e) => e.ce), accuracy: m((e) => e.accuracy), auc: m((e) => e.auc) };
}

/** Model score on the held-out tasks; `predict` maps a host batch to probabilities [B, Nq, K]. */
export function evalSynthetic(predict: (b: HostBatch) => Float32Array, count: number, tiny: boolean, version: 1 | 2 | 3 = 1): SyntheticEval {
  const { Nc, Nq, B } = sizes(tiny);
  const all = tasks(count, tiny, version);
  const out: SyntheticEval[] = [];
  for (let s = 0; s < all.length; s += B) {
    const group = all.slice(s, s + B);
    const batch = emptyBatch(B, Nc, Nq, F);
    group.forEach((t, b) => packTask(batch, b, t.x, t.y, t.d));
    const probs = predict(batch);
    group.forEach((t, b) => out.push(score(t, Nc, (i, c) => probs[(b * Nq + i) * K + c])));
  }
  return mean(out);
}

/** The same tasks scored by class frequencies, kNN and logistic regression on the same context. */
export async function syntheticBaselines(count: number, tiny: boolean, version: 1 | 2 | 3 = 1): Promise<Record<string, SyntheticEval>> {
  const { Nc } = sizes(tiny);
  const res: Record<string, SyntheticEval[]> = { prior: [], knn: [], logreg: [] };
  for (const t of tasks(count, tiny, version)) {
    const matrix = (from: number, to: number) => ({ x: Float64Array.from(t.x.subarray(from * t.d, to * t.d)), n: to - from, d: t.d, names: [] as string[] });
    const yc = t.y.subarray(0, Nc);
    const freq = new Float64Array(t.k).fill(0.5 / t.k);
    for (const y of yc) freq[y] += 1;
    const tot = freq.reduce((a, b) => a + b, 0);
    res.prior.push(score(t, Nc, (_i, c) => freq[c] / tot));
    for (const [name, teacher] of [['knn', knnTeacher()], ['logreg', logRegTeacher()]] as const) {
      const p = await teacher.predict(matrix(0, Nc), Int32Array.from(yc), t.k, matrix(Nc, t.n));
      res[name].push(score(t, Nc, (i, c) => p.probs[i * t.k + c]));
    }
  }
  return Object.fromEntries(Object.entries(res).map(([k, v]) => [k, mean(v)]));
}
