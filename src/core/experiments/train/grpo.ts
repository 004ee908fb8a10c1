// GRPO fine-tuning (Shao et al. 2024; TRL GRPOTrainer, see grpoObjective.ts for the formulas) of an embedded LM on
// the lab engine, full or LoRA. Per sampled batch: batchSize / G prompts drawn in a seeded order, G completions each
// sampled from the current policy (grpoRollout.ts), scored by the spec's rewards composed from the reward registry
// (a completion whose reward failed — a function threw, returned null or NaN — is counted under the function's
// name and gets advantage 0; TRL nansums the other functions instead, here a failure is never read as a score),
// group-normalised advantages, and, when β > 0, the per-token log-probs of the frozen reference (a frozen copy for
// full fine-tuning, the adapter-free base for LoRA, as DPO in trainer.ts). Then μ = numIterations AdamW steps on
// that batch (πold = the sampling policy; with μ = 1 the ratio is 1 and its gradient the plain policy gradient),
// through the same optimizer, progress, cancel and checkpoint machinery as SFT/DPO. Sampling is seeded per batch,
// so a resume from a checkpoint is bit-identical; checkpoints and cancels land on batch boundaries (spec.ts refuses
// a checkpointEvery that is not a multiple of μ). Pure: no Node (grpoNode.ts adds the files).
import { jit, numpy as np, valueAndGrad, type OwnedFunction } from '@jax-js/jax';
import { adamwUpdate, clipByGlobalNorm, fromF32, fromI32, keep, lrAt, Pcg32, release, type AdamWConfig, type Arr, type ArrRecord } from '../../lab';
import { defaultRewardRegistry, type RewardRegistry } from '../rewards/registry';
import type { RewardLogEntry, RewardResult } from '../rewards/types';
import { IndexSampler } from './batches';
import { TrainError } from './errors';
import { groupAdvantages, grpoLoss, tokenLogp, type GrpoLossConfig } from './grpoObjective';
import { completionBatch, makePolicyFns, rewardSamples, type GrpoData } from './grpoRollout';
import type { GrpoSpec } from './grpoSpec';
import { applyLora, planLora, type LoraPlan } from './lora';
import type { TrainSpec } from './spec';
import { hostCopy, startTrainRun, type StepLog, type TrainCheckpoint, type TrainCheckpointState, type TrainModel, type TrainResult, type TrainRunOptions } from './trainer';

export interface GrpoStepLog extends StepLog {
  /** Mean (and std) of the composed reward over the batch's scorable completions (TRL reward, reward_std). */
  reward: number;
  rewardStd: number;
  /** Per reward function, raw scores before weighting (TRL rewards/<name>/mean, std). */
  rewards: Record<string, { mean: number; std: number }>;
  /** Completions of this batch each function failed on (threw, null, NaN, ±∞), by function name; absent: none. */
  rewardFailures?: Record<string, number>;
  /** Masked mean k3 KL to the reference (β > 0 only, as TRL logs it). */
  kl?: number;
  /** Share of completion tokens whose ratio was clipped (TRL clip_ratio/region_mean). */
  clipRatio: number;
  /** Mean sampled completion tokens, EOS included, and the share cut at maxCompletionLength. */
  completionLength: number;
  truncatedRatio: number;
  /** Share of groups whose rewards were all equal (no signal; TRL frac_reward_zero_std). */
  zeroStdGroups: number;
}

export interface GrpoRunOptions extends TrainRunOptions {
  /** Where reward names are looked up (default: defaultRewardRegistry()). */
  registry?: RewardRegistry;
}

export interface GrpoResult extends TrainResult {
  logs: GrpoStepLog[];
  /** The composed reward's running log, then each function's (failures by kind, last failure). */
  rewardLogs: RewardLogEntry[];
}

const RESUME_KEYS = ['method', 'model', 'data', 'steps', 'batchSize', 'lr', 'warmupSteps', 'weightDecay', 'gradClip', 'lora', 'template', 'maxLength', 'seed', 'grpo'] as const;

