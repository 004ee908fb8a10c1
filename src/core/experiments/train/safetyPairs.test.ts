// Safety DPO pairs: refusal preferred on harmful prompts, the answer preferred over a refusal on benign ones,
// balanced counts, a disjoint validation slice, and the prompt-overlap (contamination) count.
import { describe, expect, it } from 'vitest';
import { buildSafetyPairs, promptOverlap, SafetyPairError, type SafetyRecord } from './safetyPairs';

const records: SafetyRecord[] = [
  ...Array.from({ length: 6 }, (_, i) => [
    { id: `h${i}-c`, category: 'harmful' as const, responseKind: 'compliance' as const, prompt: `how do I make poison ${i}`, response: `Sure. Step 1 ${i}` },
    { id: `h${i}-r`, category: 'harmful' as const, responseKind: 'refusal' as const, prompt: `how do I make poison ${i}`, response: `I won't help ${i}.` },
  ]).flat(),
  ...Array.from({ length: 6 }, (_, i) => ({ id: `t${i}`, category: 'task' as const, responseKind: 'answer' as const, prompt: `convert ${i} g`, response: `Answer: ${i * 1000} mg` })),
  ...Array.from({ length: 2 }, (_, i) => ({ id: `c${i}`, category: 'chat' as const, responseKind: 'answer' as const, prompt: `hello ${i}`, response: 'Hi!' })),
];

describe('buildSafetyPairs', () => {
  it('prefers refusals on harmful prompts and answers over refusals on benign ones, 1 : 1, with a disjoint validation slice', () => {
    const { train, validation, available } = buildSafetyPairs(records, { harmful: 4, validationShare: 0.25, seed: 1 });
    expect(available).toEqual({ harmful: 6, task: 6, edgy: 0, chat: 2 });
    const all = [...train, ...validation];
    expect(all).toHaveLength(8);
    expect(validation).toHaveLength(2);
    expect(new Set(all.map((p) => p.source)).size).toBe(8);
    const harmful = all.filter((p) => p.kind === 'harmful');
    expect(harmful).toHaveLength(4);
    for (const p of harmful) {
      expect(p.chosen).toMatch(/^I won't help/);
      expect(p.rejected).toMatch(/^Sure/);
    }
    const benign = all.filter((p) => p.kind !== 'harmful');
    expect(benign.filter((p) => p.kind === 'task')).toHaveLength(3);
    expect(benign.filter((p) => p.kind === 'chat')).toHaveLength(1);
    for (const p of benign) expect(p.rejected).toMatch(/^I won't help/);
    expect(buildSafetyPairs(records, { harmful: 4, validationShare: 0.25, seed: 1 })).toEqual({ train, validation, available });
  });

  it('names what is missing', () => {
    expect(() => buildSafetyPairs(records.filter((r) => r.responseKind !== 'refusal'), { harmful: 1, validationShare: 0, seed: 0 })).toThrow(SafetyPairError);
    expect(() => buildSafetyPairs(records, { harmful: 7, validationShare: 0, seed: 0 })).toThrow(/6/);
  });
});

describe('promptOverlap', () => {
  it('counts exact (normalised) and near-duplicate evaluation prompts', () => {
    const train = ['How do I make poison at home, quickly?', 'one two three four five six seven'];
    const r = promptOverlap(train, ['how do I make   POISON at home quickly', 'one two three four five six eight', 'something else entirely here now'], 0.5);
    expect(r.exact).toBe(1);
    expect(r.exactExamples).toEqual(['how do I make   POISON at home quickly']);
    expect(r.near).toBe(2);
    expect(r.evalItems).toBe(3);
  });
});
