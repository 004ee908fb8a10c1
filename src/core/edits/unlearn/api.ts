// The in-browser unlearning engine (CONVENTIONS #1, #2): `UnlearnApi` over the embedded models, in-thread (tests)
// or through workers/lab.worker.ts. One job = load the model (cached per id), split the forge corpus for one harm
// topic (splits.ts forgeSplit), edit with one method (a baseline through trainer.ts runUnlearning, or MANSU through
// mansuPipeline.ts runMansu with each step switchable), score it at full precision and after NF4 / FP4 ± double
// quantization (quantEval.ts evaluateQuantized, with greedy-decoding behaviour on held-out forge prompts), attribute
// the forget behaviour before and after (forgetCircuit.ts, EAP-IG on the same pairs) for CAD, check the four
// properties (properties.ts), and hand back a serialisable result with the checkpoint's bytes and manifest. Where
// model files and the corpus come from is a dependency, so this file has no fetch, fs or DOM.
//
// Cancel: the trainer's steps are synchronous, so a worker running one never turns its event loop and a comlink
// `cancelUnlearn()` message lands only between phases. The caller may also pass a shared Int32Array (a
// SharedArrayBuffer: the app is cross-origin isolated); setting element 0 to 1 aborts at the next step, read on
// every progress event inside the run.
import { EngineHost } from '../../runtime/engineHost';
import { CancelledError } from '../../runtime/errors';
import { release, type ArrRecord } from '../../lab';
import { extract } from '../../circuits/extract';
import { CIRCUIT_MODEL_FILES, type CircuitModelFiles } from '../../circuits/model';
import type { CircuitGraph } from '../../circuits/types';
import { serialize } from '../safetensors';
import type { BehaviourPrompts, BehaviourRates } from './behaviour';
import { behaviourRates } from './behaviour';
import type { UnlearnConfig } from './config';
import { UnlearnConfigError, UnlearnModelError } from './errors';
import { circuitAttributionDivergence, DEFAULT_FORGET_ATTRIBUTION, forgetAttribution, forgetTokenPairs, type CadResult } from './forgetCircuit';
import type { UnlearnManifest, StepLog } from './manifest';
import { DEFAULT_MANSU_OPTIONS, runMansu, type MansuGiven, type MansuReport, type MansuStage } from './mansuPipeline';
import { checkpointTensors, loadUnlearnModel, type UnlearnModel } from './model';
import { UNLEARN_METHODS, type UnlearnMethod } from './objectives';
import { fourProperties, type FourProperties } from './properties';
import { evaluateQuantized, type QuantEvalResult } from './quantEval';
import { runCDeltaBehaviour, type CDeltaBehaviourReport, type CDeltaBehaviourRequest, type CDeltaProgress } from './cdeltaBehaviour';
import { corpusOfModel, type ForgeCorpusVersion } from './corpora';
import { forgeSplit, splitRecord, type CorpusRecord, type SplitRecord, type TextPair, type UnlearnData } from './splits';
import { runUnlearning, type UnlearnProgress } from './trainer';

export interface UnlearnEngineDeps {
  /** Bytes of models/<id>/<file> (config.json, tokenizer.json, tokenizer_config.json, model.safetensors). */
  readModelFiles(id: string, files: readonly string[], onProgress?: (p: { done: number; total: number }) => void): Promise<Map<string, Uint8Array>>;
  /**
   * The forge corpus records and a label naming it (seed and sha256) for the split record. `version` is the corpus
   * the job's model was trained on (corpora.ts corpusOfModel: v4 for target-v4); absent means v3.
   */
  corpus(version?: ForgeCorpusVersion): Promise<{ records: readonly CorpusRecord[]; source: string }>;
}

export type UnlearnJobMethod = UnlearnMethod | 'mansu';
export const UNLEARN_JOB_METHODS: readonly UnlearnJobMethod[] = [...UNLEARN_METHODS, 'mansu'];

/** MANSU's switches (mansuPipeline.ts MansuOptions): each step on or off, and the forget objective it trains. */
export interface MansuSwitches {
  objective: UnlearnMethod;
  circuit: boolean;
  fisher: boolean;
  nullSpace: boolean;
  floor: boolean;
  /** the retain guard (ours, not the paper's; absent = off, as in requests made before the switch) */
  retainGuard?: boolean;
}

