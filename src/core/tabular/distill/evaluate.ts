// Evaluation of a distilled student against held-out labels and its teacher: the shared classification metrics,
// fairness gaps across a sensitive attribute, AUC retention (student ÷ teacher) and per-row latency at batch 1
// and batched, with the speedup over the teacher measured the same way.

import {
  accuracy, aucFromProbs, brier, calibration, logLoss, perClassRecall, rocAuc, type ProbMatrix, type ReliabilityBin,
} from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';

export interface ClassificationReport {
  auc: number;
  logLoss: number;
  brier: number;
  ece: number;
  reliability: ReliabilityBin[];
  accuracy: number;
  perClassRecall: number[];
}

export function classificationReport(p: ProbMatrix, y: ArrayLike<number>, bins = 15): ClassificationReport {
  const cal = calibration(p, y, bins);
  return {
    auc: aucFromProbs(p, y), logLoss: logLoss(p, y), brier: brier(p, y), ece: cal.ece, reliability: cal.bins,
    accuracy: accuracy(p, y), perClassRecall: perClassRecall(p, y),
  };
}

/** Student AUC ÷ teacher AUC on the same rows (1 = nothing lost; can exceed 1). */
export function aucRetention(studentAuc: number, teacherAuc: number): number {
  return studentAuc / teacherAuc;
}

export interface FairnessGaps {
  /** group value → AUC of P(positive) within the group (NaN when a group lacks a class) */
  aucByGroup: Record<string, number>;
  /** group value → true-positive rate (recall of `positive` at the argmax decision) */
  tprByGroup: Record<string, number>;
  /** largest minus smallest over groups with a defined value */
  aucGap: number;
  tprGap: number;
}

/**
 * Fairness gaps of predictions across the groups of a sensitive attribute (e.g. age ≤ 25 vs > 25 in german).
 * `positive` is the class whose AUC (one-vs-rest) and TPR are compared.
 */
export function fairnessGaps(p: ProbMatrix, y: ArrayLike<number>, group: ArrayLike<number | string>, positive = 1): FairnessGaps {
  if (group.length !== p.n || y.length !== p.n) throw new RangeError('predictions, labels and groups differ in length');
  const keys = [...new Set(Array.from(group, String))].sort();
  const aucByGroup: Record<string, number> = {};
  const tprByGroup: Record<string, number> = {};
  for (const key of keys) {
    const scores: number[] = [];
    const pos: boolean[] = [];
    let tp = 0, P = 0;
    for (let i = 0; i < p.n; i++) {
      if (String(group[i]) !== key) continue;
      scores.push(p.probs[i * p.k + positive]);
      pos.push(y[i] === positive);
      if (y[i] === positive) {
        P++;
        let best = 0;
        for (let c = 1; c < p.k; c++) if (p.probs[i * p.k + c] > p.probs[i * p.k + best]) best = c;
        if (best === positive) tp++;
      }
    }
    aucByGroup[key] = rocAuc(scores, pos);
    tprByGroup[key] = P ? tp / P : NaN;
  }
  return { aucByGroup, tprByGroup, aucGap: spread(Object.values(aucByGroup)), tprGap: spread(Object.values(tprByGroup)) };
}

function spread(v: number[]): number {
  const ok = v.filter((x) => !Number.isNaN(x));
  return ok.length >= 2 ? Math.max(...ok) - Math.min(...ok) : NaN;
}

export interface Latency {
  /** microseconds per row when rows are predicted one call each */
  batch1UsPerRow: number;
  /** microseconds per row for one call over all rows */
  batchedUsPerRow: number;
}

/**
 * Latency by best-of-repeats (the minimum, as timeit does: on a shared machine slower runs measure other
 * processes, not this code). Batch 1: rows 0..nOne−1 are timed in chunks of `chunk` rows, each chunk `repeats`
 * times, and the chunk minima are summed, so one preemption spoils one chunk's sample rather than the whole pass.
 * Batched: `predictAll()` over nAll rows, best of `repeats`. Both callbacks may be async (a teacher).
 */
export async function measureLatency(nOne: number, predictOne: (i: number) => unknown, nAll: number, predictAll: () => unknown, repeats = 5, chunk = 64): Promise<Latency> {
  const best = async (f: () => unknown): Promise<number> => {
    let ms = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await f();
      ms = Math.min(ms, performance.now() - t0);
    }
    return ms;
  };
  let one = 0;
  for (let start = 0; start < nOne; start += chunk) {
    const end = Math.min(nOne, start + chunk);
    one += await best(async () => { for (let i = start; i < end; i++) await predictOne(i); });
  }
  const all = await best(predictAll);
  return { batch1UsPerRow: (one * 1000) / nOne, batchedUsPerRow: (all * 1000) / nAll };
}

/** A one-row FeatureMatrix view of row i (no copy), for batch-1 calls through a matrix API. */
export function rowView(x: FeatureMatrix, i: number): FeatureMatrix {
  return { x: x.x.subarray(i * x.d, (i + 1) * x.d), n: 1, d: x.d, names: x.names };
}
