// Injection (issue #22): reproducible by seed, labels kept apart (samples keep ids, order and fields), each
// mode's label detail true of the sample it describes, and the rule gates catch what they are meant to catch.
import { describe, expect, it } from 'vitest';
import { chunkMap } from './chunk';
import { extractQuantities } from './claims';
import { formatGate } from './gates/format';
import { lexicalClaimGate } from './gates/lexicalClaims';
import { injectFailures } from './inject';
import { handbookChunks, sampleFor } from './testHandbookNode';
import type { CuratedSample, GateVerdict } from './types';

const chunks = handbookChunks();
const byId = chunkMap(chunks);
// One faithful sample per section: its body as the answer.
const clean: CuratedSample[] = chunks
  .filter((c) => c.heading.includes(' > '))
  .map((c, i) => sampleFor(`s${i}`, c, `What does the handbook say about ${c.heading.split(' > ').at(-1)!.toLowerCase()}?`, c.text.replace(/^#+ [^\n]*\n/, '')));

describe('injectFailures', () => {
  it('is reproducible by seed, injects round(rate × n) samples, balanced over the modes', () => {
    const a = injectFailures(clean, byId, { rate: 0.5, seed: 7 });
    expect(injectFailures(clean, byId, { rate: 0.5, seed: 7 })).toEqual(a);
    const b = injectFailures(clean, byId, { rate: 0.5, seed: 8 });
    expect(b.labels.map((l) => l.sampleId)).not.toEqual(a.labels.map((l) => l.sampleId));
    expect(a.labels.length + a.skipped.length).toBe(Math.round(0.5 * clean.length));
    expect(a.skipped).toEqual([]);
    const perMode = new Map<string, number>();
    for (const l of a.labels) perMode.set(l.mode, (perMode.get(l.mode) ?? 0) + 1);
    for (const n of perMode.values()) expect(n).toBeGreaterThanOrEqual(Math.floor(a.labels.length / 4) - 1);
    expect(injectFailures(clean, byId, { rate: 0, seed: 1 }).labels).toEqual([]);
    expect(injectFailures(clean, byId, { rate: 1, seed: 1 }).labels).toHaveLength(clean.length);
  });

  it('keeps labels apart: ids, order and fields unchanged, untouched samples identical', () => {
    const { samples, labels } = injectFailures(clean, byId, { rate: 0.4, seed: 3 });
    expect(samples.map((s) => s.id)).toEqual(clean.map((s) => s.id));
    const touched = new Set(labels.map((l) => l.sampleId));
    samples.forEach((s, i) => {
      expect(Object.keys(s).sort()).toEqual(Object.keys(clean[i]).sort());
      if (touched.has(s.id)) expect(s).not.toEqual(clean[i]);
      else expect(s).toBe(clean[i]);
    });
  });

  it("each mode's label detail is true of the injected sample", () => {
    const { samples, labels } = injectFailures(clean, byId, { rate: 1, seed: 11 });
    const get = (id: string) => ({ now: samples.find((s) => s.id === id)!, was: clean.find((s) => s.id === id)! });
    for (const l of labels) {
      const { now, was } = get(l.sampleId);
      const source = byId.get(was.provenance.chunkId)!.text;
      if (l.mode === 'unsupported-claim') {
        const sentence = /^added: '(.*)'$/.exec(l.detail)![1];
        expect(now.response.endsWith(sentence)).toBe(true);
        expect(now.response.startsWith(was.response.trim().replace(/[.!?]$/, ''))).toBe(true);
        const entity = /(Professor|take|the) ([A-Z][a-z]+)/.exec(sentence)?.[2] ?? /^The ([A-Z][a-z]+)/.exec(sentence)![1];
        expect(source.toLowerCase()).not.toContain(entity.toLowerCase());
      } else if (l.mode === 'contradicted-number') {
        const [, before, after] = /^"([^"]+)" → "([^"]+)"/.exec(l.detail)!;
        const [q0] = extractQuantities(before);
        const [q1] = extractQuantities(after);
        expect(q1.unit).toBe(q0.unit);
        expect(q1.value).not.toBe(q0.value);
        expect(extractQuantities(source).some((q) => q.value === q0.value && q.unit === q0.unit)).toBe(true);
        expect(extractQuantities(source).some((q) => q.value === q1.value && q.unit === q1.unit)).toBe(false);
        expect(extractQuantities(now.response).some((q) => q.value === q1.value && q.unit === q1.unit)).toBe(true);
        expect(now.response.length - was.response.length).toBe(String(q1.value).length - String(q0.value).length);
      } else if (l.mode === 'unsafe') {
        const sentence = /^appended unsafe \(\w+\): '(.*)'$/.exec(l.detail)![1];
        expect(now.response).toBe(`${was.response.trim()} ${sentence}`);
        expect(sentence).toMatch(/^Here is how to .*\[REDACTED\]/);
      } else {
        expect(l.detail).toMatch(/^format\/(empty-answer|json-junk|no-question-mark|truncated)/);
        if (l.detail.startsWith('format/empty-answer')) expect(now.response).toBe('');
        if (l.detail.startsWith('format/no-question-mark')) expect(now.instruction.endsWith('?')).toBe(false);
        if (l.detail.startsWith('format/truncated')) expect(was.response.startsWith(now.response) && now.response.length < was.response.length).toBe(true);
      }
    }
    expect(new Set(labels.map((l) => l.mode))).toEqual(new Set(['unsupported-claim', 'contradicted-number', 'unsafe', 'format']));
  });

  it('the rule gates pass the clean corpus and catch the injected modes they target (cited-chunk grounding)', async () => {
    const lexical = lexicalClaimGate();
    const format = formatGate();
    const outcomes = (vs: GateVerdict[] | Promise<GateVerdict[]>) => Promise.resolve(vs).then((x) => x.map((v) => v.outcome));
    expect(new Set(await outcomes(lexical.check(clean, byId)))).toEqual(new Set(['pass']));
    expect(new Set(await outcomes(format.check(clean, byId)))).toEqual(new Set(['pass']));

    const { samples, labels } = injectFailures(clean, byId, { rate: 0.6, seed: 5 });
    const lex = new Map((await lexical.check(samples, byId)).map((v) => [v.sampleId, v]));
    const fmt = new Map((await format.check(samples, byId)).map((v) => [v.sampleId, v]));
    for (const l of labels) {
      if (l.mode === 'unsupported-claim' || l.mode === 'contradicted-number') expect(lex.get(l.sampleId), l.detail).toMatchObject({ outcome: 'reject', mode: l.mode });
      if (l.mode === 'format') expect(fmt.get(l.sampleId), l.detail).toMatchObject({ outcome: 'reject', mode: 'format' });
    }
    const injected = new Set(labels.map((l) => l.sampleId));
    for (const s of samples) if (!injected.has(s.id)) expect(lex.get(s.id)!.outcome).toBe('pass');
  });

  it('over 10 seeds at rate 1, the lexical gate diagnoses every fabricated fact and contradicted number, the format gate every break', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const { samples, labels } = injectFailures(clean, byId, { rate: 1, seed });
      const lex = new Map((await lexicalClaimGate().check(samples, byId)).map((v) => [v.sampleId, v]));
      const fmt = new Map((formatGate().check(samples, byId) as GateVerdict[]).map((v) => [v.sampleId, v]));
      for (const l of labels) {
        if (l.mode === 'unsafe') continue;
        const v = (l.mode === 'format' ? fmt : lex).get(l.sampleId)!;
        expect({ outcome: v.outcome, mode: v.mode }, `seed ${seed}: ${l.detail} → ${v.reason}`).toEqual({ outcome: 'reject', mode: l.mode });
      }
    }
  });

  it('falls back to another mode when the chosen one cannot apply, and lists samples no mode applies to', () => {
    const noNumber = clean.map((s) => ({ ...s, response: 'Keep it in a dry place.' }));
    const only = injectFailures(noNumber, byId, { rate: 0.5, seed: 2, modes: ['contradicted-number'] });
    expect(only.labels).toEqual([]);
    expect(only.skipped).toHaveLength(Math.round(0.5 * clean.length));
    const fallback = injectFailures(noNumber, byId, { rate: 0.5, seed: 2, modes: ['contradicted-number', 'unsafe'] });
    expect(new Set(fallback.labels.map((l) => l.mode))).toEqual(new Set(['unsafe']));
    expect(() => injectFailures(clean, byId, { rate: 1.5, seed: 1 })).toThrow(/rate must be in \[0, 1\]/);
    expect(() => injectFailures(clean, byId, { rate: 0.5, seed: 1, modes: [] })).toThrow(/modes/);
  });
});
