// Circuits bench (`npx tsx bench/circuits.ts [--model anchor] [--pairs 32] [--part timing|refusal|all] [--steps 5,10]`).
//  timing  for every model in TIMING_MODELS (the GPT-2 anchor and the Llama-architecture anchor-llama):
//          EAP, EAP-IG (m = each of --steps) and ACDC (τ = 0.02) on `pairs` harmful/benign pairs, wall and CPU
//          time as a multiple of one forward+backward pass over the same batches (the baseline: the lab's
//          ordinary forward and the gradient of the same metric w.r.t. all parameters, jitted). After a warm-up
//          (compilation) every quantity is timed once per round, rounds interleaved so that load drifts hit all
//          alike; best of 3 rounds. Also the two parts the totals are made of: the clean + corrupted activation
//          runs and one gradient step (one scores call per batch), so EAP ≈ runs + 1 step, EAP-IG(m) ≈ runs +
//          m steps. Targets (issue 18): EAP ≤ 2×, EAP-IG ≤ (m + 2)×. Writes bench/results/circuits.json.
//  refusal the one-click refusal circuit of the model (EAP-IG top-n/greedy or ACDC, whichever is more faithful):
//          faithfulness of the ≤ 5 % circuit against random edges,
//          refusal before/after ablating it (corrupt- and mean-patching, with controls), EAP-IG vs exact-patching
//          rank agreement, probes. Writes bench/results/circuits-refusal.json. `--new-tokens` (default 16): greedy
//          tokens per prompt in the ablation check.
// The dev machine is shared (2 cores, other jobs): CPU seconds are the steadier figure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grad, jit, type OwnedFunction } from '@jax-js/jax';
import { fromF32, fromI32, keep, type Arr, type GptParams } from '../src/core/lab';
import { ablateAndGenerate } from '../src/core/circuits/ablation';
import { acdc } from '../src/core/circuits/acdc';
import { exactScores, gradientScores, igAlphas } from '../src/core/circuits/attribute';
import { buildGraph } from '../src/core/circuits/graph';
import { refusalPairs } from '../src/core/circuits/heldout';
import { metricSum, type MetricArrays } from '../src/core/circuits/metric';
import { modelForward, type CircuitModel } from '../src/core/circuits/model';
import { createNodeCircuitsEngine, loadCircuitModelFolder, loadHeldoutFolder } from '../src/core/circuits/modelNode';
import { actDiff, disposePairs, interpolatedEmbed, preparePairs, type PairBatch } from '../src/core/circuits/pairs';
import { CircuitRunner, posMask } from '../src/core/circuits/runner';
import type { PromptPair } from '../src/core/circuits/types';
import { spearman } from '../src/core/numeric/spearman';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flag = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
};
const MODEL = flag('model', 'anchor');
const PAIRS = Number(flag('pairs', '32'));
const PART = flag('part', 'all');
/** EAP-IG step counts timed */
const STEPS = flag('steps', '5,10').split(',').map(Number);
/** greedy tokens per prompt in the ablation check: refusals open with their refusal phrase */
const NEW_TOKENS = Number(flag('new-tokens', '16'));
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * A model of the timing table: how to load it and the pairs to time it on. A family model (CircuitModel.lm, e.g.
 * a llama replica from src/core/lm/replicas written to a temporary folder and read with loadCircuitModelFolder)
 * needs nothing else: the baseline runs modelForward, the family decoder for such models. Mind the vocabulary:
 * the baseline unembeds every position and EAP only the metric's, so a real 128k vocabulary inflates the baseline.
 */
interface TimingEntry {
  label: string;
  family: string;
  load: () => Promise<{ model: CircuitModel; pairs: PromptPair[] }>;
  /** also time ACDC (τ = 0.02); long on big graphs */
  acdc: boolean;
}

const TIMING_MODELS: TimingEntry[] = [
  {
    label: 'anchor', family: 'gpt2', acdc: true,
    load: async () => {
      const model = await loadCircuitModelFolder(join(ROOT, 'models', 'anchor'));
      const data = await loadHeldoutFolder(join(ROOT, 'models/forge/heldout'));
      return { model, pairs: refusalPairs(model.tokenizer, data, PAIRS, 0) };
    },
  },
  {
    // the forge's Llama-architecture anchor (GQA 4 over 2 heads, RoPE, SwiGLU, RMSNorm, tied): the family decoder path
    label: 'anchor-llama', family: 'llama', acdc: false,
    load: async () => {
      const model = await loadCircuitModelFolder(join(ROOT, 'models', 'anchor-llama'));
      const data = await loadHeldoutFolder(join(ROOT, 'models/forge/heldout'));
      return { model, pairs: refusalPairs(model.tokenizer, data, PAIRS, 0) };
    },
  },
];

interface Cost { wallMs: number; cpuMs: number }

async function once(fn: () => Promise<unknown> | unknown): Promise<Cost> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

