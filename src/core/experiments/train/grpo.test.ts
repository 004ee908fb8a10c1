// GRPO runs on models/target (GPT-2 4 × 128) with short prompts, G 2–4, a few sampled tokens: β reaches the loss
// (the TRL-wrapper bug: β = 0 and β > 0 agree at step 1, where πθ = πref, and differ by exactly β·KL once the policy
// has moved); every GRPO spec field changes what a 2-step run logs (a field that reaches nothing fails by name); a
// reward function that throws or returns NaN is counted under its name, never read as 0; the length reward rises
// under training; a LoRA run resumed from its checkpoint ends bit-identical to the uninterrupted one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { initEngine, readF32, release } from '../../lab';
import { bitDifference } from '../../numeric/bitDifference';
import { defaultRewardRegistry } from '../rewards/registry';
import { TrainError } from './errors';
import { runGrpo, type GrpoResult } from './grpo';
import { grpoFromSpec } from './grpoNode';
import { encodePrompts, type GrpoData } from './grpoRollout';
import { grpoRewardSchema, grpoSpecSchema } from './grpoSpec';
import { loadTrainModelFolder } from './node';
import { parseTrainSpec, trainSpecSchema, type TrainSpecInput } from './spec';
import type { TrainModel } from './trainer';

const dir = mkdtempSync(join(tmpdir(), 'grpo-test-'));
const PROMPTS = join(dir, 'prompts.jsonl');
const rows: { prompt: string }[] = ['Hi.', 'Hello!', 'Thanks.', 'Good day.', 'Hey there.', 'Cheers.', 'Good morning.', 'Evening!'].map((prompt) => ({ prompt }));
writeFileSync(PROMPTS, rows.map((r) => JSON.stringify(r)).join('\n'));

type GrpoInput = NonNullable<TrainSpecInput['grpo']>;
const spec = (grpo: Partial<GrpoInput>, s: Partial<TrainSpecInput> = {}) => parseTrainSpec({
  method: 'grpo', model: 'models/target', data: PROMPTS, out: join(dir, 'unused'), steps: 2, batchSize: 4, lr: 3e-3, seed: 0, ...s,
  grpo: { rewards: [{ reward: 'length', options: { target: 4, side: 'over' } }], numGenerations: 2, maxCompletionLength: 6, ...grpo },
});

let model: TrainModel;
// the prompts encoded as grpoNode.ts encodes them (template, maxLength and maxCompletionLength from the spec)
const dataFor = (s: ReturnType<typeof spec>): GrpoData => encodePrompts(model, { ...s, grpo: s.grpo! }, rows.map((row, i) => ({ line: i + 1, row })));
const run = (s: ReturnType<typeof spec>, o: Parameters<typeof runGrpo>[3] = {}): Promise<GrpoResult> => runGrpo(model, dataFor(s), s, o);
const finalParams = (r: GrpoResult) => {
  const out = Object.fromEntries(Object.entries(r.params).map(([k, a]) => [k, readF32(a)]));
  release(r.params);
  if (r.lora) release(r.lora.arrays);
  return out;
};

beforeAll(async () => {
  await initEngine();
  model = await loadTrainModelFolder('models/target');
});

