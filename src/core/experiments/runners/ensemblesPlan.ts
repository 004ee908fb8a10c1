// What an ensembles spec asks the ensembles engine for, in one place: the pool to load (a seeded demo pool or a
// user file pinned by sha256) and the analysis options. The experiment runner (ensembles.ts) and the panel
// (features/ensembles/useEnsemblesRun.ts) both call this, so the page cannot drift from the runner;
// src/state/experimentFields.ts declares where each spec field lands and a test perturbs every one of them.
import type { AnalyseOptions, EnsembleReport } from '../../ensembles/analyse';
import type { MetricId } from '../../ensembles/metrics';
import type { StrategyId } from '../../ensembles/strategies/types';
import type { SyntheticOptions } from '../../ensembles/synthetic';
import { sha256HexSync } from '../../numeric/sha256';

/** The fields of the ensembles spec the plan reads (src/state/experiments.ts checks EnsemblesSpec satisfies it). */
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

export interface EnsemblesPlan {
  pool: { kind: 'demo'; synthetic: SyntheticOptions } | { kind: 'file'; name: string; sha256: string };
  analyse: AnalyseOptions;
}

export function ensemblesPlan(spec: EnsemblesRunSpec): EnsemblesPlan {
  const st = spec.statistics;
  const pool = spec.pool;
  return {
    pool: pool.kind === 'demo'
      ? { kind: 'demo', synthetic: { datasets: pool.datasets, rowsOof: pool.rows, rowsTest: pool.rows, seed: spec.seed } }
      : { kind: 'file', name: pool.name, sha256: pool.sha256 },
    analyse: {
      strategies: spec.strategies, alpha: spec.alpha, cliqueTest: spec.cliqueTest, caruanaIterations: spec.caruanaIterations, selectionMetric: spec.selectionMetric,
      wilcoxon: { zeroMethod: st.wilcoxonZeroMethod, method: st.wilcoxonMethod, correction: st.wilcoxonCorrection },
      friedmanTieCorrection: st.friedmanTieCorrection, control: st.control,
    },
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
