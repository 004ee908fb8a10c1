// Rule gates on the shipped handbook (issue #22): the lexical claim checker catches contradicted numbers and
// fabricated entities with readable reasons and passes faithful paraphrases, in cited-chunk and retrieval
// grounding; it abstains without a source; the format and dedup gates reject what they should.
import { describe, expect, it } from 'vitest';
import { chunkMap } from '../chunk';
import { FAITHFUL, UNFAITHFUL, chunkOf, handbookChunks, sampleFor } from '../testHandbookNode';
import type { CuratedSample, GateVerdict } from '../types';
import { dedupGate } from './dedup';
import { formatGate } from './format';
import { checkClaims, lexicalClaimGate } from './lexicalClaims';

const chunks = handbookChunks();
const byId = chunkMap(chunks);
const faithful = FAITHFUL.map((e, i) => sampleFor(`good-${i}`, chunkOf(chunks, e.section), e.question, e.answer));
const unfaithful = UNFAITHFUL.map((e, i) => sampleFor(`bad-${i}`, chunkOf(chunks, e.section), e.question, e.answer));

describe('lexical claim gate', () => {
  it('cited-chunk: passes every faithful paraphrase and rejects every unfaithful answer with its mode and reason', async () => {
    const gate = lexicalClaimGate();
    for (const v of await gate.check(faithful, byId)) expect(v, `${v.sampleId}: ${v.reason}`).toMatchObject({ outcome: 'pass', gate: 'lexical-cited-chunk', calls: 0 });
    (await gate.check(unfaithful, byId)).forEach((v, i) => {
      expect(v.outcome, `${UNFAITHFUL[i].answer} → ${v.reason}`).toBe('reject');
      expect(v.mode, v.reason).toBe(UNFAITHFUL[i].mode);
      expect(v.reason).toMatch(UNFAITHFUL[i].reason);
    });
  });

  it('retrieval: passes every faithful answer; a wrong number or name written elsewhere in the corpus is masked', async () => {
    const gate = lexicalClaimGate({ grounding: 'retrieval' });
    for (const v of await gate.check(faithful, byId)) expect(v, `${v.sampleId}: ${v.reason}`).toMatchObject({ outcome: 'pass', gate: 'lexical-retrieval' });
    const outcomes = (await gate.check(unfaithful, byId)).map((v) => v.outcome);
    expect(outcomes).toEqual(UNFAITHFUL.map((e) => (e.maskedByRetrieval ? 'pass' : 'reject')));
  });

  it('names the evidence it used: the cited chunk, or the retrieved chunks', async () => {
    const [cited] = await lexicalClaimGate().check(faithful.slice(0, 1), byId);
    expect(cited.reason).toContain(`cited chunk ${faithful[0].provenance.chunkId}`);
    const [retrieved] = await lexicalClaimGate({ grounding: 'retrieval', topK: 2 }).check(faithful.slice(0, 1), byId);
    expect(retrieved.reason).toMatch(/retrieved chunks [0-9a-f]{16}, [0-9a-f]{16}\)$/);
    expect(retrieved.reason).toContain(faithful[0].provenance.chunkId);
  });

  it('abstains without a source, and rejects a sample citing a chunk that does not exist (counted, not dropped)', async () => {
    const none = await lexicalClaimGate({ grounding: 'none' }).check([...faithful, ...unfaithful], byId);
    expect(none).toHaveLength(faithful.length + unfaithful.length);
    expect(new Set(none.map((v) => v.outcome))).toEqual(new Set(['abstain']));
    const ghost: CuratedSample = { ...faithful[0], id: 'ghost', provenance: { chunkId: 'ffffffffffffffff', span: { start: 0, end: 5 } } };
    const [v] = await lexicalClaimGate().check([ghost], byId);
    expect(v).toMatchObject({ outcome: 'reject', mode: 'unsupported-claim', reason: 'cites chunk ffffffffffffffff, which is not in the corpus' });
    const [r] = await lexicalClaimGate({ grounding: 'retrieval' }).check([{ ...ghost, instruction: 'Zzz?', response: 'Qqq.' }], byId);
    expect(r.outcome).toBe('abstain');
  });

  it('accepts numbers the question supplies, and checks ranges with their shared unit', () => {
    const evidence = 'Keep vials at 2 to 8 °C.';
    expect(checkClaims('Between 2 and 8 °C.', evidence).ok).toBe(true);
    expect(checkClaims('Between 3 and 8 °C.', evidence)).toMatchObject({ ok: false, mode: 'contradicted-number' });
    expect(checkClaims('A child of 16 kg.', evidence, 'What about a child of 16 kg?').ok).toBe(true);
    expect(checkClaims('A child of 16 kg.', evidence).ok).toBe(false);
  });

  it('checks what the question asserts: a medicine the evidence never names, a number it contradicts', async () => {
    const intro = chunks[0]; // the handbook's introduction
    const storage = chunkOf(chunks, 'Dorvalin storage');
    // the case the bench's exported dataset showed passing: a question about an invented medicine, a common-word answer
    const [named] = await lexicalClaimGate().check([sampleFor('q-entity', intro, 'Is Lunexamacil taken with meals?', 'Take it with food.')], byId);
    expect(named).toMatchObject({ outcome: 'reject', mode: 'unsupported-claim', reason: expect.stringMatching(/^the question names "Lunexamacil", which the evidence does not/) });
    const [number] = await lexicalClaimGate().check([sampleFor('q-number', storage, 'Why does mixed Dorvalin last 14 days?', 'Shake the bottle before each dose.')], byId);
    expect(number).toMatchObject({ outcome: 'reject', mode: 'contradicted-number', reason: expect.stringMatching(/the question's number "14 days" contradicts the evidence \(it says 10 days\)/) });
    // the same questions with the evidence's own facts pass; a case the question poses in a unit the chunk lacks passes
    expect(checkClaims('Shake the bottle before each dose.', storage.text, 'How long does mixed Dorvalin last, 10 days?').ok).toBe(true);
    expect(checkClaims('Keep it in the fridge.', storage.text, 'What about a child of 16 kg given mixed Dorvalin?').ok).toBe(true);
    // a yes/no question asks about its number: "No, 10 days" to "Does it last 14 days?" is a faithful pair
    expect(checkClaims('No, mixed Dorvalin lasts 10 days.', storage.text, 'Does mixed Dorvalin last 14 days?').ok).toBe(true);
    // with retrieval the invented name still finds no chunk that names it
    const [retrieved] = await lexicalClaimGate({ grounding: 'retrieval' }).check([sampleFor('q-entity-r', intro, 'Is Lunexamacil taken with meals?', 'Take it with food.')], byId);
    expect(retrieved).toMatchObject({ outcome: 'reject', mode: 'unsupported-claim' });
  });
});

describe('format gate', () => {
  const c = chunkOf(chunks, 'Kelmora tablets');
  const cases: [string, string, RegExp | null][] = [
    ['How much does one tablet hold?', 'Each tablet holds 250 mg.', null],
    ['How much does one tablet hold?', '250 mg', null],
    ['Is Kelmora for fever?', 'Yes', null],
    ['How much does one tablet hold?', '', /answer is empty/],
    ['', 'Each tablet holds 250 mg.', /question is empty/],
    ['How much does one tablet hold', 'Each tablet holds 250 mg.', /does not end with "\?"/],
    ['How much does one tablet hold?', 'Each tablet holds 250 mg. An adult must not ta', /stops mid-word/],
    ['How much does one tablet hold?', '{"answer": "250 mg", "score": [1, {', /JSON or markup junk/],
    ['How much does one tablet hold?', 'Each tablet holds 250 mg.\n### Source: more', /prompt markers/],
  ];
  it('passes well-formed pairs and names each break', () => {
    const samples = cases.map(([q, a], i) => sampleFor(`f${i}`, c, q, a));
    const verdicts = formatGate().check(samples, byId) as GateVerdict[];
    cases.forEach(([, , want], i) => {
      const v = verdicts[i];
      if (want === null) expect(v.outcome, v.reason).toBe('pass');
      else {
        expect(v).toMatchObject({ outcome: 'reject', mode: 'format' });
        expect(v.reason).toMatch(want);
      }
    });
    expect(formatGate({ requireQuestionMark: false }).check([samples[5]], byId)).toMatchObject([{ outcome: 'pass' }]);
  });
});

describe('dedup gate', () => {
  const c = chunkOf(chunks, 'Kelmora tablets');
  const long = 'Each Kelmora tablet holds 250 mg and the adult dose is 2 tablets every 6 hours with water';
  const samples = [
    sampleFor('a', c, 'What does a Kelmora tablet hold?', long),
    sampleFor('b', c, 'what does a kelmora tablet hold', `${long.toUpperCase()}!!`),
    sampleFor('c', c, 'What does a Kelmora tablet hold?', long.replace('with water', 'with a glass of water')),
    sampleFor('d', c, 'How many tablets a day at most?', 'No more than 8 tablets in 24 hours.'),
  ];
  it('keeps the first, rejects exact and near duplicates naming the sample they duplicate', () => {
    const v = dedupGate().check(samples, byId) as { outcome: string; reason: string }[];
    expect(v.map((x) => x.outcome)).toEqual(['pass', 'reject', 'reject', 'pass']);
    expect(v[1].reason).toMatch(/^exact duplicate of a/);
    expect(v[2].reason).toMatch(/^near duplicate of a \(shingle Jaccard 0\.\d\d ≥ 0\.8\)/);
    const strict = dedupGate({ threshold: 0.95 }).check(samples, byId) as { outcome: string }[];
    expect(strict.map((x) => x.outcome)).toEqual(['pass', 'reject', 'pass', 'pass']);
    expect(() => dedupGate({ threshold: 0 })).toThrow(/threshold/);
  });

  it('compares a batch with the samples the run accepted before it (a recovery round against the first pass)', () => {
    const v = dedupGate().check([samples[1], samples[2], samples[3]], byId, { accepted: [samples[0]] }) as { outcome: string; reason: string }[];
    expect(v.map((x) => x.outcome)).toEqual(['reject', 'reject', 'pass']);
    expect(v[0].reason).toMatch(/^exact duplicate of a, accepted earlier in the run/);
    expect(v[1].reason).toMatch(/^near duplicate of a, accepted earlier in the run/);
    // without the context the same batch has no earlier sample to repeat
    expect((dedupGate().check([samples[1], samples[3]], byId) as { outcome: string }[]).map((x) => x.outcome)).toEqual(['pass', 'pass']);
  });
});
