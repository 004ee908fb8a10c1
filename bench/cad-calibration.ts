// CAD calibration (issue #20): what does Circuit Attribution Divergence (forgetCircuit.ts, our definition: 1 − cos of
// the EAP-IG edge scores of the forget behaviour before vs after an edit) read for changes of KNOWN size? In every
// four-properties run CAD sat at 0.004–0.009 for every method, so no method held our ≥ 0.05 margin. This bench asks
// whether that is the edits (behavioural suppression that leaves the circuit in place: the paper's distinction) or
// the metric (CAD cannot move much on these models). On one model, with the bench's attribution settings (16 pairs,
// m = 5, logit_diff forget-response token vs refusal token), it scores the base against:
//   floor   the base attributed on other draws of pairs (other seeds): what CAD reads with no edit at all; the base
//           on the same pairs twice (must be 0: asserted) and at m = 10 (the IG discretisation's share);
//   bench   the unlearning edits at the bench's settings (MANSU default = the paper's steps, GA, NPO; 20 steps);
//   noise   Gaussian noise on every 4-bit-quantized linear weight at 1, 2, 3, 5, 10 and 100 × the norm of MANSU's seed-0 update
//           (a change that knows nothing of the circuit);
//   sft     a refusal fine-tune copy (refusal_sft, cdeltaBehaviour.ts's objective; 3 × steps at lr 1e-2, the C-Δθ
//           bench's settings, on the same topic): its first reply token flips towards refusal;
//   mid     GA / NPO at lr × 3 and gentler refusal fine-tunes (20 steps at 1e-2, 60 and 20 at 3e-3);
//   long    GA and NPO at lr × 10; GA, NPO and MANSU at steps × the first `long` factor, GA alone at the others.
// Each row: CAD and its companions (top-64 Jaccard, mass shift, Σ|s| before / after), two scale-aware readings the
// bench adds (not CAD: relL2 = |s' − s| / |s|, and the projection scale s·s' / s·s), the clean / corrupted logit_diff
// the attribution explains, the forget / retain NLL (the bench's forgetting score) and greedy behaviour on held-out
// prompts, the update's L2 norm and, where asked (CAD_SECOND_DRAW=1), CAD measured again on the pairs of seed 1.
// CAD_TARGET=target|target-v4 (default target-v4); writes bench/results/cad-calibration.json (target-v4) or
// cad-calibration-target.json, or the file CAD_OUT names, after every row (marked partial until the end).
//   nice npx tsx bench/cad-calibration.ts [pairs=16] [steps=20] [seeds=2] [groups=floor,bench,noise,sft,mid,long] [long=5,20] [behaviour=1]
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { execSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fromF32, Pcg32, readF32, release, type ArrRecord } from '../src/core/lab';
import type { CircuitGraph } from '../src/core/circuits/types';
import { behaviourRates, type BehaviourRates } from '../src/core/edits/unlearn/behaviour';
import { behaviourMaxNew, corpusOfModel } from '../src/core/edits/unlearn/corpora';
import { circuitAttributionDivergence, forgetAttribution, forgetTokenPairs, type CadResult } from '../src/core/edits/unlearn/forgetCircuit';
import { DEFAULT_MANSU_OPTIONS, runMansu } from '../src/core/edits/unlearn/mansuPipeline';
import type { UnlearnMethod } from '../src/core/edits/unlearn/objectives';
import { DEFAULT_MARGINS } from '../src/core/edits/unlearn/properties';
import { bnbLinearWeights } from '../src/core/edits/unlearn/quantEval';
import { refusalSplit } from '../src/core/edits/unlearn/refusalSplit';
import { forgeBehaviourPrompts, forgeCorpus, forgeUnlearnData, loadUnlearnModelFolder } from '../src/core/edits/unlearn/runNode';
import type { CorpusRecord } from '../src/core/edits/unlearn/splits';
import { encode, makeEvaluator, runUnlearning } from '../src/core/edits/unlearn/trainer';
import { cadScaleReadings } from './cadReadings';

