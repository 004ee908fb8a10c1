// The in-browser training engine (CONVENTIONS #1, #2): SFT / LoRA / DPO of an embedded model on the lab engine,
// in-thread (tests) or through workers/lab.worker.ts. A request is the Node CLI's TrainSpec (spec.ts) with the data
// inline (rows, a JSONL text, or the built-in forge sample) instead of a file path and no output folder; the job
// loads the model against the manifest (cached per id), encodes the rows exactly as node.ts does, runs
// trainer.ts runTraining, and hands back the step logs, the backend that ran, and the final checkpoint folder as
// bytes (checkpointFiles.ts: the same files the Node sink writes). Where model files and the corpus come from is a
// dependency, so this file has no fetch, fs or DOM.
//
// Cancel: the trainer's steps are synchronous, so a worker running one never turns its event loop and a comlink
// `cancelTrain()` lands only after the run. The caller passes a shared Int32Array (a SharedArrayBuffer: the app is
// cross-origin isolated); setting element 0 to 1 stops the run after the step in flight, read on every progress
// event. A run stopped that way returns status 'cancelled' with the steps done and their checkpoint.
import { CIRCUIT_MODEL_FILES, type CircuitModelFiles } from '../../circuits/model';
import { TOKENIZER_FILES } from '../../edits/onnxExport';
import { loadUnlearnModel } from '../../edits/unlearn/model';
import { UnlearnModelError } from '../../edits/unlearn/errors';
import { initEngine, release } from '../../lab';
import { sha256HexSync } from '../../numeric/sha256';
import { EngineHost } from '../../runtime/engineHost';
import { trainCheckpointFiles } from './checkpointFiles';
import { dpoRow, readJsonRows, sftRow } from './data';
import { TrainError } from './errors';
import { forgeSampleRows, rowsToJsonl, type ForgeRecord } from './forgeSample';
import { encodeRows, runTraining, type StepLog, type TrainCheckpoint, type TrainModel, type TrainResult } from './trainer';
import { parseTrainSpec, type TrainSpec, type TrainSpecInput } from './spec';

export interface TrainEngineDeps {
  /** Bytes of models/<id>/<file> for the files the manifest lists among `files` (an unknown id is ModelNotFoundError). */
  readModelFiles(id: string, files: readonly string[], onProgress?: (p: { done: number; total: number }) => void): Promise<Map<string, Uint8Array>>;
  /** The forge corpus records (for the built-in sample). */
  corpus(): Promise<{ records: readonly ForgeRecord[]; source: string }>;
}

/** Where the rows come from: inline objects, a JSONL (or JSON array) text the user picked, or the forge sample. */
export type TrainData =
  | { kind: 'rows'; name: string; rows: readonly unknown[] }
  | { kind: 'jsonl'; name: string; text: string }
  | { kind: 'forge-sample'; size: number };

/** A TrainSpec (spec.ts) whose `data` is given inline; `model` is an embedded id or "models/<id>"; `out` is ignored. */
export type TrainJobRequest = Omit<TrainSpecInput, 'data' | 'out'> & { data: TrainData; out?: string };

/** One bar of `total` = 100: load 0–5, data 5–10, training 10–95, checkpoint 95–100. */
export interface TrainJobProgress {
  phase: 'load' | 'data' | 'train' | 'checkpoint';
  done: number;
  total: 100;
  label: string;
  step?: { step: number; total: number; log: StepLog };
}

