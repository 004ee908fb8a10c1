// The in-browser training engine (CONVENTIONS #1, #2): SFT / LoRA / DPO of an embedded model on the lab engine,
// in-thread (tests) or through workers/lab.worker.ts. A request is the Node CLI's TrainSpec (spec.ts) with the data
// inline (rows, a JSONL text, or the built-in forge sample) instead of a file path and no output folder; the job
// loads the model against the manifest (cached per id), encodes the rows exactly as node.ts does, runs
// trainer.ts runTraining, and hands back the step logs, the backend that ran, and the final checkpoint folder as
// bytes (checkpointFiles.ts: the same files the Node sink writes). Where model files and the corpus come from is a
// dependency, so this file has no fetch, fs or DOM.
//
// Eval hooks (spec `eval`, evalHooks.ts): the forge suites' texts come from `deps.evalSuite` (the worker bundles them
// and imports them only when a run asks), a .jsonl suite and `eval.lossData` from the request's `evalTexts` (the file
// the user picked, by the name the block gives it). The evaluator is the Node CLI's on the same texts, so the eval
// history (`result.evals`, `evals` in training_state.json, one `eval` progress event per evaluation) is the CLI's.
//
// Cancel: the trainer's steps are synchronous, so a worker running one never turns its event loop and a comlink
// `cancelTrain()` lands only after the run. The caller passes a shared Int32Array (a SharedArrayBuffer: the app is
// cross-origin isolated); setting element 0 to 1 stops the run after the step in flight, read on every progress
// event. A run stopped that way returns status 'cancelled' with the steps done and their checkpoint.
//
// Resume: the request's `resume` carries a checkpoint as files (training_state.json + trainer_state.safetensors:
// a previous result's checkpoint.files, or the panel's downloads picked from disk; checkpointRead.ts parses them
// as the Node CLI's readCheckpoint does), and the trainer's own checks apply: another base model's checkpoint is
// `foreign-checkpoint`, a changed spec or data `incompatible-resume` naming the fields. The continued run ends
// bit-identical to an uninterrupted one with the same spec.
import { CIRCUIT_MODEL_FILES, type CircuitModelFiles } from '../../circuits/model';
import { TOKENIZER_FILES } from '../../edits/onnxExport';
import { loadUnlearnModel } from '../../edits/unlearn/model';
import { UnlearnModelError } from '../../edits/unlearn/errors';
import { initEngine, release } from '../../lab';
import { sha256HexSync } from '../../numeric/sha256';
import { EngineHost } from '../../runtime/engineHost';
import { trainCheckpointFiles } from './checkpointFiles';
import { readCheckpointFiles } from './checkpointRead';
import { dpoRow, readJsonRows, sftRow } from './data';
import { TrainError } from './errors';
import { checkEvalSuiteName, FORGE_EVAL_SUITES, makeEvaluator, parseEvalSuites, type EvalRecord, type TrainEvaluator } from './evalHooks';
import { forgeSampleRows, rowsToJsonl, type ForgeRecord } from './forgeSample';
import { encodeRows, runTraining, type StepLog, type TrainCheckpoint, type TrainModel, type TrainResult } from './trainer';
import { parseTrainSpec, type TrainSpec, type TrainSpecInput } from './spec';

export interface TrainEngineDeps {
  /** Bytes of models/<id>/<file> for the files the manifest lists among `files` (an unknown id is ModelNotFoundError). */
  readModelFiles(id: string, files: readonly string[], onProgress?: (p: { done: number; total: number }) => void): Promise<Map<string, Uint8Array>>;
  /** The forge corpus records (for the built-in sample). */
  corpus(): Promise<{ records: readonly ForgeRecord[]; source: string }>;
  /** The JSONL text of a forge eval suite (evalHooks.ts FORGE_EVAL_SUITES); absent: runs with forge suites are refused. */
  evalSuite?(name: ForgeEvalSuite): Promise<string>;
}

export type ForgeEvalSuite = (typeof FORGE_EVAL_SUITES)[number];

/** Where the rows come from: inline objects, a JSONL (or JSON array) text the user picked, or the forge sample. */
export type TrainData =
  | { kind: 'rows'; name: string; rows: readonly unknown[] }
  | { kind: 'jsonl'; name: string; text: string }
  | { kind: 'forge-sample'; size: number };

/** A TrainSpec (spec.ts) whose `data` is given inline; `model` is an embedded id or "models/<id>"; `out` is ignored. */
export type TrainJobRequest = Omit<TrainSpecInput, 'data' | 'out'> & {
  data: TrainData;
  out?: string;
  /** Texts of the eval block's .jsonl suites and of its `lossData`, by the name the block gives them. */
  evalTexts?: Record<string, string>;
  /**
   * A checkpoint to continue from, as files (relative name → bytes; training_state.json and
   * trainer_state.safetensors are read), with a name for messages. The spec must be the checkpoint's.
   */
  resume?: { name: string; files: Record<string, Uint8Array> };
};

