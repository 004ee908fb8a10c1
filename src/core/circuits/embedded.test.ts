// Circuits on the embedded `anchor` model, read from models/anchor (weights change when the forge retrains, so
// these assert properties: agreement between methods, invariants of the read-outs, the engine contract).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromI32, gptForward, keep, takeF32 } from '../lab';
import { CancelledError } from '../runtime/errors';
import { acdc, acdcWithinBudget } from './acdc';
import { exactScores, gradientScores, igAlphas } from './attribute';
import { danglingNodes } from './extract';
import { baseline, circuitMetric } from './faithfulness';
import { buildGraph } from './graph';
import { refusalPairs, refusalTokens } from './heldout';
import { attentionPatterns, logitLens } from './inspect';
import { importGraphJson } from './json';
import type { CircuitModel } from './model';
import { createNodeCircuitsEngine, loadCircuitModelFolder, loadHeldoutFolder } from './modelNode';
import { disposePairs, encodePrompt, preparePairs } from './pairs';
import { CircuitRunner } from './runner';
import type { CircuitsProgress } from './types';
import { spearman } from '../numeric/spearman';

const root = join(import.meta.dirname, '../../..');
let model: CircuitModel;
let data: Awaited<ReturnType<typeof loadHeldoutFolder>>;


beforeAll(async () => {
  model = await loadCircuitModelFolder(join(root, 'models/anchor'));
  data = await loadHeldoutFolder(join(root, 'models/forge/heldout'));
});

describe('embedded anchor', () => {
  it('reads the refusal opening token from the tokenizer and pairs prompts of equal length', () => {
    const refusal = refusalTokens(model.tokenizer);
    expect(refusal.length).toBeGreaterThan(0);
    expect(refusal[0].text.trim().startsWith('I')).toBe(true);
    const pairs = refusalPairs(model.tokenizer, data, 16, 0);
    expect(pairs.length).toBe(16);
    for (const p of pairs) {
      expect(data.harmful).toContain(p.clean);
      expect(data.benign).toContain(p.corrupted);
      expect(encodePrompt(model, p.clean).length).toBe(encodePrompt(model, p.corrupted).length);
    }
  });

  it('EAP-IG (m = 5) ranks the top 100 edges like exact patching (Spearman ≥ 0.8)', async () => {
    const runner = new CircuitRunner(model, 'logit_diff');
    const prep = preparePairs(model, runner, refusalPairs(model.tokenizer, data, 32, 0), 'logit_diff', { batchSize: 16 });
    const g = buildGraph(model.graphCfg);
    try {
      const ig = await gradientScores(runner, prep, g, igAlphas(5));
      const top = ig.map((_, i) => i).sort((a, b) => Math.abs(ig[b]) - Math.abs(ig[a])).slice(0, Math.min(100, g.edges.length));
      const exact = (await exactScores(runner, prep, g, {}, false, new Set(top.map((i) => g.edges[i].id)))).edges;
      const rho = spearman(top.map((i) => ig[i]), top.map((i) => exact[i]));
      console.log(`anchor: Spearman(EAP-IG m=5, exact patching) over the top ${top.length} EAP-IG edges = ${rho.toFixed(3)} (32 pairs)`);
      expect(rho).toBeGreaterThanOrEqual(0.8);
    } finally {
      disposePairs(prep);
      runner.dispose();
    }
  }, 300_000);

  it('logit lens at the last layer is the model\'s own next-token distribution; attention rows are causal and sum to 1', () => {
    const prompt = data.harmful[0];
    const ids = encodePrompt(model, prompt);
    const lens = logitLens(model, { prompt, topK: 3 });
    expect(lens.map((r) => r.layer)).toEqual(Array.from({ length: model.cfg.nLayer + 1 }, (_, l) => l));
    const logits = takeF32(gptForward(model.cfg, keep(model.params), fromI32(ids, [1, ids.length])).logits);
    const V = model.cfg.lmHeadWidth;
    const last = logits.subarray((ids.length - 1) * V, ids.length * V);
    const top = Array.from(last.keys()).sort((a, b) => last[b] - last[a])[0];
    const final = lens[lens.length - 1];
    expect(final.top[0].id).toBe(top);
    const z = last.reduce((s, v) => s + Math.exp(v - last[top]), 0);
    expect(final.top[0].prob).toBeCloseTo(1 / z, 4);
    for (const row of lens) expect(row.top[0].prob).toBeGreaterThanOrEqual(row.top[1].prob);

    const att = attentionPatterns(model, { prompt: 'Hello there' });
    expect(att.length).toBe(model.cfg.nLayer * model.cfg.nHead);
    for (const a of att) {
      a.weights.forEach((row, q) => {
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        expect(row.slice(q + 1).every((v) => v < 1e-6)).toBe(true);
      });
    }
  });
});

