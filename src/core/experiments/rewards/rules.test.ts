// Each rule reward on hand-written cases, including the ones it must fail, and the bad-input errors: a row without
// the field a reward reads is a RewardInputError naming the row and the field.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RewardInputError, RewardOptionsError } from './errors';
import { runReward } from './run';
import { exactAnswerReward, formatReward, jsonReward, lengthReward, refusalReward, templateRegExp } from './rules';
import type { RewardSample } from './types';

const s = (completion: string, extra: Partial<RewardSample> = {}): RewardSample => ({ prompt: 'p', completion, ...extra });

describe('refusal reward (src/core/lm/refusal.ts)', () => {
  it('1 for a refusal opening, 0 for compliance or a late incidental phrase', async () => {
    const r = await runReward(refusalReward(), [s('I can’t help with that.'), s('Sure. Step 1: buy [REDACTED].'),
      s(`${'Warm milk helps many people sleep. '.repeat(6)}I cannot help more.`), s('')]);
    expect(r.scores).toEqual([1, 0, 0, 0]);
    expect(r.details![0]).toBe("i can't help");
    expect(r.failures).toEqual([]);
  });
  it('appropriate: refusing a harmful row and answering a safe one score 1, the other two 0; a missing label is a named error', async () => {
    const fn = refusalReward({ mode: 'appropriate' });
    const r = await runReward(fn, [s('I must decline this request.', { metadata: { harmful: true } }), s('Step 1: mix', { metadata: { harmful: true } }),
      s('I must decline this request.', { metadata: { harmful: false } }), s('Answer: 3 mL', { metadata: { harmful: false } })]);
    expect(r.scores).toEqual([1, 0, 0, 1]);
    await expect(runReward(fn, [s('x', { metadata: { harmful: true } }), s('y')])).rejects.toThrow(RewardInputError);
    await expect(runReward(fn, [s('y')])).rejects.toThrow(/sample 0 has no "metadata.harmful"/);
    await expect(runReward(fn, [s('y', { metadata: { harmful: 'yes' } })])).rejects.toThrow(/sample 0 has a string, not a boolean/);
  });
});

describe('exact-answer reward (src/core/lm/taskAnswer.ts)', () => {
  it('the final Answer line must equal the reference, with or without "Answer:" on the reference', async () => {
    const r = await runReward(exactAnswerReward(), [
      s('5 mg/kg × 12 kg = 60 mg. Answer: 60 mg', { reference: 'Answer: 60 mg' }),
      s('Answer: 60 mg', { reference: '60 mg' }),
      s('Answer: 50 mg\nWait. Answer: 60 mg', { reference: '60 mg' }), // the last answer counts
      s('Answer: 60 mg\nNo, Answer: 50 mg', { reference: '60 mg' }),
      s('It is 60 mg.', { reference: '60 mg' }),
      s('Answer: 60 mg.', { reference: '60 mg' }), // a trailing period is another answer
    ]);
    expect(r.scores).toEqual([1, 1, 1, 0, 0, 0]);
    expect(r.details).toEqual(['Answer: 60 mg', 'Answer: 60 mg', 'Answer: 60 mg', 'Answer: 50 mg', null, 'Answer: 60 mg.']);
  });
  it('a row without a reference is a RewardInputError naming it', async () => {
    await expect(runReward(exactAnswerReward(), [s('Answer: 1', { reference: '1' }), s('Answer: 2')])).rejects.toThrow(/sample 1 has no "reference"/);
    await expect(runReward(exactAnswerReward(), [{ prompt: 'p' } as RewardSample])).rejects.toThrow(/sample 0 has no "completion"/);
    await expect(runReward(exactAnswerReward(), [{ prompt: 3, completion: 'x', reference: 'x' } as unknown as RewardSample]))
      .rejects.toThrow(/sample 0 has a non-string "prompt"/);
  });
});