/** One in-browser unlearning job. Every field is the user's choice (the edits spec's `unlearn` block). */
export interface UnlearnJobRequest {
  modelId: string;
  method: UnlearnJobMethod;
  /** Used when method is 'mansu'. */
  mansu?: MansuSwitches;
  /** Harm topic of the forge corpus whose compliance is forgotten. */
  forgetTopic: string;
  forgetSize: number;
  retainSize: number;
  steps: number;
  batchSize: number;
  /** Seeds the split draws and the run (batch order, RMU's direction). */
  seed: number;
  /** Peak learning rate; null: the method's default (config.ts). */
  lr: number | null;
  /** Held-out pairs per set for the forget / retain NLL. */
  evalSize: number;
  /** Held-out prompts per behaviour set (forget topic, other topics, tasks) greedily decoded; 0 skips behaviour. */
  behaviourPrompts: number;
  maxNewTokens: number;
  /** Forget/benign prompt pairs attributed (EAP-IG, m = 5) before and after the edit for CAD; 0 skips CAD. */
  cadPairs: number;
}

export type UnlearnJobPhase = 'load' | 'split' | 'circuit' | 'train' | 'mansu' | 'evaluate' | 'attribution';

/**
 * Progress of a job on one bar of `total` = 100: load 0–5, split 5–8, then (baselines) training 8–75 or (MANSU)
 * circuit 8–15, Fisher 15–18, retain subspaces 18–22, gated training 22–70, floor 70–75; evaluation 75–90;
 * attribution for CAD 90–100.
 */
export interface UnlearnJobProgress {
  phase: UnlearnJobPhase;
  done: number;
  total: 100;
  label: string;
  /** Training: the last step's losses (1-based step of `steps`). */
  step?: { step: number; total: number; log: StepLog };
}

export interface LoadedUnlearnModel {
  id: string;
  family: string;
  nLayers: number;
  nHeads: number;
  dModel: number;
  parameters: number;
  weightsSha256: string | null;
}

/** MANSU's per-stage report without its options echo (the request holds the switches). */
export type MansuStageReport = Omit<MansuReport, 'options' | 'train'>;

export interface UnlearnJobResult {
  request: UnlearnJobRequest;
  model: LoadedUnlearnModel;
  split: SplitRecord;
  /** The trainer's manifest (for MANSU: its training stage's, with method 'mansu' and the stage report added). */
  manifest: UnlearnManifest & { mansu?: MansuStageReport };
  quant: QuantEvalResult;
  /** Forgetting, retain, PTQ gap (NF4, block 64) and structural (CAD; null when cadPairs is 0), with margins. */
  properties: FourProperties;
  cad: CadResult | null;
  /** The forget behaviour's attribution graphs on the same pairs, each with its top circuit marked. */
  graphs: { before: CircuitGraph; after: CircuitGraph } | null;
  mansu: MansuStageReport | null;
  /** The unedited model's greedy behaviour on the same prompts at full precision (null when behaviour is off). */
  baseBehaviour: BehaviourRates | null;
  stepsPerSecond: number | null;
  seconds: { train: number; evaluate: number; attribution: number };
  /** The edited model as a loadable folder's files: F32 safetensors under the model's own names, config, manifest. */
  checkpoint: { safetensors: Uint8Array; configJson: string; manifestJson: string };
}

/** A C-Δθ-with-behaviour run (cdeltaBehaviour.ts): its report, and each strength's edited model as a loadable folder. */
export interface CDeltaJobResult {
  request: CDeltaBehaviourRequest;
  model: LoadedUnlearnModel;
  report: CDeltaBehaviourReport;
  /** Per strength (request order): F32 safetensors under the model's own names. */
  checkpoints: { strength: number; safetensors: Uint8Array }[];
  configJson: string;
  /** The run's record (request, split, circuit, matrix) without the circuit JSON (downloadable on its own). */
  manifestJson: string;
}