/** Runs `body` on `n` held-out refusal pairs prepared for the logit-difference metric, then frees them. */
async function withRefusalPairs(n: number, seed: number, body: (runner: CircuitRunner, prep: ReturnType<typeof preparePairs>) => Promise<void>): Promise<void> {
  const runner = new CircuitRunner(model, 'logit_diff');
  const prep = preparePairs(model, runner, refusalPairs(model.tokenizer, data, n, seed), 'logit_diff', { batchSize: 16 });
  try {
    await body(runner, prep);
  } finally {
    disposePairs(prep);
    runner.dispose();
  }
}

describe('ACDC on the embedded anchor', () => {
  it('every removal costs less than τ, so the circuit keeps ≥ 1 − τ·(removals) of the metric; τ = 0 keeps it all', async () => {
    // 4 pairs: these are per-removal invariants of ACDC's greedy rule, true for any pair set (no statistical bound
    // here); each ACDC run costs patched forwards in proportion to the pairs (it took 14 s of CPU on 8)
    await withRefusalPairs(4, 3, async (runner, prep) => {
      const g = buildGraph(model.graphCfg);
      const strict = (await acdc(runner, prep, g, { tau: 0 })).point;
      expect(strict.recovered).toBeGreaterThanOrEqual(1 - 1e-4); // no removal may lower the metric at all
      const loose = await acdc(runner, prep, g, { tau: 0.03 });
      const removedByTest = loose.graph.edges.filter((e) => e.score !== 0 && !e.inGraph).length;
      expect(loose.point.recovered).toBeGreaterThan(1 - 0.03 * removedByTest - 1e-4);
      expect(loose.point.size).toBeLessThan(strict.size);
      expect(loose.point.size).toBe(loose.graph.edges.filter((e) => e.inGraph).length);
      expect(danglingNodes(loose.graph)).toEqual([]);
      // the recorded recovered fraction is the circuit's own faithfulness, re-measured here
      const b = baseline(runner, prep, g);
      const m = circuitMetric(runner, prep, loose.graph, (e) => e.inGraph);
      expect((m - b.empty) / (b.full - b.empty)).toBeCloseTo(loose.point.recovered, 6);
      await expect(acdc(runner, prep, g, { tau: -1 })).rejects.toThrow(/τ must be a finite number ≥ 0/);
    });
  }, 300_000);

  it('fitted to a 5 % budget on 32 pairs, it finds a circuit that recovers ≥ 0.8 of the refusal metric', async () => {
    await withRefusalPairs(32, 0, async (runner, prep) => {
      const g = buildGraph(model.graphCfg);
      const budget = Math.floor(0.05 * g.edges.length);
      const events: CircuitsProgress[] = [];
      const r = await acdcWithinBudget(runner, prep, g, budget, {}, { onProgress: (p) => events.push(p) });
      console.log(`anchor: ACDC τ = ${r.tau}: ${r.point.size} of ${g.edges.length} edges recover ${r.point.recovered.toFixed(3)} (${r.runs} runs)`);
      expect(r.point.size).toBeLessThanOrEqual(budget);
      expect(r.point.recovered).toBeGreaterThanOrEqual(0.8);
      for (let i = 1; i < events.length; i++) expect(events[i].done).toBeGreaterThanOrEqual(events[i - 1].done);
    });
  }, 300_000);
});