/** One bar of `total` = 100: load 0–5, data 5–10, training 10–95, checkpoint 95–100. */
export interface TrainJobProgress {
  phase: 'load' | 'data' | 'train' | 'eval' | 'checkpoint';
  done: number;
  total: 100;
  label: string;
  step?: { step: number; total: number; log: StepLog };
  /** Phase 'eval': the evaluation just finished (the trainer's `eval` event). */
  eval?: EvalRecord;
}

export interface TrainJobResult {
  /** The effective spec (defaults filled; `data` is the data's name, `out` "browser"). */
  spec: TrainSpec;
  model: { id: string; family: string; weightsSha256: string | null };
  /** The lab engine's device and why it was picked (WebGPU only on a hardware adapter, else WASM). */
  backend: { device: string; why: string };
  status: TrainResult['status'];
  step: number;
  /** The step of the checkpoint this run continued from (request.resume), null for a fresh run. */
  resumedFrom: number | null;
  logs: StepLog[];
  /** The eval history (spec.eval: step 0, every N, the last; empty without it), as the Node CLI's result.evals. */
  evals: EvalRecord[];
  sequenceLength: number;
  throughput: TrainResult['throughput'];
  /** The rows trained on (JSONL, replayable with the Node CLI), their count, and the encoded data's sha256. */
  data: { name: string; rows: number; sha256: string; template: string; truncated: number; jsonl: string };
  /** The last checkpoint folder (relative path → bytes) and model.safetensors' sha256; null when no step ran. */
  checkpoint: { step: number; files: Record<string, Uint8Array>; weightsSha256: string } | null;
}

export interface TrainApi {
  runTrain(request: TrainJobRequest, onProgress?: (p: TrainJobProgress) => void, cancelFlag?: Int32Array): Promise<TrainJobResult>;
  cancelTrain(): Promise<void>;
}

const EMBEDDED_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** "models/<id>" or "<id>" → the embedded id; anything else (a path, a hub id) is an invalid-spec error. */
export function embeddedModelId(model: string): string {
  const id = model.startsWith('models/') ? model.slice('models/'.length) : model;
  if (!EMBEDDED_ID.test(id)) throw new TrainError('invalid-spec', `model: "${model}" is not an embedded model id (the browser trains the models of models/manifest.json, given as "<id>" or "models/<id>")`);
  return id;
}

const dataName = (d: TrainData, method: string) => (d.kind === 'forge-sample' ? `forge-sample-${method}-${d.size}.jsonl` : d.name);

/**
 * Checks the request without loading anything: the spec (strict, as the CLI's), the model id, and for inline or
 * JSONL data every row's fields for the method (a `bad-row` TrainError naming the line and field).
 */
export function validateTrainRequest(req: TrainJobRequest): { spec: TrainSpec; modelId: string; rows: { line: number; row: unknown }[] | null; resume: ReturnType<typeof readCheckpointFiles> | undefined } {
  const { data, out: _out, evalTexts, resume: given, ...rest } = req as TrainJobRequest & Record<string, unknown>;
  if (!data || typeof data !== 'object' || !['rows', 'jsonl', 'forge-sample'].includes((data as TrainData).kind)) {
    throw new TrainError('invalid-spec', 'data: give { kind: "rows", name, rows }, { kind: "jsonl", name, text } or { kind: "forge-sample", size }');
  }
  // the browser runs the offline objectives; GRPO's rollouts are the Node CLI's
  if (rest.method !== 'sft' && rest.method !== 'dpo') throw new TrainError('invalid-spec', `method: the browser engine trains "sft" or "dpo", got ${JSON.stringify(rest.method)} (run other methods with the Node CLI)`);
  const spec = parseTrainSpec({ ...rest, data: dataName(data, rest.method), out: 'browser' });
  if (spec.resumeFrom !== undefined) throw new TrainError('invalid-spec', 'resumeFrom: the browser reads no paths (give the checkpoint\'s files in the request\'s resume: { name, files })');
  if (spec.eval) evalInputs(spec.eval, evalTexts);
  const modelId = embeddedModelId(spec.model);
  const resume = resumeInput(given);
  if (data.kind === 'forge-sample') {
    if (!Number.isInteger(data.size) || data.size < 1) throw new TrainError('invalid-spec', `data.size: the forge sample needs a positive whole number of rows, got ${String(data.size)}`);
    return { spec: { ...spec, model: `models/${modelId}` }, modelId, rows: null, resume };
  }
  const rows = data.kind === 'jsonl' ? readJsonRows(data.text, data.name) : data.rows.map((row, i) => ({ line: i + 1, row }));
  if (rows.length === 0) throw new TrainError('empty-data', `${data.name} has no rows`);
  for (const { line, row } of rows) {
    if (spec.method === 'sft') sftRow(row, line, data.name);
    else dpoRow(row, line, data.name);
  }
  return { spec: { ...spec, model: `models/${modelId}` }, modelId, rows, resume };
}

