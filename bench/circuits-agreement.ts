// How well EAP and EAP-IG rank edges like exact patching, on several pair sets, with the spread (issue 18 "Also
// found": one pair set gave EAP-IG 0.765 over the top 100 edges, the README 0.81 on another, and across all edges
// EAP-IG ranked worse than plain EAP). `npx tsx bench/circuits-agreement.ts [--model anchor] [--sets a,b,...]`
// writes bench/results/circuits-agreement.json.
//
// Pair sets: heldout-1..4 = the length-matched held-out pairs in refusalPairs' seeded order (seed 0) cut into
// disjoint chunks of 32 clean prompts (heldout-1 is the README's 32 pairs); agreement-a, agreement-b = hand-written
// evaluation sets (src/core/circuits/fixtures/agreement-*.json, paired the same way), kept apart: nothing was tuned
// on them.
// Methods (all through gradientScores, i.e. ∂metric/∂input_v averaged over runs whose embeddings sit at
// corrupted + α·(clean − corrupted)): EAP α = {1}; EAP-IG as hannamw/EAP-IG get_scores_eap_ig α = k/m, k = 0..m−1
// (the default); the same grid shifted to k = 1..m ("right": clean end in, corrupted end out) and to midpoints
// (k + ½)/m (AttributionRequest.igGrid 'right' / 'midpoint'); the library's clean-corrupted method α = {0, 1}; the gradient at the corrupted run alone α = {0}.
// References: exact noising (one edge of the clean run reads its corrupted value: what the README and the test
// compare with) and exact denoising (one edge of the fully corrupted run reads its clean value, sign flipped so
// that both mean "change when the edge is patched to corrupted").
// Statistics: Spearman over the top 100 edges by |method score| and over all edges, per set, then mean, sample
// standard deviation, min and max over the sets.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exactScores, gradientScores, hostPatch, igAlphas, pairMetrics, patchedMetric } from '../src/core/circuits/attribute';
import { buildGraph } from '../src/core/circuits/graph';
import { refusalPairs, type HeldoutSuites } from '../src/core/circuits/heldout';
import { loadCircuitModelFolder, loadHeldoutFolder } from '../src/core/circuits/modelNode';
import { disposePairs, preparePairs } from '../src/core/circuits/pairs';
import { CircuitRunner } from '../src/core/circuits/runner';
import type { PromptPair } from '../src/core/circuits/types';
import { spearman } from '../src/core/numeric/spearman';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flag = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
};
const MODEL = flag('model', 'anchor');
const CHUNK = 32;
const TOP = 100;
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

const METHODS: Record<string, number[]> = {
  eap: [1],
  'eap-ig m=5': igAlphas(5),
  'eap-ig m=10': igAlphas(10),
  'eap-ig m=20': igAlphas(20),
  'eap-ig right m=5': igAlphas(5, 'right'),
  'eap-ig right m=20': igAlphas(20, 'right'),
  'eap-ig midpoint m=5': igAlphas(5, 'midpoint'),
  'clean-corrupted': [0, 1],
  'corrupted only': [0],
};

function fixtureSet(name: string): HeldoutSuites {
  const raw = JSON.parse(readFileSync(join(ROOT, 'src/core/circuits/fixtures', `${name}.json`), 'utf8')) as HeldoutSuites;
  return { harmful: raw.harmful, benign: raw.benign };
}

const stats = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean: r4(mean), sd: r4(sd), min: r4(Math.min(...xs)), max: r4(Math.max(...xs)) };
};

function agreement(method: number[], reference: number[]): { top100: number; allEdges: number } {
  const top = method.map((_, i) => i).sort((a, b) => Math.abs(method[b]) - Math.abs(method[a])).slice(0, TOP);
  return { top100: r4(spearman(top.map((i) => method[i]), top.map((i) => reference[i]))), allEdges: r4(spearman(method, reference)) };
}

