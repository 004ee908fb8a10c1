// The grounding gate over real models: a model that does not answer in label words (models/target) gives counted
// parse failures in both verdict readings, never passes; a citation of a missing chunk is rejected by name without
// a model call; the evidence of each grounding mode reaches the prompt (cited chunk, retrieved chunks, none).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { CausalLM } from '../../lm/causalLm';
import { loadCausalLMFolder } from '../../lm/causalLmNode';
import { causalTextLm, type TextLm } from '../generate';
import type { Chunk, CuratedSample } from '../types';
import { groundingGate } from './grounding';

const ROOT = join(__dirname, '..', '..', '..', '..');
let lm: CausalLM;
let text: TextLm;
const chunks: Chunk[] = [
  { id: 'c1', documentId: 'd', span: { start: 0, end: 40 }, heading: 'Storage', text: 'Keep the vaccine fridge at 2 to 8 °C.' },
  { id: 'c2', documentId: 'd', span: { start: 40, end: 80 }, heading: 'Kelmora', text: 'Each Kelmora tablet holds 250 mg.' },
];
const map = new Map(chunks.map((c) => [c.id, c]));
const sample = (id: string, chunkId: string): CuratedSample => ({ id, instruction: 'How cold is the fridge?', response: 'Between 2 and 8 °C.', generator: 'g', attempt: 0, calls: 0,
  provenance: { chunkId, span: { start: 0, end: 10 } } });

beforeAll(async () => {
  lm = await loadCausalLMFolder(join(ROOT, 'models', 'target'));
  text = causalTextLm(lm);
});
afterAll(async () => { await lm?.dispose(); });

/** Records the prompts a TextLm is given, answering through the real model. */
const recording = (inner: TextLm, seen: string[]): TextLm => ({ ...inner,
  nextWordProbs: (p, w) => { seen.push(...p); return inner.nextWordProbs(p, w); },
  complete: (p, o) => { seen.push(...p); return inner.complete(p, o); } });

describe('grounding gate', () => {
  it('a model that does not answer in label words: parse failures, counted with one call each, in both readings', async () => {
    for (const verdict of ['probability', 'greedy'] as const) {
      const vs = await groundingGate({ lm: text, mode: 'cited-chunk', verdict }).check([sample('s1', 'c1'), sample('s2', 'c2')], map);
      expect(vs.map((v) => v.outcome)).toEqual(['parse-failure', 'parse-failure']);
      expect(vs.map((v) => v.calls)).toEqual([1, 1]);
      expect(vs[0].reason).toMatch(verdict === 'probability' ? /label words get .* of the next-token probability/ : /is not a label word/);
    }
  });

  it('a missing citation is rejected by name at no model cost', async () => {
    const [v] = await groundingGate({ lm: text, mode: 'cited-chunk' }).check([sample('s1', 'gone')], map);
    expect(v).toMatchObject({ outcome: 'reject', mode: 'unsupported-claim', calls: 0 });
    expect(v.reason).toMatch(/^missing-chunk: cites chunk gone/);
  });

  it('each grounding mode shows its own evidence', async () => {
    const seen: string[] = [];
    const lmr = recording(text, seen);
    await groundingGate({ lm: lmr, mode: 'cited-chunk' }).check([sample('s1', 'c2')], map);
    expect(seen[0]).toContain('Each Kelmora tablet holds 250 mg.');
    await groundingGate({ lm: lmr, mode: 'retrieval', retrieve: (_q, k) => chunks.slice(0, k), topK: 2 }).check([sample('s1', 'c2')], map);
    expect(seen[1]).toContain('Keep the vaccine fridge at 2 to 8 °C.\nEach Kelmora tablet holds 250 mg.');
    await groundingGate({ lm: lmr, mode: 'none' }).check([sample('s1', 'c1')], map);
    expect(seen[2]).toContain('### Evidence:\n(none)');
    expect(() => groundingGate({ lm: text, mode: 'retrieval' })).toThrow(/needs a retriever/);
  });

  it('evidence longer than the context is cut to fit and the verdict says so', async () => {
    const long: Chunk = { ...chunks[0], id: 'long', text: `${'The fridge log is kept on the door. '.repeat(40)}Keep the vaccine fridge at 2 to 8 °C.` };
    const seen: string[] = [];
    const [v] = await groundingGate({ lm: recording(text, seen), mode: 'cited-chunk', minLabelMass: 0 }).check([{ ...sample('s1', 'long'), provenance: { chunkId: 'long', span: { start: 0, end: long.text.length } } }], new Map([['long', long]]));
    expect(text.promptTokens(seen[0])).toBeLessThanOrEqual(text.contextTokens - 1);
    expect(v.reason).toMatch(/evidence cut to fit the context/);
  });
});