describe('circuits engine (in-thread)', () => {
  it('loads, attributes with monotone progress, extracts, round-trips the JSON and writes an evidence record', async () => {
    const engine = createNodeCircuitsEngine(root);
    const info = await engine.loadModel('anchor');
    expect(info.nEdges).toBe(buildGraph(model.graphCfg).edges.length);
    expect(info.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    const pairs = await engine.heldoutPairs('anchor', 4, 1);
    const events: CircuitsProgress[] = [];
    const g = await engine.attribute({ modelId: 'anchor', pairs, method: 'eap', metric: 'logit_diff' }, (p) => events.push(p));
    expect(events.length).toBeGreaterThan(1);
    for (let i = 1; i < events.length; i++) expect(events[i].done).toBeGreaterThanOrEqual(events[i - 1].done);
    expect(events[events.length - 1].done).toBe(events[events.length - 1].total);
    expect(g.meta).toMatchObject({ model: 'anchor', method: 'eap', metric: 'logit_diff', pairs: 4 });
    expect(g.meta.cleanMetric!).toBeGreaterThan(g.meta.corruptedMetric!); // harmful prompts favour the refusal token
    const circuit = await engine.extract(g, { mode: 'topn', n: 10 });
    const back = await engine.importGraphJson(await engine.exportGraphJson(circuit));
    expect(back.edges).toEqual(circuit.edges);
    expect(importGraphJson(await engine.exportGraphJson(circuit)).meta.model).toBe('anchor');
    const ev = await engine.evidence(circuit, null);
    expect(ev).toMatchObject({ kind: 'mechanistic', evidenceClass: 'attribution-graph', model: 'anchor', pairs: 4, faithfulness: null });
    expect(ev.graphSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ev.modelSha256).toBe(info.weightsSha256);
    await expect(engine.attribute({ modelId: 'target', pairs, method: 'eap', metric: 'kl' })).rejects.toThrow(/loadModel\("target"\)/);
  }, 300_000);

  it('one click: a pruned circuit of at most 5 % of the edges, its faithfulness, the ablation and the evidence', async () => {
    const engine = createNodeCircuitsEngine(root);
    const info = await engine.loadModel('anchor');
    // 4 pairs: every assertion here is a contract of the report (budget, curve ends, ranges, evidence fields), not a
    // recovered fraction, so it holds at any pair count; the one click's ACDC candidate (its patching phase is most
    // of the run) costs in proportion to the pairs: 8 → 4 halved this test (39 s → ~20 s of CPU)
    const r = await engine.refusalCircuit('anchor', { pairs: 4, ablationPrompts: 4, maxNewTokens: 6 });
    const inCircuit = r.graph.edges.filter((e) => e.inGraph);
    expect(inCircuit.length).toBe(r.circuit.size);
    expect(r.circuit.size).toBeLessThanOrEqual(0.05 * info.nEdges);
    const points = r.faithfulness.points;
    expect([points[0].recovered, points[points.length - 1].recovered]).toEqual([0, 1]);
    expect(r.refusalTokens[0].id).toBe(info.refusalTokens[0].id);
    for (const v of [r.ablation.refusalBefore, r.ablation.refusalAfter, r.ablation.randomRefusalAfter!]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(r.ablation.mode).toBe('corrupt');
    expect(['topn', 'greedy', 'acdc']).toContain(r.extraction.mode);
    expect(r.evidence.extraction).toEqual(r.extraction);
    expect(r.evidence).toMatchObject({
      kind: 'mechanistic', model: 'anchor', method: 'eap-ig', metric: 'logit_diff', pairs: 4, modelSha256: info.weightsSha256,
      faithfulness: { edges: r.circuit.size, totalEdges: info.nEdges, recovered: r.circuit.recovered },
      ablation: r.ablation,
    });
  }, 600_000);

  it('acdc through the engine: a labelled circuit graph and monotone progress', async () => {
    const engine = createNodeCircuitsEngine(root);
    await engine.loadModel('anchor');
    const pairs = await engine.heldoutPairs('anchor', 4, 1);
    const events: CircuitsProgress[] = [];
    const r = await engine.acdc({ modelId: 'anchor', pairs, metric: 'logit_diff' }, { tau: 0.05 }, (p) => events.push(p));
    expect(r.graph.meta).toMatchObject({ model: 'anchor', method: 'patching', acdcTau: 0.05, metric: 'logit_diff', pairs: 4 });
    expect(r.point.size).toBe(r.graph.edges.filter((e) => e.inGraph).length);
    expect(r.evaluations).toBeLessThanOrEqual(r.graph.edges.length);
    expect(events[events.length - 1]).toMatchObject({ phase: 'patch', done: r.graph.edges.length, total: r.graph.edges.length });
    for (let i = 1; i < events.length; i++) expect(events[i].done).toBeGreaterThanOrEqual(events[i - 1].done);
  }, 300_000);

  it('cancel() stops a run in flight with CancelledError', async () => {
    const engine = createNodeCircuitsEngine(root);
    await engine.loadModel('anchor');
    const pairs = await engine.heldoutPairs('anchor', 4, 2);
    let cancelled = false;
    const run = engine.patchExact({ modelId: 'anchor', pairs, metric: 'logit_diff' }, (p) => {
      if (!cancelled && p.done >= 2) {
        cancelled = true;
        void engine.cancel();
      }
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  }, 300_000);

  it('probes: one per residual layer, accuracies in [0, 1], and the refusing model separates harmful from benign', async () => {
    const engine = createNodeCircuitsEngine(root);
    await engine.loadModel('anchor');
    const probes = await engine.probes({ modelId: 'anchor' });
    expect(probes.map((p) => p.layer)).toEqual(Array.from({ length: model.cfg.nLayer + 1 }, (_, l) => l));
    for (const a of probes.flatMap((p) => [p.trainAcc, p.heldoutAcc])) {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
    }
    console.log(`anchor probes (held-out accuracy by layer): ${probes.map((p) => p.heldoutAcc.toFixed(2)).join(', ')}`);
    expect(Math.max(...probes.map((p) => p.heldoutAcc))).toBeGreaterThanOrEqual(0.75);
  }, 300_000);
});
