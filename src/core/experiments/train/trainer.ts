// SFT (full or LoRA) and DPO fine-tuning of an embedded LM on the lab engine: one jitted step per run (forward(s),
// the objective, grads of the trainable tensors, global-norm clip, AdamW), seeded batches, progress events,
// cancellation between steps (AbortSignal), checkpoints handed to a sink as whole model folders (model.safetensors
// merged + config + tokenizer + onnx/model.onnx, the workbench's model folder) plus the exact trainer state, and
// resume from such a checkpoint bit-identically. The model's own params are never changed: they are the frozen
// base (LoRA) and the DPO reference (a frozen copy for full fine-tuning, the adapter-free base for LoRA, as TRL
// does with a PEFT model and ref_model None). Pure: no Node (node.ts adds the file system, cli.ts the command).
import { jit, numpy as np, valueAndGrad, type OwnedFunction } from '@jax-js/jax';
import { adamwUpdate, clipByGlobalNorm, fromF32, fromI32, keep, lrAt, readF32, release, type AdamWConfig, type Arr, type ArrRecord } from '../../lab';
import { sha256HexSync } from '../../numeric/sha256';
import type { UnlearnModel } from '../../edits/unlearn/model';
import { IndexSampler, maskedBatch, type MaskedBatch } from './batches';
import { chooseRenderer, dpoRow, encodeConversation, sftRow, type MaskedSequence } from './data';
import { TrainError } from './errors';
import type { EvalRecord, TrainEvaluator } from './evalHooks';
import { applyLora, initLora, planLora, toArrays, type LoraPlan } from './lora';
import { dpoLoss, sequenceLogp, sftLoss } from './objectives';
import type { TrainSpec } from './spec';

/** The lab-engine model a run trains (the unlearning loader's model: forward, params, file names, tokenizer). */
export type TrainModel = UnlearnModel;

export interface EncodedData {
  method: TrainSpec['method'];
  /** SFT sequences, or DPO pairs (chosen, rejected) sharing a prompt. */
  sft: MaskedSequence[];
  dpo: { chosen: MaskedSequence; rejected: MaskedSequence }[];
  template: string;
  /** Sequences longer than the kept length (cut at the end). */
  truncated: number;
  /** sha256 of the encoded sequences: a resume must see the same data. */
  sha256: string;
}

/** Reads rows in the spec's method format and encodes them with the chosen template. */
export function encodeRows(model: TrainModel, spec: Pick<TrainSpec, 'method' | 'template' | 'completionOnly'>, rows: { line: number; row: unknown }[], file = 'data'): EncodedData {
  if (spec.method === 'grpo') throw new TrainError('invalid-spec', 'method grpo samples its completions: it runs through grpo.ts runGrpo (grpoNode.ts in Node), not runTraining');
  if (rows.length === 0) throw new TrainError('empty-data', `${file} has no rows`);
  const tok = model.tokenizer;
  const out: EncodedData = { method: spec.method, sft: [], dpo: [], template: '', truncated: 0, sha256: '' };
  if (spec.method === 'sft') {
    const parsed = rows.map(({ line, row }) => sftRow(row, line, file));
    const r = chooseRenderer(tok, spec.template, parsed.some((p) => p.chat), model.id);
    out.template = r.name;
    out.sft = parsed.map((p) => encodeConversation(tok, r.render, p.messages, { completionOnly: spec.completionOnly, where: `${file} line ${p.line}` }));
  } else {
    const parsed = rows.map(({ line, row }) => dpoRow(row, line, file));
    const r = chooseRenderer(tok, spec.template, parsed.some((p) => p.chat), model.id);
    out.template = r.name;
    // DPO always scores the reply only: TRL's chosen/rejected log-probs cover completion tokens
    const enc = (p: (typeof parsed)[number], reply: typeof p.chosen) => encodeConversation(tok, r.render, [...p.prompt, ...reply], { completionOnly: true, lastOnly: true, where: `${file} line ${p.line}` });
    out.dpo = parsed.map((p) => ({ chosen: enc(p, p.chosen), rejected: enc(p, p.rejected) }));
  }
  out.sha256 = sha256HexSync(JSON.stringify({ sft: out.sft, dpo: out.dpo }));
  return out;
}

