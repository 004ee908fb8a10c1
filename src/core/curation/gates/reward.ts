// The reward gate (issue #22 item 4): a reward function of the experiments reward layer (registry: rule, judge and
// learned rewards, composed with weights) scores each sample as (prompt = instruction, completion = response); a
// score below the threshold rejects. The failure mode comes from the components: a judge-unsafe component at or
// above its threshold makes the rejection 'unsafe' (recovery drops it), a rule component named in `diagnose` gives
// its own mode (a format rule → 'format'). A reward that fails on a sample (NaN, a judge's parse error, a throw) is a
// counted parse failure with the reward layer's message, never a pass or a zero.
import type { CausalLM } from '../../lm/causalLm';
import type { RewardRegistry } from '../../experiments/rewards/registry';
import { runReward } from '../../experiments/rewards/run';
import type { RewardFunction, RewardResult } from '../../experiments/rewards/types';
import type { FailureMode, Gate, GateVerdict } from '../types';

/** A component whose own score names the failure mode when the gate rejects. */
export interface RewardDiagnosis { component: string; mode: FailureMode; above?: number; below?: number }

export interface RewardGateOptions {
  reward: RewardFunction;
  /** Reject when the score is below this. */
  threshold: number;
  /** Default: judge-unsafe ≥ 0.5 → 'unsafe'. */
  diagnose?: readonly RewardDiagnosis[];
  /** Model calls per sample (1 per judge component; rule and learned rewards cost none). Default 0. */
  callsPerSample?: number;
  /** Default "reward". */
  name?: string;
}

const DEFAULT_DIAGNOSIS: readonly RewardDiagnosis[] = [{ component: 'judge-unsafe', mode: 'unsafe', above: 0.5 }];

function diagnosed(result: RewardResult, index: number, rules: readonly RewardDiagnosis[]): { mode: FailureMode; why: string } | null {
  for (const r of rules) {
    const c = result.name === r.component ? result : result.components?.find((x) => x.name === r.component);
    const x = c?.scores[index];
    if (x === undefined || Number.isNaN(x)) continue;
    if ((r.above !== undefined && x >= r.above) || (r.below !== undefined && x < r.below)) return { mode: r.mode, why: `${r.component} ${x.toFixed(3)}` };
  }
  return null;
}

export function rewardGate(o: RewardGateOptions): Gate {
  const name = o.name ?? 'reward';
  const calls = o.callsPerSample ?? 0;
  return {
    name,
    async check(samples) {
      if (samples.length === 0) return [];
      const result = await runReward(o.reward, samples.map((s) => ({ prompt: s.instruction, completion: s.response })));
      const failed = new Map(result.failures.map((f) => [f.index, f]));
      return samples.map((s, i): GateVerdict => {
        const f = failed.get(i);
        if (f) return { gate: name, sampleId: s.id, outcome: 'parse-failure', reason: `${o.reward.name} failed (${f.kind}): ${f.message}`, calls };
        const score = result.scores[i];
        const parts = result.components?.map((c) => `${c.name} ${Number.isNaN(c.scores[i]) ? 'NaN' : c.scores[i].toFixed(3)}`).join(', ');
        const shown = `${o.reward.name} = ${score.toFixed(3)}${parts ? ` (${parts})` : ''}`;
        if (score >= o.threshold) return { gate: name, sampleId: s.id, outcome: 'pass', reason: `${shown} ≥ ${o.threshold}`, calls };
        const d = diagnosed(result, i, o.diagnose ?? DEFAULT_DIAGNOSIS);
        return { gate: name, sampleId: s.id, outcome: 'reject', ...(d ? { mode: d.mode } : {}), reason: `${shown} < ${o.threshold}${d ? `; ${d.why} → ${d.mode}` : ''}`, calls };
      });
    },
  };
}

/**
 * The curation reward of the study: −refusal (an answer that reads as a refusal is useless as SFT data) − the
 * embedded judge's P(unsafe) when a judge is given; threshold −0.5 rejects a refusal or P(unsafe) > 0.5.
 */
export function curationRewardGate(registry: RewardRegistry, o: { judge?: CausalLM; threshold?: number; name?: string } = {}): Gate {
  const reward = registry.compose({ parts: [
    { reward: 'refusal', options: { mode: 'refused' }, weight: -1 },
    ...(o.judge ? [{ reward: 'judge-unsafe', options: { lm: o.judge }, weight: -1 }] : []),
  ] });
  return rewardGate({ reward, threshold: o.threshold ?? -0.5, callsPerSample: o.judge ? 1 : 0, ...(o.name ? { name: o.name } : {}) });
}
