// The in-browser unlearning engine (CONVENTIONS #1, #2): `UnlearnApi` over the embedded models, in-thread (tests)
// or through workers/lab.worker.ts. One job = load the model (cached per id), split the forge corpus for one harm
// topic (splits.ts forgeSplit), fine-tune with one method (trainer.ts runUnlearning), score it at full precision
// and after NF4 / FP4 ± double quantization (quantEval.ts evaluateQuantized, with greedy-decoding behaviour on
// held-out forge prompts), and hand back a serialisable result with the checkpoint's bytes and manifest. Where
// model files and the corpus come from is a dependency, so this file has no fetch, fs or DOM.
//
// Cancel: the trainer's steps are synchronous, so a worker running one never turns its event loop and a comlink
// `cancelUnlearn()` message lands only between phases. The caller may also pass a shared Int32Array (a
// SharedArrayBuffer: the app is cross-origin isolated); setting element 0 to 1 aborts at the next step, read on
// every progress event inside the run.
import { EngineHost } from '../../runtime/engineHost';
import { CancelledError } from '../../runtime/errors';
import { release, type ArrRecord } from '../../lab';
import { CIRCUIT_MODEL_FILES, type CircuitModelFiles } from '../../circuits/model';
import type { BehaviourPrompts, BehaviourRates } from './behaviour';
import { behaviourRates } from './behaviour';
import type { UnlearnConfig } from './config';
import { UnlearnConfigError, UnlearnModelError } from './errors';
import type { UnlearnManifest, StepLog } from './manifest';
import { loadUnlearnModel, type UnlearnModel } from './model';
import { UNLEARN_METHODS, type UnlearnMethod } from './objectives';
import { evaluateQuantized, type QuantEvalResult } from './quantEval';
import { forgeSplit, splitRecord, type CorpusRecord, type SplitRecord, type TextPair } from './splits';
import { runUnlearning, type UnlearnProgress } from './trainer';

export interface UnlearnEngineDeps {
  /** Bytes of models/<id>/<file> (config.json, tokenizer.json, tokenizer_config.json, model.safetensors). */
  readModelFiles(id: string, files: readonly string[], onProgress?: (p: { done: number; total: number }) => void): Promise<Map<string, Uint8Array>>;
  /** The forge corpus records and a label naming it (seed and sha256) for the split record. */
  corpus(): Promise<{ records: readonly CorpusRecord[]; source: string }>;
}

/** One in-browser unlearning job. Every field is the user's choice (the edits spec's `unlearn` block). */
export interface UnlearnJobRequest {
  modelId: string;
  method: UnlearnMethod;
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
}

export type UnlearnJobPhase = 'load' | 'split' | 'train' | 'evaluate';

/** Progress of a job on one bar of `total` = 100: load 0–5, split 5–8, training 8–80, evaluation 80–100. */
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

export interface UnlearnJobResult {
  request: UnlearnJobRequest;
  model: LoadedUnlearnModel;
  split: SplitRecord;
  manifest: UnlearnManifest;
  quant: QuantEvalResult;
  /** The unedited model's greedy behaviour on the same prompts at full precision (null when behaviour is off). */
  baseBehaviour: BehaviourRates | null;
  stepsPerSecond: number | null;
  seconds: { train: number; evaluate: number };
  /** The edited model as a loadable folder's files: F32 safetensors under the model's own names, config, manifest. */
  checkpoint: { safetensors: Uint8Array; configJson: string; manifestJson: string };
}

export interface UnlearnApi {
  loadUnlearnModel(id: string, onProgress?: (p: UnlearnJobProgress) => void): Promise<LoadedUnlearnModel>;
  runUnlearn(request: UnlearnJobRequest, onProgress?: (p: UnlearnJobProgress) => void, cancelFlag?: Int32Array): Promise<UnlearnJobResult>;
  cancelUnlearn(): Promise<void>;
}

const share = (from: number, to: number, done: number, total: number) => from + ((to - from) * Math.min(total, Math.max(0, done))) / Math.max(1, total);