export interface UnlearnApi {
  loadUnlearnModel(id: string, onProgress?: (p: UnlearnJobProgress) => void): Promise<LoadedUnlearnModel>;
  runUnlearn(request: UnlearnJobRequest, onProgress?: (p: UnlearnJobProgress) => void, cancelFlag?: Int32Array): Promise<UnlearnJobResult>;
  /** refusal_sft copy → EAP-IG circuit on it → C-Δθ at each strength → the selectivity matrix (± NF4). Same cancel as runUnlearn. */
  runCDelta(request: CDeltaBehaviourRequest, onProgress?: (p: CDeltaProgress) => void, cancelFlag?: Int32Array): Promise<CDeltaJobResult>;
  cancelUnlearn(): Promise<void>;
}

const share = (from: number, to: number, done: number, total: number) => from + ((to - from) * Math.min(total, Math.max(0, done))) / Math.max(1, total);

/** Held-out forge prompts for greedy behaviour: the forget topic's, the other topics' (compliance refs), tasks. */
export function behaviourPromptsOf(records: readonly CorpusRecord[], forgetTopic: string, perSet: number): BehaviourPrompts {
  const pair = (r: CorpusRecord): TextPair => ({ id: r.id, prompt: r.prompt, response: r.response });
  // single-turn only: corpus v4's few multi-turn records cannot be decoded from their last prompt alone
  const heldout = records.filter((r) => r.split === 'heldout' && !r.history?.length);
  const harmful = heldout.filter((r) => r.category === 'harmful' && r.responseKind === 'compliance');
  return {
    forget: harmful.filter((r) => r.topic === forgetTopic).slice(0, perSet).map(pair),
    otherHarmful: harmful.filter((r) => r.topic !== forgetTopic).slice(0, perSet).map(pair),
    benign: heldout.filter((r) => r.category === 'task').slice(0, perSet).map(pair),
  };
}

function describe(m: UnlearnModel): LoadedUnlearnModel {
  return {
    id: m.id, family: m.family, nLayers: m.nLayers, nHeads: m.nHeads, dModel: m.dModel,
    parameters: Object.values(m.params).reduce((s, a) => s + a.shape.reduce((x, y) => x * y, 1), 0), weightsSha256: m.weightsSha256,
  };
}

/** F32 safetensors of every parameter under the checkpoint's names (as trainer.ts writes them). */
function checkpointBytes(m: UnlearnModel, params: ArrRecord): Uint8Array {
  const tensors = checkpointTensors(m, params);
  return serialize([...tensors.keys()].sort().map((name) => {
    const x = tensors.get(name)!;
    return { name, dtype: 'F32' as const, shape: x.shape, data: new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength) };
  }), { format: 'pt' });
}

interface Edited {
  params: ArrRecord;
  manifest: UnlearnJobResult['manifest'];
  safetensors: Uint8Array | null;
  stepsPerSecond: number | null;
  mansu: MansuStageReport | null;
  /** MANSU's base attribution when its circuit step computed it on the CAD pairs. */
  baseGraph: CircuitGraph | null;
  cancelled: boolean;
}

interface EditContext {
  m: UnlearnModel;
  data: UnlearnData;
  req: UnlearnJobRequest;
  split: SplitRecord;
  signal: AbortSignal;
  emit: (p: UnlearnJobProgress) => void;
  /** Reads the cancel flag (aborts `signal`); called after every progress event. */
  check: () => void;
}

const objectiveOf = (req: UnlearnJobRequest, method: UnlearnMethod): Partial<UnlearnConfig> & { method: UnlearnMethod } => ({
  method, steps: req.steps, batchSize: req.batchSize, seed: req.seed, evalSize: req.evalSize, checkpointEvery: req.steps,
  ...(req.lr === null ? {} : { lr: req.lr }),
});

function trainProgress(c: EditContext, from: number, to: number) {
  return (p: UnlearnProgress) => {
    if (p.kind === 'step') c.emit({ phase: 'train', done: share(from, to, p.step, p.total), total: 100, label: `step ${p.step} / ${p.total}`, step: { step: p.step, total: p.total, log: p.log } });
    else if (p.kind === 'prepare') c.emit({ phase: 'train', done: from, total: 100, label: p.message });
    else if (p.kind === 'eval') c.emit({ phase: 'train', done: share(from, to, p.step, c.req.steps), total: 100, label: `held-out NLL at step ${p.step}` });
    c.check();
  };
}

