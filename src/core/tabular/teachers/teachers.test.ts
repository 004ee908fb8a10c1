import { describe, expect, it } from 'vitest';
import { aucFromProbs, type ProbMatrix } from '../../metrics/classification';
import { fitLogReg, predictLogReg } from '../baselines/logreg';
import { preprocessSplit } from '../data/preprocess';
import { loadSharedDataset } from '../data/registry';
import { stratifiedSplit } from '../data/split';
import { readShared } from '../data/testData';
import type { FeatureMatrix } from '../matrix';
import { knnPredict } from './knn';
import { IN_CONTEXT_TEACHER_FACTORIES, TEACHER_FACTORIES } from './registry';
import { minorityCompleteQuotas, priorCorrected, TeacherContractError, withinLimits, type Teacher } from './teacher';

const fm = (rows: number[][]): FeatureMatrix => ({ x: Float64Array.from(rows.flat()), n: rows.length, d: rows[0].length, names: rows[0].map((_, j) => `f${j}`) });

describe('kNN teacher', () => {
  it('weights neighbours by inverse distance in standardised space (hand-computed)', () => {
    const p = knnPredict(fm([[0], [10]]), Int32Array.from([0, 1]), 2, fm([[1]]), { neighbours: 2, smoothing: 0.01 });
    // z-scores: context −1, +1; query −0.8 → distances 0.2, 1.8 → P(1) = (1/1.8)/(1/0.2 + 1/1.8) = 0.1
    expect(p.probs[1]).toBeCloseTo(0.99 * 0.1 + 0.005, 4);
    expect(p.probs[0] + p.probs[1]).toBeCloseTo(1, 12);
  });
});

describe('logistic regression', () => {
  it('reaches the stationary point of the L2 objective (KKT residuals ≈ 0)', () => {
    const rows = Array.from({ length: 60 }, (_, i) => [Math.sin(i), (i % 7) - 3, i / 30]);
    const y = Int32Array.from(rows, (r, i) => (r[0] + 0.5 * r[1] + (i % 5 === 0 ? 2 : 0) > 0.3 ? (i % 3 === 0 ? 2 : 1) : 0));
    const x = fm(rows);
    const model = fitLogReg(x, y, 3, { l2: 1, gradTol: 1e-9, maxIter: 500 });
    const p = predictLogReg(model, x);
    for (let c = 0; c < 3; c++) {
      let gb = 0;
      for (let i = 0; i < x.n; i++) gb += p.probs[i * 3 + c] - (y[i] === c ? 1 : 0);
      expect(Math.abs(gb)).toBeLessThan(1e-5);
      for (let j = 0; j < 3; j++) {
        let g = model.w[j * 3 + c]; // (d+1)×k layout
        for (let i = 0; i < x.n; i++) g += (p.probs[i * 3 + c] - (y[i] === c ? 1 : 0)) * (x.x[i * 3 + j] - model.mean[j]) / model.sd[j];
        expect(Math.abs(g)).toBeLessThan(1e-5);
      }
    }
  });
});

describe('logistic regression golden', () => {
  it('matches an independent SciPy L-BFGS-B fit of the same objective (12 rows, 3 classes)', () => {
    // Golden from scipy.optimize.minimize on mean CE + l2/(2n)‖W‖², population-sd standardisation, l2 = 1.
    const x = fm([[0.5, 1], [1.5, -0.5], [2, 2], [-1, 0.3], [0, 0], [3, 1], [-2, -1], [1, 1.5], [2.5, -1.5], [-0.5, 2.5], [0.7, -2], [-1.5, 1.2]]);
    const y = Int32Array.from([0, 1, 2, 0, 0, 2, 0, 1, 1, 2, 1, 0]);
    const p = predictLogReg(fitLogReg(x, y, 3, { gradTol: 1e-10, maxIter: 1000 }), fm([[0, 1], [2, 0], [-1, -1]]));
    const golden = [0.55180782, 0.21450118, 0.233691, 0.15979153, 0.61936605, 0.22084243, 0.74431427, 0.23684577, 0.01883996];
    golden.forEach((g, i) => expect(p.probs[i]).toBeCloseTo(g, 6));
  });
});