export interface TrainJobResult {
  /** The effective spec (defaults filled; `data` is the data's name, `out` "browser"). */
  spec: TrainSpec;
  model: { id: string; family: string; weightsSha256: string | null };
  /** The lab engine's device and why it was picked (WebGPU only on a hardware adapter, else WASM). */
  backend: { device: string; why: string };
  status: TrainResult['status'];
  step: number;
  logs: StepLog[];
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
export function validateTrainRequest(req: TrainJobRequest): { spec: TrainSpec; modelId: string; rows: { line: number; row: unknown }[] | null } {
  const { data, out: _out, ...rest } = req as TrainJobRequest & Record<string, unknown>;
  if (!data || typeof data !== 'object' || !['rows', 'jsonl', 'forge-sample'].includes((data as TrainData).kind)) {
    throw new TrainError('invalid-spec', 'data: give { kind: "rows", name, rows }, { kind: "jsonl", name, text } or { kind: "forge-sample", size }');
  }
  // the browser runs the offline objectives; GRPO's rollouts and the evaluation hooks are the Node CLI's
  if (rest.method !== 'sft' && rest.method !== 'dpo') throw new TrainError('invalid-spec', `method: the browser engine trains "sft" or "dpo", got ${JSON.stringify(rest.method)} (run other methods with the Node CLI)`);
  if (rest.eval !== undefined) throw new TrainError('invalid-spec', 'eval: evaluation hooks run with the Node CLI only');
  const spec = parseTrainSpec({ ...rest, data: dataName(data, rest.method), out: 'browser' });
  if (spec.resumeFrom !== undefined) throw new TrainError('invalid-spec', 'resumeFrom: the browser engine starts fresh runs only (resume a checkpoint with the Node CLI)');
  const modelId = embeddedModelId(spec.model);
  if (data.kind === 'forge-sample') {
    if (!Number.isInteger(data.size) || data.size < 1) throw new TrainError('invalid-spec', `data.size: the forge sample needs a positive whole number of rows, got ${String(data.size)}`);
    return { spec: { ...spec, model: `models/${modelId}` }, modelId, rows: null };
  }
  const rows = data.kind === 'jsonl' ? readJsonRows(data.text, data.name) : data.rows.map((row, i) => ({ line: i + 1, row }));
  if (rows.length === 0) throw new TrainError('empty-data', `${data.name} has no rows`);
  for (const { line, row } of rows) {
    if (spec.method === 'sft') sftRow(row, line, data.name);
    else dpoRow(row, line, data.name);
  }
  return { spec: { ...spec, model: `models/${modelId}` }, modelId, rows };
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

  const run = async (req: TrainJobRequest, signal: AbortSignal, emit: (p: TrainJobProgress) => void, cancelFlag?: Int32Array): Promise<TrainJobResult> => {
    const { spec, modelId, rows: given } = validateTrainRequest(req);
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
    check();
    let checkpoint: TrainJobResult['checkpoint'] = null;
    const r = await runTraining(model, encoded, spec, {
      signal: stop.signal,
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
        if (p.kind === 'prepare') emit({ phase: 'train', done: 10, total: 100, label: p.message });
        if (p.kind === 'step') emit({ phase: 'train', done: share(10, 95, p.step, p.total), total: 100, label: `step ${p.step} / ${p.total}, loss ${p.log.loss.toFixed(4)}`, step: { step: p.step, total: p.total, log: p.log } });
        check();
      },
    });
    release(r.params);
    if (r.lora) release(r.lora.arrays);
    emit({ phase: 'checkpoint', done: 100, total: 100, label: r.status === 'done' ? 'done' : `cancelled after step ${r.step}` });
    return {
      spec, model: { id: model.id, family: model.family, weightsSha256: model.weightsSha256 },
      backend: { device: engine.device, why: engine.why },
      status: r.status, step: r.step, logs: r.logs, sequenceLength: r.sequenceLength, throughput: r.throughput,
      data: { name: spec.data, rows: rows.length, sha256: encoded.sha256, template: encoded.template, truncated: encoded.truncated, jsonl: rowsToJsonl(rows.map((x) => x.row)) },
      checkpoint,
    };
  };

  return {
    runTrain: (req, onProgress, cancelFlag) => host.run(`train ${String(req.model ?? 'models/target')}`, (signal) => run(req, signal, onProgress ?? (() => undefined), cancelFlag)),
    cancelTrain: async () => host.cancel(),
  };
}
