// Uncertainty for the metrics the emitters write: the Wilson score interval for a proportion k/n (it stays inside
// [0, 1] and behaves at k = 0 or k = n, where the normal approximation collapses to a zero-width interval), and the
// spread over seeds (Student-t interval of the mean) where a module reruns the same configuration with other seeds.
// A metric the run gives no basis for gets no interval: method 'none', never a made-up width.
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

// t(0.975, df) for df = 1..30; past 30 the normal quantile is within 4 %
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Mean of per-seed values with its 95 % Student-t interval; null below two finite values (no spread to measure). */
export function seedInterval(values: readonly number[]): { mean: number; ci: [number, number] } | null {
  const xs = values.filter(Number.isFinite);
  if (xs.length < 2) return null;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
  const t = T975[xs.length - 2] ?? Z95;
  const half = (t * sd) / Math.sqrt(xs.length);
  return { mean, ci: [mean - half, mean + half] };
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