const ROOT = new URL('..', import.meta.url).pathname;
const PAIRS = Number(process.argv[2] ?? 16);
const STEPS = Number(process.argv[3] ?? 20);
const SEEDS = Number(process.argv[4] ?? 2);
const GROUPS = new Set((process.argv[5] ?? 'floor,bench,noise,sft,mid,long').split(','));
const LONG = (process.argv[6] ?? '5,20').split(',').map(Number);
const BEHAVIOUR = (process.argv[7] ?? '1') === '1';
const IG_STEPS = 5;
const TOP_N = 64;
const TOPIC = 'poison';
const BATCH = 8;
const FLOOR_DRAWS = [1, 2, 3];
// 1× is the smoke run's "harmless", 10× its "broken" (retain drop 0.62): the steps between find where CAD leaves the floor
const NOISE_FACTORS = [1, 2, 3, 5, 10, 100];
const SECOND_DRAW = process.env.CAD_SECOND_DRAW === '1';
const MODEL_ID = process.env.CAD_TARGET ?? 'target-v4';
if (MODEL_ID !== 'target' && MODEL_ID !== 'target-v4') throw new Error(`CAD_TARGET must be target or target-v4, got ${MODEL_ID}`);
const CORPUS = corpusOfModel(MODEL_ID);
const OUT = process.env.CAD_OUT ?? (MODEL_ID === 'target-v4' ? 'bench/results/cad-calibration.json' : 'bench/results/cad-calibration-target.json');
const MAX_NEW = behaviourMaxNew(MODEL_ID, 12);
const uptime = () => execSync('uptime').toString().trim();

interface Row {
  name: string;
  group: 'floor' | 'bench' | 'noise' | 'sft' | 'long';
  seed: number | null;
  /** What was done, in words (method, steps, lr, noise norm). */
  setting: string;
  seconds: number;
  /** L2 norm of the parameter change (null for the floor rows, which change no weight). */
  updateNorm: number | null;
  cad: CadResult;
  scale: ReturnType<typeof cadScaleReadings>;
  /** logit_diff (forget token − refusal token) on the clean / corrupted prompts, mean over pairs. */
  cleanMetric: number | null;
  corruptedMetric: number | null;
  /** CAD of the same edit on the pairs of seed 1 (CAD_SECOND_DRAW=1). */
  cadSecondDraw?: CadResult;
  forgetNll: number | null;
  retainNll: number | null;
  /** The four properties' forgetting / retain values: 1 − S/S(base), S = exp(−NLL). */
  forgetDrop: number | null;
  retainDrop: number | null;
  behaviour?: BehaviourRates;
  load: number;
}

function updateNorm(base: ArrRecord, edited: ArrRecord): number {
  let s = 0;
  for (const n of Object.keys(base)) {
    const b = readF32(base[n]);
    const e = readF32(edited[n]);
    for (let i = 0; i < b.length; i++) s += (e[i] - b[i]) ** 2;
  }
  return Math.sqrt(s);
}

