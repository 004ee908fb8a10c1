// Per-run metrics of the strategy study: AUC plus minority-class recall at the argmax decision and at the
// threshold maximising Youden's J = TPR − FPR (the argmax threshold of 0.5 is often meaningless for a teacher
// shown a skewed context, so both are reported). The Youden threshold is chosen on the evaluated fold itself, so
// that recall is an oracle upper bound (what re-thresholding could reach), not a deployable operating point.

import { aucFromProbs, perClassRecall, type ProbMatrix } from '../../metrics/classification';

export interface RunMetrics {
  auc: number;
  /** recall of the minority class at argmax */
  minorityRecall: number;
  /** recall of the minority class at the Youden-optimal threshold on P(minority); null when not binary */
  minorityRecallYouden: number | null;
  youdenThreshold: number | null;
}

/** Threshold on `scores` maximising TPR − FPR for `positive`; returns the threshold and the TPR there. */
export function youden(scores: ArrayLike<number>, positive: ArrayLike<boolean>): { threshold: number; tpr: number; j: number } {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let P = 0;
  for (let i = 0; i < n; i++) if (positive[i]) P++;
  const N = n - P;
  if (!P || !N) return { threshold: NaN, tpr: NaN, j: NaN };
  let tp = 0;
  let fp = 0;
  let best = { threshold: Infinity, tpr: 0, j: 0 };
  for (let t = 0; t < n; ) {
    const s = scores[order[t]];
    // Predict positive for score ≥ s: take all tied scores at once.
    while (t < n && scores[order[t]] === s) { if (positive[order[t]]) tp++; else fp++; t++; }
    const j = tp / P - fp / N;
    if (j > best.j) best = { threshold: s, tpr: tp / P, j };
  }
  return best;
}

export function runMetrics(p: ProbMatrix, labels: Int32Array, minority: number): RunMetrics {
  const minorityRecall = perClassRecall(p, labels)[minority];
  if (p.k !== 2) return { auc: aucFromProbs(p, labels), minorityRecall, minorityRecallYouden: null, youdenThreshold: null };
  const scores = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) scores[i] = p.probs[i * 2 + minority];
  const y = youden(scores, Array.from(labels, (v) => v === minority));
  const ok = Number.isFinite(y.threshold);
  return { auc: aucFromProbs(p, labels), minorityRecall, minorityRecallYouden: ok ? y.tpr : null, youdenThreshold: ok ? y.threshold : null };
}
