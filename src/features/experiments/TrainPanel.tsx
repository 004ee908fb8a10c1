// "Train a model in this browser" on the experiments page: SFT or DPO (full or LoRA) of an embedded model in the
// lab worker (src/core/experiments/train/api.ts through useTrainEngine.ts), on a built-in sample of the forge corpus
// or a JSONL file the user picks or another page hands over (trainHandoff.ts; the formats the Node CLI reads; a bad row is the trainer's named error). Shows
// progress with the latest loss, cancel, the step logs with a loss curve, which backend ran, and downloads of the
// checkpoint's files (model.safetensors, training_state.json, trainer_state.safetensors, for LoRA the PEFT adapter)
// and the rows trained on (replayable with the Node CLI). "Continue" resumes a cancelled run from its checkpoint in
// memory; "Continue from checkpoint files" takes those downloads back from disk (the form is filled from the
// checkpoint's spec, which a resume must keep) and the run continues from their step, as the Node CLI's resumeFrom.
// "Evaluate during training" adds the spec's eval block (forge suites and/or a picked .jsonl suite; small defaults,
// since the lab decode has no KV cache) and a step × suite table of refusal / over-refusal / task accuracy as k/n.
import { useEffect, useState } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrainJobRequest, TrainJobResult } from '../../core/experiments/train/api';
import { checkpointFileOf, readCheckpointFiles } from '../../core/experiments/train/checkpointRead';
import type { TrainCheckpointState } from '../../core/experiments/train/trainer';
import { FORGE_EVAL_SUITES, type EvalRate, type EvalRecord } from '../../core/experiments/train/evalHooks';
import { ProgressBar } from '../../viz/ProgressBar';
import type { FeaturePanelProps } from '../../app/featureTypes';
import { emitTraining } from '../../core/assurance/emit/training';
import { clearTrainData, pendingTrainData } from './trainHandoff';
import { useTrainEngine } from './useTrainEngine';

/** Embedded causal LMs the lab engine trains (models/manifest.json). */
const TRAIN_MODELS = ['target', 'target-v4', 'anchor', 'anchor-v4', 'anchor-llama', 'anchor-same', 'anchor-same-v6'] as const;

interface Form {
  model: string;
  method: 'sft' | 'dpo';
  steps: number;
  batchSize: number;
  lr: number;
  lora: boolean;
  rank: number;
  seed: number;
  source: 'sample' | 'file';
  sampleSize: number;
  file: { name: string; text: string } | null;
  /** The eval block: on/off, every N steps (0: step 0 and the last only), forge suites, a picked .jsonl suite. */
  evalOn: boolean;
  evalEvery: number;
  evalSuites: string[];
  evalFile: { name: string; text: string } | null;
  evalLimit: number;
  evalMaxNewTokens: number;
  /** A checkpoint picked from disk to continue from (its files by checkpoint name, and its step). */
  resume: { name: string; files: Record<string, Uint8Array>; step: number } | null;
}

// eval defaults far below the CLI's (16 items, 48 tokens): each new token is a forward over the whole window
const DEFAULTS: Form = {
  model: 'target', method: 'sft', steps: 10, batchSize: 4, lr: 1e-3, lora: false, rank: 8, seed: 0, source: 'sample', sampleSize: 32, file: null,
  evalOn: false, evalEvery: 5, evalSuites: ['heldout/harmful', 'heldout/benign', 'heldout/tasks'], evalFile: null, evalLimit: 4, evalMaxNewTokens: 24, resume: null,
};

/** A picked suite's name in the spec: the held-out line format is recognised by the .jsonl ending. */
const suiteFileName = (name: string) => (name.endsWith('.jsonl') ? name : `${name}.jsonl`);

function trainRequest(f: Form): TrainJobRequest {
  const suites = [...f.evalSuites, ...(f.evalFile ? [suiteFileName(f.evalFile.name)] : [])];
  return {
    method: f.method, model: f.model, steps: f.steps, batchSize: f.batchSize, lr: f.lr, seed: f.seed,
    ...(f.lora ? { lora: { r: f.rank, alpha: 2 * f.rank } } : {}),
    data: f.source === 'file' && f.file ? { kind: 'jsonl', name: f.file.name, text: f.file.text } : { kind: 'forge-sample', size: f.sampleSize },
    ...(f.evalOn ? {
      eval: { ...(f.evalEvery > 0 ? { every: f.evalEvery } : {}), suites, limit: f.evalLimit, maxNewTokens: f.evalMaxNewTokens },
      ...(f.evalFile ? { evalTexts: { [suiteFileName(f.evalFile.name)]: f.evalFile.text } } : {}),
    } : {}),
    ...(f.resume ? { resume: { name: f.resume.name, files: f.resume.files } } : {}),
  };
}

