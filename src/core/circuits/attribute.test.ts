// Attribution maths on a tiny random-init lab GPT (2 layers, 2 heads): the graph forward is the lab forward,
// patch matrices interpolate between the clean and corrupted runs, EAP equals the first-order change of the
// metric, EAP-IG approaches exact patching as m grows, and faithfulness is 1 / 0 for the full / empty graph.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromI32, gptConfig, gptForward, initEngine, initParams, keep, takeF32, type GptParams } from '../lab';
import { exactScores, gradientScores, hostPatch, igAlphas, patchedMetric, scoreGraph } from './attribute';
import type { CircuitModel } from './model';
import { faithfulnessCurve } from './faithfulness';
import { buildGraph } from './graph';
import { graphForward } from './graphForward';
import { disposePairs, prepareTokenPairs, type TokenPair } from './pairs';
import { CircuitRunner, type HostPatch } from './runner';
import type { Metric } from './types';

// initStd 0.3 (not GPT-2's 0.02) so the tiny model is nonlinear enough for EAP and exact patching to differ
const cfg = gptConfig({ vocabSize: 23, nCtx: 8, dModel: 16, nHead: 2, nLayer: 2, initStd: 0.3 });
const graphCfg = { nLayers: 2, nHeads: 2, dModel: 16, parallelAttnMlp: false };
let params: GptParams;

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}
function tokenPairs(n: number, T: number, seed: number): TokenPair[] {
  const r = lcg(seed);
  const row = () => Array.from({ length: T }, () => Math.floor(r() * cfg.vocabSize));
  return Array.from({ length: n }, () => ({ clean: row(), corrupt: row(), plus: 3, minus: 5 }));
}
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const scale = (p: HostPatch, f: number): HostPatch => ({
  attn: p.attn.map((x) => x.map((v) => v * f)), mlp: p.mlp.map((x) => x.map((v) => v * f)), logits: p.logits.map((v) => v * f),
});
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

beforeAll(async () => {
  await initEngine();
  params = initParams(cfg, 1);
});

describe('graph forward', () => {
  it('equals the lab forward, and P interpolates between the clean (P=0) and corrupted (P=1) runs', () => {
    const clean = [3, 7, 1, 9, 4, 11];
    const corrupt = [5, 2, 2, 8, 0, 13];
    const lab = (t: number[]) => takeF32(gptForward(cfg, keep(params), fromI32(t, [1, 6])).logits);
    const graph = takeF32(graphForward(cfg, keep(params), { tokens: fromI32(clean, [1, 6]) }).logits);
    expect(maxAbsDiff(lab(clean), graph)).toBeLessThan(1e-5);
    const gathered = takeF32(graphForward(cfg, keep(params), { tokens: fromI32(clean, [1, 6]), gatherEmbed: true }).logits);
    expect(maxAbsDiff(lab(clean), gathered)).toBeLessThan(1e-5);

    const runner = new CircuitRunner({ cfg, params, graphCfg }, 'logit_diff');
    const prep = prepareTokenPairs(cfg, runner, [{ clean, corrupt, plus: 3, minus: 5 }], 'logit_diff', { refusalIds: [] });
    const g = buildGraph(graphCfg);
    try {
      const none = patchedMetric(runner, prep, hostPatch(graphCfg, []))[0];
      const all = patchedMetric(runner, prep, hostPatch(graphCfg, g.edges))[0];
      expect(none).toBeCloseTo(prep.batches[0].cleanMetric[0], 5);
      expect(all).toBeCloseTo(prep.batches[0].corruptMetric[0], 4);
      expect(Math.abs(none - all)).toBeGreaterThan(1e-2); // the pair really differs
    } finally {
      disposePairs(prep);
      runner.dispose();
    }
  });
});

