// The GRPO block of the training spec: TRL's defaults (loss_type dapo, beta 0, scale_rewards group, G 8, ε 0.2,
// μ 1) except maxCompletionLength, and every way a field could be silently ignored is a named 'invalid-spec' error.
import { describe, expect, it } from 'vitest';
import { TrainError } from './errors';
import { parseTrainSpec } from './spec';

const base = { method: 'grpo', data: 'p.jsonl', out: 'o', steps: 3, batchSize: 8, grpo: { rewards: [{ reward: 'length', options: { target: 4 } }] } };
const refused = (raw: unknown): string => {
  try {
    parseTrainSpec(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(TrainError);
    expect((e as TrainError).kind).toBe('invalid-spec');
    return (e as Error).message;
  }
  return 'accepted';
};

describe('GRPO spec', () => {
  it("fills TRL's defaults", () => {
    expect(parseTrainSpec(base).grpo).toEqual({
      rewards: [{ reward: 'length', options: { target: 4 }, weight: 1 }], numGenerations: 8, maxCompletionLength: 32, temperature: 1,
      beta: 0, epsilon: 0.2, scaleRewards: 'group', lossType: 'dapo', numIterations: 1,
    });
  });

  it('refuses what would be ignored or cannot run, naming the field', () => {
    expect(refused({ ...base, grpo: undefined })).toMatch(/grpo: method "grpo" needs a grpo object/);
    expect(refused({ ...base, method: 'dpo' })).toMatch(/grpo: set, but method is "dpo"/);
    expect(refused({ ...base, beta: 0.1 })).toMatch(/beta: the top-level beta is DPO's; GRPO's KL coefficient is grpo\.beta/);
    expect(refused({ ...base, labelSmoothing: 0 })).toMatch(/labelSmoothing/);
    expect(refused({ ...base, completionOnly: true })).toMatch(/completionOnly/);
    expect(refused({ ...base, batchSize: 6 })).toMatch(/batchSize: 6 completions per step is not a whole number of groups of grpo\.numGenerations 8/);
    expect(refused({ ...base, checkpointEvery: 3, grpo: { ...base.grpo, numIterations: 2 } })).toMatch(/checkpointEvery: 3 is not a multiple of grpo\.numIterations 2/);
    expect(refused({ ...base, eval: { lossData: 'x.jsonl' } })).toMatch(/eval\.lossData: GRPO has no held-out loss/);
    expect(refused({ ...base, grpo: { ...base.grpo, kl: 0.1 } })).toMatch(/grpo.*kl/);
    expect(refused({ ...base, grpo: { ...base.grpo, lossType: 'cispo' } })).toMatch(/grpo\.lossType/);
    expect(refused({ ...base, grpo: { ...base.grpo, rewards: [] } })).toMatch(/grpo\.rewards/);
    expect(refused({ ...base, grpo: { ...base.grpo, numGenerations: 1 } })).toMatch(/grpo\.numGenerations/);
  });
});