/** The request's `resume` read as node.ts readCheckpoint reads a folder (a missing or corrupt file is named). */
function resumeInput(given: unknown): ReturnType<typeof readCheckpointFiles> | undefined {
  if (given === undefined) return undefined;
  const r = given as { name?: unknown; files?: unknown };
  if (!r || typeof r !== 'object' || typeof r.files !== 'object' || r.files === null) throw new TrainError('invalid-spec', 'resume: give { name, files: { "training_state.json": bytes, "trainer_state.safetensors": bytes, … } }');
  return readCheckpointFiles(r.files as Record<string, Uint8Array>, typeof r.name === 'string' && r.name ? r.name : 'the checkpoint');
}

const isForgeSuite = (name: string): name is ForgeEvalSuite => (FORGE_EVAL_SUITES as readonly string[]).includes(name);

/**
 * Where each text of the eval block comes from: forge suites from the engine's deps, .jsonl suites and lossData from
 * the request's evalTexts (a missing one is named before anything loads).
 */
function evalInputs(block: NonNullable<TrainSpec['eval']>, texts: unknown): { forge: ForgeEvalSuite[]; inline: Record<string, string> } {
  if (texts !== undefined && (typeof texts !== 'object' || texts === null || Object.values(texts).some((t) => typeof t !== 'string'))) {
    throw new TrainError('invalid-spec', 'evalTexts: give { "<suite>.jsonl": text, … } (strings)');
  }
  const inline = (texts ?? {}) as Record<string, string>;
  for (const name of block.suites) {
    checkEvalSuiteName(name);
    if (!isForgeSuite(name) && inline[name] === undefined) throw new TrainError('bad-eval-suite', `suite ${name} is not a forge suite and its text is not in the request (the browser reads no paths: pick the file, its text goes in evalTexts["${name}"])`);
  }
  if (block.lossData !== undefined && inline[block.lossData] === undefined) throw new TrainError('empty-data', `eval.lossData names ${block.lossData} but its text is not in the request (evalTexts["${block.lossData}"])`);
  return { forge: block.suites.filter(isForgeSuite), inline };
}

const MODEL_FILES = [...new Set([...CIRCUIT_MODEL_FILES, ...TOKENIZER_FILES])];
const share = (from: number, to: number, done: number, total: number) => from + ((to - from) * Math.min(total, Math.max(0, done))) / Math.max(1, total);

