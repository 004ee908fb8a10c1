// Statistical comparison of strategies on one metric across datasets (Demšar 2006): ranks, Friedman and
// Iman–Davenport (optionally tie-corrected as scipy), Nemenyi CD, Bonferroni–Dunn CD against a control, all-pairs
// Wilcoxon (zero handling, exact/normal rule and continuity correction as scipy) with Holm, and the CD diagram
// (layout + SVG). Pure and JSON-ready: non-finite values become null.

import { bonferroniDunn, type BonferroniDunnResult } from './bonferroniDunn';
import { cdDiagramLayout, cdDiagramSvg, type CdLayout, maximalCliques, sortByRank } from './cdDiagram';
import { METRICS, type MetricId } from './metrics';
import { nemenyiCd, type NemenyiAlpha, type NemenyiResult } from './nemenyi';
import { averageRanks, friedmanFromAverageRanks, friedmanTieCorrection, rankRows } from './ranking';
import { holmAdjust, WILCOXON_DEFAULTS, wilcoxonSignedRank, type WilcoxonOptions } from './wilcoxon';

export type CliqueTest = 'nemenyi' | 'wilcoxon-holm';

export interface CompareOptions {
  alpha: NemenyiAlpha;
  cliqueTest: CliqueTest;
  /** Wilcoxon signed-rank options; defaults are scipy.stats.wilcoxon's (see wilcoxon.ts) */
  wilcoxon?: WilcoxonOptions;
  /** divide Friedman's χ² by scipy's tie correction (default false: Demšar's formula) */
  friedmanTieCorrection?: boolean;
  /** control method for the Bonferroni–Dunn test (default null: the test is not run) */
  control?: string | null;
}

export interface PairwiseTest {
  a: string;
  b: string;
  /** mean score difference a − b over the datasets used */
  meanDiff: number;
  rPlus: number;
  rMinus: number;
  /** datasets where a and b score the same */
  zeros: number;
  /** normal-approximation z of R+ (null when the p-value is exact) */
  z: number | null;
  p: number;
  pHolm: number;
  method: 'exact' | 'normal';
  /** Holm-adjusted p ≤ α */
  significant: boolean;
}

export interface MetricComparison {
  metric: MetricId;
  direction: 'higher' | 'lower';
  methods: string[];
  /** datasets with a finite score for every method (others are listed in `dropped`) */
  datasets: string[];
  dropped: string[];
  /** [dataset][method], 1 = best, ties averaged */
  ranks: number[][];
  avgRanks: number[];
  /** tieCorrection: the factor χ² was divided by (1 = none) */
  friedman: { chiSquare: number; tieCorrection: number; df: number; p: number; imanDavenport: number | null; df1: number; df2: number; pImanDavenport: number };
  nemenyi: NemenyiResult;
  /** every method against the control, when one was given */
  bonferroniDunn: BonferroniDunnResult | null;
  wilcoxon: PairwiseTest[];
  cliqueTest: CliqueTest;
  /** groups of methods not significantly different (names, best first) */
  cliques: string[][];
  cdLayout: CdLayout;
  cdSvg: string;
}

export function compareMethods(
  metric: MetricId, methods: string[], datasets: string[], scores: (number | null)[][],
  opts: CompareOptions,
): MetricComparison {
  if (scores.length !== datasets.length) throw new RangeError(`${datasets.length} dataset names but ${scores.length} score rows`);
  scores.forEach((row, d) => {
    if (row.length !== methods.length) throw new RangeError(`dataset '${datasets[d]}': ${row.length} scores for ${methods.length} methods`);
  });
  const keep = scores.map((row) => row.every((v) => v !== null && Number.isFinite(v)));
  const used = datasets.filter((_, d) => keep[d]);
  const table = scores.filter((_, d) => keep[d]) as number[][];
  if (table.length < 2) throw new RangeError(`${METRICS[metric].label}: only ${table.length} dataset(s) have a finite score for every method; need at least 2 to compare`);
  const direction = METRICS[metric].direction;
  const ranks = rankRows(table, direction);
  const avgRanks = averageRanks(ranks);
  const fr = friedmanFromAverageRanks(avgRanks, table.length, opts.friedmanTieCorrection ? friedmanTieCorrection(ranks) : 1);
  const nemenyi = nemenyiCd(methods.length, table.length, opts.alpha);
  const bd = opts.control == null ? null : bonferroniDunn(methods, avgRanks, table.length, opts.control, opts.alpha);
  const wilcoxonOptions = { ...WILCOXON_DEFAULTS, ...opts.wilcoxon };
  const pairs: Omit<PairwiseTest, 'pHolm' | 'significant'>[] = [];
  for (let i = 0; i < methods.length; i++) for (let j = i + 1; j < methods.length; j++) {
    const a = table.map((r) => r[i]);
    const b = table.map((r) => r[j]);
    const w = wilcoxonSignedRank(a, b, wilcoxonOptions);
    pairs.push({
      a: methods[i], b: methods[j], meanDiff: a.reduce((s, v, t) => s + v - b[t], 0) / a.length,
      rPlus: w.rPlus, rMinus: w.rMinus, zeros: w.zeros, z: w.z ?? null, p: w.p, method: w.method,
    });
  }
  const adj = holmAdjust(pairs.map((p) => p.p));
  const wilcoxon = pairs.map((p, t) => ({ ...p, pHolm: adj[t], significant: adj[t] <= opts.alpha }));
  const ranked = methods.map((name, i) => ({ name, avgRank: avgRanks[i] }));
  const sorted = sortByRank(ranked);
  const holmSig = new Set(wilcoxon.filter((w) => w.significant).map((w) => `${w.a}\u0000${w.b}`));
  const notDifferent = opts.cliqueTest === 'nemenyi'
    ? (i: number, j: number) => Math.abs(sorted[i].avgRank - sorted[j].avgRank) < nemenyi.cd
    : (i: number, j: number) => !holmSig.has(`${sorted[i].name}\u0000${sorted[j].name}`) && !holmSig.has(`${sorted[j].name}\u0000${sorted[i].name}`);
  const idx = maximalCliques(sorted.length, notDifferent);
  const layout = cdDiagramLayout(ranked, idx, opts.cliqueTest === 'nemenyi' ? nemenyi.cd : null, {
    title: `${METRICS[metric].label}: average ranks over ${table.length} datasets (${opts.cliqueTest === 'nemenyi' ? `Nemenyi, α = ${opts.alpha}` : `Wilcoxon–Holm, α = ${opts.alpha}`})`,
  });
  return {
    metric, direction, methods, datasets: used, dropped: datasets.filter((_, d) => !keep[d]),
    ranks, avgRanks,
    friedman: {
      chiSquare: fr.chiSquare, tieCorrection: fr.tieCorrection, df: fr.chiSquareDf, p: fr.pChiSquare,
      imanDavenport: Number.isFinite(fr.imanDavenport) ? fr.imanDavenport : null,
      df1: fr.imanDavenportDf[0], df2: fr.imanDavenportDf[1], pImanDavenport: fr.pImanDavenport,
    },
    nemenyi, bonferroniDunn: bd, wilcoxon, cliqueTest: opts.cliqueTest,
    cliques: idx.map(([a, b]) => sorted.slice(a, b + 1).map((m) => m.name)),
    cdLayout: layout,
    cdSvg: cdDiagramSvg(layout),
  };
}