describe('baseline teachers on real data', () => {
  it('every registered teacher (kNN, logistic regression, tfm, tuned GBDT) separates breast-cancer-wisconsin (AUC > 0.97)', async () => {
    const task = await loadSharedDataset('breast-cancer-wisconsin', readShared('breast-cancer-wisconsin.csv'));
    const s = stratifiedSplit(task.y, 2, 0.3, 1);
    const { train, test } = preprocessSplit(task, s.train, s.test);
    for (const f of TEACHER_FACTORIES) {
      const p = await f.create().predict(train, train.y, 2, test);
      expect(p.n).toBe(test.n);
      expect(aucFromProbs(p, test.y)).toBeGreaterThan(0.97);
    }
  });
});

describe('teacher registry', () => {
  it('says which teachers are in-context (what distillation and strategy studies choose among) and which run ONNX', () => {
    expect(IN_CONTEXT_TEACHER_FACTORIES.map((f) => f.id)).toEqual(['knn', 'logreg', 'tfm']);
    expect(TEACHER_FACTORIES.filter((f) => f.kind === 'fitted-baseline').map((f) => f.id)).toEqual(['tuned-gbdt']);
    expect(TEACHER_FACTORIES.filter((f) => f.onnx).map((f) => f.id)).toEqual(['tfm']);
    for (const f of TEACHER_FACTORIES) expect(f.create().id).toBe(f.id);
  });
});

