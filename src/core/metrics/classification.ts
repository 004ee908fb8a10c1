// Classification metrics shared by tabular, distillation and ensembles. Probabilities are row-major
// `Float64Array` of n×k (k classes); labels are integer class indices 0..k-1. Pure, no DOM.

export interface ProbMatrix {
  /** n×k row-major class probabilities */
  probs: Float64Array;
  n: number;
  k: number;
}

const EPS = 1e-15;

function assertShape(p: ProbMatrix, labels: ArrayLike<number>): void {
  if (p.probs.length !== p.n * p.k) throw new RangeError(`probs has ${p.probs.length} values, expected n×k = ${p.n}×${p.k}`);
  if (labels.length !== p.n) throw new RangeError(`labels has ${labels.length} entries, expected ${p.n}`);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= p.k) throw new RangeError(`label ${y} at row ${i} is not a class index in [0, ${p.k})`);
  }
}

/**
 * Binary ROC-AUC by the rank-sum (Mann–Whitney) formula with average ranks for ties.
 * Returns NaN when one of the classes is absent (AUC is undefined then, not 0.5).
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  const n = scores.length;
  if (positive.length !== n) throw new RangeError('scores and labels differ in length');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (positive[order[t]]) { nPos++; rankSumPos += avgRank; }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** ROC-AUC: binary uses P(class 1); multiclass is the unweighted mean of one-vs-rest AUCs over present classes. */
export function aucFromProbs(p: ProbMatrix, labels: ArrayLike<number>): number {
  assertShape(p, labels);
  if (p.k === 2) {
    const s = new Float64Array(p.n);
    for (let i = 0; i < p.n; i++) s[i] = p.probs[i * 2 + 1];
    return rocAuc(s, Array.from(labels, (y) => y === 1));
  }
  let sum = 0;
  let count = 0;
  for (let c = 0; c < p.k; c++) {
    const s = new Float64Array(p.n);
    for (let i = 0; i < p.n; i++) s[i] = p.probs[i * p.k + c];
    const auc = rocAuc(s, Array.from(labels, (y) => y === c));
    if (!Number.isNaN(auc)) { sum += auc; count++; }
  }
  return count ? sum / count : NaN;
}

/** Mean negative log-likelihood, probabilities clipped to [1e-15, 1]. */
export function logLoss(p: ProbMatrix, labels: ArrayLike<number>): number {
  assertShape(p, labels);
  let s = 0;
  for (let i = 0; i < p.n; i++) s -= Math.log(Math.max(EPS, p.probs[i * p.k + labels[i]]));
  return s / p.n;
}

/** Multiclass Brier score: mean over rows of Σ_c (p_c − 1[y=c])². (Binary: twice the one-column Brier.) */
export function brier(p: ProbMatrix, labels: ArrayLike<number>): number {
  assertShape(p, labels);
  let s = 0;
  for (let i = 0; i < p.n; i++) for (let c = 0; c < p.k; c++) {
    const d = p.probs[i * p.k + c] - (labels[i] === c ? 1 : 0);
    s += d * d;
  }
  return s / p.n;
}

export function argmaxRow(p: ProbMatrix, i: number): number {
  let best = 0;
  for (let c = 1; c < p.k; c++) if (p.probs[i * p.k + c] > p.probs[i * p.k + best]) best = c;
  return best;
}

export function accuracy(p: ProbMatrix, labels: ArrayLike<number>): number {
  assertShape(p, labels);
  let ok = 0;
  for (let i = 0; i < p.n; i++) if (argmaxRow(p, i) === labels[i]) ok++;
  return ok / p.n;
}

/** Recall of each class (NaN for a class with no rows). */
export function perClassRecall(p: ProbMatrix, labels: ArrayLike<number>): number[] {
  assertShape(p, labels);
  const hit = new Array<number>(p.k).fill(0);
  const tot = new Array<number>(p.k).fill(0);
  for (let i = 0; i < p.n; i++) { tot[labels[i]]++; if (argmaxRow(p, i) === labels[i]) hit[labels[i]]++; }
  return hit.map((h, c) => (tot[c] ? h / tot[c] : NaN));
}

export interface ReliabilityBin { lo: number; hi: number; count: number; meanConfidence: number; accuracy: number }

/**
 * Top-label expected calibration error with `bins` equal-width confidence bins (the usual Guo et al. definition);
 * also returns the bins for a reliability diagram.
 */
export function calibration(p: ProbMatrix, labels: ArrayLike<number>, bins = 15): { ece: number; bins: ReliabilityBin[] } {
  assertShape(p, labels);
  const out: ReliabilityBin[] = Array.from({ length: bins }, (_, b) => ({ lo: b / bins, hi: (b + 1) / bins, count: 0, meanConfidence: 0, accuracy: 0 }));
  for (let i = 0; i < p.n; i++) {
    const c = argmaxRow(p, i);
    const conf = p.probs[i * p.k + c];
    const b = Math.min(bins - 1, Math.floor(conf * bins));
    out[b].count++;
    out[b].meanConfidence += conf;
    out[b].accuracy += c === labels[i] ? 1 : 0;
  }
  let ece = 0;
  for (const b of out) {
    if (!b.count) continue;
    b.meanConfidence /= b.count;
    b.accuracy /= b.count;
    ece += (b.count / p.n) * Math.abs(b.accuracy - b.meanConfidence);
  }
  return { ece, bins: out };
}