/**
 * The form fields a checkpoint's spec fixes (a resume must keep them): model, method, steps, batch, lr, seed, LoRA
 * rank, and the forge sample's size when it trained on one (a picked JSONL must be picked again).
 */
function formOfCheckpoint(spec: TrainCheckpointState['spec']): Partial<Form> {
  const sample = /^forge-sample-(?:sft|dpo)-(\d+)\.jsonl$/.exec(spec.data);
  return {
    model: spec.model.replace(/^models\//, ''), method: spec.method === 'dpo' ? 'dpo' : 'sft', steps: spec.steps, batchSize: spec.batchSize, lr: spec.lr, seed: spec.seed,
    lora: !!spec.lora, ...(spec.lora ? { rank: spec.lora.r } : {}),
    ...(sample ? { source: 'sample' as const, sampleSize: Number(sample[1]) } : { source: 'file' as const }),
  };
}

/** Picked files → the checkpoint's files by name, read as the engine will (a missing or corrupt file is named). */
async function pickCheckpoint(list: FileList): Promise<{ resume: NonNullable<Form['resume']>; form: Partial<Form> }> {
  const files: Record<string, Uint8Array> = {};
  for (const file of Array.from(list)) {
    const as = checkpointFileOf(file.name);
    if (as) files[as] = new Uint8Array(await file.arrayBuffer());
  }
  const name = Array.from(list).map((x) => x.name).find((n) => checkpointFileOf(n) === 'training_state.json')?.replace(/-?training_state\.json$/, '') || 'the picked checkpoint';
  const { state } = readCheckpointFiles(files, name);
  return { resume: { name, files, step: state.step }, form: formOfCheckpoint(state.spec) };
}

const kOfN = (x?: EvalRate) => (x ? `${x.k}/${x.n}` : '');

/** Step × suite: refusal on harmful items, over-refusal on benign / edgy ones, task accuracy, as k/n. */
function EvalTable({ evals }: { evals: readonly EvalRecord[] }) {
  return (
    <table className="table" data-testid="train-eval-table">
      <thead><tr><th>step</th><th>suite</th><th>refusal</th><th>over-refusal</th><th>task accuracy</th><th>skipped</th><th>first reply</th></tr></thead>
      <tbody>
        {evals.flatMap((e) => e.suites.map((s) => (
          <tr key={`${e.step} ${s.suite}`} data-testid="train-eval-row" data-step={e.step} data-suite={s.suite}
            data-refusal={kOfN(s.refusalRate)} data-over-refusal={kOfN(s.overRefusal)} data-task-accuracy={kOfN(s.taskAccuracy)} data-skipped={s.skipped}>
            <td>{e.step}</td><td>{s.suite}</td><td>{kOfN(s.refusalRate)}</td><td>{kOfN(s.overRefusal)}</td><td>{kOfN(s.taskAccuracy)}</td><td>{s.skipped || ''}</td>
            <td className="muted" title={s.examples[0]?.prompt}>{s.examples[0]?.response.slice(0, 80)}</td>
          </tr>
        )))}
      </tbody>
    </table>
  );
}

function EvalSettings({ f, set }: { f: Form; set: (patch: Partial<Form>) => void }) {
  const toggle = (name: string, on: boolean) => set({ evalSuites: on ? FORGE_EVAL_SUITES.filter((x) => x === name || f.evalSuites.includes(x)) : f.evalSuites.filter((x) => x !== name) });
  return (
    <div className="toolbar" data-testid="train-eval-settings">
      <NumberInput label="every" value={f.evalEvery} onChange={(evalEvery) => set({ evalEvery })} testId="train-eval-every" min={0} title="evaluate every N steps besides step 0 and the last (0: those two only)" />
      <NumberInput label="items per suite" value={f.evalLimit} onChange={(evalLimit) => set({ evalLimit })} testId="train-eval-limit" />
      <NumberInput label="new tokens" value={f.evalMaxNewTokens} onChange={(evalMaxNewTokens) => set({ evalMaxNewTokens })} testId="train-eval-maxNewTokens" title="greedy tokens per reply (the forge evaluation decodes 48)" />
      {FORGE_EVAL_SUITES.map((name) => (
        <label key={name}><input type="checkbox" checked={f.evalSuites.includes(name)} data-testid={`train-eval-suite-${name}`} onChange={(e) => toggle(name, e.target.checked)} /> {name}</label>
      ))}
      <label className="button" title='a .jsonl suite: one {"prompt", "label": "harmful"?, "answer"?} per line'>{f.evalFile ? f.evalFile.name : 'Add a suite (.jsonl)'}
        <input type="file" accept=".jsonl" hidden data-testid="train-eval-file"
          onChange={(ev) => { const file = ev.target.files?.[0]; if (file) void file.text().then((text) => set({ evalFile: { name: file.name, text } })); ev.target.value = ''; }} />
      </label>
      {f.evalFile && <button data-testid="train-eval-file-remove" onClick={() => set({ evalFile: null })}>Remove {f.evalFile.name}</button>}
    </div>
  );
}

function saveBytes(bytes: Uint8Array | string, name: string, type: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function NumberInput({ label, value, onChange, testId, integer = true, min = 1, title }: { label: string; value: number; onChange: (v: number) => void; testId: string; integer?: boolean; min?: number; title?: string }) {
  return (
    <label title={title}>{label}{' '}
      <input type="number" min={min} step={integer ? 1 : 'any'} value={value} data-testid={testId} style={{ width: '6em' }}
        onChange={(e) => { const v = Number(e.target.value); if (e.target.value !== '' && Number.isFinite(v) && v >= min && (!integer || Number.isInteger(v))) onChange(v); }} />
    </label>
  );
}

function TrainResultView({ result, onContinue }: { result: TrainJobResult; onContinue?: () => void }) {
  const ck = result.checkpoint;
  const name = `${result.model.id}-${result.spec.method}${result.spec.lora ? '-lora' : ''}-step${result.step}`;
  return (
    <div data-testid="train-result" data-status={result.status} data-steps={result.step} data-backend={result.backend.device} data-weights-sha256={ck?.weightsSha256 ?? ''} data-resumed-from={result.resumedFrom ?? ''}>
      <p data-testid="train-summary">
        {result.status === 'done' ? 'Done' : 'Cancelled'}: {result.step} of {result.spec.steps} steps of {result.spec.method.toUpperCase()}
        {result.spec.lora ? ` (LoRA r ${result.spec.lora.r})` : ' (full fine-tuning)'} on {result.model.id}, {result.data.rows} rows of {result.data.name},
        template {result.data.template}, T {result.sequenceLength}{result.resumedFrom !== null ? `, continued from step ${result.resumedFrom}` : ''}
        {result.throughput ? `, ${result.throughput.stepsPerSecond.toFixed(2)} steps/s (${Math.round(result.throughput.tokensPerSecond)} token positions/s)` : ''}.
      </p>
      <p className="muted" data-testid="train-backend">Backend: {result.backend.device} ({result.backend.why})</p>
      {ck && <p className="muted">model.safetensors sha256 <code data-testid="train-weights-sha">{ck.weightsSha256.slice(0, 16)}…</code> (step {ck.step})</p>}
      {result.logs.length > 1 && (
        <div data-testid="train-loss-chart">
        <LineChart width={520} height={200} data={result.logs} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" />
          <YAxis domain={['auto', 'auto']} />
          <Tooltip />
          <Line type="monotone" dataKey="loss" dot={false} isAnimationActive={false} />
        </LineChart>
        </div>
      )}
      <table className="table" data-testid="train-logs">
        <thead><tr><th>step</th><th>loss</th><th>|g|</th><th>lr</th>{result.spec.method === 'dpo' && <><th>margin</th><th>accuracy</th></>}</tr></thead>
        <tbody>
          {result.logs.map((l) => (
            <tr key={l.step} data-testid="train-log-row" data-step={l.step} data-loss={String(l.loss)}>
              <td>{l.step}</td><td>{l.loss.toFixed(4)}</td><td>{l.gradNorm.toFixed(3)}</td><td>{l.lr.toExponential(2)}</td>
              {result.spec.method === 'dpo' && <><td>{l.margin?.toFixed(4)}</td><td>{l.accuracy?.toFixed(2)}</td></>}
            </tr>
          ))}
        </tbody>
      </table>
      {result.evals.length > 0 && <EvalTable evals={result.evals} />}
      <div className="toolbar">
        {ck && <button data-testid="train-download-weights" onClick={() => saveBytes(ck.files['model.safetensors'], `${name}.safetensors`, 'application/octet-stream')}>Download model.safetensors</button>}
        {ck && <button data-testid="train-download-state" onClick={() => saveBytes(ck.files['training_state.json'], `${name}-training_state.json`, 'application/json')}>Download training_state.json</button>}
        {ck && <button data-testid="train-download-trainer-state" title="the exact trainable tensors and AdamW moments: with training_state.json, what a resume reads" onClick={() => saveBytes(ck.files['trainer_state.safetensors'], `${name}-trainer_state.safetensors`, 'application/octet-stream')}>Download trainer_state.safetensors</button>}
        {ck?.files['adapter_model.safetensors'] && <button data-testid="train-download-adapter" onClick={() => saveBytes(ck.files['adapter_model.safetensors'], `${name}-adapter_model.safetensors`, 'application/octet-stream')}>Download adapter_model.safetensors</button>}
        {ck?.files['adapter_config.json'] && <button data-testid="train-download-adapter-config" onClick={() => saveBytes(ck.files['adapter_config.json'], `${name}-adapter_config.json`, 'application/json')}>Download adapter_config.json</button>}
        <button data-testid="train-download-data" onClick={() => saveBytes(result.data.jsonl, result.data.name, 'application/jsonl')}>Download the rows (JSONL)</button>
        {onContinue && ck && <button data-testid="train-continue" onClick={onContinue}>Continue from step {ck.step} to {result.spec.steps}</button>}
      </div>
    </div>
  );
}

export function TrainPanel({ onResult }: { onResult?: FeaturePanelProps['onResult'] } = {}) {
  // a dataset handed over by another page (curation's "Train on this dataset") arrives as a picked JSONL file
  const [handed] = useState(pendingTrainData);
  const [f, setF] = useState<Form>(() => (handed ? { ...DEFAULTS, source: 'file', file: { name: handed.name, text: handed.text } } : DEFAULTS));
  useEffect(clearTrainData, []);
  const set = (patch: Partial<Form>) => setF((x) => ({ ...x, ...patch }));
  const { run, start, cancel, kill } = useTrainEngine();
  useEffect(() => {
    // a finished run's before/after evaluation is assurance evidence (none without "Evaluate during training")
    if (run.status !== 'done') return;
    const r = run.result;
    onResult?.({ summary: { job: `train ${r.spec.method}`, model: r.model.id, steps: r.step, rows: r.data.rows }, evidence: emitTraining(r) });
    // onResult is recreated by the shell on every render; report once per finished run
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run]);
  const running = run.status === 'running';
  const last = running ? run.logs.at(-1) : undefined;
  const [pickError, setPickError] = useState<string | null>(null);
  const onPickCheckpoint = (list: FileList | null) => {
    if (!list?.length) return;
    setPickError(null);
    pickCheckpoint(list).then(({ resume, form }) => set({ ...form, resume }), (e: unknown) => setPickError(e instanceof Error ? e.message : String(e)));
  };
  // a cancelled run continues with its own request (a resume keeps the spec) from its checkpoint in memory
  const continueLast = run.status === 'done' && run.result.checkpoint && run.result.checkpoint.step < run.result.spec.steps
    ? () => { if (run.status === 'done' && run.result.checkpoint) void start({ ...run.request, resume: { name: `step ${run.result.checkpoint.step} of the last run`, files: run.result.checkpoint.files } }); }
    : undefined;
  const errorKind = run.status === 'error' ? (/Training refused \(([a-z-]+)\)/.exec(run.message)?.[1] ?? run.kind) : undefined;
  return (
    <div className="card" data-testid="train-panel" data-state={running ? 'loading' : 'ready'}>
      <h2>Train a model in this browser</h2>
      <p className="muted">
        SFT or DPO (full or LoRA) of an embedded model in this page&apos;s lab worker, the Node CLI&apos;s trainer
        (<code>src/core/experiments/train</code>) with the data given here: a sample of the forge corpus (SFT: prompt / reply rows; DPO: harmful
        prompts with the refusal chosen over the compliance) or a JSONL file (Alpaca, prompt/completion, messages, or DPO rows).
        WebGPU runs it where it is a hardware adapter, WASM otherwise. &quot;Evaluate during training&quot; greedy-decodes the
        forge&apos;s held-out or hand-written prompts at step 0, every N steps and the last (scored as the forge evaluation
        scores them); decoding has no cache here, so keep suites, items and tokens small.
      </p>
      <div className="toolbar">
        <label>model <select value={f.model} data-testid="train-model" onChange={(e) => set({ model: e.target.value })}>
          {TRAIN_MODELS.map((m) => <option key={m} value={m}>{m}</option>)}
        </select></label>
        <label>method <select value={f.method} data-testid="train-method" onChange={(e) => set({ method: e.target.value as Form['method'] })}>
          <option value="sft">SFT</option>
          <option value="dpo">DPO</option>
        </select></label>
        <NumberInput label="steps" value={f.steps} onChange={(steps) => set({ steps })} testId="train-steps" />
        <NumberInput label="batch" value={f.batchSize} onChange={(batchSize) => set({ batchSize })} testId="train-batchSize" />
        <NumberInput label="learning rate" value={f.lr} onChange={(lr) => set({ lr })} testId="train-lr" integer={false} min={1e-9} />
        <NumberInput label="seed" value={f.seed} onChange={(seed) => set({ seed })} testId="train-seed" min={0} />
        <label><input type="checkbox" checked={f.lora} data-testid="train-lora" onChange={(e) => set({ lora: e.target.checked })} /> LoRA</label>
        {f.lora && <NumberInput label="rank" value={f.rank} onChange={(rank) => set({ rank })} testId="train-loraRank" title="r of B·A (alpha = 2r), on the attention projections" />}
      </div>
      <div className="toolbar">
        <label>data <select value={f.source} data-testid="train-data-source" onChange={(e) => set({ source: e.target.value as Form['source'] })}>
          <option value="sample">forge corpus sample</option>
          <option value="file">JSONL file</option>
        </select></label>
        {f.source === 'sample'
          ? <NumberInput label="rows" value={f.sampleSize} onChange={(sampleSize) => set({ sampleSize })} testId="train-sample-size" />
          : <label className="button">{f.file ? f.file.name : 'Pick a JSONL file'}
            <input type="file" accept=".jsonl,.json,application/json" hidden data-testid="train-data-file"
              onChange={(ev) => { const file = ev.target.files?.[0]; if (file) void file.text().then((text) => set({ file: { name: file.name, text } })); ev.target.value = ''; }} />
          </label>}
        {handed && f.file?.name === handed.name && <span className="muted" data-testid="train-data-handed">{handed.text.split('\n').filter((l) => l.trim()).length} rows from {handed.from}</span>}
        <label><input type="checkbox" checked={f.evalOn} data-testid="train-eval" onChange={(e) => set({ evalOn: e.target.checked })} /> evaluate during training</label>
      </div>
      {f.evalOn && <EvalSettings f={f} set={set} />}
      <div className="toolbar" data-testid="train-resume">
        <label className="button" title="pick a checkpoint's training_state.json and trainer_state.safetensors (the downloads below); the form takes the checkpoint's spec">Continue from checkpoint files
          <input type="file" multiple accept=".json,.safetensors" hidden data-testid="train-resume-files" onChange={(ev) => { onPickCheckpoint(ev.target.files); ev.target.value = ''; }} />
        </label>
        {f.resume && <span data-testid="train-resume-info" data-step={f.resume.step}>continuing {f.resume.name} from step {f.resume.step} <button data-testid="train-resume-clear" onClick={() => set({ resume: null })}>Start fresh instead</button></span>}
        {pickError && <span className="error" role="alert" data-testid="train-resume-error">{pickError}</span>}
      </div>
      <div className="toolbar">
        <button data-testid="train-start" disabled={running || (f.source === 'file' && !f.file) || (f.evalOn && f.evalSuites.length === 0 && !f.evalFile)} onClick={() => void start(trainRequest(f))}>{f.resume ? `Continue ${f.model} from step ${f.resume.step}` : `Train ${f.model}`}</button>
        {running && (
          <>
            <ProgressBar done={run.progress?.done ?? 0} total={100} label={run.progress?.label ?? 'starting the lab worker'} onCancel={run.cancelling ? undefined : cancel} testId="train-progress" />
            {last && <span data-testid="train-live-loss" data-step={last.step}>loss {last.loss.toFixed(4)}</span>}
            {run.cancelling && <span className="muted" data-testid="train-cancelling">Cancelling after the current step… <button data-testid="train-kill" onClick={kill}>Stop now</button></span>}
          </>
        )}
      </div>
      {running && run.evals.length > 0 && <EvalTable evals={run.evals} />}
      {run.status === 'error' && <p className="error" role="alert" data-testid="train-error" data-error-kind={errorKind}>{run.message}</p>}
      {run.status === 'done' && <TrainResultView result={run.result} onContinue={continueLast} />}
    </div>
  );
}