/** Warm-up of each, then `rounds` interleaved rounds; best wall (and its CPU time) per quantity. */
async function interleaved(fns: Record<string, () => Promise<unknown> | unknown>, rounds = 3): Promise<Record<string, Cost>> {
  for (const fn of Object.values(fns)) await fn();
  const best: Record<string, Cost> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [k, fn] of Object.entries(fns)) {
      const t = await once(fn);
      if (!best[k] || t.wallMs < best[k].wallMs) best[k] = t;
    }
  }
  return Object.fromEntries(Object.entries(best).map(([k, v]) => [k, { wallMs: r4(v.wallMs), cpuMs: r4(v.cpuMs) }]));
}

async function timeModel(entry: TimingEntry) {
  const { model, pairs } = await entry.load();
  const runner = new CircuitRunner(model, 'logit_diff');
  const g = buildGraph(model.graphCfg);
  const prep = preparePairs(model, runner, pairs, 'logit_diff', { batchSize: 16 });
  const c = model.cfg;
  // baseline: ordinary forward + gradient of the same metric w.r.t. every parameter, per batch
  const fb: OwnedFunction<(p: GptParams, t: Arr, m: MetricArrays) => GptParams> = jit((p: GptParams, t: Arr, m: MetricArrays) =>
    grad((prm: GptParams, tt: Arr, mm: MetricArrays) => metricSum('logit_diff', modelForward(model, prm, tt).logits, mm))(p, t, m) as GptParams);
  const metricOf = (b: PairBatch): MetricArrays => ({
    posMask: posMask(b.metric.pos, prep.T), plus: fromF32(b.metric.plus, [prep.B, c.lmHeadWidth]),
    minus: fromF32(b.metric.minus, [prep.B, c.lmHeadWidth]), refLogp: fromF32(new Float32Array(prep.B * c.lmHeadWidth), [prep.B, c.lmHeadWidth]),
    weight: fromF32(b.metric.weight, [prep.B]),
  });
  // EAP / EAP-IG totals include the clean and corrupted activation runs (preparePairs)
  const fresh = async (alphas: number[]) => {
    const p = preparePairs(model, runner, pairs, 'logit_diff', { batchSize: 16 });
    try {
      await gradientScores(runner, p, g, alphas);
    } finally {
      disposePairs(p);
    }
  };
  const fns: Record<string, () => Promise<unknown> | unknown> = {
    forwardBackward: () => {
      for (const b of prep.batches) {
        const gr = fb(keep(model.params), fromI32(b.clean, [prep.B, prep.T]), metricOf(b));
        for (const a of Object.values(gr)) a.dataSync();
      }
    },
    activations: () => disposePairs(preparePairs(model, runner, pairs, 'logit_diff', { batchSize: 16 })),
    gradientStep: () => {
      for (const b of prep.batches) runner.scores(interpolatedEmbed(b, 0.5), actDiff(b), b.metric);
    },
    eap: () => fresh([1]),
    ...Object.fromEntries(STEPS.map((m) => [`eapIg${m}`, () => fresh(igAlphas(m))])),
  };
  const ms = await interleaved(fns);
  // ACDC at τ = 0.02 on the prepared pairs (one patched forward per tested edge); one timed run after a warm-up, it is long
  let acdcRun: Awaited<ReturnType<typeof acdc>> | undefined;
  if (entry.acdc) {
    await acdc(runner, prep, g, { tau: 0.02 });
    const t = await once(async () => { acdcRun = await acdc(runner, prep, g, { tau: 0.02 }); });
    ms.acdcTau002 = { wallMs: r4(t.wallMs), cpuMs: r4(t.cpuMs) };
  }
  disposePairs(prep);
  runner.dispose();
  fb.dispose();
  const base = ms.forwardBackward;
  const multiple = Object.fromEntries(Object.entries(ms).filter(([k]) => k !== 'forwardBackward')
    .map(([k, x]) => [k, { wall: r4(x.wallMs / base.wallMs), cpu: r4(x.cpuMs / base.cpuMs) }]));
  const targets = { eap: 2, ...Object.fromEntries(STEPS.map((m) => [`eapIg${m}`, m + 2])) } as Record<string, number>;
  return {
    model: entry.label,
    family: entry.family,
    config: { layers: c.nLayer, heads: c.nHead, dModel: c.dModel, dMlp: c.dMlp, vocab: c.vocabSize },
    graph: { nodes: g.nodes.length, edges: g.edges.length },
    pairs: pairs.length,
    batch: { size: prep.B, tokens: prep.T, batches: prep.batches.length },
    ms,
    multipleOfForwardBackward: multiple,
    targets: Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, { atMost: t, metByCpu: multiple[k].cpu <= t, metByWall: multiple[k].wall <= t }])),
    ...(acdcRun ? { acdcTau002: { edges: acdcRun.point.size, recovered: r4(acdcRun.point.recovered), patchedForwards: acdcRun.evaluations } } : {}),
  };
}

