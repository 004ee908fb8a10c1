// Bonferroni–Dunn post-hoc test against a control method (Demšar 2006 §3.2.2): the k − 1 comparisons of the
// control with each other method share α, so the critical difference of average ranks is
// CD = q_α √(k(k+1)/(6N)) with q_α = z_{1 − α/(2(k−1))}, the two-tailed normal critical value for k − 1 tests.
// For k ≤ 10 the q values are typed in from Demšar (2006) Table 5(b) (taken there from Siegel & Castellan 1988),
// beyond that computed from the normal quantile. Fewer comparisons than Nemenyi's k(k−1)/2, so a smaller CD.

import type { NemenyiAlpha } from './nemenyi';
import { normalCdf } from './special';

/** Demšar (2006) Table 5(b), two-tailed Bonferroni–Dunn q_α for k = 2..10 classifiers (k − 1 comparisons). */
const BD_TABLE: Record<'0.05' | '0.10', number[]> = {
  '0.05': [1.96, 2.241, 2.394, 2.498, 2.576, 2.638, 2.69, 2.734, 2.773],
  '0.10': [1.645, 1.96, 2.128, 2.241, 2.326, 2.394, 2.45, 2.498, 2.539],
};

/** z with Φ(z) = p, by bisection on the erfc-based Φ (p in (0.5, 1)). */
function normalQuantile(p: number): number {
  let lo = 0;
  let hi = 40;
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** q_α = z_{1 − α/(2(k−1))} computed, for any k ≥ 2. */
export function computedBonferroniDunnQ(k: number, alpha: number): number {
  return normalQuantile(1 - alpha / (2 * (k - 1)));
}

export function bonferroniDunnQ(k: number, alpha: NemenyiAlpha): number {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`Bonferroni–Dunn needs an integer number of methods k ≥ 2, got ${k}`);
  const key = alpha === 0.05 ? '0.05' : alpha === 0.1 ? '0.10' : null;
  if (key === null) throw new RangeError(`Bonferroni–Dunn α must be 0.05 or 0.10, got ${alpha}`);
  return k <= 10 ? BD_TABLE[key][k - 2] : computedBonferroniDunnQ(k, alpha);
}

export interface BonferroniDunnResult {
  alpha: NemenyiAlpha;
  /** the control method every other method is compared with */
  control: string;
  q: number;
  cd: number;
  qSource: 'demsar2006-table5b' | 'computed';
  /** each other method: its average-rank gap to the control and whether it exceeds the CD */
  versus: { method: string; rankDiff: number; significant: boolean }[];
}

/** Compare every method with `control` by average rank (1 = best). */
export function bonferroniDunn(methods: string[], avgRanks: number[], n: number, control: string, alpha: NemenyiAlpha = 0.05): BonferroniDunnResult {
  const c = methods.indexOf(control);
  if (c < 0) throw new RangeError(`Bonferroni–Dunn control "${control}" is not one of the compared methods (${methods.join(', ')})`);
  if (n < 1) throw new RangeError(`Bonferroni–Dunn needs at least one dataset, got N=${n}`);
  const k = methods.length;
  const q = bonferroniDunnQ(k, alpha);
  const cd = q * Math.sqrt((k * (k + 1)) / (6 * n));
  const versus = methods.flatMap((method, i) => {
    if (i === c) return [];
    const rankDiff = avgRanks[i] - avgRanks[c];
    return [{ method, rankDiff, significant: Math.abs(rankDiff) >= cd }];
  });
  return { alpha, control, q, cd, qSource: k <= 10 ? 'demsar2006-table5b' : 'computed', versus };
}
