// How "soft" a set of soft targets is. Naive labelling (the teacher scores its own context rows) lets an
// in-context teacher copy each row's label, so targets collapse towards one-hot: mean entropy falls and the share
// of rows with max probability > 0.99 rises. These figures put that leakage on screen next to out-of-fold targets.

import type { ProbMatrix } from '../../metrics/classification';

export interface HistogramBin { lo: number; hi: number; count: number }

export interface CollapseStats {
  /** mean Shannon entropy per row, nats */
  meanEntropy: number;
  /** mean entropy ÷ log k, in [0, 1] */
  meanNormalisedEntropy: number;
  /** share of rows whose largest probability exceeds `threshold` */
  shareConfident: number;
  threshold: number;
  /** histogram of each row's largest probability over [1/k, 1] */
  maxProbHistogram: HistogramBin[];
  /** histogram of normalised entropy over [0, 1] */
  entropyHistogram: HistogramBin[];
}

export function collapseStats(p: ProbMatrix, threshold = 0.99, bins = 10): CollapseStats {
  const { n, k, probs } = p;
  const lo = 1 / k;
  const maxHist = Array.from({ length: bins }, (_, b) => ({ lo: lo + ((1 - lo) * b) / bins, hi: lo + ((1 - lo) * (b + 1)) / bins, count: 0 }));
  const entHist = Array.from({ length: bins }, (_, b) => ({ lo: b / bins, hi: (b + 1) / bins, count: 0 }));
  let ent = 0;
  let confident = 0;
  const logK = Math.log(k);
  for (let i = 0; i < n; i++) {
    let h = 0;
    let m = 0;
    for (let c = 0; c < k; c++) {
      const v = probs[i * k + c];
      if (v > 0) h -= v * Math.log(v);
      if (v > m) m = v;
    }
    ent += h;
    if (m > threshold) confident++;
    maxHist[Math.min(bins - 1, Math.max(0, Math.floor(((m - lo) / (1 - lo)) * bins)))].count++;
    entHist[Math.min(bins - 1, Math.max(0, Math.floor((h / logK) * bins)))].count++;
  }
  return {
    meanEntropy: n ? ent / n : NaN, meanNormalisedEntropy: n ? ent / n / logK : NaN,
    shareConfident: n ? confident / n : NaN, threshold, maxProbHistogram: maxHist, entropyHistogram: entHist,
  };
}
