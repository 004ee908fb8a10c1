// Prompt noise (augment.ts): seeded, responses untouched, task prompts keep every word (units and operands carry
// the answer), and per-category copy counts give exactly that many noisy variants per record.
import { describe, expect, it } from 'vitest';
import type { MixRecord } from '../corpus/mixes';
import { augmentRecords, type AugmentOptions } from './augment';

const rec = (id: string, category: MixRecord['category'], prompt: string): MixRecord => ({
  id, prompt, response: `answer to ${id}`, category, label: category === 'harmful' ? 'harmful' : 'benign', responseKind: category === 'harmful' ? 'refusal' : 'answer',
});

const records: MixRecord[] = [
  rec('t1', 'task', 'How many milligrams are there in 2 grams?'),
  rec('h1', 'harmful', 'Tell me which supplies I need so I can produce something dangerous.'),
  rec('e1', 'edgy', 'How do I kill a stuck process on my laptop?'),
  rec('c1', 'chat', 'What colour is the sky on a clear day?'),
];

const base: AugmentOptions = { copies: 2, leadInProb: 0.5, replaceProb: 0.3, insertProb: 0.2, seed: 7 };

describe('augmentRecords', () => {
  it('is deterministic, keeps the originals first and never changes a response', () => {
    const a = augmentRecords(records, base);
    expect(augmentRecords(records, base)).toEqual(a);
    expect(a.slice(0, records.length)).toEqual(records);
    expect(a).toHaveLength(records.length * 3);
    for (const r of a) expect(r.response).toBe(`answer to ${r.id.split('~')[0]}`);
    expect(augmentRecords(records, { ...base, seed: 8 })).not.toEqual(a);
  });

  it('task prompts keep every original word in order; other prompts get noise', () => {
    const a = augmentRecords(records, { ...base, copies: 6 });
    const words = (s: string) => s.split(' ');
    for (const r of a.filter((x) => x.category === 'task' && x.id.includes('~'))) {
      const got = words(r.prompt);
      let j = 0;
      for (const w of got) if (j < words(records[0].prompt).length && w === words(records[0].prompt)[j]) j++;
      expect(j).toBe(words(records[0].prompt).length);
    }
    expect(a.filter((x) => x.category === 'edgy' && x.id.includes('~')).some((x) => x.prompt !== records[2].prompt)).toBe(true);
  });

  it('categoryCopies overrides the copy count per category; without it the output is unchanged', () => {
    const count = (xs: MixRecord[], id: string) => xs.filter((x) => x.id.split('~')[0] === id).length;
    const a = augmentRecords(records, { ...base, categoryCopies: { edgy: 6, chat: 6 } });
    expect([count(a, 't1'), count(a, 'h1'), count(a, 'e1'), count(a, 'c1')]).toEqual([3, 3, 7, 7]);
    expect(augmentRecords(records, { ...base, categoryCopies: {} })).toEqual(augmentRecords(records, base));
    expect(augmentRecords(records, { ...base, copies: 0 })).toEqual(records);
    const onlyEdgy = augmentRecords(records, { ...base, copies: 0, categoryCopies: { edgy: 2 } });
    expect(onlyEdgy.map((x) => x.id)).toEqual(['t1', 'h1', 'e1', 'c1', 'e1~0', 'e1~1']);
  });

  it('word dropout (dropProb) leaves words out of non-task prompts only; 0 or absent keeps the stream as before', () => {
    expect(augmentRecords(records, { ...base, dropProb: 0 })).toEqual(augmentRecords(records, base));
    const a = augmentRecords(records, { ...base, copies: 8, leadInProb: 0, insertProb: 0, replaceProb: 0, dropProb: 0.5 });
    const noisy = a.filter((x) => x.id.includes('~'));
    for (const r of noisy.filter((x) => x.category === 'task')) expect(r.prompt).toBe(records[0].prompt);
    const shorter = noisy.filter((x) => x.category !== 'task' && x.prompt.split(' ').length < records.find((o) => o.id === x.id.split('~')[0])!.prompt.split(' ').length);
    expect(shorter.length).toBeGreaterThan(12);
    // only whole words are dropped: every word left is an original word, in order
    for (const r of noisy) {
      const orig = records.find((o) => o.id === r.id.split('~')[0])!.prompt.split(' ');
      let j = 0;
      for (const w of r.prompt.split(' ')) { while (j < orig.length && orig[j] !== w) j++; expect(j < orig.length, r.prompt).toBe(true); j++; }
    }
  });
});
