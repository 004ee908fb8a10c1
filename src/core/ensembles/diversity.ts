// Diversity of a pool from the models' oracle outputs (correct / wrong per example, top-label), after Kuncheva &
// Whitaker (2003): pairwise Yule's Q, disagreement and double fault; plus the best convex combination of the
// models' probabilities, an upper bound for any weighted average.
//
// Q = (N11·N00 − N01·N10) / (N11·N00 + N01·N10), where N11 = both right, N00 = both wrong. Rule for an empty
// denominator (N11·N00 = N01·N10 = 0): Q = 1 when the two classifiers agree on every item (N01 = N10 = 0,
// identical oracle outputs, the limit of perfect positive association); otherwise Q = 0 (the numerator is 0 too,
// and the table carries no evidence of association either way).

import { accuracy, aucFromProbs, logLoss } from '../metrics/classification';
import { blend } from './metrics';

export interface PairCounts { n11: number; n10: number; n01: number; n00: number }

export function oracle(probs: Float64Array, labels: ArrayLike<number>, k: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    out[i] = best === labels[i] ? 1 : 0;
  }
  return out;
}

export function pairCounts(a: Uint8Array, b: Uint8Array): PairCounts {
  const c = { n11: 0, n10: 0, n01: 0, n00: 0 };
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) c.n11++;
    else if (a[i]) c.n10++;
    else if (b[i]) c.n01++;
    else c.n00++;
  }
  return c;
}

export function yuleQ(c: PairCounts): number {
  const num = c.n11 * c.n00 - c.n01 * c.n10;
  const den = c.n11 * c.n00 + c.n01 * c.n10;
  if (den === 0) return c.n01 === 0 && c.n10 === 0 ? 1 : 0;
  return num / den;
}

export const disagreement = (c: PairCounts) => (c.n01 + c.n10) / (c.n11 + c.n10 + c.n01 + c.n00);
export const doubleFault = (c: PairCounts) => c.n00 / (c.n11 + c.n10 + c.n01 + c.n00);

export interface DiversityMatrices {
  models: string[];
  /** M×M, Q[i][i] = 1 */
  q: number[][];
  disagreement: number[][];
  doubleFault: number[][];
  /** mean over the M(M−1)/2 distinct pairs (NaN for one model) */
  meanQ: number;
  meanDisagreement: number;
  meanDoubleFault: number;
}

export function diversity(models: string[], probs: Float64Array[], labels: ArrayLike<number>, k: number): DiversityMatrices {
  const o = probs.map((p) => oracle(p, labels, k));
  const M = models.length;
  const mk = () => Array.from({ length: M }, () => new Array<number>(M).fill(0));
  const q = mk();
  const dis = mk();
  const df = mk();
  let sq = 0;
  let sd = 0;
  let sf = 0;
  for (let i = 0; i < M; i++) for (let j = i; j < M; j++) {
    const c = pairCounts(o[i], o[j]);
    q[i][j] = q[j][i] = yuleQ(c);
    dis[i][j] = dis[j][i] = disagreement(c);
    df[i][j] = df[j][i] = doubleFault(c);
    if (i !== j) { sq += q[i][j]; sd += dis[i][j]; sf += df[i][j]; }
  }
  const pairs = (M * (M - 1)) / 2;
  return { models, q, disagreement: dis, doubleFault: df, meanQ: sq / pairs, meanDisagreement: sd / pairs, meanDoubleFault: sf / pairs };
}

export interface ConvexBound {
  weights: number[];
  logloss: number;
  auc: number;
  accuracy: number;
  iterations: number;
}

/**
 * Simplex weights minimising log-loss of the blend by exponentiated gradient (mirror descent on the simplex;
 * the objective is convex in the weights), starting uniform, keeping the best iterate. Fitted on the rows it is
 * scored on: an optimistic bound on what averaging these models can reach, not a deployable ensemble.
 */
export function bestConvexCombination(probs: Float64Array[], labels: ArrayLike<number>, k: number, iterations = 300, eta = 1): ConvexBound {
  const M = probs.length;
  const n = labels.length;
  let w = new Array<number>(M).fill(1 / M);
  let best = { w: [...w], loss: Infinity };
  const py = probs.map((p) => Float64Array.from({ length: n }, (_, i) => p[i * k + labels[i]]));
  let it = 0;
  for (; it < iterations; it++) {
    const g = new Array<number>(M).fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let mix = 0;
      for (let m = 0; m < M; m++) mix += w[m] * py[m][i];
      mix = Math.max(mix, 1e-15);
      loss -= Math.log(mix);
      for (let m = 0; m < M; m++) g[m] -= py[m][i] / mix / n;
    }
    loss /= n;
    if (loss < best.loss - 1e-13) best = { w: [...w], loss };
    else if (loss > best.loss + 1e-12) {
      // overshoot: go back to the best point and take smaller steps from there
      w = [...best.w];
      eta /= 2;
      continue;
    }
    const gmin = Math.min(...g);
    const nw = w.map((wm, m) => wm * Math.exp(-eta * (g[m] - gmin)));
    const s = nw.reduce((a, b) => a + b, 0);
    w = nw.map((v) => v / s);
  }
  const mix = blend(probs, best.w);
  const pm = { probs: mix, n, k };
  return { weights: best.w, logloss: logLoss(pm, labels), auc: aucFromProbs(pm, labels), accuracy: accuracy(pm, labels), iterations: it };
}
