import { describe, expect, it } from 'vitest';
import type { ProbMatrix } from '../../metrics/classification';
import { collapseStats } from './collapse';
import { aucRetention, classificationReport, fairnessGaps, measureLatency } from './evaluate';

const probs = (p1: number[]): ProbMatrix => ({ probs: Float64Array.from(p1.flatMap((p) => [1 - p, p])), n: p1.length, k: 2 });

describe('fairness gaps', () => {
  it('gives per-group AUC and TPR and their spread', () => {
    // group a: perfectly ranked, both positives caught; group b: inverted ranking, one positive caught
    const p = probs([0.9, 0.8, 0.1, 0.2, 0.3, 0.6, 0.7, 0.4]);
    const y = [1, 1, 0, 0, 1, 1, 0, 0];
    const g = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'];
    const f = fairnessGaps(p, y, g);
    expect(f.aucByGroup).toEqual({ a: 1, b: 0.25 });
    expect(f.tprByGroup).toEqual({ a: 1, b: 0.5 });
    expect(f.aucGap).toBeCloseTo(0.75, 12);
    expect(f.tprGap).toBeCloseTo(0.5, 12);
  });

  it('reports NaN for a group without positives instead of a fake number', () => {
    const f = fairnessGaps(probs([0.9, 0.1, 0.3]), [1, 0, 0], [0, 0, 1]);
    expect(f.aucByGroup['1']).toBeNaN();
    expect(f.tprGap).toBeNaN();
  });
});

describe('reports', () => {
  it('classification report and retention', () => {
    const r = classificationReport(probs([0.9, 0.2, 0.6, 0.4]), [1, 0, 1, 0]);
    expect(r.auc).toBe(1);
    expect(r.accuracy).toBe(1);
    expect(aucRetention(0.9, 0.95)).toBeCloseTo(0.947368, 5);
  });

  it('collapse stats: one-hot rows are confident with zero entropy, uniform rows have entropy log k', () => {
    const s = collapseStats(probs([1, 0, 0.5, 0.5]));
    expect(s.shareConfident).toBe(0.5);
    expect(s.meanEntropy).toBeCloseTo(Math.log(2) / 2, 12);
    expect(s.maxProbHistogram[9].count).toBe(2);
    expect(s.maxProbHistogram[0].count).toBe(2);
  });

  it('latency calls each of the nOne rows once per repeat (in chunks) and the batch once per repeat', async () => {
    const perRow = new Array(10).fill(0);
    let all = 0;
    const lat = await measureLatency(10, (i) => { perRow[i]++; }, 500, () => { all++; }, 3, 4);
    expect(perRow).toEqual(new Array(10).fill(3));
    expect(all).toBe(3);
    expect(lat.batchedUsPerRow).toBeGreaterThanOrEqual(0);
  });
});