export interface StepLog {
  step: number;
  loss: number;
  gradNorm: number;
  lr: number;
  /** DPO only: batch means of the chosen / rejected rewards, their margin, and the share of pairs ranked right. */
  chosenReward?: number;
  rejectedReward?: number;
  margin?: number;
  accuracy?: number;
}

export type TrainProgress =
  | { kind: 'prepare'; message: string }
  | { kind: 'step'; step: number; total: number; log: StepLog }
  | { kind: 'checkpoint'; step: number }
  | { kind: 'eval'; step: number; eval: EvalRecord }
  | { kind: 'done'; step: number; total: number; status: 'done' | 'cancelled' };

/** What a checkpoint records beside the weights (training_state.json). */
export interface TrainCheckpointState {
  format: 'workbench-train-checkpoint';
  version: 1;
  model: { id: string; family: string; weightsSha256: string | null };
  spec: Omit<TrainSpec, 'out' | 'resumeFrom'>;
  dataSha256: string;
  template: string;
  sequenceLength: number;
  step: number;
  status: 'running' | 'done' | 'cancelled';
  logs: StepLog[];
  /** Evaluations so far (spec.eval; absent in checkpoints of runs without it). */
  evals?: EvalRecord[];
}

export interface TrainCheckpoint {
  step: number;
  state: TrainCheckpointState;
  /** Engine-named host tensors of the trained model (merged for LoRA), for the model folder. */
  merged: Map<string, { data: Float32Array; shape: number[] }>;
  /** The exact trainable state: `param.<name>`, `m.<name>`, `v.<name>` (resume reads only this). */
  trainer: Map<string, { data: Float32Array; shape: number[] }>;
  lora: { plan: LoraPlan; arrays: ArrRecord } | null;
}

export interface CheckpointSink { write(c: TrainCheckpoint): Promise<void> }

export interface TrainRunOptions {
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  sink?: CheckpointSink;
  resume?: { state: TrainCheckpointState; trainer: Map<string, { data: Float32Array; shape: number[] }> };
  /** Required when spec.eval is set: evalHooks.ts makeEvaluator on the suites (Node: evalHooksNode.ts). */
  evaluator?: TrainEvaluator;
}

export interface TrainResult {
  status: 'done' | 'cancelled';
  step: number;
  logs: StepLog[];
  /** Evaluations at step 0, every spec.eval.every steps and the last (empty without spec.eval). */
  evals: EvalRecord[];
  /** Every parameter of the trained model (merged for LoRA), engine names; the caller releases them. */
  params: ArrRecord;
  /** LoRA runs: the plan and the trained A / B arrays (engine orientation; the caller releases them). */
  lora: { plan: LoraPlan; arrays: ArrRecord } | null;
  sequenceLength: number;
  /** Steps and token positions (B·T, DPO: both sides) per second after the first (compiling) step; null with < 2 steps. */
  throughput: { stepsPerSecond: number; tokensPerSecond: number } | null;
}

const RESUME_KEYS = ['method', 'model', 'data', 'steps', 'batchSize', 'lr', 'warmupSteps', 'weightDecay', 'gradClip', 'beta', 'labelSmoothing', 'lora', 'template', 'completionOnly', 'maxLength', 'seed'] as const;

function checkResume(model: TrainModel, spec: TrainSpec, data: EncodedData, st: TrainCheckpointState): void {
  if (st.model.weightsSha256 !== model.weightsSha256 || st.model.family !== model.family) {
    throw new TrainError('foreign-checkpoint', `the checkpoint was trained from ${st.model.id} (${st.model.family}, weights sha256 ${st.model.weightsSha256?.slice(0, 12) ?? '?'}…), this run's base is ${model.id} (${model.family}, ${model.weightsSha256?.slice(0, 12) ?? '?'}…)`);
  }
  const spec0 = st.spec as Record<string, unknown>;
  const differ = RESUME_KEYS.filter((k) => k !== 'model' && k !== 'data' && JSON.stringify(spec0[k]) !== JSON.stringify((spec as Record<string, unknown>)[k]));
  if (st.dataSha256 !== data.sha256) differ.push('data');
  if (differ.length) throw new TrainError('incompatible-resume', `the spec differs from the checkpoint's in ${differ.join(', ')}`);
  if (st.step > spec.steps) throw new TrainError('incompatible-resume', `the checkpoint is at step ${st.step}, past the run's ${spec.steps} steps`);
}

