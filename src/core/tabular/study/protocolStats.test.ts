// Statistics of the seed-study protocol against values computed independently: scipy.stats.spearmanr and
// kendalltau (scipy 1.x, noted per case), hand-worked rank tables, and the Wilcoxon reference values of
// src/core/ensembles/wilcoxon.test.ts. Also the OpenML suite lister and the shipped sensitive attributes, offline.
import { describe, expect, it } from 'vitest';
import { OfflineError } from '../data/errors';
import type { FetchLike } from '../data/openml';
import { loadSharedDataset } from '../data/registry';
import { readShared } from '../data/testData';
import { openMlSuiteDatasetIds, shippedSensitive } from './protocolSources';
import { kendallTauB, pairedComparison, rankTransfer, spearman, splitByDimensionality } from './protocolStats';

describe('rank correlations', () => {
  it('Spearman and Kendall without ties: one swapped pair of five (ρ = 1 − 6·4/120 = 0.8, τ = (8 − 2)/10 = 0.6)', () => {
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 14);
    expect(kendallTauB([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.6, 14);
  });

  it('with ties: scipy spearmanr 0.9486832980505139, kendalltau (τ-b) 0.912870929175277', () => {
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.9486832980505139, 12);
    expect(kendallTauB([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.912870929175277, 12);
  });

  it('is NaN for a constant side, and refuses unequal lengths', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => spearman([1, 2], [1])).toThrow(/differ in length/);
  });
});

describe('teacher-rank → student-rank transfer', () => {
  // d1: same order; d2: the best teacher's student is second, the worst teacher's student best; d3: tied teachers
  const teacherAuc = [[0.90, 0.80, 0.70], [0.85, 0.75, 0.80], [0.60, 0.60, 0.65]];
  const studentAuc = [[0.88, 0.79, 0.72], [0.80, 0.82, 0.70], [0.70, 0.65, 0.66]];
  const t = rankTransfer(['d1', 'd2', 'd3'], ['a', 'b', 'c'], teacherAuc, studentAuc);

  it('ranks teachers within each dataset (1 = best, ties averaged) and correlates them per dataset', () => {
    expect(t.perDataset.map((d) => d.teacherRanks)).toEqual([[1, 2, 3], [1, 3, 2], [2.5, 2.5, 1]]);
    expect(t.perDataset.map((d) => d.studentRanks)).toEqual([[1, 2, 3], [2, 1, 3], [1, 3, 2]]);
    // d2: Σd² = 6 → ρ = 1 − 36/24 = −0.5, one concordant and two discordant pairs → τ = −1/3; d3: ρ = τ = 0
    expect(t.perDataset.map((d) => d.spearman)).toEqual([1, -0.5, 0].map((v) => expect.closeTo(v, 12)));
    expect(t.perDataset.map((d) => d.kendall)).toEqual([1, -1 / 3, 0].map((v) => expect.closeTo(v, 12)));
    expect(t.meanSpearman).toBeCloseTo(1 / 6, 12);
    expect(t.meanKendall).toBeCloseTo(2 / 9, 12);
  });

  it('pooled over all (dataset, teacher) pairs: scipy spearmanr 0.13578136164839208, kendalltau 0.14054567378526128', () => {
    expect(t.pooled.n).toBe(9);
    expect(t.pooled.spearman).toBeCloseTo(0.13578136164839208, 12);
    expect(t.pooled.kendall).toBeCloseTo(0.14054567378526128, 12);
  });

  it('average ranks across datasets (teachers 1.5 / 2.5 / 2, students 4/3 / 2 / 8/3): ρ = 0.5', () => {
    expect(t.teacherAverageRanks).toEqual([1.5, 2.5, 2]);
    expect(t.studentAverageRanks.map((v) => v * 3)).toEqual([4, 6, 8]);
    expect(t.averageRankSpearman).toBeCloseTo(0.5, 12);
  });
});

describe('paired comparison with the baseline', () => {
  it('uses the project Wilcoxon: n = 8, R− = 6 → exact p = 0.109375 (wilcoxon.test.ts, scipy exact)', () => {
    const d = [1.1, 2.3, -0.4, 3.2, 0.7, -1.5, 2.8, 0.9];
    const c = pairedComparison('x vs base', d.map((_, i) => `d${i}`), d.map((v) => 0.5 + v / 10), d.map(() => 0.5));
    expect(c).toMatchObject({ n: 8, wins: 6, losses: 2, ties: 0 });
    expect(c.meanDifference).toBeCloseTo(d.reduce((s, v) => s + v, 0) / 80, 12);
    expect(c.wilcoxon.rMinus).toBe(6);
    expect(c.wilcoxon.p).toBeCloseTo(0.109375, 12);
  });
});

describe('gains by dimensionality', () => {
  it('splits at 21 raw features (< 21 low, ≥ 21 high); an empty side has a NaN mean', () => {
    const rows = [{ dataset: 'german', features: 20, gain: 0.02 }, { dataset: 'pima', features: 8, gain: -0.01 }, { dataset: 'wdbc', features: 30, gain: 0.04 }, { dataset: 'x', features: 21, gain: 0 }];
    const s = splitByDimensionality(rows);
    expect(s.low).toEqual({ datasets: ['german', 'pima'], meanGain: expect.closeTo(0.005, 12), wins: 1, losses: 1 });
    expect(s.high).toEqual({ datasets: ['wdbc', 'x'], meanGain: expect.closeTo(0.02, 12), wins: 1, losses: 0 });
    expect(splitByDimensionality(rows.slice(0, 2)).high.meanGain).toBeNaN();
  });
});

describe('protocol sources', () => {
  it('lists an OpenML suite\'s dataset ids from study.data.data_id', async () => {
    const urls: string[] = [];
    const fetchFn: FetchLike = async (url) => {
      urls.push(url);
      return { ok: true, status: 200, text: async () => JSON.stringify({ study: { id: '99', data: { data_id: ['3', '6', '11'] } } }) };
    };
    expect(await openMlSuiteDatasetIds(99, fetchFn)).toEqual([3, 6, 11]);
    expect(urls).toEqual(['https://www.openml.org/api/v1/json/study/99']);
  });

  it('offline is an OfflineError that says what to do instead; bad ids and HTTP errors are named', async () => {
    const offline: FetchLike = async () => { throw new TypeError('fetch failed'); };
    const err = await openMlSuiteDatasetIds(99, offline).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OfflineError);
    expect((err as Error).message).toMatch(/offline: run the protocol on the bundled datasets/);
    await expect(openMlSuiteDatasetIds(0, offline)).rejects.toThrow(/positive integer/);
    await expect(openMlSuiteDatasetIds(99, async () => ({ ok: false, status: 404, text: async () => '' }))).rejects.toThrow(/HTTP 404/);
  });

  it('audits pima by age ≤ 30 / > 30 (417 / 351 rows, counted with awk on the file) and german by the registry\'s age ≤ 25', async () => {
    const pima = await loadSharedDataset('pima', readShared('pima-indians-diabetes.csv'));
    const s = shippedSensitive('pima', pima)!;
    expect(s.levels).toEqual(['≤ 30', '> 30']);
    expect([0, 1].map((g) => s.groups.filter((v) => v === g).length)).toEqual([417, 351]);
    const german = await loadSharedDataset('german', readShared('german.csv'));
    expect(shippedSensitive('german', german)?.levels).toEqual(['≤ 25', '> 25']);
  });
});
