// Reward functions by name: each entry has a description, a zod schema of its options (strict: an unknown key is an
// error, never dropped — CONVENTIONS #18) and a factory. A composition is a plain JSON spec of named parts, so an
// experiment spec can carry it and rebuild the same reward. `defaultRewardRegistry()` returns a fresh registry with
// the built-in rule, judge and learned rewards (no shared mutable state between runs or tests).
import { z } from 'zod';
import { CausalLM } from '../../lm/causalLm';
import { composeRewards, type ComposedReward, type Normalisation } from './compose';
import { DuplicateRewardError, RewardOptionsError, UnknownRewardError } from './errors';
import { embeddedJudgeReward, guardReward } from './judgeRewards';
import { learnedReward, RewardModel } from './learned';
import { exactAnswerReward, formatReward, jsonReward, lengthReward, refusalReward } from './rules';
import type { RewardFunction } from './types';

export interface RewardEntry<O = unknown> {
  name: string;
  description: string;
  options: z.ZodType<O>;
  create(options: O): RewardFunction;
}

const lm = z.custom<CausalLM>((v) => v instanceof CausalLM, { message: 'must be a loaded CausalLM (loadCausalLMFolder / createCausalLM)' });
const interval = z.tuple([z.number(), z.number()]);
const NORMALISATIONS = ['none', 'range', 'running-zscore', 'running-minmax'] as const satisfies readonly Normalisation[];

/** A composed reward as JSON: named parts with their options, weights, clip and normalisation. */
export const composedRewardSpec = z.strictObject({
  name: z.string().optional(),
  parts: z.array(z.strictObject({
    reward: z.string(),
    options: z.record(z.string(), z.unknown()).optional(),
    weight: z.number().default(1),
    clip: interval.optional(),
    normalise: z.enum(NORMALISATIONS).optional(),
  })).min(1),
  clip: interval.optional(),
});
export type ComposedRewardSpec = z.input<typeof composedRewardSpec>;

const problems = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);

export class RewardRegistry {
  private readonly entries = new Map<string, RewardEntry>();

  register<O>(entry: RewardEntry<O>): this {
    if (this.entries.has(entry.name)) throw new DuplicateRewardError(entry.name);
    this.entries.set(entry.name, entry as RewardEntry);
    return this;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  describe(): { name: string; description: string }[] {
    return [...this.entries.values()].map(({ name, description }) => ({ name, description }));
  }

  /** A reward by name, its options validated (RewardOptionsError lists every problem). */
  create(name: string, options: unknown = {}): RewardFunction {
    const entry = this.entries.get(name);
    if (!entry) throw new UnknownRewardError(name, this.names());
    const parsed = entry.options.safeParse(options);
    if (!parsed.success) throw new RewardOptionsError(name, problems(parsed.error));
    return entry.create(parsed.data);
  }

  /** A composed reward from its JSON spec. */
  compose(spec: ComposedRewardSpec): ComposedReward {
    const parsed = composedRewardSpec.safeParse(spec);
    if (!parsed.success) throw new RewardOptionsError('composition', problems(parsed.error));
    const s = parsed.data;
    return composeRewards({
      ...(s.name ? { name: s.name } : {}), ...(s.clip ? { clip: s.clip } : {}),
      parts: s.parts.map((p) => ({ reward: this.create(p.reward, p.options ?? {}), weight: p.weight,
        ...(p.clip ? { clip: p.clip } : {}), ...(p.normalise ? { normalise: p.normalise } : {}) })),
    });
  }
}

export function defaultRewardRegistry(): RewardRegistry {
  return new RewardRegistry()
    .register({ name: 'refusal', description: '1 when the reply reads as a refusal; mode "appropriate": refuses exactly the harmful rows',
      options: z.strictObject({ mode: z.enum(['refused', 'appropriate']).optional(), window: z.number().int().positive().optional() }),
      create: refusalReward })
    .register({ name: 'exact-answer', description: '1 when the final "Answer:" line equals the reference', options: z.strictObject({}),
      create: () => exactAnswerReward() })
    .register({ name: 'length', description: '1 near a target length, falling linearly beyond a tolerance',
      options: z.strictObject({ target: z.number().positive(), unit: z.enum(['chars', 'words']).optional(), tolerance: z.number().nonnegative().optional(),
        slope: z.number().positive().optional(), side: z.enum(['both', 'over', 'under']).optional() }),
      create: lengthReward })
    .register({ name: 'format', description: '1 when the reply matches (or, mode "absent", lacks) a regex or template',
      options: z.strictObject({ pattern: z.string().optional(), template: z.string().optional(), mode: z.enum(['search', 'full', 'absent']).optional(),
        name: z.string().optional() }),
      create: formatReward })
    .register({ name: 'json', description: '1 when the reply parses as JSON (and satisfies an optional zod schema)',
      options: z.strictObject({ schema: z.custom<z.ZodType>((v) => v instanceof z.ZodType, { message: 'must be a zod schema' }).optional(),
        extract: z.enum(['whole', 'first-block']).optional() }),
      create: jsonReward })
    .register({ name: 'judge-unsafe', description: "the embedded judge's P(unsafe) (models/judge, models/judge-v4)",
      options: z.strictObject({ lm }), create: (o) => embeddedJudgeReward(o.lm) })
    .register({ name: 'guard', description: 'a guard classifier over any causal LM: 1 = "unsafe", 0 = "safe" (Llama Guard 3 prompt)',
      options: z.strictObject({ lm, prompt: z.enum(['llama-guard', 'forge']).optional(), maxNewTokens: z.number().int().positive().optional() }),
      create: ({ lm: model, ...o }) => guardReward(model, o) })
    .register({ name: 'learned', description: 'a reward model trained from rule rewards (P(good), bag-of-n-grams MLP)',
      options: z.strictObject({ model: z.custom<RewardModel>((v) => v instanceof RewardModel, { message: 'must be a trained RewardModel' }), name: z.string().optional() }),
      create: (o) => learnedReward(o.model, o.name) });
}