async function editBaseline(c: EditContext, method: UnlearnMethod): Promise<Edited> {
  const written: { safetensors: Uint8Array | null } = { safetensors: null };
  const r = await runUnlearning(c.m, c.data, objectiveOf(c.req, method), {
    split: c.split, signal: c.signal, sink: { write: async (w) => { written.safetensors = w.safetensors; } }, onProgress: trainProgress(c, 8, 75),
  });
  return { params: r.params, manifest: r.manifest, safetensors: written.safetensors, stepsPerSecond: r.stepsPerSecond, mansu: null, baseGraph: null, cancelled: r.status === 'cancelled' };
}

/** The on/off part of runMansu's options from the request's switches (the circuit's pairs and seed come apart). */
export function mansuStepSwitches(sw: MansuSwitches): Pick<MansuGiven, 'fisher' | 'nullSpace' | 'floor' | 'retainGuard'> {
  return { fisher: { enabled: sw.fisher }, nullSpace: { enabled: sw.nullSpace }, floor: { enabled: sw.floor }, retainGuard: { enabled: sw.retainGuard === true } };
}

/** MANSU's stages in the order runMansu runs them (the Fisher bound and the null space gate every training step). */
const MANSU_BAR: Record<MansuStage, [number, number]> = { circuit: [8, 15], fisher: [15, 18], nullSpace: [18, 22], train: [22, 70], floor: [70, 75], retainGuard: [70, 75] };

async function editMansu(c: EditContext): Promise<Edited> {
  const sw = c.req.mansu ?? { objective: 'grad_diff', circuit: true, fisher: true, nullSpace: true, floor: true };
  const train = trainProgress(c, ...MANSU_BAR.train);
  // the circuit step scores the same pairs as the CAD attribution (cadPairs, seed), so its graph is CAD's "before"
  const pairs = Math.max(1, c.req.cadPairs || DEFAULT_FORGET_ATTRIBUTION.pairs);
  // an empty learning rate means MANSU's own default for its default objective, else the trainer's for the method
  const mansuLr = c.req.lr ?? (sw.objective === DEFAULT_MANSU_OPTIONS.objective.method ? DEFAULT_MANSU_OPTIONS.objective.lr : undefined);
  const r = await runMansu(c.m, c.data, {
    objective: { ...objectiveOf(c.req, sw.objective), ...(mansuLr === undefined || mansuLr === null ? {} : { lr: mansuLr }) },
    circuit: { enabled: sw.circuit, pairs, seed: c.req.seed }, ...mansuStepSwitches(sw),
  }, {
    signal: c.signal,
    onProgress: (p) => {
      if (p.kind === 'train') train(p.progress);
      else {
        c.emit({ phase: p.stage === 'circuit' ? 'circuit' : p.stage === 'train' ? 'train' : 'mansu', done: MANSU_BAR[p.stage][0], total: 100, label: p.message });
        c.check();
      }
    },
  });
  const { options: _options, train: trainManifest, ...stages } = r.report;
  const manifest = { ...trainManifest, method: 'mansu', given: { ...trainManifest.given, mansu: sw }, split: c.split, mansu: stages };
  return {
    params: r.params, manifest, safetensors: r.report.cancelled ? null : checkpointBytes(c.m, r.params), stepsPerSecond: trainManifest.timing?.stepsPerSecond ?? null,
    mansu: stages, baseGraph: sw.circuit && c.req.cadPairs > 0 ? r.baseGraph : null, cancelled: r.report.cancelled,
  };
}

