// Uncertainty for the metrics the emitters write: the Wilson score interval for a proportion k/n (it stays inside
// [0, 1] and behaves at k = 0 or k = n, where the normal approximation collapses to a zero-width interval).
// A metric the run gives no basis for gets no interval: method 'none', never a made-up width. No module's result
// carries per-seed or per-row values of a non-proportion metric yet (the unlearning page reports a run before its
// other seeds; AUCs come without per-row scores), so there is no seed-spread or bootstrap helper to call.
import type { EvidenceMetric } from '../types';

/** Two-sided 95 % normal quantile. */
export const Z95 = 1.959963984540054;

/** Wilson score interval of k successes in n trials (95 %); null when n is 0. */
export function wilsonInterval(k: number, n: number, z = Z95): [number, number] | null {
  if (!(n > 0)) return null;
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * A proportion metric k/n with its Wilson interval. `k` is recovered from a rate as round(rate × n) only when
 * that product is an integer (so the rate really is a count over n); otherwise the interval is left out.
 */
export function proportionMetric(name: string, rate: number, n: number, higherIsBetter?: boolean): EvidenceMetric {
  const k = rate * n;
  const ci = Math.abs(k - Math.round(k)) < 1e-6 ? wilsonInterval(Math.round(k), n) : null;
  return { name, value: rate, ...(ci ? { ci, method: 'wilson' as const } : { method: 'none' as const }), n, ...(higherIsBetter === undefined ? {} : { higherIsBetter }) };
}

/** A metric the run gives no interval for (a census of parameters, an AUC without per-row scores). */
export function pointMetric(name: string, value: number, opts: { n?: number; higherIsBetter?: boolean } = {}): EvidenceMetric {
  return { name, value, method: 'none', ...(opts.n === undefined ? {} : { n: opts.n }), ...(opts.higherIsBetter === undefined ? {} : { higherIsBetter: opts.higherIsBetter }) };
}

/** The metrics whose value is a finite number (a NaN rate means "no items of that kind", not a measurement). */
export const finiteMetrics = (ms: readonly (EvidenceMetric | null | undefined)[]): EvidenceMetric[] =>
  ms.filter((m): m is EvidenceMetric => !!m && Number.isFinite(m.value));