export function createTrainEngine(deps: TrainEngineDeps): TrainApi {
  const host = new EngineHost('queue');
  const models = new Map<string, Promise<{ model: TrainModel; source: Map<string, Uint8Array> }>>();

  const load = (id: string, emit: (p: TrainJobProgress) => void) => {
    const have = models.get(id);
    if (have) return have;
    const loading = (async () => {
      const files = await deps.readModelFiles(id, MODEL_FILES, (p) => emit({ phase: 'load', done: share(0, 5, p.done, p.total), total: 100, label: `loading ${id}` }));
      const missing = CIRCUIT_MODEL_FILES.filter((f) => !files.has(f));
      if (missing.length) throw new UnlearnModelError(id, `missing ${missing.join(', ')}`);
      const model = await loadUnlearnModel(id, Object.fromEntries(CIRCUIT_MODEL_FILES.map((f) => [f, files.get(f)])) as unknown as CircuitModelFiles);
      const source = new Map(TOKENIZER_FILES.filter((f) => files.has(f)).map((f) => [f, files.get(f)!]));
      return { model, source };
    })();
    models.set(id, loading);
    loading.catch(() => models.delete(id));
    return loading;
  };

  /** The Node CLI's evaluator (evalHooksNode.ts nodeEvaluator) on the suites' texts. */
  const evaluatorFor = async (model: TrainModel, spec: TrainSpec, texts: unknown): Promise<TrainEvaluator | undefined> => {
    if (!spec.eval) return undefined;
    const { forge, inline } = evalInputs(spec.eval, texts);
    if (forge.length && !deps.evalSuite) throw new TrainError('bad-eval-suite', `this engine has no forge suites (${forge.join(', ')}): give the suites' texts in evalTexts`);
    const forgeTexts = new Map(await Promise.all(forge.map(async (name) => [name, await deps.evalSuite!(name)] as const)));
    const suites = parseEvalSuites(spec.eval.suites.map((name) => ({ name, text: isForgeSuite(name) ? forgeTexts.get(name)! : inline[name] })));
    const lossFile = spec.eval.lossData;
    const loss = lossFile !== undefined ? encodeRows(model, spec, readJsonRows(inline[lossFile], lossFile), lossFile) : undefined;
    return makeEvaluator(model, spec.eval, suites, spec, loss);
  };

  const run = async (req: TrainJobRequest, signal: AbortSignal, emit: (p: TrainJobProgress) => void, cancelFlag?: Int32Array): Promise<TrainJobResult> => {
    const { spec, modelId, rows: given, resume } = validateTrainRequest(req);
    // the trainer reads `signal.aborted` between steps: the shared flag (or the host's cancel) aborts this controller
    const stop = new AbortController();
    const check = () => {
      if (!stop.signal.aborted && (signal.aborted || (cancelFlag && Atomics.load(cancelFlag, 0) === 1))) stop.abort();
    };
    emit({ phase: 'load', done: 0, total: 100, label: `loading ${modelId}` });
    const engine = await initEngine();
    const { model, source } = await load(modelId, emit);
    check();
    emit({ phase: 'data', done: 5, total: 100, label: 'encoding the data' });
    let rows = given;
    if (!rows) {
      const size = (req.data as Extract<TrainData, { kind: 'forge-sample' }>).size;
      rows = forgeSampleRows((await deps.corpus()).records, spec.method as 'sft' | 'dpo', size).map((row, i) => ({ line: i + 1, row }));
    }
    const encoded = encodeRows(model, spec, rows, spec.data);
    const evaluator = await evaluatorFor(model, spec, req.evalTexts);
    check();
    // an evaluation decodes token by token without a cache: the bar says it is running before the trainer does it
    const every = spec.eval?.every;
    const evalDue = (t: number) => spec.eval !== undefined && (t === spec.steps || (every !== undefined && t % every === 0));
    const evaluating = `; evaluating on ${spec.eval?.suites.length ?? 0} suite(s), ${spec.eval?.limit ?? 0} items each`;
    let checkpoint: TrainJobResult['checkpoint'] = null;
    const r = await runTraining(model, encoded, spec, {
      signal: stop.signal,
      evaluator,
      resume,
      // built when written (the LoRA arrays of a checkpoint are live only then); only the last one is handed back
      sink: {
        write: async (c: TrainCheckpoint) => {
          emit({ phase: 'checkpoint', done: 95, total: 100, label: `writing the step ${c.step} checkpoint` });
          const files = trainCheckpointFiles(model, source, c, spec.model);
          // own copies: the tokenizer files are the cached model's bytes, and the worker transfers these buffers
          checkpoint = { step: c.step, files: Object.fromEntries([...files].map(([k, v]) => [k, v.slice()])), weightsSha256: sha256HexSync(files.get('model.safetensors')!) };
        },
      },
      onProgress: (p) => {
        if (p.kind === 'prepare') emit({ phase: 'train', done: 10, total: 100, label: `${p.message}${evaluator ? `${evaluating} (step 0)` : ''}` });
        if (p.kind === 'step') emit({ phase: 'train', done: share(10, 95, p.step, p.total), total: 100, label: `step ${p.step} / ${p.total}, loss ${p.log.loss.toFixed(4)}${evalDue(p.step) ? evaluating : ''}`, step: { step: p.step, total: p.total, log: p.log } });
        if (p.kind === 'eval') emit({ phase: 'eval', done: share(10, 95, p.step, spec.steps), total: 100, label: `evaluated step ${p.step}`, eval: p.eval });
        check();
      },
    });
    release(r.params);
    if (r.lora) release(r.lora.arrays);
    emit({ phase: 'checkpoint', done: 100, total: 100, label: r.status === 'done' ? 'done' : `cancelled after step ${r.step}` });
    return {
      spec, model: { id: model.id, family: model.family, weightsSha256: model.weightsSha256 },
      backend: { device: engine.device, why: engine.why },
      status: r.status, step: r.step, resumedFrom: resume ? resume.state.step : null, logs: r.logs, evals: r.evals, sequenceLength: r.sequenceLength, throughput: r.throughput,
      data: { name: spec.data, rows: rows.length, sha256: encoded.sha256, template: encoded.template, truncated: encoded.truncated, jsonl: rowsToJsonl(rows.map((x) => x.row)) },
      checkpoint,
    };
  };

  return {
    runTrain: (req, onProgress, cancelFlag) => host.run(`train ${String(req.model ?? 'models/target')}`, (signal) => run(req, signal, onProgress ?? (() => undefined), cancelFlag)),
    cancelTrain: async () => host.cancel(),
  };
}
