// Nemenyi post-hoc test: critical difference of average ranks, CD = q_α √(k(k+1)/(6N)). q_α is the Studentized
// range statistic (infinite df) divided by √2. For k ≤ 10 the values are typed in from Demšar (2006), Table 5(a),
// so the diagram matches the published ones to the digit; beyond k = 10 they are computed from the range
// distribution of k standard normals by quadrature (agreeing with the table where both exist, see the tests).

import { normalCdf, normalPdf } from './special';

/** Demšar (2006) Table 5(a), two-tailed Nemenyi q_α for k = 2..10 classifiers. */
const Q_TABLE: Record<'0.05' | '0.10', number[]> = {
  '0.05': [1.96, 2.343, 2.569, 2.728, 2.85, 2.949, 3.031, 3.102, 3.164],
  '0.10': [1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.78, 2.855, 2.92],
};

export type NemenyiAlpha = 0.05 | 0.1;

/**
 * P(range of k iid N(0,1) ≤ w) = k ∫ φ(z) [Φ(z+w) − Φ(z)]^{k−1} dz, by composite Simpson on [−9, 9]; the
 * integrand is smooth and negligible outside, so 1,200 panels give ~1e-10.
 */
export function normalRangeCdf(w: number, k: number): number {
  if (w <= 0) return 0;
  const lo = -9;
  const hi = 9;
  const m = 1200;
  const h = (hi - lo) / m;
  let s = 0;
  for (let i = 0; i <= m; i++) {
    const z = lo + i * h;
    const f = normalPdf(z) * Math.pow(normalCdf(z + w) - normalCdf(z), k - 1);
    s += (i === 0 || i === m ? 1 : i % 2 ? 4 : 2) * f;
  }
  return Math.min(1, (k * s * h) / 3);
}

/** q_α = (1−α) quantile of the normal range for k groups, over √2, by bisection. */
export function computedNemenyiQ(k: number, alpha: number): number {
  let lo = 0;
  let hi = 12;
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2;
    if (normalRangeCdf(mid, k) < 1 - alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2 / Math.SQRT2;
}

/** Nemenyi q_α: the published table for k ≤ 10 and α ∈ {0.05, 0.10}, the computed value otherwise. */
export function nemenyiQ(k: number, alpha: NemenyiAlpha): number {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`Nemenyi needs an integer number of methods k ≥ 2, got ${k}`);
  const key = alpha === 0.05 ? '0.05' : alpha === 0.1 ? '0.10' : null;
  if (key === null) throw new RangeError(`Nemenyi α must be 0.05 or 0.10, got ${alpha}`);
  return k <= 10 ? Q_TABLE[key][k - 2] : computedNemenyiQ(k, alpha);
}

export interface NemenyiResult {
  alpha: NemenyiAlpha;
  q: number;
  /** critical difference of average ranks */
  cd: number;
  /** where q came from: the typed-in table or quadrature (k > 10) */
  qSource: 'demsar2006-table5a' | 'computed';
}

export function nemenyiCd(k: number, n: number, alpha: NemenyiAlpha = 0.05): NemenyiResult {
  if (n < 1) throw new RangeError(`Nemenyi needs at least one dataset, got N=${n}`);
  const q = nemenyiQ(k, alpha);
  return { alpha, q, cd: q * Math.sqrt((k * (k + 1)) / (6 * n)), qSource: k <= 10 ? 'demsar2006-table5a' : 'computed' };
}