describe('EAP and EAP-IG', () => {
  it('EAP equals the first-order change of the metric (central differences in the patch strength)', async () => {
    for (const metric of ['logit_diff', 'refusal_prob', 'kl'] as Metric[]) {
      const runner = new CircuitRunner({ cfg, params, graphCfg }, metric);
      const prep = prepareTokenPairs(cfg, runner, tokenPairs(5, 6, 3), metric, { batchSize: 4, refusalIds: [3, 4] });
      const g = buildGraph(graphCfg);
      try {
        // KL's gradient vanishes on the clean run; evaluate the first-order change around P = ½ instead there
        const at = metric === 'kl' ? 0.5 : 0;
        const eap = metric === 'kl' ? null : await gradientScores(runner, prep, g, [1]);
        for (const i of [0, 4, 11, 20, 33, g.edges.length - 1]) {
          const p = hostPatch(graphCfg, [g.edges[i]]);
          const eps = 1e-2;
          const fd = mean(patchedMetric(runner, prep, scale(p, at + eps)).map((v, k) => (v - patchedMetric(runner, prep, scale(p, at - eps))[k]) / (2 * eps)));
          if (eap) expect(eap[i]).toBeCloseTo(fd, 3);
          else expect(Number.isFinite(fd)).toBe(true);
        }
        if (eap) expect(Math.max(...eap.map(Math.abs))).toBeGreaterThan(1e-3);
      } finally {
        disposePairs(prep);
        runner.dispose();
      }
    }
  });

  it('EAP-IG approaches exact patching as the number of steps grows', async () => {
    const runner = new CircuitRunner({ cfg, params, graphCfg }, 'logit_diff');
    const prep = prepareTokenPairs(cfg, runner, tokenPairs(6, 6, 5), 'logit_diff', { batchSize: 4, refusalIds: [] });
    const g = buildGraph(graphCfg);
    try {
      const exact = (await exactScores(runner, prep, g)).edges;
      const err = (s: number[]) => mean(s.map((v, i) => Math.abs(v - exact[i])));
      const errors: number[] = [];
      for (const m of [1, 2, 4, 8, 16]) errors.push(err(await gradientScores(runner, prep, g, igAlphas(m))));
      const eap = err(await gradientScores(runner, prep, g, [1]));
      console.log(`EAP-IG mean |score − exact| for m = 1,2,4,8,16: ${errors.map((e) => e.toFixed(4)).join(', ')}; ` +
        `EAP ${eap.toFixed(4)} (mean |exact| ${mean(exact.map(Math.abs)).toFixed(4)})`);
      for (let k = 1; k < errors.length; k++) expect(errors[k]).toBeLessThanOrEqual(errors[k - 1] + 1e-6);
      expect(errors[errors.length - 1]).toBeLessThan(0.75 * errors[0]);
    } finally {
      disposePairs(prep);
      runner.dispose();
    }
  });

  it('α grids: left is the library grid (corrupted end in, clean end out), the default; igGrid reaches the run', async () => {
    expect(igAlphas(4)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(igAlphas(4, 'right')).toEqual([0.25, 0.5, 0.75, 1]);
    expect(igAlphas(4, 'midpoint')).toEqual([0.125, 0.375, 0.625, 0.875]);
    const model = { id: 'tiny', cfg, params, graphCfg } as unknown as CircuitModel;
    const runner = new CircuitRunner(model, 'logit_diff');
    const prep = prepareTokenPairs(cfg, runner, tokenPairs(3, 6, 7), 'logit_diff', { batchSize: 4, refusalIds: [] });
    try {
      // m = 1: the right grid is the clean run alone (= EAP), the default left grid the corrupted run alone
      const eap = await scoreGraph(model, runner, prep, { method: 'eap', metric: 'logit_diff' });
      const right = await scoreGraph(model, runner, prep, { method: 'eap-ig', metric: 'logit_diff', steps: 1, igGrid: 'right' });
      const left = await scoreGraph(model, runner, prep, { method: 'eap-ig', metric: 'logit_diff', steps: 1 });
      expect(right.meta.igGrid).toBe('right');
      expect(left.meta.igGrid).toBeUndefined();
      const scores = (x: typeof eap) => x.edges.map((e) => e.score ?? NaN);
      expect(scores(right)).toEqual(scores(eap));
      expect(Math.max(...scores(left).map((v, i) => Math.abs(v - scores(eap)[i])))).toBeGreaterThan(1e-3);
    } finally {
      disposePairs(prep);
      runner.dispose();
    }
  });
});

describe('faithfulness', () => {
  it('is exactly 1 for the full graph and 0 for the empty graph, for every metric', async () => {
    for (const metric of ['logit_diff', 'refusal_prob', 'kl'] as Metric[]) {
      const runner = new CircuitRunner({ cfg, params, graphCfg }, metric);
      const prep = prepareTokenPairs(cfg, runner, tokenPairs(4, 6, 9), metric, { batchSize: 4, refusalIds: [3, 4] });
      const g = buildGraph(graphCfg);
      try {
        const scored = { ...g, edges: g.edges.map((e, i) => ({ ...e, score: Math.sin(i) })) };
        const curve = await faithfulnessCurve(runner, prep, scored, { sizes: [0, 10, g.edges.length], randomSeeds: 2 });
        const [first, last] = [curve.points[0], curve.points[curve.points.length - 1]];
        expect([first.size, last.size]).toEqual([0, g.edges.length]);
        expect(first.recovered).toBe(0);
        expect(first.randomRecovered).toBe(0);
        expect(last.recovered).toBe(1);
        expect(last.randomRecovered).toBe(1);
        expect(curve.fullMetric).not.toBe(curve.emptyMetric);
      } finally {
        disposePairs(prep);
        runner.dispose();
      }
    }
  });
});