function checkResume(model: TrainModel, spec: TrainSpec, data: GrpoData, st: TrainCheckpointState): void {
  if (st.model.weightsSha256 !== model.weightsSha256 || st.model.family !== model.family) {
    throw new TrainError('foreign-checkpoint', `the checkpoint was trained from ${st.model.id} (${st.model.family}), this run's base is ${model.id} (${model.family})`);
  }
  const spec0 = st.spec as Record<string, unknown>;
  const differ: string[] = RESUME_KEYS.filter((k) => k !== 'model' && k !== 'data' && JSON.stringify(spec0[k]) !== JSON.stringify((spec as Record<string, unknown>)[k]));
  if (st.dataSha256 !== data.sha256) differ.push('data');
  if (differ.length) throw new TrainError('incompatible-resume', `the spec differs from the checkpoint's in ${differ.join(', ')}`);
  if (st.step > spec.steps) throw new TrainError('incompatible-resume', `the checkpoint is at step ${st.step}, past the run's ${spec.steps} steps`);
  if (st.step % spec.grpo!.numIterations !== 0 && st.step < spec.steps) throw new TrainError('incompatible-resume', `the checkpoint is at step ${st.step}, inside a batch's ${spec.grpo!.numIterations} iterations`);
}

type StepFn = (p: ArrRecord, frozen: ArrRecord, m: ArrRecord, v: ArrRecord, x: ArrRecord, lr: Arr, bc1: Arr, bc2: Arr) => [ArrRecord, ArrRecord, ArrRecord, Arr, Arr, Arr[]];

function makeStep(model: TrainModel, g: GrpoSpec, plan: LoraPlan | null, o: AdamWConfig, c: GrpoLossConfig): OwnedFunction<StepFn> {
  const lossOf = (p: ArrRecord, frozen: ArrRecord, x: ArrRecord): [Arr, Arr[]] => {
    const params = plan ? applyLora(plan, frozen, p) : { ...frozen, ...p };
    const logp = tokenLogp(model.forward(params, x.tok).logits, x.tgt, g.temperature); // [N,T]
    const t = grpoLoss(logp, x.old ?? null, x.ref ?? null, x.mask, x.adv, c);
    return [t.loss, [t.kl, t.clipRatio]];
  };
  const raw: StepFn = (p, frozen, m, v, x, lr, bc1, bc2) => {
    const [[loss, aux], grads] = valueAndGrad(lossOf, { hasAux: true })(keep(p), frozen, x);
    const [clipped, norm] = clipByGlobalNorm(grads, o.gradClip);
    const next = adamwUpdate(o, p, clipped, m, v, { lr, bc1, bc2 });
    return [next.params, next.m, next.v, loss, norm, aux];
  };
  return jit(raw) as OwnedFunction<StepFn>;
}

const nanStats = (xs: readonly number[]): { mean: number; std: number } => {
  const f = xs.filter((x) => !Number.isNaN(x));
  const mean = f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
  const std = f.length > 1 ? Math.sqrt(f.reduce((a, x) => a + (x - mean) ** 2, 0) / (f.length - 1)) : NaN;
  return { mean, std };
};

/** What one sampled batch gives the μ optimizer steps that use it. */
interface Rollout { x: Record<string, { data: Float32Array | Int32Array; shape: number[]; int: boolean }>; stats: Omit<GrpoStepLog, keyof StepLog | 'kl' | 'clipRatio'>; tokens: number }

