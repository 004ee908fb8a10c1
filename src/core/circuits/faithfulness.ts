// Faithfulness of circuits: run the model with only the circuit's edges clean and every other edge patched to
// its corrupted value (graphForward with P = 1 off the circuit), and report the recovered fraction
//   recovered = (metric(circuit) − metric(empty)) / (metric(full) − metric(empty))
// where full = no edge patched (the clean run) and empty = every edge patched (the corrupted run). All three go
// through the same patched forward, so the full graph recovers exactly 1 and the empty graph exactly 0. A
// random-edge baseline draws circuits of the same size uniformly from all edges (not pruned: pruning a random
// set would shrink it below the size it is compared at).
import { Pcg32 } from '../lab';
import { checkpoint, hostPatch, patchedMetric, type RunControl } from './attribute';
import { circuitSize, extract } from './extract';
import type { PreparedPairs } from './pairs';
import type { CircuitRunner } from './runner';
import type { CircuitEdge, CircuitGraph, FaithfulnessCurve, FaithfulnessOptions, FaithfulnessPoint } from './types';

type Prep = Omit<PreparedPairs, 'refusal'>;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Mean metric with every edge outside `keep` patched. */
export function circuitMetric(runner: CircuitRunner, prep: Prep, g: CircuitGraph, keep: (e: CircuitEdge) => boolean): number {
  return mean(patchedMetric(runner, prep, hostPatch(g.cfg, g.edges.filter((e) => !keep(e)))));
}

export function defaultSizes(total: number): number[] {
  const ladder = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].filter((n) => n < total);
  return [...new Set([...ladder, Math.round(0.05 * total), total])].sort((a, b) => a - b);
}

export interface Baseline {
  full: number;
  empty: number;
}

export function baseline(runner: CircuitRunner, prep: Prep, g: CircuitGraph): Baseline {
  return { full: circuitMetric(runner, prep, g, () => true), empty: circuitMetric(runner, prep, g, () => false) };
}

// `+ 0` turns −0 (m = empty with full < empty) into 0
const recoveredOf = (m: number, b: Baseline): number => (m - b.empty) / (b.full - b.empty) + 0;

/** Faithfulness of the circuit marked inGraph in `circuit`, and of `seeds` random circuits of its size. */
export function circuitPoint(runner: CircuitRunner, prep: Prep, circuit: CircuitGraph, b: Baseline, seeds = 3, seed = 0): FaithfulnessPoint {
  const size = circuitSize(circuit);
  const rng = new Pcg32(seed, 17 + size);
  const index = new Map(circuit.edges.map((e, i) => [e, i]));
  const randoms: number[] = [];
  for (let s = 0; s < seeds; s++) {
    const chosen = new Set(sample(circuit.edges.length, size, rng));
    randoms.push(recoveredOf(circuitMetric(runner, prep, circuit, (e) => chosen.has(index.get(e)!)), b));
  }
  return { size, recovered: recoveredOf(circuitMetric(runner, prep, circuit, (e) => e.inGraph), b), randomRecovered: mean(randoms) };
}

export async function faithfulnessCurve(runner: CircuitRunner, prep: Prep, scored: CircuitGraph, opts: FaithfulnessOptions = {},
  ctl: RunControl = {}): Promise<FaithfulnessCurve> {
  const total = scored.edges.length;
  const sizes = (opts.sizes ?? defaultSizes(total)).filter((n) => Number.isInteger(n) && n >= 0 && n <= total);
  const b = baseline(runner, prep, scored);
  const points: FaithfulnessPoint[] = [];
  for (const [i, n] of sizes.entries()) {
    await checkpoint(ctl, 'faithfulness', i, sizes.length, `circuit of ${n} edges`);
    const circuit = extract(scored, { mode: opts.mode ?? 'topn', n });
    // pruning can shrink different n to the same circuit size: one point per size
    if (points.some((p) => p.size === circuitSize(circuit))) continue;
    points.push(circuitPoint(runner, prep, circuit, b, opts.randomSeeds ?? 3, opts.seed ?? 0));
  }
  await checkpoint(ctl, 'faithfulness', sizes.length, sizes.length, 'done');
  return { points, totalEdges: total, fullMetric: b.full, emptyMetric: b.empty, metric: runner.metric };
}

/** k distinct indices of [0, n), uniformly (partial Fisher–Yates). */
function sample(n: number, k: number, rng: Pcg32): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}