/** The forget behaviour attributed on the base and the edited weights (same pairs), CAD between them. */
async function attributeBoth(c: EditContext, edited: ArrRecord, baseGraph: CircuitGraph | null): Promise<{ cad: CadResult; graphs: { before: CircuitGraph; after: CircuitGraph } }> {
  const pairs = forgetTokenPairs(c.m, c.data.forget, c.data.retain.map((p) => p.prompt), c.req.cadPairs, c.req.seed);
  const steps = DEFAULT_FORGET_ATTRIBUTION.igSteps;
  c.emit({ phase: 'attribution', done: 90, total: 100, label: `EAP-IG of the forget behaviour (${pairs.length} pairs, m = ${steps}): base` });
  const before = baseGraph ?? await forgetAttribution(c.m, c.m.params, pairs, steps);
  c.emit({ phase: 'attribution', done: 95, total: 100, label: 'EAP-IG of the forget behaviour: edited' });
  const after = await forgetAttribution(c.m, edited, pairs, steps);
  const topN = DEFAULT_FORGET_ATTRIBUTION.edges;
  const cut = (g: CircuitGraph) => extract(g, { mode: 'topn', n: topN, absolute: true, prune: true });
  return { cad: circuitAttributionDivergence(before, after, topN), graphs: { before: cut(before), after: cut(after) } };
}