/** Runs a GRPO spec on `model` (its params stay untouched) over encoded prompts. */
export async function runGrpo(model: TrainModel, data: GrpoData, spec: TrainSpec, opts: GrpoRunOptions = {}): Promise<GrpoResult> {
  if (spec.method !== 'grpo' || !spec.grpo) throw new TrainError('invalid-spec', `runGrpo runs method grpo, the spec says ${spec.method}`);
  const g = spec.grpo;
  const G = g.numGenerations;
  const N = spec.batchSize;
  const progress = opts.onProgress ?? (() => undefined);
  if (spec.eval && !opts.evaluator) throw new TrainError('invalid-spec', 'the spec has an eval block but no evaluator was given to runGrpo (evalHooks.ts makeEvaluator)');
  const reward = (opts.registry ?? defaultRewardRegistry()).compose({ parts: g.rewards.map((r) => ({ reward: r.reward, options: r.options ?? {}, weight: r.weight })) });
  const plan = spec.lora ? planLora(model.family, model.nLayers, model.params, spec.lora) : null;
  const W = data.promptWidth + g.maxCompletionLength;
  const T = W - 1;
  const pad = model.tokenizer.padId ?? model.tokenizer.eosId ?? 0;
  const sampler = new IndexSampler(data.prompts.length, N / G, spec.seed);
  const lossConfig: GrpoLossConfig = { beta: g.beta, epsilonLow: g.epsilon, epsilonHigh: g.epsilonHigh ?? g.epsilon, lossType: g.lossType, maxCompletionLength: g.maxCompletionLength };
  const { o, state, trainable } = startTrainRun(model, spec, plan, data, T, opts.resume && { ...opts.resume, check: (st) => checkResume(model, spec, data, st) });
  let { p, m, v } = trainable;
  if (opts.resume) sampler.skip(Math.ceil(state.step / g.numIterations));

  const merged = (): ArrRecord => (plan ? applyLora(plan, keep(model.params), keep(p)) : keep(p));
  const fns = makePolicyFns(model, W, g);
  const step = makeStep(model, g, plan, o, lossConfig);

  const sampleBatch = async (batchIndex: number): Promise<Rollout> => {
    const rows = sampler.next().flatMap((i) => Array<number>(G).fill(i));
    const policy = merged();
    let completions;
    let old: Float32Array | null = null;
    let b;
    try {
      completions = fns.sample(policy, rows, data.prompts, new Pcg32(spec.seed, 1000 + batchIndex));
      b = completionBatch(completions, data.prompts, W, pad);
      if (g.numIterations > 1) old = fns.logp(policy, b.tok, b.tgt, N);
    } finally {
      release(policy);
    }
    const ref = g.beta > 0 ? fns.logp(model.params, b.tok, b.tgt, N) : null; // the untouched base: frozen copy / adapter-free
    const scored = await reward.run(rewardSamples(model, completions, data.prompts));
    const parts = scored.components ?? [];
    if (scored.scores.every((x) => Number.isNaN(x))) throw new TrainError('reward-failed', `batch ${batchIndex + 1}: ${describeFailures(parts)}`);
    const { advantages, zeroStdGroups } = groupAdvantages(scored.scores, G, g.scaleRewards);
    const failures = Object.fromEntries(parts.filter((c) => c.failures.length > 0).map((c) => [c.name, c.failures.length]));
    const total = nanStats(scored.scores);
    const lengths = completions.map((c) => c.tokens.length);
    const s = [N, T];
    return {
      x: {
        tok: { data: b.tok, shape: s, int: true }, tgt: { data: b.tgt, shape: s, int: true }, mask: { data: b.mask, shape: s, int: false },
        adv: { data: Float32Array.from(advantages), shape: [N], int: false },
        ...(old ? { old: { data: old, shape: s, int: false } } : {}), ...(ref ? { ref: { data: ref, shape: s, int: false } } : {}),
      },
      stats: {
        reward: total.mean, rewardStd: total.std, rewards: Object.fromEntries(parts.map((c) => [c.name, nanStats(c.scores)])),
        ...(Object.keys(failures).length ? { rewardFailures: failures } : {}),
        completionLength: lengths.reduce((a, x) => a + x, 0) / N, truncatedRatio: completions.filter((c) => !c.stopped).length / N,
        zeroStdGroups: zeroStdGroups / (N / G),
      },
      tokens: lengths.reduce((a, x) => a + x, 0),
    };
  };

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
  const timed = { steps: 0, ms: 0, tokens: 0 };
  progress({ kind: 'prepare', message: `${data.prompts.length} prompts, ${N / G} × G ${G} completions per step, window ${W}, template ${data.template}, ${reward.name}${plan ? `, LoRA r ${plan.r} on ${plan.targets.length} matrices` : ', full fine-tuning'}` });
  // greedy decoding only (no RNG): an eval leaves the sampling and training trajectory as it was
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
  let rollout: Rollout | null = null;
  try {
    if (state.step === 0) evaluate();
    for (let s = state.step; s < spec.steps; s++) {
      const boundary = s % g.numIterations === 0;
      if (boundary && opts.signal?.aborted) {
        status = 'cancelled';
        break;
      }
      const t0 = Date.now();
      if (boundary || !rollout) rollout = await sampleBatch(Math.floor(s / g.numIterations));
      const x = Object.fromEntries(Object.entries(rollout.x).map(([k, a]) => [k, a.int ? fromI32(a.data, a.shape) : fromF32(a.data, a.shape)])) as ArrRecord;
      const t = s + 1;
      const lr = lrAt(o, s);
      const frozen = plan ? keep(model.params) : {};
      const [p2, m2, v2, loss, norm, aux] = step(p, frozen, m, v, x, np.array(lr), np.array(1 - o.beta1 ** t), np.array(1 - o.beta2 ** t));
      p = p2;
      m = m2;
      v = v2;
      const [kl, clipRatio] = aux.map((a) => a.item());
      const log: GrpoStepLog = { step: t, loss: loss.item(), gradNorm: norm.item(), lr, ...rollout.stats, ...(g.beta > 0 ? { kl } : {}), clipRatio };
      state.logs.push(log);
      state.step = t;
      if (t > 1 && s > (opts.resume?.state.step ?? 0)) {
        timed.steps++;
        timed.ms += Date.now() - t0;
        if (boundary) timed.tokens += rollout.tokens;
      }
      progress({ kind: 'step', step: t, total: spec.steps, log });
      if (!Number.isFinite(log.loss) || !Number.isFinite(log.gradNorm)) throw new TrainError('non-finite', `step ${t}: the ${Number.isFinite(log.loss) ? 'gradient norm' : 'loss'} is ${Number.isFinite(log.loss) ? log.gradNorm : log.loss}`);
      if (t === spec.steps || (spec.eval?.every !== undefined && t % spec.eval.every === 0)) evaluate();
      if (t === spec.steps || (spec.checkpointEvery !== undefined && t % spec.checkpointEvery === 0)) await checkpoint(t === spec.steps ? 'done' : 'running');
    }
    if (status === 'cancelled' && state.step > lastCheckpoint) await checkpoint('cancelled');
  } catch (e) {
    release(p);
    throw e;
  } finally {
    release(m);
    release(v);
    step.dispose();
    fns.dispose();
  }
  progress({ kind: 'done', step: state.step, total: spec.steps, status });
  const params = merged();
  if (!plan) release(p);
  const throughput = timed.steps > 0 && timed.ms > 0 ? { stepsPerSecond: (1000 * timed.steps) / timed.ms, tokensPerSecond: (1000 * timed.tokens) / timed.ms } : null;
  return { status, step: state.step, logs: state.logs as GrpoStepLog[], evals: state.evals ?? [], params, lora: plan ? { plan, arrays: p } : null, sequenceLength: T, throughput, rewardLogs: reward.logs() };
}

/** Each failing reward function with its failure kinds and first message (for the all-failed error). */
function describeFailures(parts: readonly RewardResult[]): string {
  return parts.filter((c) => c.failures.length > 0).map((c) => {
    const kinds = [...new Set(c.failures.map((f) => f.kind))].join('/');
    return `${c.name} failed on ${c.failures.length} of ${c.scores.length} completions (${kinds}: ${c.failures[0].message})`;
  }).join('; ') || 'no reward function scored any completion';
}
