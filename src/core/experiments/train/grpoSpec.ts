// The GRPO part of the training spec (spec.ts `grpo`, used with `method: "grpo"`), after TRL's GRPOConfig
// (trl/trainer/grpo_config.py, read at huggingface/trl f2cd577, 2026-07): strict like the rest of the spec, and the
// cross-field rules that keep a field from being silently ignored — GRPO fields under another method, DPO's
// top-level `beta` / `labelSmoothing` or SFT's `completionOnly` under GRPO, a batch that is not whole groups.
// Defaults are TRL's except `maxCompletionLength` (TRL 512): the embedded models have a 128-token context and the
// lab engine samples by a full forward per token, so 32 keeps prompt + completion inside the context and a step at
// a few seconds. TRL's own lr (1e-6) is not used either: the spec's shared default (1e-4) applies (spec.ts says why).
import { z } from 'zod';

/**
 * How per-token losses are averaged (TRL loss_type): "grpo" per sequence then over sequences (length-biased, the
 * paper's form); "bnpo" over the batch's completion tokens; "dapo" (TRL's current default) over the completion
 * tokens of the global accumulated batch — with one process and no gradient accumulation, as here, the same number
 * as "bnpo"; "dr_grpo" over batch size × maxCompletionLength (a constant, Dr. GRPO).
 */
export const GRPO_LOSS_TYPES = ['grpo', 'bnpo', 'dapo', 'dr_grpo'] as const;
export type GrpoLossType = (typeof GRPO_LOSS_TYPES)[number];

/** One reward function from the reward registry (rewards/registry.ts), TRL reward_funcs + reward_weights. */
export const grpoRewardSchema = z.object({
  /** Registry name: refusal, exact-answer, length, format, json (or one the caller registers). */
  reward: z.string().min(1),
  /** The entry's options (strict per entry: an unknown option is a RewardOptionsError). */
  options: z.record(z.string(), z.unknown()).optional(),
  /** TRL reward_weights: the reward is Σ weight·score. */
  weight: z.number().default(1),
}).strict();

export const grpoSpecSchema = z.object({
  rewards: z.array(grpoRewardSchema).min(1),
  /** G, completions sampled per prompt (TRL num_generations); batchSize counts completions, as in TRL. */
  numGenerations: z.number().int().min(2).default(8),
  /** Tokens sampled per completion at most (TRL max_completion_length 512; see the header for 32). */
  maxCompletionLength: z.number().int().positive().default(32),
  /** Sampling temperature; the policy's log-probs are taken at the same temperature (TRL divides the logits too). */
  temperature: z.number().positive().default(1),
  /** KL coefficient against the frozen reference, k3 estimator (TRL beta, default 0: no reference pass). */
  beta: z.number().nonnegative().default(0),
  /** Lower clip of the ratio, 1 − ε (TRL epsilon). */
  epsilon: z.number().positive().lt(1).default(0.2),
  /** Upper clip 1 + ε_high (TRL epsilon_high; absent: ε). */
  epsilonHigh: z.number().positive().optional(),
  /** Advantage scaling: by the group's std (TRL "group"), the batch's ("batch"), or none (Dr. GRPO). */
  scaleRewards: z.enum(['group', 'batch', 'none']).default('group'),
  lossType: z.enum(GRPO_LOSS_TYPES).default('dapo'),
  /** μ: optimizer steps per sampled batch (TRL num_iterations); > 1 makes the clipped ratio matter. */
  numIterations: z.number().int().positive().default(1),
}).strict();
export type GrpoSpec = z.infer<typeof grpoSpecSchema>;

/** Top-level fields another method reads and GRPO does not: giving one with method grpo is an error. */
const NOT_GRPO: Record<string, string> = {
  beta: "the top-level beta is DPO's; GRPO's KL coefficient is grpo.beta",
  labelSmoothing: 'label smoothing is a DPO setting; GRPO has none',
  completionOnly: "GRPO's loss always covers the sampled completion only",
};

/** The cross-field problems of a parsed spec (`raw`: the object as given, to see which keys were set). */
export function grpoSpecProblems(raw: unknown, spec: { method: string; grpo?: GrpoSpec; batchSize: number; checkpointEvery?: number; eval?: { lossData?: string } }): string[] {
  const given = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  if (spec.method !== 'grpo') return spec.grpo ? [`grpo: set, but method is "${spec.method}" (GRPO fields would be ignored)`] : [];
  if (!spec.grpo) return ['grpo: method "grpo" needs a grpo object with at least grpo.rewards'];
  const out = Object.keys(NOT_GRPO).filter((k) => k in given).map((k) => `${k}: ${NOT_GRPO[k]}`);
  const G = spec.grpo.numGenerations;
  if (spec.eval?.lossData !== undefined) out.push('eval.lossData: GRPO has no held-out loss (its loss needs completions sampled during the run); use eval suites');
  if (spec.batchSize % G !== 0) out.push(`batchSize: ${spec.batchSize} completions per step is not a whole number of groups of grpo.numGenerations ${G}`);
  const mu = spec.grpo.numIterations;
  if (spec.checkpointEvery !== undefined && spec.checkpointEvery % mu !== 0) {
    out.push(`checkpointEvery: ${spec.checkpointEvery} is not a multiple of grpo.numIterations ${mu} (a checkpoint inside a batch's iterations could not be resumed)`);
  }
  return out;
}