type StepFn = (p: ArrRecord, frozen: ArrRecord, ref: ArrRecord, m: ArrRecord, v: ArrRecord, x: ArrRecord, lr: Arr, bc1: Arr, bc2: Arr) =>
  [ArrRecord, ArrRecord, ArrRecord, Arr, Arr, Arr[]];

function makeStep(model: TrainModel, spec: TrainSpec, plan: LoraPlan | null, o: AdamWConfig): OwnedFunction<StepFn> {
  const fwd = (p: ArrRecord, tok: Arr) => model.forward(p, tok).logits;
  const lossOf = (p: ArrRecord, frozen: ArrRecord, ref: ArrRecord, x: ArrRecord): [Arr, Arr[]] => {
    const params = plan ? applyLora(plan, frozen, p) : { ...frozen, ...p };
    if (spec.method === 'sft') {
      release(ref);
      return [sftLoss(fwd(params, x.sTok), x.sTgt, x.sMask), []];
    }
    const piC = sequenceLogp(fwd(keep(params), x.cTok.ref), x.cTgt.ref, x.cMask.ref);
    const piR = sequenceLogp(fwd(params, x.rTok.ref), x.rTgt.ref, x.rMask.ref);
    const refC = sequenceLogp(fwd(keep(ref), x.cTok), x.cTgt, x.cMask);
    const refR = sequenceLogp(fwd(ref, x.rTok), x.rTgt, x.rMask);
    const d = dpoLoss(piC, piR, refC, refR, spec.beta, spec.labelSmoothing);
    return [d.loss, [d.chosenReward, d.rejectedReward, d.margin, d.accuracy]];
  };
  const raw: StepFn = (p, frozen, ref, m, v, x, lr, bc1, bc2) => {
    const [[loss, aux], grads] = valueAndGrad(lossOf, { hasAux: true })(keep(p), frozen, ref, x);
    const [clipped, norm] = clipByGlobalNorm(grads, o.gradClip);
    const next = adamwUpdate(o, p, clipped, m, v, { lr, bc1, bc2 });
    return [next.params, next.m, next.v, loss, norm, aux];
  };
  return jit(raw) as OwnedFunction<StepFn>;
}

export const hostCopy = (r: ArrRecord, prefix = ''): Map<string, { data: Float32Array; shape: number[] }> =>
  new Map(Object.entries(r).map(([k, a]) => [prefix + k, { data: readF32(a), shape: [...a.shape] }]));

function batchArrays(prefix: string, b: MaskedBatch): ArrRecord {
  const s = [b.B, b.T];
  return { [`${prefix}Tok`]: fromI32(b.tokens, s), [`${prefix}Tgt`]: fromI32(b.targets, s), [`${prefix}Mask`]: fromF32(b.mask, s) };
}

/**
 * What SFT/DPO and GRPO set up alike before their first step: AdamW's settings, the checkpoint state, and the
 * trainable tensors with their moments — fresh (full fine-tuning: a copy of every tensor; LoRA: A and B only) or
 * read back from `resume` after `resume.check` accepted its state. The caller advances its own batch sampler.
 */
