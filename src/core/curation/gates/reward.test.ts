// The reward gate over the reward layer: a composed rule reward rejects below the threshold and names the mode of
// the component that failed; a reward that cannot score a sample (a guard judge over a model that answers neither
// "safe" nor "unsafe") is a counted parse failure with the layer's message, never a pass.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CausalLM } from '../../lm/causalLm';
import { loadCausalLMFolder } from '../../lm/causalLmNode';
import { defaultRewardRegistry } from '../../experiments/rewards/registry';
import type { CuratedSample } from '../types';
import { curationRewardGate, rewardGate } from './reward';

const ROOT = join(__dirname, '..', '..', '..', '..');
let target: CausalLM;
const sample = (id: string, response: string): CuratedSample => ({ id, instruction: 'How is Dorvalin stored?', response, generator: 'g', attempt: 0, calls: 0,
  provenance: { chunkId: 'c', span: { start: 0, end: 1 } } });

beforeAll(async () => { target = await loadCausalLMFolder(join(ROOT, 'models', 'target')); });
afterAll(async () => { await target?.dispose(); });

describe('reward gate', () => {
  it('composed rule reward: threshold and the failing component’s mode', async () => {
    const reg = defaultRewardRegistry();
    const reward = reg.compose({ parts: [
      { reward: 'refusal', options: { mode: 'refused' }, weight: -1 },
      { reward: 'format', options: { pattern: '\\{|\\}', mode: 'absent', name: 'no-json' }, weight: 1 },
    ] });
    const gate = rewardGate({ reward, threshold: 1, diagnose: [{ component: 'no-json', mode: 'format', below: 1 }] });
    const vs = await gate.check([sample('ok', 'In the fridge at 2 to 8 °C.'), sample('json', '{"answer": "fridge"}'), sample('refuses', "I'm sorry, I can't help with that.")], new Map());
    expect(vs.map((v) => [v.outcome, v.mode])).toEqual([['pass', undefined], ['reject', 'format'], ['reject', undefined]]);
    expect(vs[2].reason).toMatch(/refusal 1\.000/);
    expect(vs.every((v) => v.calls === 0)).toBe(true);
    // the study's reward without a judge is the refusal rule alone
    const plain = await curationRewardGate(reg).check([sample('refuses', "I'm sorry, I can't help with that.")], new Map());
    expect(plain[0].outcome).toBe('reject');
  });

  it('a judge that answers garbage: counted parse failures with the reason, one call each', async () => {
    const guard = defaultRewardRegistry().create('guard', { lm: target, prompt: 'forge', maxNewTokens: 4 });
    const vs = await rewardGate({ reward: guard, threshold: 0, callsPerSample: 1 }).check([sample('a', 'Keep it cold.'), sample('b', 'Shake well.')], new Map());
    expect(vs.map((v) => v.outcome)).toEqual(['parse-failure', 'parse-failure']);
    expect(vs[0].reason).toMatch(/failed \(error\): JudgeParseError/);
    expect(vs.map((v) => v.calls)).toEqual([1, 1]);
  });
});
