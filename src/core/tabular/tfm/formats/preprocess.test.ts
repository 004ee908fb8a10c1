// The out-of-graph preprocessing of the TabPFN v2 and TabICL adapters against references on tiny matrices. The
// expected numbers were computed by hand and checked with numpy 2.4 / scipy 1.17 (np.nanpercentile + np.interp
// as scikit-learn's QuantileTransformer does, scipy.stats.yeojohnson for λ, the OutlierRemover formulas).
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../data/rng';
import type { FeatureMatrix } from '../../matrix';
import { circularShifts, fingerprints, fitOutlierClip, fitQuantile, fitStandard, fitYeoJohnson, latinSquare, quantileTransform, yeoJohnson } from './preprocess';
import { parseTabiclConfig, parseTabpfnV2Config } from './detect';
import { tabiclMembers, tabiclPreprocess } from './tabicl';
import { tabpfnV2Member } from './tabpfnV2';

const col = (...v: number[]) => Float64Array.from(v);
const matrix = (rows: number[][]): FeatureMatrix => ({ x: Float64Array.from(rows.flat()), n: rows.length, d: rows[0].length, names: rows[0].map((_, j) => `f${j}`) });

describe('TFM package preprocessing, hand-checked', () => {
  it('quantile transform: linear percentiles, mirrored interpolation, ties to their middle, bounds to 0 and 1', () => {
    const coarse = fitQuantile(col(1, 2, 3, 4, 10), 2); // quantiles [1, 10]
    expect([4, 10, 0, 11].map((v) => quantileTransform(v, coarse))).toEqual([expect.closeTo(1 / 3, 12), 1, 0, 1]);
    const fine = fitQuantile(col(1, 2, 3, 4, 10), 5);
    expect(quantileTransform(7, fine)).toBeCloseTo(0.875, 12);
    expect(quantileTransform(2.5, fine)).toBeCloseTo(0.375, 12);
    const ties = fitQuantile(col(1, 1, 1, 2, 3), 5); // quantiles [1, 1, 1, 2, 3]
    expect([1, 1.5, 2].map((v) => quantileTransform(v, ties))).toEqual([0, expect.closeTo(0.625, 12), expect.closeTo(0.75, 12)]);
    expect(Number.isNaN(quantileTransform(NaN, ties))).toBe(true);
  });

  it('Yeo–Johnson: the transform, λ by maximum likelihood (scipy: 0.59303) and the standardised output', () => {
    expect(yeoJohnson(3, 0.5)).toBeCloseTo(2, 12);
    expect(yeoJohnson(-3, 0.5)).toBeCloseTo(-7 / 1.5, 12);
    expect(yeoJohnson(2, 0)).toBeCloseTo(Math.log(3), 12);
    const x = col(0.5, 1.2, -0.3, 2.5, 4.0, -1.1, 0.0, 3.3);
    const fit = fitYeoJohnson(x);
    expect(fit.lambda).toBeCloseTo(0.5930288, 5);
    const want = [-0.292798856, 0.128326497, -0.890162798, 0.785339164, 1.428325982, -1.653010683, -0.645782256, 1.139762949];
    Array.from(x).forEach((v, i) => expect(fit.apply(v)).toBeCloseTo(want[i], 5));
  });

  it('standard scaler (population std + 1e-6) and the two-stage outlier clip with soft bounds', () => {
    expect(fitStandard(col(1, 2, 3))(3)).toBeCloseTo(1.2247433714, 9);
    const clip = fitOutlierClip(col(0, 1, 0, 1, 0, 1, 0, 1, 0, 50), 2);
    expect(clip.lower).toBeCloseTo(-0.6096481089, 9);
    expect(clip.upper).toBeCloseTo(1.4985369978, 9);
    expect(clip.apply(50)).toBeCloseTo(5.4303626306, 9); // log1p(50) + upper
    expect(clip.apply(-3)).toBeCloseTo(-1.9959424701, 9); // −log1p(3) + lower
    expect(clip.apply(0.5)).toBe(0.5);
  });

  it('fingerprints: in [0, 1), duplicated context rows told apart, query rows salted as the package does', () => {
    const m = matrix([[1, 2], [1, 2], [3, 4]]);
    const ctx = fingerprints(m, 7, true);
    expect(ctx.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(ctx).size).toBe(3);
    const again = fingerprints(m, 7, true);
    expect(Array.from(again)).toEqual(Array.from(ctx));
    const qry = fingerprints(m, 7, false);
    expect(qry[0]).toBe(qry[1]); // no de-duplication for queries
    expect(qry[0]).not.toBe(ctx[0]);
    // duplicated rows holding NaN are told apart too (NaN + offset stays NaN: this looped forever before)
    const nan = fingerprints(matrix([[NaN, 2], [NaN, 2], [NaN, NaN], [NaN, NaN]]), 7, true);
    expect(new Set(nan).size).toBe(4);
  });

  it('shuffles: circular shifts as Python slices them; Latin squares put every feature in every slot once', () => {
    expect(circularShifts(3)).toEqual([[0, 1, 2], [2, 0, 1], [1, 2, 0]]);
    const sq = latinSquare(5, makeRng(3));
    expect(sq).toHaveLength(5);
    for (let i = 0; i < 5; i++) {
      expect([...sq[i]].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(sq.map((r) => r[i]).sort()).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it('a TabPFN v2 member: constant column dropped, quantile copies appended, fingerprint added, shuffled, relabelled', () => {
    const xc = matrix([[1, 5, 0], [2, 5, 1], [3, 5, 0], [4, 5, 1]]);
    const xq = matrix([[2.5, 5, 1]]);
    const cfg = parseTabpfnV2Config({ nEstimators: 2 });
    const q = tabpfnV2Member(xc, Int32Array.of(0, 1, 0, 1), 2, xq, cfg, 0, 1); // member 0: the quantile half
    expect(q.features).toBe(2 + 2 + 1); // kept columns 0 and 2, their quantile copies (n < 100: none categorical), fingerprint
    const ctxRow0 = Array.from(q.ctx.subarray(0, 5)).sort();
    expect(ctxRow0.filter((v) => v === 1)).toHaveLength(1); // original column 0 (value 1) appears once
    expect(Array.from(q.y)).toEqual([0, 1, 0, 1].map((c) => q.classPerm[c]));
    const plain = tabpfnV2Member(xc, Int32Array.of(0, 1, 0, 1), 2, xq, cfg, 1, 1); // member 1: 'none'
    expect(plain.features).toBe(2 + 1);
    // query 2.5 on column 0 → quantile with n_quantiles = max(4 // 10, 2) = 2 over [1, 4]: 0.5
    expect(Array.from(q.qry)).toContain(0.5);
  });

  it('TabICL: members pair feature and class shuffles with each norm method; the pipeline matches the formulas', () => {
    const cfg = parseTabiclConfig({ nEstimators: 4 });
    const members = tabiclMembers(3, 2, cfg, makeRng(0));
    expect(members.map((m) => m.norm)).toEqual(['none', 'power', 'none', 'power']);
    expect(members[0].features).toEqual(members[1].features);
    const xc = matrix([[1, 10], [2, 20], [3, 30], [4, 40]]);
    const { ctx, qry } = tabiclPreprocess(xc, matrix([[5, 0]]), [0, 1], 'none', 4);
    // standard scaler: mean 2.5, population std √1.25 + 1e-6; no value exceeds the 4σ bounds
    const z = (v: number) => (v - 2.5) / (Math.sqrt(1.25) + 1e-6);
    Array.from(ctx[0]).forEach((v, i) => expect(v).toBeCloseTo(z(i + 1), 9));
    expect(qry[0][0]).toBeCloseTo(z(5), 9);
    expect(qry[1][0]).toBeCloseTo((0 - 25) / (Math.sqrt(125) + 1e-6), 9);
  });
});