export function startTrainRun(
  model: TrainModel, spec: TrainSpec, plan: LoraPlan | null, data: { sha256: string; template: string }, sequenceLength: number,
  resume?: TrainRunOptions['resume'] & { check: (st: TrainCheckpointState) => void },
): { o: AdamWConfig; state: TrainCheckpointState; trainable: { p: ArrRecord; m: ArrRecord; v: ArrRecord } } {
  const o: AdamWConfig = { lr: spec.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: spec.weightDecay, gradClip: spec.gradClip, warmupSteps: spec.warmupSteps, totalSteps: spec.steps, minLrRatio: 0 };
  const effective: Partial<TrainSpec> = { ...spec };
  delete effective.out;
  delete effective.resumeFrom;
  const state: TrainCheckpointState = {
    format: 'workbench-train-checkpoint', version: 1, model: { id: model.id, family: model.family, weightsSha256: model.weightsSha256 },
    spec: effective as TrainCheckpointState['spec'], dataSha256: data.sha256, template: data.template, sequenceLength, step: 0, status: 'running', logs: [],
  };
  const loraInit = plan ? initLora(plan, spec.lora!.init, spec.seed) : null;
  const shapes: [string, number[]][] = loraInit ? [...loraInit].map(([k, x]) => [k, x.shape]) : Object.entries(model.params).map(([k, a]) => [k, [...a.shape]]);
  if (resume) {
    resume.check(resume.state);
    const take = (prefix: string) => Object.fromEntries(shapes.map(([k]) => {
      const x = resume.trainer.get(prefix + k);
      if (!x) throw new TrainError('incompatible-resume', `the checkpoint's trainer state lacks ${prefix}${k}`);
      return [k, fromF32(x.data, x.shape)];
    })) as ArrRecord;
    state.step = resume.state.step;
    state.logs = [...resume.state.logs];
    state.evals = [...(resume.state.evals ?? [])];
    return { o, state, trainable: { p: take('param.'), m: take('m.'), v: take('v.') } };
  }
  const zeros = () => Object.fromEntries(shapes.map(([k, shape]) => [k, np.zeros(shape)])) as ArrRecord;
  return { o, state, trainable: { p: loraInit ? toArrays(loraInit) : keep(model.params), m: zeros(), v: zeros() } };
}