async function timing() {
  const only = flag('timing-models', '');
  const entries = TIMING_MODELS.filter((e) => !only || only.split(',').includes(e.label));
  const models = [];
  for (const e of entries) models.push(await timeModel(e));
  return {
    bench: 'circuits',
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, loadavg: loadavg().map(r4) },
    baseline: 'one forward + backward pass over the same batches: modelForward (lab gptForward with fused attention for GPT-2, the family decoder otherwise) and the gradient of the logit-difference metric w.r.t. all parameters, jitted',
    timing: 'ms; warm-up (compilation) first, then 3 interleaved rounds, best wall per quantity with its CPU time; eap/eapIg totals include the clean and corrupted activation runs; gradientStep = one EAP scores call per batch',
    steps: STEPS,
    models,
  };
}

async function refusal() {
  const engine = createNodeCircuitsEngine(ROOT);
  await engine.loadModel(MODEL);
  const t0 = performance.now();
  let phase = '';
  const r = await engine.refusalCircuit(MODEL, { pairs: PAIRS, ablationPrompts: 24, maxNewTokens: NEW_TOKENS }, (p) => {
    if (p.phase !== phase) console.error(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${(phase = p.phase)}: ${p.label}`);
  });
  const oneClickSeconds = (performance.now() - t0) / 1000;
  // the same circuit mean-ablated, with the benign control
  const model = await loadCircuitModelFolder(join(ROOT, 'models', MODEL));
  const data = await loadHeldoutFolder(join(ROOT, 'models/forge/heldout'));
  const pairs = refusalPairs(model.tokenizer, data, PAIRS, 0);
  const used = new Set(pairs.map((p) => p.clean));
  const held = data.harmful.filter((p) => !used.has(p)).slice(0, 24);
  console.error(`[${((performance.now() - t0) / 1000).toFixed(0)} s] mean ablation`);
  const { before: _b, after: _a, ...mean } = await ablateAndGenerate(model, r.graph, held, data.benign, { mode: 'mean', maxNewTokens: NEW_TOKENS });
  void _b;
  void _a;
  // rank agreement EAP-IG (m = 5) vs exact patching, all edges and the top 100 by |EAP-IG|
  const runner = new CircuitRunner(model, 'logit_diff');
  const prep = preparePairs(model, runner, pairs, 'logit_diff', { batchSize: 16 });
  const g = buildGraph(model.graphCfg);
  console.error(`[${((performance.now() - t0) / 1000).toFixed(0)} s] EAP-IG vs exact patching`);
  const ig = await gradientScores(runner, prep, g, igAlphas(5));
  const eap = await gradientScores(runner, prep, g, [1]);
  const exact = (await exactScores(runner, prep, g)).edges;
  disposePairs(prep);
  runner.dispose();
  const top = ig.map((_, i) => i).sort((a, b) => Math.abs(ig[b]) - Math.abs(ig[a])).slice(0, 100);
  const topEap = eap.map((_, i) => i).sort((a, b) => Math.abs(eap[b]) - Math.abs(eap[a])).slice(0, 100);
  const probes = await engine.probes({ modelId: MODEL });
  return {
    bench: 'circuits-refusal',
    date: new Date().toISOString(),
    model: MODEL,
    weightsSha256: r.evidence.modelSha256,
    pairs: PAIRS,
    metric: 'logit_diff: refusal opening token vs the benign run\'s top non-refusal token, at the last prompt token',
    refusalTokens: r.refusalTokens.map((t) => t.text),
    circuit: { extraction: r.extraction, edges: r.circuit.size, totalEdges: r.graph.edges.length, fraction: r4(r.circuit.size / r.graph.edges.length),
      recovered: r4(r.circuit.recovered), randomRecovered: r4(r.circuit.randomRecovered), inGraph: r.graph.edges.filter((e) => e.inGraph).map((e) => e.id) },
    faithfulnessCurve: r.faithfulness.points.map((p) => ({ size: p.size, recovered: r4(p.recovered), random: r4(p.randomRecovered) })),
    ablation: { corrupt: r.ablation, mean },
    spearmanVsExact: {
      eapIg5: { allEdges: r4(spearman(ig, exact)), top100: r4(spearman(top.map((i) => ig[i]), top.map((i) => exact[i]))) },
      eap: { allEdges: r4(spearman(eap, exact)), top100: r4(spearman(topEap.map((i) => eap[i]), topEap.map((i) => exact[i]))) },
    },
    probes,
    oneClickSeconds: r4(oneClickSeconds),
  };
}


const outDir = join(ROOT, 'bench/results');
mkdirSync(outDir, { recursive: true });
if (PART === 'all' || PART === 'timing') {
  const res = await timing();
  console.log(JSON.stringify(res, null, 1));
  writeFileSync(join(outDir, 'circuits.json'), `${JSON.stringify(res, null, 2)}\n`);
}
if (PART === 'all' || PART === 'refusal') {
  const res = await refusal();
  console.log(JSON.stringify({ ...res, circuit: { ...res.circuit, inGraph: res.circuit.inGraph.length } }, null, 1));
  writeFileSync(join(outDir, MODEL === 'anchor' ? 'circuits-refusal.json' : `circuits-refusal-${MODEL}.json`), `${JSON.stringify(res, null, 2)}\n`);
}