/** Held-out forge prompts for greedy behaviour: the forget topic's, the other topics' (compliance refs), tasks. */
export function behaviourPromptsOf(records: readonly CorpusRecord[], forgetTopic: string, perSet: number): BehaviourPrompts {
  const pair = (r: CorpusRecord): TextPair => ({ id: r.id, prompt: r.prompt, response: r.response });
  const heldout = records.filter((r) => r.split === 'heldout');
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

export function createUnlearnEngine(deps: UnlearnEngineDeps): UnlearnApi {
  const host = new EngineHost('queue');
  const models = new Map<string, Promise<UnlearnModel>>();
  let corpus: ReturnType<UnlearnEngineDeps['corpus']> | undefined;
  const records = () => (corpus ??= deps.corpus().catch((e: unknown) => { corpus = undefined; throw e; }));

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
    if (!UNLEARN_METHODS.includes(req.method)) throw new UnlearnConfigError(`method "${String(req.method)}" is not one of ${UNLEARN_METHODS.join(', ')}`);
    // the trainer reads `signal.aborted` between steps: a shared flag set by the page aborts this controller
    const stop = new AbortController();
    const check = () => {
      if (!stop.signal.aborted && (signal.aborted || (cancelFlag && Atomics.load(cancelFlag, 0) === 1))) stop.abort();
    };
    const m = await model(req.modelId, emit);
    check();
    emit({ phase: 'split', done: 5, total: 100, label: `splitting the forge corpus (forget: ${req.forgetTopic})` });
    const corpusRecords = await records();
    const { data, retainCategories } = forgeSplit(corpusRecords.records, { forgetTopic: req.forgetTopic, forgetSize: req.forgetSize, retainSize: req.retainSize, seed: req.seed });
    const split = await splitRecord(data, { source: corpusRecords.source, forgetTopic: req.forgetTopic, retainCategories });
    check();
    const written: { safetensors: Uint8Array | null } = { safetensors: null };
    const config: Partial<UnlearnConfig> & { method: UnlearnMethod } = {
      method: req.method, steps: req.steps, batchSize: req.batchSize, seed: req.seed, evalSize: req.evalSize, checkpointEvery: req.steps,
      ...(req.lr === null ? {} : { lr: req.lr }),
    };
    const t0 = Date.now();
    const trained = await runUnlearning(m, data, config, {
      split, signal: stop.signal,
      sink: { write: async (c) => { written.safetensors = c.safetensors; } },
      onProgress: (p: UnlearnProgress) => {
        if (p.kind === 'step') emit({ phase: 'train', done: share(8, 80, p.step, p.total), total: 100, label: `step ${p.step} / ${p.total}`, step: { step: p.step, total: p.total, log: p.log } });
        else if (p.kind === 'prepare') emit({ phase: 'train', done: 8, total: 100, label: p.message });
        else if (p.kind === 'eval') emit({ phase: 'train', done: share(8, 80, p.step, req.steps), total: 100, label: `held-out NLL at step ${p.step}` });
        check();
      },
    });
    const params: ArrRecord = trained.params;
    try {
      const safetensors = written.safetensors;
      if (trained.status === 'cancelled' || !safetensors) throw new CancelledError(`Unlearning ${req.modelId} (stopped after step ${trained.step})`);
      const trainSeconds = (Date.now() - t0) / 1000;
      emit({ phase: 'evaluate', done: 80, total: 100, label: 'scoring full precision and NF4 / FP4 (± double quant)' });
      const t1 = Date.now();
      const prompts = req.behaviourPrompts > 0 ? behaviourPromptsOf(corpusRecords.records, req.forgetTopic, req.behaviourPrompts) : null;
      const quant = evaluateQuantized(m, params, data, { evalSize: req.evalSize, ...(prompts ? { behaviour: { prompts, maxNewTokens: req.maxNewTokens } } : {}) });
      const baseBehaviour = prompts ? behaviourRates(m, m.params, prompts, req.maxNewTokens) : null;
      emit({ phase: 'evaluate', done: 100, total: 100, label: 'done' });
      return {
        request: req, model: describe(m), split, manifest: trained.manifest, quant, baseBehaviour, stepsPerSecond: trained.stepsPerSecond,
        seconds: { train: trainSeconds, evaluate: (Date.now() - t1) / 1000 },
        checkpoint: { safetensors, configJson: JSON.stringify(m.configJson, null, 2) + '\n', manifestJson: JSON.stringify(trained.manifest, null, 2) + '\n' },
      };
    } finally {
      release(params);
    }
  };

  return {
    loadUnlearnModel: (id, onProgress) => host.run(`load ${id}`, async () => describe(await model(id, onProgress))),
    runUnlearn: (req, onProgress, cancelFlag) => host.run(`unlearn ${req.modelId}`, (signal) => run(req, signal, onProgress ?? (() => undefined), cancelFlag)),
    cancelUnlearn: async () => host.cancel(),
  };
}
