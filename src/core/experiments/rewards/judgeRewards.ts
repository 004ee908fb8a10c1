// Judges as reward functions: the embedded judge's P(unsafe) (models/judge, models/judge-v4) and a guard classifier
// over any causal LM (the Llama Guard 3 prompt and lenient parser of src/core/alignbeam/judge.ts). Both reuse the
// ALIGNBEAM judge code unchanged, so a reward and ALIGNBEAM's candidate selection read the same numbers; ALIGNBEAM's
// pair calls its judge through `judgeReward` (pair.ts).
// Score = P(unsafe) in [0, 1] (low is good: weight it −1 in a composition for a safety reward). A batch is judged
// one prompt at a time, in the order prompts first appear, all completions of a prompt in one judge call — the call
// ALIGNBEAM makes for its K candidates. An unparseable guard answer is the sample's JudgeParseError (counted as an
// 'error' failure, NaN score); each sample's detail is the judge's Verdict (answer, categories, what was cut).
import { embeddedJudge, llmJudge, type Judge, type LlmJudgeOptions, type Verdict } from '../../alignbeam/judge';
import type { CausalLM } from '../../lm/causalLm';
import type { RewardFunction, RewardSample } from './types';

export interface JudgeRewardFunction extends RewardFunction {
  readonly judge: Judge;
  score(batch: readonly RewardSample[]): Promise<{ scores: (number | Error)[]; details: Verdict[] }>;
}

/** Groups sample indices by prompt, in first-appearance order. */
function byPrompt(batch: readonly RewardSample[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  batch.forEach((s, i) => {
    const g = groups.get(s.prompt);
    if (g) g.push(i); else groups.set(s.prompt, [i]);
  });
  return groups;
}

/** Any ALIGNBEAM judge as a reward: P(unsafe) per (prompt, completion). */
export function judgeReward(judge: Judge, name = judge.kind === 'embedded' ? 'judge-unsafe' : 'guard-unsafe'): JudgeRewardFunction {
  return {
    name, judge, range: [0, 1],
    description: judge.kind === 'embedded'
      ? `P(unsafe) of the embedded judge ${judge.lm.id} (softmax over the first tokens of "safe"/"unsafe")`
      : `guard classifier ${judge.lm.id}: 1 when it answers "unsafe", 0 for "safe" (Llama Guard prompt, lenient parser)`,
    async score(batch) {
      const details: Verdict[] = new Array<Verdict>(batch.length);
      for (const [prompt, idx] of byPrompt(batch)) {
        const verdicts = await judge.judge(prompt, idx.map((i) => batch[i].completion));
        idx.forEach((i, k) => { details[i] = verdicts[k]; });
      }
      return { scores: details.map((v) => v.error ?? v.unsafe), details };
    },
  };
}

/** The embedded forge judge (models/judge or models/judge-v4 loaded as a CausalLM). */
export function embeddedJudgeReward(lm: CausalLM): JudgeRewardFunction {
  return judgeReward(embeddedJudge(lm));
}

/** A guard classifier over any causal LM: a short greedy answer to the Llama Guard 3 task (or the forge prompt). */
export function guardReward(lm: CausalLM, o: LlmJudgeOptions = {}): JudgeRewardFunction {
  return judgeReward(llmJudge(lm, o));
}
