// Generation with provenance: the span an answer rests on, seeded sampling reproducible through the real runtime,
// a chunk that cannot fit the context counted (no model call), a chunk cut to fit said so.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CausalLM } from '../lm/causalLm';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { causalTextLm, generateSamples, locateSpan, sentenceSpans, type Generator } from './generate';
import type { Chunk } from './types';

const ROOT = join(__dirname, '..', '..', '..');
let lm: CausalLM;
let gen: Generator;
const chunk = (text: string): Chunk => ({ id: 'c', documentId: 'd', span: { start: 0, end: text.length }, heading: '', text });

beforeAll(async () => {
  lm = await loadCausalLMFolder(join(ROOT, 'models', 'target'));
  gen = { lm: causalTextLm(lm), maxNewTokens: 12, topK: 5, temperature: 0.8 };
});
afterAll(async () => { await lm?.dispose(); });

describe('provenance spans', () => {
  const text = '### Kelmora\nKelmora is a pain tablet. Each tablet holds 250 mg. Adults take 2 tablets every 6 hours.';
  it('sentences, heading line included, offsets exact', () => {
    expect(sentenceSpans(text).map((s) => text.slice(s.start, s.end))).toEqual(['### Kelmora', 'Kelmora is a pain tablet.', 'Each tablet holds 250 mg.', 'Adults take 2 tablets every 6 hours.']);
  });
  it('a decimal point does not end a sentence (the handbook\'s "2.2 pounds" was cut to "2 pounds.", its start lost)', () => {
    const w = '### Weight in pounds\nOne kilogram is 2.2 pounds. Give 0.5 mL. Done!';
    expect(sentenceSpans(w).map((s) => w.slice(s.start, s.end))).toEqual(['### Weight in pounds', 'One kilogram is 2.2 pounds.', 'Give 0.5 mL.', 'Done!']);
  });
  it('the sentences the answer rests on; the whole chunk when none shares a word', () => {
    const s = locateSpan(text, '250 mg per tablet.');
    expect(text.slice(s.start, s.end)).toBe('Each tablet holds 250 mg.');
    const two = locateSpan(text, '250 mg, 2 tablets every 6 hours.');
    expect(text.slice(two.start, two.end)).toBe('Each tablet holds 250 mg. Adults take 2 tablets every 6 hours.');
    expect(locateSpan(text, 'zzz')).toEqual({ start: 0, end: text.length });
  });
});

describe('generateSamples', () => {
  it('seeded sampling reproduces the same replies; every outcome costs one call and keeps its raw text', async () => {
    const c = chunk('Keep the vaccine fridge at 2 to 8 °C. Check it twice a day.');
    const a = await generateSamples(gen, [{ chunk: c, attempt: 0, seed: 11 }, { chunk: c, attempt: 1, seed: 12 }]);
    const b = await generateSamples(gen, [{ chunk: c, attempt: 0, seed: 11 }, { chunk: c, attempt: 1, seed: 12 }]);
    expect(a.map((o) => o.raw)).toEqual(b.map((o) => o.raw));
    for (const o of a) {
      expect(o.ok ? o.sample.calls : o.calls).toBe(1);
      if (!o.ok) expect(o.raw.length).toBeGreaterThan(0);
    }
    expect(a.map((o) => (o.ok ? o.sample.id : o.sampleId))).toEqual(['c:target:0', 'c:target:1']);
  });

  it('a chunk that cannot fit the context is counted as over-context with no model call', async () => {
    const [o] = await generateSamples(gen, [{ chunk: chunk('x'.repeat(3000)), attempt: 0, seed: 1 }]);
    expect(o).toMatchObject({ ok: false, reason: 'over-context', calls: 0 });
  });
});