const model = await loadCircuitModelFolder(join(ROOT, 'models', MODEL));
const heldout = await loadHeldoutFolder(join(ROOT, 'models/forge/heldout'));
const allHeldout = refusalPairs(model.tokenizer, heldout, 10_000, 0);
const sets: Record<string, PromptPair[]> = {};
for (let s = 0; s + CHUNK <= allHeldout.length; s += CHUNK) sets[`heldout-${s / CHUNK + 1}`] = allHeldout.slice(s, s + CHUNK);
for (const name of ['agreement-a', 'agreement-b']) sets[name] = refusalPairs(model.tokenizer, fixtureSet(name), 10_000, 0);
const only = flag('sets', '');
const chosen = Object.keys(sets).filter((k) => !only || only.split(',').includes(k));

const g = buildGraph(model.graphCfg);
const runner = new CircuitRunner(model, 'logit_diff');
const perSet: Record<string, unknown>[] = [];
const vs: Record<string, Record<string, { top100: number[]; allEdges: number[] }>> = { exact: {}, denoise: {} };
const t0 = performance.now();
for (const name of chosen) {
  const pairs = sets[name];
  const prep = preparePairs(model, runner, pairs, 'logit_diff', { batchSize: 16 });
  try {
    const exact = (await exactScores(runner, prep, g)).edges;
    const full = patchedMetric(runner, prep, hostPatch(g.cfg, g.edges));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const denoise = g.edges.map((e) => {
      const restored = patchedMetric(runner, prep, hostPatch(g.cfg, g.edges.filter((x) => x !== e)));
      return mean(full.map((v, i) => v - restored[i]));
    });
    const row: Record<string, unknown> = { set: name, pairs: pairs.length, metric: pairMetrics(prep), denoiseVsExact: agreement(denoise, exact) };
    for (const [m, alphas] of Object.entries(METHODS)) {
      const s = await gradientScores(runner, prep, g, alphas);
      const a = agreement(s, exact);
      const d = agreement(s, denoise);
      row[m] = { exact: a, denoise: d };
      for (const [ref, v] of [['exact', a], ['denoise', d]] as const) {
        const slot = (vs[ref][m] ??= { top100: [], allEdges: [] });
        slot.top100.push(v.top100);
        slot.allEdges.push(v.allEdges);
      }
    }
    perSet.push(row);
    console.error(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${name}: ${pairs.length} pairs, EAP-IG m=5 top100 ${(row['eap-ig m=5'] as { exact: { top100: number } }).exact.top100}, EAP ${(row.eap as { exact: { top100: number } }).exact.top100}`);
  } finally {
    disposePairs(prep);
  }
}
runner.dispose();

const summary = Object.fromEntries(Object.entries(vs).map(([ref, byMethod]) => [ref, Object.fromEntries(Object.entries(byMethod)
  .map(([m, v]) => [m, { top100: stats(v.top100), allEdges: stats(v.allEdges) }]))]));
const res = {
  bench: 'circuits-agreement',
  date: new Date().toISOString(),
  node: process.version,
  machine: { cpus: cpus().length, loadavg: loadavg().map(r4) },
  model: MODEL,
  graph: { nodes: g.nodes.length, edges: g.edges.length },
  metric: 'logit_diff (refusal opening token vs the corrupted run\'s top non-refusal token, last prompt token)',
  sets: chosen.map((k) => ({ name: k, pairs: sets[k].length, source: k.startsWith('heldout') ? 'models/forge/heldout (refusalPairs seed 0, disjoint chunks of 32 clean prompts)' : `src/core/circuits/fixtures/${k}.json (hand-written, evaluation only)` })),
  methods: Object.fromEntries(Object.entries(METHODS).map(([k, a]) => [k, a.map(r4)])),
  statistics: `Spearman over the top ${TOP} edges by |method score| and over all edges; mean, sample sd, min, max over the sets`,
  summary,
  perSet,
  seconds: r4((performance.now() - t0) / 1000),
};
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/circuits-agreement.json'), `${JSON.stringify(res, null, 2)}\n`);
console.log(JSON.stringify(summary, null, 1));