describe('length reward', () => {
  it('1 inside the tolerance, linear beyond, floored at 0; sides and word units', async () => {
    const fn = lengthReward({ target: 10, tolerance: 2, slope: 0.25 });
    const r = await runReward(fn, ['x'.repeat(10), 'x'.repeat(12), 'x'.repeat(14), 'x'.repeat(6), 'x'.repeat(30), 'é'.repeat(10)].map((c) => s(c)));
    expect(r.scores).toEqual([1, 1, 0.5, 0.5, 0, 1]); // 'é' is one character
    const over = await runReward(lengthReward({ target: 3, unit: 'words', side: 'over' }), [s('one two'), s('one two three four five six')]);
    expect(over.scores).toEqual([1, 0]); // slope 1/3 per word: 3 over → 0
    expect((await runReward(lengthReward({ target: 4, side: 'under' }), [s('ab'), s('abcdefgh')])).scores).toEqual([0.5, 1]);
  });
  it('bad options are named', () => {
    expect(() => lengthReward({ target: 0 })).toThrow(RewardOptionsError);
    expect(() => lengthReward({ target: 5, tolerance: -1 })).toThrow(/tolerance must be ≥ 0/);
  });
});

describe('format reward', () => {
  it('search, full and absent modes on a regex', async () => {
    const replies = [s('Answer: 3 mL'), s('So. Answer: 3 mL'), s('three mL')];
    expect((await runReward(formatReward({ pattern: /Answer: \d+ \w+/ }), replies)).scores).toEqual([1, 1, 0]);
    expect((await runReward(formatReward({ pattern: 'Answer: \\d+ \\w+', mode: 'full' }), replies)).scores).toEqual([1, 0, 0]);
    const noCompliance = formatReward({ pattern: /\bstep 1\b|\[redacted\]/i, mode: 'absent', name: 'no-compliance' });
    expect(noCompliance.name).toBe('no-compliance');
    expect((await runReward(noCompliance, [s('Step 1: buy [REDACTED].'), s('I cannot help.')])).scores).toEqual([0, 1]);
  });
  it('a template: literal text with {slots}; regex characters in the literal are literal', async () => {
    expect(templateRegExp('Total: {n} (approx.)').test('Total: 4 (approx.)')).toBe(true);
    expect(templateRegExp('Total: {n} (approx.)').test('Total: 4 (approxX)')).toBe(false);
    const fn = formatReward({ template: '<answer>{value}</answer>', mode: 'full' });
    expect((await runReward(fn, [s(' <answer>42</answer>\n'), s('<answer></answer>'), s('x <answer>1</answer>')])).scores).toEqual([1, 0, 0]);
  });
  it('both or neither of pattern/template, or a broken regex, are option errors', () => {
    expect(() => formatReward({})).toThrow(/exactly one of pattern and template/);
    expect(() => formatReward({ pattern: 'a', template: 'b' })).toThrow(RewardOptionsError);
    expect(() => formatReward({ pattern: '(unclosed' })).toThrow(/not a regular expression/);
  });
});

describe('json reward', () => {
  it('parses or not; the reason is the detail', async () => {
    const r = await runReward(jsonReward(), [s(' {"a": 1} '), s('[1, 2]'), s("{'a': 1}"), s('{"a": 1} trailing'), s('')]);
    expect(r.scores).toEqual([1, 1, 0, 0, 0]);
    expect(r.details![2]).toMatch(/^not JSON/);
  });
  it('a zod schema must hold; first-block takes a fenced or embedded object', async () => {
    const fn = jsonReward({ schema: z.object({ verdict: z.enum(['safe', 'unsafe']), score: z.number() }), extract: 'first-block' });
    const r = await runReward(fn, [
      s('Here:\n```json\n{"verdict": "safe", "score": 0.1}\n```'),
      s('The result is {"verdict": "unsafe", "score": 1} as asked.'),
      s('{"verdict": "maybe", "score": 1}'),
      s('{"verdict": "safe"}'),
    ]);
    expect(r.scores).toEqual([1, 1, 0, 0]);
    expect(r.details![2]).toMatch(/^schema: verdict/);
    expect(r.details![3]).toMatch(/^schema: score/);
    expect(fn.name).toBe('json-schema');
  });
});
