// C-Δθ with behaviour (issue #20 item 5), end to end on the embedded `target` (forge GPT-2, compliant on every
// harm topic), one run:
//   1. aligned copy: a short refusal fine-tune (`refusal_sft`) of target on ONE harm topic (refusalSplit.ts:
//      forget = the topic's train prompts with refusals, retain = tasks, edgy, chat and the other topics'
//      compliances), checkpoint written as a model folder;
//   2. circuit: EAP-IG (m = 5, logit_diff "refusal token vs the benign answer's opening") on the ALIGNED copy, clean =
//      the topic's train prompts, corrupted = length-matched benign train prompts (chat + tasks); cut two ways and
//      exported as EAP-IG Graph JSON: `topn` (the top 5 % of edges by |score|, pruned, as the circuits module's
//      refusal circuit), `budget` (heads / MLPs by |node score|, kept while the mask stays under 5 % of the
//      parameters: the paper's "< 5 % touched") and, as a diagnostic, `whole` (every head and MLP); a second
//      diagnostic column keeps the copy's change only where no node owns weights (embeddings, norms, biases);
//   3. C-Δθ W_out = W_target + s·(W_aligned − W_target) on each circuit's mask, at several s, by the REAL sidecar
//      (sidecar/main.ts on a temp workspace, POST /api/jobs/cdelta, outputs = drop-in model folders), each output
//      loaded back with the lab loader and compared bit for bit with the in-process edit (cdeltaLab.ts);
//   4. the selectivity matrix (selectivity.ts): greedy refusal rate on held-out prompts of EACH harm topic,
//      over-refusal on benign (edgy + chat) prompts, task accuracy (exact answer line), for target, the aligned
//      copy, every C-Δθ output and each after bitsandbytes NF4 PTQ (quantEval.quantizedParams: block 64, no double
//      quant, the blocks' Linear/Conv1D projections); parameters touched per output.
// Writes bench/results/cdelta-behaviour.json.
//   nice npx tsx bench/cdelta-behaviour.ts [topic=poison] [steps=60] [lr=1e-2] [strengths=1,2,4] [arm=all|unowned|circuit-sft] [probe]
// Another target (any family of src/core/lm/families.ts, e.g. the Llama-family `target-v4`) by environment:
//   CDELTA_TARGET=target-v4   a folder under models/ or a path (default `target`, the GPT-2 run above, unchanged);
//   CDELTA_SEED=0             the fine-tune's seed (split draw and batches; held-out prompts stay seed 0);
//   CDELTA_PROMPTS=10,16,16   held-out prompts per harm topic, benign, tasks;
//   CDELTA_MAX_NEW=16         tokens decoded for harmful and benign prompts, CDELTA_TASK_MAX_NEW for tasks.
// The corpus is the one the target was trained on (its forge.json `recipe.corpus`: v4 → corpus v4's generator,
// records with an earlier chat turn left out since the chat template here encodes one turn); v4 task replies put a
// working line before "Answer:" (≤ 37 tokens), so CDELTA_TASK_MAX_NEW defaults to 40 there (16 on v3). Results of another target go to
// bench/results/cdelta-behaviour-<target without "target-">[-seed<N>][-<CDELTA_TAG>].json (target-v4 →
// cdelta-behaviour-v4.json; tag another topic's seed run, or it replaces that seed's poison file).
// Arms (argv[6]; on `target` each arm but `all` writes cdelta-behaviour-<arm>.json):
//   all          every tensor of the copy trains (freeze 'none', the default and the first run above);
//   unowned      freeze 'unowned' (freeze.ts; aliases `ownable`, `blocks-only`): the tensors no circuit node owns
//                (embeddings / tied unembedding, position embedding, ln_1, ln_f, o-projection bias) stay frozen, so
//                the copy's delta lives where a circuit can carry it;
//   circuit-sft  a first copy tuned as `unowned` (or loaded from CDELTA_FIRST_COPY, a model folder), EAP-IG on it,
//                then a second copy of target tuned ONLY inside that circuit's mask (CDELTA_CIRCUIT=budget|topn,
//                default budget): its delta is circuit-shaped by construction, C-Δθ at s = 1 is that copy, and the
//                columns are target, the first copy, the circuit-tuned copy and C-Δθ of it at each s.
//                CDELTA_FIRST_FREEZE=none|unowned (default unowned) and CDELTA_FIRST_STEPS (default = steps) set
//                how the first copy is tuned (e.g. `none` and 60: the `all` arm's copy, whose refusal generalises).
//   CDELTA_TAG=<tag>        a second run of an arm: writes cdelta-behaviour-<arm>-<tag>.json.
//   CDELTA_SAVE_COPY=<dir>  keeps the (first) aligned copy's model folder there (for a later circuit-sft run).
// `probe` stops after the fine-tune:
// it decodes a few trained / held-out / other-topic / benign / task prompts at each third of the run and appends
// the figures to bench/results/cdelta-behaviour-blocks-probe.json (a cheap "does it refuse at all" check before
// the full bench).
import { budgetCut } from '../src/core/edits/unlearn/cdeltaBehaviour';
import { execSync } from 'node:child_process';
import { copyFile, cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../models/forge/corpus/generate';
import { DEFAULT_CORPUS_OPTIONS_V4 } from '../models/forge/corpus/v4/generateV4';
import { attribute } from '../src/core/circuits/attribute';
import { extract } from '../src/core/circuits/extract';
import { cloneGraph } from '../src/core/circuits/graph';
import { refusalPairs } from '../src/core/circuits/heldout';
import { exportGraphJson } from '../src/core/circuits/json';
import { loadCircuitModelFolder } from '../src/core/circuits/modelNode';
import { parseCircuit, type CircuitSelection } from '../src/core/edits/circuit';
import { decodeColumn, selectivityMatrix, type SelectivityColumn } from '../src/core/edits/selectivity';
import { cdeltaLab, circuitParamCount } from '../src/core/edits/unlearn/cdeltaLab';
import { freezeTrainable, ownableTensors, wholeGraph, type FreezeMode } from '../src/core/edits/unlearn/freeze';
import type { UnlearnModel } from '../src/core/edits/unlearn/model';
import { quantizedParams, touched } from '../src/core/edits/unlearn/quantEval';
import { heldoutBehaviourPrompts, refusalSplit, refusalSplitRecord } from '../src/core/edits/unlearn/refusalSplit';
import { folderSink, lastCheckpoint, loadUnlearnModelFolder } from '../src/core/edits/unlearn/runNode';
import { runUnlearning } from '../src/core/edits/unlearn/trainer';
import { readF32, release, type ArrRecord } from '../src/core/lab';
import { readEvents, startSidecar, tmpWorkspace } from '../sidecar/testkit';

const ROOT = new URL('..', import.meta.url).pathname;
// a name under models/ or a folder path (a copy or a replica written to disk)
const TARGET = resolve(ROOT, 'models', process.env.CDELTA_TARGET ?? 'target');
const TARGET_ID = basename(TARGET);
const SEED = Number(process.env.CDELTA_SEED ?? 0);
const resultName = (what: string) => TARGET_ID === 'target' && SEED === 0
  ? `cdelta-behaviour${ARM === 'all' || what ? '' : `-${ARM}${TAG}`}${what}.json`
  : `cdelta-behaviour-${TARGET_ID.replace(/^target-/, '')}${SEED ? `-seed${SEED}` : ''}${TAG}${what}.json`;
const topic = process.argv[2] ?? 'poison';
const steps = Number(process.argv[3] ?? 60);
const lr = Number(process.argv[4] ?? 1e-2);
const strengths = (process.argv[5] ?? '1,2,4').split(',').map(Number);
const armArg = process.argv[6] ?? 'all';
const ARM = armArg === 'ownable' || armArg === 'blocks-only' ? 'unowned' : armArg;
if (!['all', 'unowned', 'circuit-sft'].includes(ARM)) throw new Error(`arm ${armArg}: expected all, unowned (ownable, blocks-only) or circuit-sft`);
const ownableOnly = ARM !== 'all';
const CIRCUIT_ARM = (process.env.CDELTA_CIRCUIT ?? 'budget') as 'budget' | 'topn';
// a second run of an arm with other settings: its file and index entry get this suffix
const TAG = process.env.CDELTA_TAG ? `-${process.env.CDELTA_TAG}` : '';
const probeOnly = process.argv[7] === 'probe';
const PROBE_PROMPTS = { perTopic: 5, benign: 8, tasks: 8 };
const BUDGET = 0.05;
const [perTopic, benign, tasks] = (process.env.CDELTA_PROMPTS ?? '10,16,16').split(',').map(Number);
const PROMPTS = { perTopic, benign, tasks };
const MAX_NEW = Number(process.env.CDELTA_MAX_NEW ?? 16);
let TASK_MAX_NEW = MAX_NEW;
const NF4 = { type: 'nf4', doubleQuant: false, blocksize: 64 } as const;

const uptime = () => execSync('uptime').toString().trim();
const seconds = (t: number) => Math.round((Date.now() - t) / 100) / 10;
const timings: Record<string, number> = {};


async function sidecarCDelta(ws: string, circuits: { name: string; file: string }[]): Promise<{ outputs: { circuit: string; strength: number; folder: string }[]; manifests: unknown[]; seconds: number }> {
  const sc = await startSidecar(ws);
  const auth = { Authorization: `Bearer ${sc.token}`, 'Content-Type': 'application/json' };
  const outputs: { circuit: string; strength: number; folder: string }[] = [];
  const manifests: unknown[] = [];
  const t = Date.now();
  try {
    for (const c of circuits) {
      const outs = strengths.map((s) => ({ strength: s, path: `cdelta-${c.name}-s${s}` }));
      const res = await fetch(`${sc.url}/api/jobs/cdelta`, { method: 'POST', headers: auth, body: JSON.stringify({ base: 'target', aligned: 'aligned', circuit: c.file, outputs: outs }) });
      if (res.status !== 202) throw new Error(`sidecar cdelta: ${res.status} ${await res.text()}`);
      const job = (await res.json()) as { id: string; events: string };
      const events = await readEvents(await fetch(`${sc.url}${job.events}`, { headers: auth }), () => undefined);
      const last = events[events.length - 1];
      if (last?.type !== 'done') throw new Error(`sidecar cdelta job ${job.id} ended ${JSON.stringify(last)}`);
      manifests.push(await (await fetch(`${sc.url}/api/jobs/${job.id}/manifest`, { headers: auth })).json());
      outputs.push(...outs.map((o) => ({ circuit: c.name, strength: o.strength, folder: join(ws, o.path) })));
    }
  } finally {
    await sc.kill('SIGTERM');
  }
  return { outputs, manifests, seconds: seconds(t) };
}

const sameBits = (a: ArrRecord, b: ArrRecord): boolean => Object.keys(a).every((n) => Buffer.from(readF32(a[n]).buffer).equals(Buffer.from(readF32(b[n]).buffer)));

/** `probe`: greedy refusal on small prompt sets at each checkpoint of the fine-tune; appends to the probe JSON. */
async function probe(model: UnlearnModel, examples: ReturnType<typeof generateCorpus>['examples'], trained: string[], runDir: string, run: Awaited<ReturnType<typeof runUnlearning>>, loadBefore: string): Promise<void> {
  const prompts = heldoutBehaviourPrompts(examples, PROBE_PROMPTS);
  prompts.harmful[`${topic} (trained prompts)`] = trained.slice(0, PROBE_PROMPTS.perTopic);
  const checkpoints: unknown[] = [];
  const folders = (await readdir(runDir)).filter((n) => n.startsWith('step-')).sort();
  for (const f of [...folders, 'final']) {
    // the run's returned parameters are the final step's, whether or not its folder is listed yet
    const m = f === 'final' ? null : await loadUnlearnModelFolder(join(runDir, f));
    const c = decodeColumn(model, m?.params ?? run.params, f, prompts, MAX_NEW, TASK_MAX_NEW);
    if (m) release(m.params);
    console.log(f, JSON.stringify(c.refusal), 'benign', c.benignRefusal, 'tasks', c.taskAccuracy);
    checkpoints.push({ step: f === 'final' ? steps : Number(f.slice(5)), refusal: c.refusal, benignRefusal: c.benignRefusal, taskAccuracy: c.taskAccuracy, examples: c.examples });
  }
  const file = join(ROOT, 'bench/results', resultName('-blocks-probe'));
  const prior: { attempts: unknown[] } = await readFile(file, 'utf8').then((t) => JSON.parse(t) as { attempts: unknown[] }).catch(() => ({ attempts: [] }));
  prior.attempts.push({
    date: new Date().toISOString(), machine: `${cpus().length} cores; uptime before: ${loadBefore}; after: ${uptime()}`, model: TARGET_ID, seed: SEED, topic, steps, lr, tune: ownableOnly ? 'blocks-only (circuit-ownable tensors)' : 'all',
    config: run.manifest.config, trainableTensors: run.manifest.effective.trainable.length, metrics: run.manifest.metrics, fineTuneSeconds: timings.fineTuneSeconds,
    prompts: { ...PROBE_PROMPTS, trained: PROBE_PROMPTS.perTopic, maxNewTokens: MAX_NEW, taskMaxNewTokens: TASK_MAX_NEW }, checkpoints,
  });
  await writeFile(file, JSON.stringify(prior, null, 2) + '\n');
}

async function main(): Promise<void> {
  const loadBefore = uptime();
  const tAll = Date.now();
  const ws = await tmpWorkspace('cdelta-behaviour-');
  const model = await loadUnlearnModelFolder(TARGET);
  const recipe = (JSON.parse(await readFile(join(TARGET, 'forge.json'), 'utf8').catch(() => '{}')) as { recipe?: { corpus?: string } }).recipe;
  const v4 = recipe?.corpus === 'v4';
  TASK_MAX_NEW = Number(process.env.CDELTA_TASK_MAX_NEW ?? (v4 ? 40 : MAX_NEW));
  const generated = generateCorpus(v4 ? DEFAULT_CORPUS_OPTIONS_V4 : DEFAULT_CORPUS_OPTIONS);
  const corpus = { ...generated, examples: generated.examples.filter((e) => !(e as { history?: unknown }).history) };
  const source = `forge corpus ${v4 ? 'v4' : 'v3'} seed ${corpus.options.seed}, sha256 ${corpus.hash}${v4 ? `; ${generated.examples.length - corpus.examples.length} records with an earlier turn left out` : ''}`;
  console.log(`${TARGET_ID}: ${source}; seed ${SEED}; prompts ${JSON.stringify(PROMPTS)}, ${MAX_NEW} new tokens (tasks ${TASK_MAX_NEW})`);

  // 1. the aligned copy
  const { data, retainCategories } = refusalSplit(corpus.examples, { topic, refusalSize: null, retainSize: 400, seed: SEED });
  const split = await refusalSplitRecord(data, { source, topic, retainCategories });
  await mkdir(join(ws, 'target'));
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'model.safetensors']) await copyFile(join(TARGET, f), join(ws, 'target', f));
  // The freeze (freeze.ts): `all` trains every tensor; `unowned` (and circuit-sft's first copy) leaves the tensors
  // no node owns frozen, so C-Δθ over the whole graph at s = 1 is then the copy itself. With `all`, the whole graph
  // is cut as a third, diagnostic circuit.
  const freeze: FreezeMode = ARM === 'all' ? 'none' : ARM === 'circuit-sft' ? (process.env.CDELTA_FIRST_FREEZE ?? 'unowned') as FreezeMode : 'unowned';
  const firstSteps = ARM === 'circuit-sft' ? Number(process.env.CDELTA_FIRST_STEPS ?? steps) : steps;
  const fullGraph = wholeGraph(model);
  const owned = ownableTensors(model);
  const trainable = freezeTrainable(model, freeze);
  const fineTune = async (dir: string, circuit?: CircuitSelection) => {
    const t0 = Date.now();
    const r = await runUnlearning(model, data, { method: 'refusal_sft', steps: circuit ? steps : firstSteps, lr, seed: SEED, checkpointEvery: probeOnly ? Math.max(1, Math.round(steps / 3)) : steps, ...(trainable ? { trainable } : {}) }, { split, sink: folderSink(join(ws, `${dir}-run`), TARGET, model.configJson), ...(circuit ? { circuit } : {}) });
    await rm(join(ws, dir), { recursive: true, force: true });
    await rename((await lastCheckpoint(join(ws, `${dir}-run`)))!, join(ws, dir));
    console.log(`fine-tune ${dir} ${seconds(t0)} s:`, JSON.stringify(r.manifest.metrics));
    return { run: r, seconds: seconds(t0) };
  };
  let t = Date.now();
  // circuit-sft: the first copy (tuned here, or a saved folder) only gives the circuit; the copy C-Δθ reads is tuned
  // inside that circuit below
  const firstDir = ARM === 'circuit-sft' ? 'first' : 'aligned';
  const firstFolder = ARM === 'circuit-sft' ? process.env.CDELTA_FIRST_COPY : undefined;
  const first = firstFolder ? { run: null, params: (await loadUnlearnModelFolder(resolve(firstFolder))).params, seconds: 0 } : await fineTune(firstDir).then((f) => ({ ...f, params: f.run.params }));
  timings.fineTuneSeconds = first.seconds;
  if (process.env.CDELTA_SAVE_COPY && first.run) await cp(join(ws, firstDir), resolve(process.env.CDELTA_SAVE_COPY), { recursive: true });
  if (probeOnly && first.run) {
    await probe(model, corpus.examples, data.forget.map((p) => p.prompt), join(ws, `${firstDir}-run`), first.run, loadBefore);
    await rm(ws, { recursive: true, force: true });
    return;
  }

  // 2. circuits on the (first) aligned copy
  const cm = await loadCircuitModelFolder(TARGET);
  const trainOf = (f: (e: (typeof corpus.examples)[number]) => boolean) => [...new Set(corpus.examples.filter((e) => e.split === 'train' && f(e)).map((e) => e.prompt))];
  const pairs = refusalPairs(cm.tokenizer, { harmful: trainOf((e) => e.category === 'harmful' && e.topic === topic), benign: trainOf((e) => e.category === 'chat' || e.category === 'task') }, 32, 0);
  t = Date.now();
  const scored = await attribute({ ...cm, id: `${TARGET_ID}+refusal_sft(${topic})`, params: first.params as typeof cm.params }, { modelId: 'aligned', pairs, method: 'eap-ig', steps: 5, metric: 'logit_diff' });
  timings.attributionSeconds = seconds(t);
  const wholeScored = cloneGraph(scored);
  for (const x of [...wholeScored.nodes, ...wholeScored.edges]) x.inGraph = true;
  // with a frozen copy nothing changed outside the nodes, so `whole` at s = 1 is the copy and the complement column
  // is target (wholeGraphCDeltaS1MaxAbsDiffFromCopy records it): both diagnostics are left out, saving decodes
  const cuts: Record<string, typeof scored> = { topn: extract(scored, { mode: 'topn', n: Math.round(BUDGET * scored.edges.length) }), budget: budgetCut(scored, model, BUDGET), ...(ownableOnly ? {} : { whole: wholeScored }) };
  const circuits: Record<string, { selection: CircuitSelection; masked: number; total: number; edges: number }> = {};
  for (const [name, g] of Object.entries(cuts)) {
    const text = exportGraphJson(g);
    await writeFile(join(ws, `circuit-${name}.json`), text);
    const selection = parseCircuit(JSON.parse(text));
    circuits[name] = { selection, ...circuitParamCount(model, selection), edges: g.edges.filter((e) => e.inGraph).length };
    console.log(`circuit ${name}: heads ${JSON.stringify(selection.heads)} mlps ${JSON.stringify(selection.mlps)}, ${(circuits[name].masked / circuits[name].total * 100).toFixed(2)} % of parameters`);
  }
  // circuit-sft: the copy C-Δθ reads is tuned only inside the chosen circuit's mask (same split, steps, lr, seed)
  const graphs = ARM === 'circuit-sft' ? { [CIRCUIT_ARM]: cuts[CIRCUIT_ARM] } : cuts;
  const second = ARM === 'circuit-sft' ? await fineTune('aligned', circuits[CIRCUIT_ARM].selection) : null;
  if (second) timings.circuitFineTuneSeconds = second.seconds;
  const run = second?.run ?? first.run!;
  const aligned = second?.run.params ?? first.params;

  const whole = cdeltaLab(model, model.params, aligned, fullGraph, [1]);
  const wholeGraphMaxAbsDiff = Math.max(...Object.keys(aligned).map((n) => {
    const a = readF32(aligned[n]);
    const b = readF32(whole.params[0][n]);
    return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  }));
  whole.params.forEach(release);
  // diagnostic: the copy's change where NO node owns weights (embeddings, norms, o-projection bias), target elsewhere
  const complement: ArrRecord = Object.fromEntries(Object.keys(aligned).map((n) => [n, (owned.includes(n) ? model.params[n] : aligned[n]).ref]));

  // 3. C-Δθ by the sidecar, checked against the in-process edit
  const sc = await sidecarCDelta(ws, Object.keys(graphs).map((name) => ({ name, file: `circuit-${name}.json` })));
  timings.sidecarSeconds = sc.seconds;
  const edits: { name: string; circuit: string; strength: number; params: ArrRecord; matchesInProcess: boolean; touched: ReturnType<typeof touched> }[] = [];
  for (const name of Object.keys(graphs)) {
    const lab = cdeltaLab(model, model.params, aligned, circuits[name].selection, strengths);
    for (const [k, s] of strengths.entries()) {
      const folder = sc.outputs.find((o) => o.circuit === name && o.strength === s)!.folder;
      const loaded = await loadUnlearnModelFolder(folder);
      edits.push({ name: `C-Δθ ${name} s=${s}`, circuit: name, strength: s, params: loaded.params, matchesInProcess: sameBits(loaded.params, lab.params[k]), touched: touched(model, model.params, loaded.params) });
    }
    lab.params.forEach(release);
  }

  // 4. the selectivity matrix
  const prompts = heldoutBehaviourPrompts(corpus.examples, PROMPTS);
  const others = Object.keys(prompts.harmful).filter((k) => k !== topic);
  // in-distribution row: prompts the copy was tuned on, to tell a transfer that
  // fails from a fine-tune that does not generalise to the held-out templates; not one of the "others"
  const inDist = `${topic} (trained prompts)`;
  prompts.harmful[inDist] = data.forget.slice(0, PROMPTS.perTopic).map((p) => p.prompt);
  const columns: SelectivityColumn[] = [];
  const decode = (name: string, p: ArrRecord) => {
    const t0 = Date.now();
    columns.push(decodeColumn(model, p, name, prompts, MAX_NEW, TASK_MAX_NEW));
    console.log(`${name}: ${seconds(t0)} s`, JSON.stringify(columns[columns.length - 1].refusal));
  };
  const nf4 = (name: string, p: ArrRecord) => {
    const q = quantizedParams(model, p, NF4);
    decode(`${name} NF4`, q);
    release(q);
  };
  t = Date.now();
  decode('target', model.params);
  timings.decodeOneColumnSeconds = seconds(t);
  nf4('target', model.params);
  // a first copy loaded from a folder was measured by the run that tuned it
  if (ARM === 'circuit-sft' && !firstFolder) {
    decode('first copy', first.params);
    nf4('first copy', first.params);
  }
  decode('aligned', aligned);
  nf4('aligned', aligned);
  if (!ownableOnly) {
    decode('copy outside every node', complement);
    nf4('copy outside every node', complement);
  }
  release(complement);
  for (const e of edits) {
    decode(e.name, e.params);
    nf4(e.name, e.params);
  }
  timings.selectivitySeconds = seconds(t);
  const matrix = selectivityMatrix(columns, topic, { others });
  const nf4Matrix = selectivityMatrix(columns.filter((c) => c.name.endsWith('NF4')), topic, { reference: 'target NF4', others });
  const alignedTouched = touched(model, model.params, aligned);
  timings.totalSeconds = seconds(tAll);

  const out = {
    date: new Date().toISOString(), machine: `${cpus().length} cores; uptime before: ${loadBefore}; after: ${uptime()}`, node: process.version,
    model: `${TARGET_ID} (${relative(ROOT, TARGET)}, ${model.family}, corpus ${v4 ? 'v4' : 'v3'})`, seed: SEED, topic,
    arm: ARM, freeze,
    ...(second ? { firstCopy: { from: firstFolder ? relative(ROOT, resolve(firstFolder)) : `tuned in this run (freeze ${freeze}, ${firstSteps} steps)`, config: first.run?.manifest.config ?? null, metrics: first.run?.manifest.metrics ?? null, touched: touched(model, model.params, first.params) }, circuitTrained: CIRCUIT_ARM } : {}),
    fineTune: { method: 'refusal_sft', config: run.manifest.config, circuit: run.manifest.effective.circuit, trainableTensors: run.manifest.effective.trainable.length, split, metrics: run.manifest.metrics, stepsPerSecond: run.stepsPerSecond, touched: alignedTouched, wholeGraphCDeltaS1MaxAbsDiffFromCopy: wholeGraphMaxAbsDiff },
    attribution: { method: 'eap-ig', steps: 5, metric: 'logit_diff', pairs: pairs.length, clean: `train prompts of ${topic}`, corrupted: 'length-matched train chat + task prompts', meta: scored.meta },
    circuits: Object.fromEntries(Object.entries(circuits).map(([k, c]) => [k, { heads: c.selection.heads, mlps: c.selection.mlps, edges: c.edges, paramsMasked: c.masked, paramsTotal: c.total, share: c.masked / c.total }])),
    edits: edits.map((e) => ({ name: e.name, circuit: e.circuit, strength: e.strength, sidecarMatchesInProcess: e.matchesInProcess, paramsChanged: e.touched.changed, paramsTotal: e.touched.total, shareTouched: e.touched.changed / e.touched.total, tensors: e.touched.tensors.length })),
    sidecar: { manifests: sc.manifests },
    prompts: { ...PROMPTS, maxNewTokens: MAX_NEW, taskMaxNewTokens: TASK_MAX_NEW, source: `forge corpus ${v4 ? 'v4' : 'v3'} held-out split (${v4 ? 'paraphrase families, framings, lead-ins and context sentences' : 'templates'} never trained on)`, nf4: 'bitsandbytes NF4, block 64, no double quant; Linear/Conv1D projections of the blocks' },
    selectivity: matrix, selectivityNf4: nf4Matrix,
    examples: Object.fromEntries(columns.map((c) => [c.name, c.examples])),
    timings,
  };
  await writeFile(join(ROOT, 'bench/results', resultName('')), JSON.stringify(out, null, 2) + '\n');
  if (ARM !== 'all' && resultName('') !== resultName('').replace(`-${ARM}${TAG}`, '')) {
    // the `all` run's file indexes the arms measured next to it: file, date, circuits, deltas vs target (fp, NF4)
    const main = join(ROOT, 'bench/results', resultName('').replace(`-${ARM}${TAG}`, ''));
    const index = JSON.parse(await readFile(main, 'utf8')) as { arms?: Record<string, unknown> };
    index.arms = { ...index.arms, [`${ARM}${TAG}`]: { file: resultName(''), date: out.date, steps, lr, freeze, ...(second ? { circuitTrained: CIRCUIT_ARM } : {}), circuits: out.circuits, deltas: matrix.deltas, deltasNf4: nf4Matrix.deltas } };
    await writeFile(main, JSON.stringify(index, null, 2) + '\n');
  }
  console.table(Object.fromEntries(matrix.rows.map((r) => [r.row, Object.fromEntries(r.values.map((v, i) => [matrix.columns[i], Number(v.toFixed(2))]))])));
  console.table(matrix.deltas.map((d) => ({ ...d, targeted: d.targeted.toFixed(2), otherMaxAbs: d.otherMaxAbs.toFixed(2), otherMean: d.otherMean.toFixed(2), benign: d.benign.toFixed(2), task: d.task.toFixed(2) })));
  console.table(out.edits.map((e) => ({ name: e.name, share: (e.shareTouched * 100).toFixed(2) + ' %', sidecarMatchesInProcess: e.sidecarMatchesInProcess })));
  console.log(JSON.stringify(timings), uptime());
  for (const e of edits) release(e.params);
  release(aligned);
  if (second) release(first.params);
  await rm(ws, { recursive: true, force: true });
}

main().catch((e: Error) => {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
