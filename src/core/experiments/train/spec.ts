// The training spec (zod, strict: an unknown key is an error, never dropped, CONVENTIONS #18) shared by the Node CLI
// and the trainer. Defaults follow TRL where a tiny model allows it (beta 0.1, label smoothing 0, completion-only
// loss, AdamW betas 0.9/0.999, no weight decay); the learning rate default is larger than TRL's (2e-5 SFT / 1e-6
// DPO) because the embedded models are 128-wide and learn nothing at those rates in a handful of steps.
import { z } from 'zod';
import { TrainError } from './errors';
import { grpoSpecProblems, grpoSpecSchema } from './grpoSpec';

/** Family-table roles a LoRA adapter may wrap (matrices only: src/core/lm/families.ts LayerRole). */
export const LORA_ROLES = ['q', 'k', 'v', 'qkv', 'o', 'gate', 'up', 'gate_up', 'down', 'fc'] as const;
export type LoraRole = (typeof LORA_ROLES)[number];

export const loraSpecSchema = z.object({
  /** Rank r of B·A. */
  r: z.number().int().positive().default(8),
  /** PEFT lora_alpha: the update is (alpha / r)·B·A. */
  alpha: z.number().positive().default(16),
  /** Family-table roles to adapt; default: the attention projections the family has (q, k, v, o or GPT-2's fused qkv, o). */
  targets: z.array(z.enum(LORA_ROLES)).min(1).optional(),
  /** PEFT init_lora_weights: true (kaiming-uniform A) or "gaussian" (A ~ N(0, 1/r)); B is zero either way. */
  init: z.enum(['kaiming', 'gaussian']).default('kaiming'),
}).strict();
export type LoraSpec = z.infer<typeof loraSpecSchema>;

/**
 * Evaluation hooks (evalHooks.ts): the weights at step 0, every `every` steps and at the end, greedy-decoded on the
 * suites and scored by the forge / ALIGNBEAM detectors; optionally the held-out loss of `lossData`.
 */
export const evalSpecSchema = z.object({
  /** Evaluate every N steps (besides step 0 and the last); absent: step 0 and the last only. */
  every: z.number().int().positive().optional(),
  /** Forge suites (heldout/harmful|benign|edgy|tasks, handwritten/harmful|edgy|tasks) or .jsonl paths in the held-out line format. */
  suites: z.array(z.string().min(1)).min(1).default(['heldout/harmful', 'heldout/benign', 'heldout/edgy', 'heldout/tasks']),
  /** The first n items of each suite. */
  limit: z.number().int().positive().default(16),
  /** Greedy tokens per reply (the forge evaluation decodes 48). */
  maxNewTokens: z.number().int().positive().default(48),
  /** Prompts decoded together. */
  batch: z.number().int().positive().default(16),
  /** A data file in the run's format whose loss under the run's objective is reported at each eval. */
  lossData: z.string().min(1).optional(),
}).strict();
export type EvalSpec = z.infer<typeof evalSpecSchema>;

export const trainSpecSchema = z.object({
  method: z.enum(['sft', 'dpo', 'grpo']),
  /** Model folder (config.json, tokenizer files, model.safetensors). */
  model: z.string().min(1).default('models/target'),
  /** JSONL (or JSON array) in one of the formats data.ts reads. */
  data: z.string().min(1),
  /** Output folder: checkpoints go to out/step-NNNNNN. */
  out: z.string().min(1),
  steps: z.number().int().positive(),
  batchSize: z.number().int().positive().default(4),
  lr: z.number().positive().default(1e-4),
  warmupSteps: z.number().int().nonnegative().default(0),
  weightDecay: z.number().nonnegative().default(0),
  gradClip: z.number().nonnegative().default(1),
  /** DPO inverse temperature (TRL DPOConfig.beta). */
  beta: z.number().positive().default(0.1),
  /** Conservative DPO (TRL DPOConfig.label_smoothing, Mitchell 2023 cDPO): assumed label-flip probability. */
  labelSmoothing: z.number().min(0).max(0.5).default(0),
  /** Absent: full fine-tuning. */
  lora: loraSpecSchema.optional(),
  /** auto: the model's chat template if it has one, else "plain" for Alpaca / prompt-completion rows. */
  template: z.enum(['auto', 'model', 'plain']).default('auto'),
  /** Loss on completion / assistant tokens only (TRL completion_only_loss, assistant_only_loss); false: every token. */
  completionOnly: z.boolean().default(true),
  /** Tokens kept per sequence (longer ones are cut at the end, TRL truncation_mode keep_start); default the model's context. */
  maxLength: z.number().int().min(2).optional(),
  seed: z.number().int().nonnegative().default(0),
  /** Write a checkpoint every N steps (and at the end); default: only at the end. */
  checkpointEvery: z.number().int().positive().optional(),
  /** A checkpoint folder this run continues from (same base model and spec). */
  resumeFrom: z.string().min(1).optional(),
  /** GRPO settings (grpoSpec.ts); required with method grpo, refused with the others. */
  grpo: grpoSpecSchema.optional(),
  /** Evaluation hooks; absent: no evaluation during training. */
  eval: evalSpecSchema.optional(),
}).strict();
export type TrainSpec = z.infer<typeof trainSpecSchema>;
export type TrainSpecInput = z.input<typeof trainSpecSchema>;

/** Parses a spec object; the first bad field is named in a TrainError('invalid-spec'). */
export function parseTrainSpec(raw: unknown): TrainSpec {
  const r = trainSpecSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(spec)'}: ${i.message}`).join('; ');
    throw new TrainError('invalid-spec', issues);
  }
  const grpo = grpoSpecProblems(raw, r.data);
  if (grpo.length) throw new TrainError('invalid-spec', grpo.join('; '));
  return r.data;
}
