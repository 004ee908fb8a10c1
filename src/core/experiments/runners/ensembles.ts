// Ensembles runner: the ensembles spec (src/state/specs/ensembles.ts) → the ensembles engine
// (src/core/ensembles/api.ts), in-thread, with the same option mapping as the panel (useEnsemblesRun.ts). A demo
// pool is generated from the seed (no input file); a user pool file is read through ctx.loadInput and must match
// the sha256 the spec pins. The report is deterministic (costs are model-call counts, not times), so all of it is
// digested; moduleDigest is the panel's link digest of the same report.
import { createEnsemblesEngine } from '../../ensembles/api';
import type { EnsembleReport } from '../../ensembles/analyse';
import type { MetricId } from '../../ensembles/metrics';
import type { StrategyId } from '../../ensembles/strategies/types';
import { sha256HexSync } from '../../numeric/sha256';
import { ExperimentError } from '../errors';
import type { Runner } from '../runner';

/** The fields of the ensembles spec this runner reads (src/state/experiments.ts checks EnsemblesSpec satisfies it). */
export interface EnsemblesRunSpec {
  seed: number;
  pool: { kind: 'demo'; datasets: number; rows: number } | { kind: 'file'; name: string; sha256: string };
  strategies: StrategyId[];
  selectionMetric: MetricId;
  alpha: 0.05 | 0.1;
  cliqueTest: 'nemenyi' | 'wilcoxon-holm';
  caruanaIterations: number;
  statistics: {
    wilcoxonZeroMethod: 'wilcox' | 'pratt' | 'zsplit';
    wilcoxonMethod: 'auto' | 'exact' | 'asymptotic';
    wilcoxonCorrection: boolean;
    friedmanTieCorrection: boolean;
    control: StrategyId | null;
  };
}

/** The digest share links carry (every strategy score and every comparison's ranks, rounded to 1e-9); the same formula as features/ensembles/useEnsemblesRun.ts. */
export function ensembleLinkDigest(report: EnsembleReport): string {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1e9) / 1e9);
  const payload = {
    scores: Object.fromEntries(Object.entries(report.scores).map(([m, rows]) => [m, rows?.map((r) => r.map(round))])),
    ranks: Object.fromEntries(Object.entries(report.comparisons).map(([m, c]) => [m, c && 'avgRanks' in c ? c.avgRanks.map(round) : null])),
  };
  return sha256HexSync(JSON.stringify(payload));
}

export const ensemblesRunner: Runner<EnsemblesRunSpec> = {
  module: 'ensembles',
  async run(spec, ctx) {
    const engine = createEnsemblesEngine();
    const pool = spec.pool;
    if (pool.kind === 'demo') {
      await engine.loadSyntheticPool({ datasets: pool.datasets, rowsOof: pool.rows, rowsTest: pool.rows, seed: spec.seed });
    } else {
      const bytes = await ctx.loadInput({ role: 'data', id: pool.name, sha256: pool.sha256 });
      const actual = sha256HexSync(bytes);
      // the spec names the pool by its hash: another file under the same name is another experiment
      if (actual !== pool.sha256) throw new ExperimentError('input-unavailable', `pool file "${pool.name}" has sha256 ${actual.slice(0, 12)}…, the experiment needs ${pool.sha256.slice(0, 12)}…`);
      await engine.loadPool(pool.name, bytes.slice());
    }
    const abort = () => engine.cancel();
    ctx.signal.addEventListener('abort', abort);
    try {
      const st = spec.statistics;
      const report = await engine.analyse({
        strategies: spec.strategies, alpha: spec.alpha, cliqueTest: spec.cliqueTest, caruanaIterations: spec.caruanaIterations, selectionMetric: spec.selectionMetric,
        wilcoxon: { zeroMethod: st.wilcoxonZeroMethod, method: st.wilcoxonMethod, correction: st.wilcoxonCorrection },
        friedmanTieCorrection: st.friedmanTieCorrection, control: st.control,
      }, (p) => ctx.onProgress({ done: p.done, total: p.total, label: p.label }));
      return { results: report, backendUsed: 'js', moduleDigest: ensembleLinkDigest(report) };
    } finally {
      ctx.signal.removeEventListener('abort', abort);
    }
  },
};