export function createUnlearnEngine(deps: UnlearnEngineDeps): UnlearnApi {
  const host = new EngineHost('queue');
  const models = new Map<string, Promise<UnlearnModel>>();
  // one cached corpus per version; each job splits the corpus of its own model
  const corpora = new Map<ForgeCorpusVersion, ReturnType<UnlearnEngineDeps['corpus']>>();
  const records = (modelId: string) => {
    const version = corpusOfModel(modelId);
    const have = corpora.get(version);
    if (have) return have;
    const loading = deps.corpus(version).catch((e: unknown) => { corpora.delete(version); throw e; });
    corpora.set(version, loading);
    return loading;
  };

  const model = (id: string, onProgress?: (p: UnlearnJobProgress) => void): Promise<UnlearnModel> => {
    const have = models.get(id);
    if (have) return have;
    const loading = (async () => {
      const files = await deps.readModelFiles(id, CIRCUIT_MODEL_FILES, (p) => onProgress?.({ phase: 'load', done: share(0, 5, p.done, p.total), total: 100, label: `loading ${id}` }));
      const get = (f: string) => files.get(f) ?? files.get(`${id}/${f}`);
      const missing = CIRCUIT_MODEL_FILES.filter((f) => !get(f));
      if (missing.length) throw new UnlearnModelError(id, `missing ${missing.join(', ')}`);
      return loadUnlearnModel(id, Object.fromEntries(CIRCUIT_MODEL_FILES.map((f) => [f, get(f)])) as unknown as CircuitModelFiles);
    })();
    models.set(id, loading);
    loading.catch(() => models.delete(id));
    return loading;
  };

  const run = async (req: UnlearnJobRequest, signal: AbortSignal, emit: (p: UnlearnJobProgress) => void, cancelFlag?: Int32Array): Promise<UnlearnJobResult> => {
    if (!UNLEARN_JOB_METHODS.includes(req.method)) throw new UnlearnConfigError(`method "${String(req.method)}" is not one of ${UNLEARN_JOB_METHODS.join(', ')}`);
    if (!Number.isInteger(req.cadPairs) || req.cadPairs < 0) throw new UnlearnConfigError(`cadPairs must be an integer ≥ 0, got ${String(req.cadPairs)}`);
    // the trainer reads `signal.aborted` between steps: a shared flag set by the page aborts this controller
    const stop = new AbortController();
    const check = () => {
      if (!stop.signal.aborted && (signal.aborted || (cancelFlag && Atomics.load(cancelFlag, 0) === 1))) stop.abort();
    };
    const m = await model(req.modelId, emit);
    check();
    emit({ phase: 'split', done: 5, total: 100, label: `splitting the forge corpus (forget: ${req.forgetTopic})` });
    const corpusRecords = await records(req.modelId);
    const { data, retainCategories } = forgeSplit(corpusRecords.records, { forgetTopic: req.forgetTopic, forgetSize: req.forgetSize, retainSize: req.retainSize, seed: req.seed });
    const split = await splitRecord(data, { source: corpusRecords.source, forgetTopic: req.forgetTopic, retainCategories });
    check();
    const c: EditContext = { m, data, req, split, signal: stop.signal, emit, check };
    const t0 = Date.now();
    const edited = req.method === 'mansu' ? await editMansu(c) : await editBaseline(c, req.method);
    const params = edited.params;
    try {
      const safetensors = edited.safetensors;
      if (edited.cancelled || !safetensors) throw new CancelledError(`Unlearning ${req.modelId} (stopped after step ${edited.manifest.step})`);
      const trainSeconds = (Date.now() - t0) / 1000;
      emit({ phase: 'evaluate', done: 75, total: 100, label: 'scoring full precision and NF4 / FP4 (± double quant)' });
      const t1 = Date.now();
      const prompts = req.behaviourPrompts > 0 ? behaviourPromptsOf(corpusRecords.records, req.forgetTopic, req.behaviourPrompts) : null;
      const quant = evaluateQuantized(m, params, data, { evalSize: req.evalSize, ...(prompts ? { behaviour: { prompts, maxNewTokens: req.maxNewTokens } } : {}) });
      const baseBehaviour = prompts ? behaviourRates(m, m.params, prompts, req.maxNewTokens) : null;
      const evaluateSeconds = (Date.now() - t1) / 1000;
      const t2 = Date.now();
      const attributed = req.cadPairs > 0 ? await attributeBoth(c, params, edited.baseGraph) : null;
      emit({ phase: 'attribution', done: 100, total: 100, label: 'done' });
      const properties = fourProperties(quant, attributed?.cad ?? null, { variant: 'nf4-b64', ...(baseBehaviour ? { baseReproduces: baseBehaviour.forget.reproduces } : {}) });
      return {
        request: req, model: describe(m), split, manifest: edited.manifest, quant, properties, cad: attributed?.cad ?? null, graphs: attributed?.graphs ?? null,
        mansu: edited.mansu, baseBehaviour, stepsPerSecond: edited.stepsPerSecond,
        seconds: { train: trainSeconds, evaluate: evaluateSeconds, attribution: (Date.now() - t2) / 1000 },
        checkpoint: { safetensors, configJson: JSON.stringify(m.configJson, null, 2) + '\n', manifestJson: JSON.stringify({ ...edited.manifest, properties }, null, 2) + '\n' },
      };
    } finally {
      release(params);
    }
  };

  const runCDelta = async (req: CDeltaBehaviourRequest, signal: AbortSignal, emit: (p: CDeltaProgress) => void, cancelFlag?: Int32Array): Promise<CDeltaJobResult> => {
    const stop = new AbortController();
    const check = () => {
      if (!stop.signal.aborted && (signal.aborted || (cancelFlag && Atomics.load(cancelFlag, 0) === 1))) stop.abort();
    };
    const m = await model(req.modelId, (p) => emit({ phase: 'split', done: 0, total: 100, label: p.label }));
    check();
    const corpusRecords = await records(req.modelId);
    const { report, edited } = await runCDeltaBehaviour(m, corpusRecords.records, corpusRecords.source, req, { emit, signal: stop.signal, check });
    try {
      const { json: _json, ...circuit } = report.circuit;
      return {
        request: req, model: describe(m), report,
        checkpoints: req.strengths.map((strength, k) => ({ strength, safetensors: checkpointBytes(m, edited[k]) })),
        configJson: JSON.stringify(m.configJson, null, 2) + '\n',
        manifestJson: JSON.stringify({ kind: 'cdelta-behaviour', model: describe(m), request: req, split: report.split, fineTune: report.fineTune, circuit, columns: report.columns, matrix: report.matrix, prompts: report.prompts }, null, 2) + '\n',
      };
    } finally {
      edited.forEach(release);
    }
  };

  return {
    runCDelta: (req, onProgress, cancelFlag) => host.run(`C-Δθ ${req.modelId}`, (signal) => runCDelta(req, signal, onProgress ?? (() => undefined), cancelFlag)),
    loadUnlearnModel: (id, onProgress) => host.run(`load ${id}`, async () => describe(await model(id, onProgress))),
    runUnlearn: (req, onProgress, cancelFlag) => host.run(`unlearn ${req.modelId}`, (signal) => run(req, signal, onProgress ?? (() => undefined), cancelFlag)),
    cancelUnlearn: async () => host.cancel(),
  };
}