/** Runs the spec's training of `model` on encoded data (model.params stay untouched). */
export async function runTraining(model: TrainModel, data: EncodedData, spec: TrainSpec, opts: TrainRunOptions = {}): Promise<TrainResult> {
  if (data.method !== spec.method) throw new TrainError('invalid-spec', `the data was encoded for ${data.method}, the spec says ${spec.method}`);
  const progress = opts.onProgress ?? (() => undefined);
  if (spec.eval && !opts.evaluator) throw new TrainError('invalid-spec', 'the spec has an eval block but no evaluator was given to runTraining (evalHooks.ts makeEvaluator)');
  if (opts.evaluator && JSON.stringify(opts.evaluator.spec) !== JSON.stringify(spec.eval)) throw new TrainError('invalid-spec', 'the evaluator was made for another eval block than the spec\'s');
  const plan = spec.lora ? planLora(model.family, model.nLayers, model.params, spec.lora) : null;
  const seqs = spec.method === 'sft' ? data.sft : data.dpo.flatMap((p) => [p.chosen, p.rejected]);
  const keepLen = Math.min(spec.maxLength ?? Infinity, model.maxPositions + 1);
  const longest = Math.max(...seqs.map((s) => s.tokens.length));
  const T = Math.min(longest, keepLen) - 1;
  data.truncated = seqs.filter((s) => s.tokens.length > keepLen).length;
  const pad = model.tokenizer.padId ?? model.tokenizer.eosId ?? 0;
  const n = spec.method === 'sft' ? data.sft.length : data.dpo.length;
  const sampler = new IndexSampler(n, spec.batchSize, spec.seed);
  const { o, state, trainable } = startTrainRun(model, spec, plan, data, T, opts.resume && { ...opts.resume, check: (st) => checkResume(model, spec, data, st) });
  let { p, m, v } = trainable;
  if (opts.resume) sampler.skip(state.step);

  const merged = (): ArrRecord => (plan ? applyLora(plan, keep(model.params), keep(p)) : keep(p));
  const step = makeStep(model, spec, plan, o);
  let status: 'done' | 'cancelled' = 'done';
  let lastCheckpoint = state.step;
  const checkpoint = async (st: TrainCheckpointState['status']): Promise<void> => {
    if (!opts.sink) return;
    state.status = st;
    const all = merged();
    const ck: TrainCheckpoint = {
      step: state.step, state: structuredClone(state), merged: hostCopy(all),
      trainer: new Map([...hostCopy(p, 'param.'), ...hostCopy(m, 'm.'), ...hostCopy(v, 'v.')]),
      lora: plan ? { plan, arrays: p } : null,
    };
    release(all);
    await opts.sink.write(ck);
    lastCheckpoint = state.step;
    progress({ kind: 'checkpoint', step: state.step });
  };
  // greedy decoding only (no RNG): an eval leaves the training trajectory as it was
  const evaluate = (): void => {
    if (!opts.evaluator) return;
    const all = merged();
    try {
      const e = opts.evaluator.evaluate(all, state.step);
      (state.evals ??= []).push(e);
      progress({ kind: 'eval', step: state.step, eval: e });
    } finally {
      release(all);
    }
  };
  // step time only (batch building, the compiled step, reading the stats), the first (compiling) step excluded
  const timed = { steps: 0, ms: 0 };
  progress({ kind: 'prepare', message: `${n} ${spec.method === 'sft' ? 'sequences' : 'pairs'}, T ${T}, template ${data.template}${plan ? `, LoRA r ${plan.r} on ${plan.targets.length} matrices` : ', full fine-tuning'}` });
  try {
    if (state.step === 0) evaluate();
    for (let s = state.step; s < spec.steps; s++) {
      if (opts.signal?.aborted) {
        status = 'cancelled';
        break;
      }
      const t0 = Date.now();
      const idx = sampler.next();
      const x = spec.method === 'sft'
        ? batchArrays('s', maskedBatch(idx.map((i) => data.sft[i]), T, pad))
        : { ...batchArrays('c', maskedBatch(idx.map((i) => data.dpo[i].chosen), T, pad)), ...batchArrays('r', maskedBatch(idx.map((i) => data.dpo[i].rejected), T, pad)) };
      const t = s + 1;
      const lr = lrAt(o, s);
      const frozen = plan ? keep(model.params) : {};
      const ref = spec.method === 'dpo' ? keep(model.params) : {};
      const [p2, m2, v2, loss, norm, aux] = step(p, frozen, ref, m, v, x, np.array(lr), np.array(1 - o.beta1 ** t), np.array(1 - o.beta2 ** t));
      p = p2;
      m = m2;
      v = v2;
      const log: StepLog = { step: t, loss: loss.item(), gradNorm: norm.item(), lr };
      if (aux.length) [log.chosenReward, log.rejectedReward, log.margin, log.accuracy] = aux.map((a) => a.item());
      state.logs.push(log);
      state.step = t;
      if (t > 1 && s > (opts.resume?.state.step ?? 0)) {
        timed.steps++;
        timed.ms += Date.now() - t0;
      }
      progress({ kind: 'step', step: t, total: spec.steps, log });
      if (!Number.isFinite(log.loss) || !Number.isFinite(log.gradNorm)) throw new TrainError('non-finite', `step ${t}: the ${Number.isFinite(log.loss) ? 'gradient norm' : 'loss'} is ${Number.isFinite(log.loss) ? log.gradNorm : log.loss}`);
      if (t === spec.steps || (spec.eval?.every !== undefined && t % spec.eval.every === 0)) evaluate();
      if (t === spec.steps || (spec.checkpointEvery !== undefined && t % spec.checkpointEvery === 0)) await checkpoint(t === spec.steps ? 'done' : 'running');
    }
    // a cancelled run keeps its progress: the steps done since the last checkpoint are written (resumable)
    if (status === 'cancelled' && state.step > lastCheckpoint) await checkpoint('cancelled');
  } catch (e) {
    release(p);
    throw e;
  } finally {
    release(m);
    release(v);
    step.dispose();
  }
  progress({ kind: 'done', step: state.step, total: spec.steps, status });
  const params = merged();
  if (!plan) release(p);
  const perStep = spec.batchSize * T * (spec.method === 'dpo' ? 2 : 1);
  const throughput = timed.steps > 0 && timed.ms > 0 ? { stepsPerSecond: (1000 * timed.steps) / timed.ms, tokensPerSecond: (1000 * timed.steps * perStep) / timed.ms } : null;
  return { status, step: state.step, logs: state.logs, evals: state.evals ?? [], params, lora: plan ? { plan, arrays: p } : null, sequenceLength: T, throughput };
}