describe('withinLimits', () => {
  const calls: { n: number; d: number; classes: Set<number>; names: string[] }[] = [];
  const recorder: Teacher = {
    id: 'rec',
    predict: async (xc, yc, k, xq): Promise<ProbMatrix> => {
      calls.push({ n: xc.n, d: xc.d, classes: new Set(yc), names: xc.names });
      const probs = new Float64Array(xq.n * k).fill(0);
      for (let i = 0; i < xq.n; i++) probs[i * k + (calls.length % k)] = 1;
      return { probs, n: xq.n, k };
    },
  };
  const limits = { maxContext: 10, maxFeatures: 2, maxClasses: 3, maxContextMembers: 4 };
  const xc = fm(Array.from({ length: 35 }, (_, i) => [i, i * 2, i * 3, i * 4, i * 5]));
  const yc = Int32Array.from({ length: 35 }, (_, i) => (i < 30 ? 0 : i < 33 ? 1 : 2));

  it('ensembles over feature blocks and stratified context draws, averaging probabilities', async () => {
    calls.length = 0;
    const p = await withinLimits(recorder, limits, 5).predict(xc, yc, 3, fm([[1, 2, 3, 4, 5]]));
    // B = ⌈5/2⌉ = 3 feature blocks, C = min(4, ⌈35/10⌉) = 4 draws → 4 members
    expect(calls).toHaveLength(4);
    for (const c of calls) {
      expect(c.n).toBe(10);
      expect(c.d).toBeLessThanOrEqual(2);
      expect(c.classes).toEqual(new Set([0, 1, 2]));
    }
    expect(new Set(calls.flatMap((c) => c.names))).toEqual(new Set(['f0', 'f1', 'f2', 'f3', 'f4']));
    expect(Array.from(p.probs)).toEqual([0.25, 0.5, 0.25]);
  });

  it('passes small inputs straight through and refuses too many classes', async () => {
    calls.length = 0;
    await withinLimits(recorder, limits).predict(fm([[1, 2]]), Int32Array.from([0]), 2, fm([[1, 2]]));
    expect(calls).toEqual([{ n: 1, d: 2, classes: new Set([0]), names: ['f0', 'f1'] }]);
    await expect(withinLimits(recorder, limits).predict(xc, yc, 4, xc)).rejects.toBeInstanceOf(TeacherContractError);
  });

  describe('minority-complete draws', () => {
    // 4,000 rows, 2.5 % minority (100 rows); column 0 is the row index so a draw's rows can be read back
    const n = 4000;
    const big = fm(Array.from({ length: n }, (_, i) => [i, Math.sin(i)]));
    const y = Int32Array.from({ length: n }, (_, i) => (i % 40 === 7 ? 1 : 0));
    const minority = new Set(Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === 1));
    const drawn: number[][] = [];
    const rowsOf: Teacher = {
      id: 'rows',
      predict: async (c, yc, k, q): Promise<ProbMatrix> => {
        drawn.push(Array.from({ length: c.n }, (_, i) => c.x[i * c.d]));
        // P(1) = the draw's minority share: a calibrated teacher under the draw's class prior
        const share = yc.reduce((a, v) => a + v, 0) / yc.length;
        return { probs: Float64Array.from({ length: q.n * k }, (_, t) => (t % 2 ? share : 1 - share)), n: q.n, k };
      },
    };
    const lim = { maxContext: 1024, maxFeatures: 32, maxClasses: 10, maxContextMembers: 4 };

    it('keeps every minority row in every draw and deals the majority out without repeats', async () => {
      drawn.length = 0;
      const p = await withinLimits(rowsOf, lim, 3, { draw: 'minority-complete', minorityShare: 0.5 }).predict(big, y, 2, fm([[0, 0]]));
      expect(drawn).toHaveLength(4);
      const majority: number[] = [];
      for (const rows of drawn) {
        expect(rows).toHaveLength(1024);
        for (const r of minority) expect(rows).toContain(r);
        majority.push(...rows.filter((r) => !minority.has(r)));
      }
      expect(new Set(majority).size).toBe(4 * (1024 - 100));
      // corrected back to the whole context's prior (2.5 %), though each draw shows 100 / 1,024 ≈ 9.8 %
      expect(p.probs[1]).toBeCloseTo(0.025, 6);
      drawn.length = 0;
      const raw = await withinLimits(rowsOf, lim, 3, { draw: 'minority-complete', priorCorrection: false }).predict(big, y, 2, fm([[0, 0]]));
      expect(raw.probs[1]).toBeCloseTo(100 / 1024, 6);
    });

    it('the old stratified rule (still the default of withinLimits) shows ~26 minority rows per draw', async () => {
      drawn.length = 0;
      await withinLimits(rowsOf, lim, 3).predict(big, y, 2, fm([[0, 0]]));
      expect(drawn).toHaveLength(4);
      for (const rows of drawn) expect(rows.filter((r) => minority.has(r)).length).toBe(26);
    });

    it('quotas: rare classes whole up to the share, large classes split the rest by their counts', () => {
      expect(minorityCompleteQuotas(1024, [3900, 100], 0.5)).toEqual([924, 100]);
      expect(minorityCompleteQuotas(1024, [3000, 1000], 0.5)).toEqual([512, 512]);
      // cap ⌊0.5 · 1,024 / 2⌋ = 256 for each non-largest class: 900 rows → 256, 40 rows → all 40, the largest the rest
      expect(minorityCompleteQuotas(1024, [3000, 900, 40], 0.5)).toEqual([728, 256, 40]);
      expect(minorityCompleteQuotas(100, [10, 10, 500], 0.5).reduce((a, b) => a + b, 0)).toBe(100);
    });

    it('the label-shift correction leaves equal priors alone and keeps the binary ranking', () => {
      const p = Float64Array.from([0.9, 0.1, 0.6, 0.4, 0.2, 0.8]);
      expect(Array.from(priorCorrected(p, 2, [0.5, 0.5], [0.5, 0.5]))).toEqual(Array.from(p));
      const q = priorCorrected(p, 2, [0.97, 0.03], [0.5, 0.5]);
      expect(q[1]).toBeLessThan(q[3]);
      expect(q[3]).toBeLessThan(q[5]);
      expect(q[5]).toBeLessThan(0.8);
    });
  });
});