describe('GRPO', () => {
  it('β reaches the loss: equal at step 1 (πθ = πref), then the β run differs by β·KL and trains elsewhere', async () => {
    const base = { lossType: 'bnpo' as const, rewards: [{ reward: 'length', options: { target: 12 } }] };
    const a = await run(spec({ ...base, beta: 0 }));
    const b = await run(spec({ ...base, beta: 0.5 }));
    expect(a.logs[0].kl).toBeUndefined(); // β = 0: no reference pass, as TRL
    expect(b.logs[0].kl!).toBeLessThan(1e-6);
    expect(b.logs[0].loss).toBeCloseTo(a.logs[0].loss, 6);
    expect(b.logs[1].kl!).toBeGreaterThan(1e-4); // the policy has moved away from the reference
    expect(b.logs[1].reward).toBe(a.logs[1].reward); // same completions sampled at step 2 ...
    expect(b.logs[1].loss - a.logs[1].loss).toBeCloseTo(0.5 * b.logs[1].kl!, 4); // ... so the losses differ by β·KL
    const pa = finalParams(a);
    const pb = finalParams(b);
    expect(Object.keys(pa).some((k) => pa[k].some((x, i) => x !== pb[k][i]))).toBe(true);
  }, 120_000);

  it('every GRPO field changes what a 2-step run logs (none is silently dropped); the run itself is deterministic', async () => {
    // base: μ = 2 so step 2 reuses step 1's completions with a moved policy (the clip can bite), β > 0 (KL logged)
    const base: Partial<GrpoInput> = { numIterations: 2, beta: 0.05, epsilon: 0.2, lossType: 'dapo', rewards: [{ reward: 'length', options: { target: 12 }, weight: 1 }] };
    const variants: Record<string, Partial<GrpoInput>> = {
      rewards: { rewards: [{ reward: 'format', options: { pattern: 'o' } }] },
      'rewards.reward': { rewards: [{ reward: 'refusal', options: {} }] },
      'rewards.options': { rewards: [{ reward: 'length', options: { target: 3 }, weight: 1 }] },
      'rewards.weight': { rewards: [{ reward: 'length', options: { target: 12 }, weight: 2 }] },
      numGenerations: { numGenerations: 4 },
      maxCompletionLength: { maxCompletionLength: 3 },
      temperature: { temperature: 0.5 },
      beta: { beta: 0 },
      epsilon: { epsilon: 0.01 },
      epsilonHigh: { epsilonHigh: 0.01 },
      scaleRewards: { scaleRewards: 'none' },
      lossType: { lossType: 'grpo' },
      'lossType=dr_grpo': { lossType: 'dr_grpo' },
      numIterations: { numIterations: 1 },
    };
    // a new GRPO field without a variant here fails this test
    const fields = [...Object.keys(grpoSpecSchema.shape), ...Object.keys(grpoRewardSchema.shape).map((k) => `rewards.${k}`)];
    expect(fields.filter((f) => !(f in variants)), 'GRPO fields with no variant').toEqual([]);
    const fingerprint = (r: GrpoResult) => {
      release(r.params);
      if (r.lora) release(r.lora.arrays);
      // the trajectory, not what is merely logged: a β that only toggled the KL column would not count
      return JSON.stringify(r.logs.map(({ loss, reward, rewards, clipRatio, completionLength, gradNorm }) => ({ loss, reward, rewards, clipRatio, completionLength, gradNorm })));
    };
    const before = fingerprint(await run(spec(base)));
    expect(fingerprint(await run(spec(base)))).toBe(before);
    const unchanged: string[] = [];
    for (const [name, v] of Object.entries(variants)) if (fingerprint(await run(spec({ ...base, ...v }))) === before) unchanged.push(name);
    expect(unchanged, 'fields whose change left the run unchanged').toEqual([]);
    // the top-level fields GRPO reads change the trajectory too; the others are consumed outside runGrpo or refused
    const top: Record<string, Partial<TrainSpecInput>> = {
      steps: { steps: 3 }, batchSize: { batchSize: 8 }, lr: { lr: 1e-3 }, warmupSteps: { warmupSteps: 2 }, weightDecay: { weightDecay: 0.5 },
      gradClip: { gradClip: 0.01 }, lora: { lora: { r: 4, alpha: 8 } }, template: { template: 'plain' }, maxLength: { maxLength: 14 }, seed: { seed: 1 },
    };
    const elsewhere: Record<string, string> = {
      method: 'selects runGrpo', grpo: 'the variants above', model: 'the folder grpoNode loads (resume compares its weights sha256)',
      data: 'the file grpoNode reads (resume compares its sha256)', out: 'where the checkpoint sink writes', checkpointEvery: 'checkpoint cadence (resume test)',
      resumeFrom: 'the resume test', eval: 'the evaluator grpoNode builds (eval hooks)',
      beta: 'refused under grpo (grpoSpec.test.ts)', labelSmoothing: 'refused under grpo', completionOnly: 'refused under grpo',
    };
    expect(Object.keys(trainSpecSchema.shape).filter((k) => !(k in top) && !(k in elsewhere)), 'top-level fields not classified').toEqual([]);
    const topUnchanged: string[] = [];
    for (const [name, v] of Object.entries(top)) if (fingerprint(await run(spec(base, v))) === before) topUnchanged.push(name);
    expect(topUnchanged, 'top-level fields whose change left the run unchanged').toEqual([]);
    // "dapo" normalises by the completion tokens of the global accumulated batch: one process, no accumulation,
    // so it is "bnpo" exactly (documented, asserted so a difference would be noticed)
    expect(fingerprint(await run(spec({ ...base, lossType: 'bnpo' })))).toBe(before);
  }, 300_000);

  it('a reward function that returns NaN is counted by name (advantage 0); one that throws on every completion stops the run naming it', async () => {
    const registry = defaultRewardRegistry()
      .register({ name: 'nan-odd', description: 'NaN on odd samples', options: z.strictObject({}),
        create: () => ({ name: 'nan-odd', range: [0, 1], description: 'test', score: (b) => b.map((_, i) => (i % 2 ? NaN : 1)) }) })
      .register({ name: 'throws', description: 'always throws', options: z.strictObject({}),
        create: () => ({ name: 'throws', range: [0, 1], description: 'test', score: () => { throw new Error('judge offline'); } }) });
    const r = await run(spec({ rewards: [{ reward: 'length', options: { target: 4 } }, { reward: 'nan-odd' }] }, { steps: 1 }), { registry });
    expect(r.logs[0].rewardFailures).toEqual({ 'nan-odd': 2 });
    expect(r.logs[0].rewards['nan-odd'].mean).toBe(1); // the scored half, not pulled toward 0
    expect(r.rewardLogs.find((l) => l.name === 'nan-odd')!.failures.nan).toBe(2);
    finalParams(r);
    const e = await run(spec({ rewards: [{ reward: 'length', options: { target: 4 } }, { reward: 'throws' }] }, { steps: 1 }), { registry }).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(TrainError);
    expect((e as TrainError).kind).toBe('reward-failed');
    expect((e as Error).message).toMatch(/throws failed on 4 of 4 completions \(threw: Error: judge offline\)/);
  }, 120_000);

  it('raises the mean length reward (target ≤ 4 characters) over 30 steps at lr 3e-3', async () => {
    const r = await run(spec({ numGenerations: 4, maxCompletionLength: 8 }, { steps: 30, batchSize: 8 }));
    finalParams(r);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(r.logs.slice(0, 5).map((l) => l.reward));
    const last = mean(r.logs.slice(-5).map((l) => l.reward));
    expect(first).toBeLessThan(0.2);
    expect(last).toBeGreaterThan(0.8);
    expect(r.logs[r.logs.length - 1].completionLength).toBeLessThan(r.logs[0].completionLength);
  }, 300_000);

  it('LoRA: a run resumed from its step-2 checkpoint ends bit-identical to the uninterrupted one', async () => {
    const lora = { r: 4, alpha: 8 };
    const out = join(dir, 'lora');
    const whole = await grpoFromSpec(spec({ beta: 0.1 }, { steps: 4, checkpointEvery: 2, lora, out }));
    const resumed = await grpoFromSpec(spec({ beta: 0.1 }, { steps: 4, checkpointEvery: 2, lora, out: join(dir, 'lora-resumed'), resumeFrom: join(out, 'step-000002') }));
    expect(resumed.logs).toEqual(whole.logs);
    const a = finalParams(whole);
    const b = finalParams(resumed);
    for (const k of Object.keys(a)) expect(bitDifference(b[k], a[k]), k).toBeNull();
    const changed = await grpoFromSpec(spec({ beta: 0.2 }, { steps: 4, lora, out: join(dir, 'x'), resumeFrom: join(out, 'step-000002') })).then(() => null, (x: unknown) => x);
    expect((changed as TrainError).kind).toBe('incompatible-resume');
    expect((changed as Error).message).toMatch(/grpo/);
  }, 300_000);
});