async function main(): Promise<void> {
  console.log(`CAD calibration on ${MODEL_ID}: ${PAIRS} pairs, m = ${IG_STEPS}, ${STEPS} steps, seeds ${SEEDS}, groups ${[...GROUPS].join(',')}, long × ${LONG.join(',')} | ${uptime()}`);
  const started = new Date().toISOString();
  const loadBefore = uptime();
  const model = await loadUnlearnModelFolder(join(ROOT, 'models', MODEL_ID));
  const { data, split } = await forgeUnlearnData({ corpus: CORPUS, forgetTopic: TOPIC, forgetSize: 64, retainSize: 256, seed: 0 });
  const corpus = forgeCorpus(CORPUS);
  const benign = corpus.examples.filter((e) => e.split === 'train' && (e.category === 'task' || e.category === 'chat') && !(e as { history?: readonly unknown[] }).history?.length).map((e) => e.prompt);
  const prompts = forgeBehaviourPrompts(TOPIC, 12, CORPUS);
  const pairsOf = (seed: number) => forgetTokenPairs(model, data.forget, benign, PAIRS, seed);
  const pairsA = pairsOf(0);
  const pairsB = pairsOf(1);
  const firstTokens = [...new Set(pairsA.map((p) => model.tokenizer.decode([p.plus ?? 0], { skipSpecialTokens: false })))];
  console.log(`forget tokens (plus) on pairs A: ${JSON.stringify(firstTokens)}; minus ${JSON.stringify(model.tokenizer.decode([pairsA[0].minus ?? 0], { skipSpecialTokens: false }))}`);

  // evaluation: the held-out forget / retain NLL (the first 32 of each, as quantEval.ts and the trainer's metrics)
  const sets = { forget: encode(model, data.evalForget.slice(0, 32)), retain: encode(model, data.evalRetain.slice(0, 32)) };
  const maxLen = Math.max(...[...sets.forget, ...sets.retain].map((e) => e.tokens.length));
  const evalFn = makeEvaluator(model, Math.min(model.maxPositions, maxLen - 1), model.tokenizer.padId ?? 0);
  const baseNll = { forget: evalFn(model.params, sets.forget), retain: evalFn(model.params, sets.retain) };
  const baseBehaviour = BEHAVIOUR ? behaviourRates(model, model.params, prompts, MAX_NEW) : undefined;
  console.log(`base: forget NLL ${baseNll.forget.toFixed(3)} retain NLL ${baseNll.retain.toFixed(3)}${baseBehaviour ? ` | reproduces ${baseBehaviour.forget.reproduces.toFixed(2)} refuses ${baseBehaviour.forget.refusal.toFixed(2)} tasks ${baseBehaviour.benign.reproduces.toFixed(2)}` : ''}`);

  let t = Date.now();
  const baseA = await forgetAttribution(model, model.params, pairsA, IG_STEPS);
  const attributionSeconds = (Date.now() - t) / 1000;
  console.log(`base attribution: ${attributionSeconds.toFixed(0)} s, clean ${baseA.meta.cleanMetric?.toFixed(3)} corrupted ${baseA.meta.corruptedMetric?.toFixed(3)}, ${baseA.edges.length} edges`);
  const baseB = SECOND_DRAW ? await forgetAttribution(model, model.params, pairsB, IG_STEPS) : null;

  const rows: Row[] = [];
  const write = async (partial: boolean) => {
    await writeFile(resolve(ROOT, OUT), JSON.stringify({
      partial, started, date: new Date().toISOString(), machine: `${cpus().length} cores; uptime at the start: ${loadBefore}; at this write: ${uptime()}`, node: process.version,
      model: MODEL_ID, corpus: CORPUS, topic: TOPIC, split,
      settings: { pairs: PAIRS, igSteps: IG_STEPS, topN: TOP_N, steps: STEPS, seeds: SEEDS, batchSize: BATCH, groups: [...GROUPS], long: LONG, floorDraws: FLOOR_DRAWS, secondDraw: SECOND_DRAW, behaviour: BEHAVIOUR ? { perSet: 12, maxNewTokens: MAX_NEW } : null, mansuDefaults: DEFAULT_MANSU_OPTIONS },
      margins: DEFAULT_MARGINS,
      definitions: {
        cad: 'CAD = 1 − cos(s, s′) of the EAP-IG edge scores (logit_diff forget-response token vs refusal token) of the base (s) and the other graph (s′), same pairs unless the row says otherwise',
        relL2: '|s′ − s| / |s| (bench-only, scale-aware; not CAD)', projScale: 's·s′ / s·s: how much of the base attribution is left along its own direction (bench-only)',
        forgetDrop: '1 − exp(−NLL_f) / exp(−NLL_f base) on the first 32 held-out forget pairs (the forgetting property); retainDrop likewise',
      },
      base: { forgetNll: baseNll.forget, retainNll: baseNll.retain, behaviour: baseBehaviour, cleanMetric: baseA.meta.cleanMetric, corruptedMetric: baseA.meta.corruptedMetric, total: rows[0]?.cad.totalBefore ?? null, attributionSeconds, forgetTokens: firstTokens },
      rows,
    }, null, 1) + '\n');
  };
  const add = async (r: Omit<Row, 'load' | 'scale'> & { graph: CircuitGraph; base: CircuitGraph }) => {
    const { graph, base, ...rest } = r;
    const row: Row = { ...rest, scale: cadScaleReadings(base, graph), load: loadavg()[0] };
    rows.push(row);
    await write(true);
    const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '–' : x.toFixed(d));
    console.log(`${row.name.padEnd(28)} CAD ${f(row.cad.cad, 4)} relL2 ${f(row.scale.relL2)} proj ${f(row.scale.projScale)} Σ|s| ${f(row.cad.totalAfter / row.cad.totalBefore)}× jac ${f(row.cad.topJaccard, 2)} clean ${f(row.cleanMetric, 2)} | fNLL ${f(row.forgetNll)} rNLL ${f(row.retainNll)} drop ${f(row.forgetDrop)}/${f(row.retainDrop)} |Δ| ${f(row.updateNorm, 2)}${row.behaviour ? ` repro ${f(row.behaviour.forget.reproduces, 2)} ref ${f(row.behaviour.forget.refusal, 2)} tasks ${f(row.behaviour.benign.reproduces, 2)}` : ''}${row.cadSecondDraw ? ` CAD(B) ${f(row.cadSecondDraw.cad, 4)}` : ''} | ${row.seconds.toFixed(0)} s load ${row.load.toFixed(1)}`);
  };

  // 1. the noise floor: no weight changes, only the pairs (or m) do
  if (GROUPS.has('floor')) {
    t = Date.now();
    const again = await forgetAttribution(model, model.params, pairsA, IG_STEPS);
    const same = circuitAttributionDivergence(baseA, again, TOP_N);
    if (Math.abs(same.cad) > 1e-9 || same.topJaccard !== 1) throw new Error(`sanity: the base against itself on the same pairs must give CAD 0 and Jaccard 1, got ${same.cad} / ${same.topJaccard}`);
    await add({ name: 'base vs base, same pairs', group: 'floor', seed: 0, setting: 'attribution repeated (sanity: 0)', seconds: (Date.now() - t) / 1000, updateNorm: null, cad: same, cleanMetric: again.meta.cleanMetric ?? null, corruptedMetric: again.meta.corruptedMetric ?? null, forgetNll: null, retainNll: null, forgetDrop: null, retainDrop: null, graph: again, base: baseA });
    for (const d of FLOOR_DRAWS) {
      t = Date.now();
      const g = d === 1 && baseB ? baseB : await forgetAttribution(model, model.params, pairsOf(d), IG_STEPS);
      await add({ name: `base, pairs of seed ${d}`, group: 'floor', seed: d, setting: `base attributed on another draw of ${PAIRS} pairs (seed ${d}) vs seed 0`, seconds: (Date.now() - t) / 1000, updateNorm: null, cad: circuitAttributionDivergence(baseA, g, TOP_N), cleanMetric: g.meta.cleanMetric ?? null, corruptedMetric: g.meta.corruptedMetric ?? null, forgetNll: null, retainNll: null, forgetDrop: null, retainDrop: null, graph: g, base: baseA });
    }
    t = Date.now();
    const m10 = await forgetAttribution(model, model.params, pairsA, 10);
    await add({ name: 'base, m = 10', group: 'floor', seed: 0, setting: 'same pairs, EAP-IG m = 10 vs 5 (the IG discretisation)', seconds: (Date.now() - t) / 1000, updateNorm: null, cad: circuitAttributionDivergence(baseA, m10, TOP_N), cleanMetric: m10.meta.cleanMetric ?? null, corruptedMetric: m10.meta.corruptedMetric ?? null, forgetNll: null, retainNll: null, forgetDrop: null, retainDrop: null, graph: m10, base: baseA });
  }

  // an edited model scored the same way as every other row; its params are released here
  const scoreEdit = async (name: string, group: Row['group'], seed: number | null, setting: string, seconds: number, params: ArrRecord) => {
    const g = await forgetAttribution(model, params, pairsA, IG_STEPS);
    const second = baseB ? circuitAttributionDivergence(baseB, await forgetAttribution(model, params, pairsB, IG_STEPS), TOP_N) : undefined;
    const nll = { forget: evalFn(params, sets.forget), retain: evalFn(params, sets.retain) };
    const behaviour = BEHAVIOUR ? behaviourRates(model, params, prompts, MAX_NEW) : undefined;
    const norm = updateNorm(model.params, params);
    release(params);
    await add({
      name, group, seed, setting, seconds, updateNorm: norm, cad: circuitAttributionDivergence(baseA, g, TOP_N), ...(second ? { cadSecondDraw: second } : {}),
      cleanMetric: g.meta.cleanMetric ?? null, corruptedMetric: g.meta.corruptedMetric ?? null,
      forgetNll: nll.forget, retainNll: nll.retain, forgetDrop: 1 - Math.exp(baseNll.forget - nll.forget), retainDrop: 1 - Math.exp(baseNll.retain - nll.retain),
      ...(behaviour ? { behaviour } : {}), graph: g, base: baseA,
    });
    return norm;
  };
  const mansu = async (name: string, group: Row['group'], seed: number, steps: number) => {
    t = Date.now();
    const r = await runMansu(model, data, { objective: { ...DEFAULT_MANSU_OPTIONS.objective, steps, seed, batchSize: BATCH, checkpointEvery: steps } }, { benignPrompts: benign });
    return scoreEdit(name, group, seed, `MANSU at its defaults (the paper's steps, no retain guard), ${steps} steps, lr ${String(DEFAULT_MANSU_OPTIONS.objective.lr)}`, (Date.now() - t) / 1000, r.params);
  };
  const baseline = async (name: string, group: Row['group'], method: UnlearnMethod, seed: number, steps: number, lr?: number) => {
    t = Date.now();
    const r = await runUnlearning(model, data, { method, steps, seed, batchSize: BATCH, checkpointEvery: steps, ...(lr ? { lr } : {}) }, { split });
    return scoreEdit(name, group, seed, `${method}, ${steps} steps, lr ${lr ?? 'default (1e-3)'}`, (Date.now() - t) / 1000, r.params);
  };

  // 2. the edits at the bench's settings (seed 0 of MANSU first: the noise rows take its update norm)
  let mansuNorm: number | null = null;
  if (GROUPS.has('bench') || GROUPS.has('noise')) mansuNorm = await mansu(`mansu, ${STEPS} steps`, 'bench', 0, STEPS);

  // 3c. structure-agnostic change: Gaussian noise on the 4-bit-quantized linear weights at MANSU's update norm
  if (GROUPS.has('noise') && mansuNorm !== null) {
    const linear = bnbLinearWeights(model);
    const count = linear.reduce((s, n) => s + readF32(model.params[n]).length, 0);
    for (const k of NOISE_FACTORS) {
      t = Date.now();
      const rng = new Pcg32(k, 91);
      const sd = (k * mansuNorm) / Math.sqrt(count);
      const noisy: ArrRecord = {};
      for (const [n, a] of Object.entries(model.params)) {
        if (!linear.includes(n)) {
          noisy[n] = a.ref;
          continue;
        }
        const w = Float32Array.from(readF32(a), (x) => x + sd * rng.normal());
        noisy[n] = fromF32(w, [...a.shape]);
      }
      await scoreEdit(`noise × ${k} |Δ mansu|`, 'noise', null, `Gaussian noise (sd ${sd.toExponential(2)}) on ${linear.length} linear weights, total norm ≈ ${k} × MANSU seed 0's |Δ| = ${(k * mansuNorm).toFixed(3)}`, (Date.now() - t) / 1000, noisy);
    }
  }

  // 3b. the refusal fine-tune copy: its answer to the forget prompts moves to refusal
  const { data: sftData } = refusalSplit(corpus.examples as unknown as CorpusRecord[], { topic: TOPIC, refusalSize: null, retainSize: 400, seed: 0 });
  const refusalSft = async (group: Row['group'], steps: number, lr: number) => {
    t = Date.now();
    const r = await runUnlearning(model, sftData, { method: 'refusal_sft', steps, lr, seed: 0, batchSize: BATCH, checkpointEvery: steps, evalSize: 4 });
    await scoreEdit(`refusal_sft, ${steps} steps, lr ${lr}`, group, 0, `refusal fine-tune on ${TOPIC} (refusalSplit, retain 400), ${steps} steps, lr ${lr}${steps === 3 * STEPS && lr === 1e-2 ? ' (the C-Δθ bench\'s)' : ''}`, (Date.now() - t) / 1000, r.params);
  };
  if (GROUPS.has('sft')) await refusalSft('sft', 3 * STEPS, 1e-2);
  // mid: between the bench's edits and the lr × 10 runs, which broke target-v4 in the first full run (retain NLL 54):
  // lr × 3 for GA / NPO, and gentler refusal fine-tunes (the 60-step one cost tasks 0.58 → 0.08)
  if (GROUPS.has('mid')) {
    await baseline(`grad_ascent, ${STEPS} steps, lr ×3`, 'long', 'grad_ascent', 0, STEPS, 3e-3);
    await baseline(`npo, ${STEPS} steps, lr ×3`, 'long', 'npo', 0, STEPS, 3e-3);
    await refusalSft('sft', STEPS, 1e-2);
    await refusalSft('sft', 3 * STEPS, 3e-3);
    await refusalSft('sft', STEPS, 3e-3);
  }

  // seed 0 of the baselines, then the same methods pushed until the forget behaviour goes (lr × 10), then seed 1…,
  // then longer runs: every method × LONG[0], grad_ascent alone × the larger factors (the slowest rows come last)
  const benchSeed = async (seed: number) => {
    if (seed > 0) await mansu(`mansu, ${STEPS} steps`, 'bench', seed, STEPS);
    await baseline(`grad_ascent, ${STEPS} steps`, 'bench', 'grad_ascent', seed, STEPS);
    await baseline(`npo, ${STEPS} steps`, 'bench', 'npo', seed, STEPS);
  };
  if (GROUPS.has('bench')) await benchSeed(0);
  if (GROUPS.has('long')) {
    await baseline(`grad_ascent, ${STEPS} steps, lr ×10`, 'long', 'grad_ascent', 0, STEPS, 1e-2);
    await baseline(`npo, ${STEPS} steps, lr ×10`, 'long', 'npo', 0, STEPS, 1e-2);
  }
  if (GROUPS.has('bench')) for (let seed = 1; seed < SEEDS; seed++) await benchSeed(seed);
  if (GROUPS.has('long')) {
    for (const [i, k] of LONG.entries()) {
      await baseline(`grad_ascent, ${k * STEPS} steps`, 'long', 'grad_ascent', 0, k * STEPS);
      if (i > 0) continue;
      await baseline(`npo, ${k * STEPS} steps`, 'long', 'npo', 0, k * STEPS);
      await mansu(`mansu, ${k * STEPS} steps`, 'long', 0, k * STEPS);
    }
  }
  evalFn.dispose();
  await write(false);
  console.log(`done | ${uptime()}`);
}

main().catch((e: Error) => {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
