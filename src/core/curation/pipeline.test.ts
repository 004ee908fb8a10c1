// The pipeline end to end on handbook chunks: a real generator that writes no Question/Answer pair (models/target:
// every generation is a counted failure with its raw reply), and the forge's curation-gen-s that does, next to
// faithful imported samples cut from the chunks; a seeded share is corrupted by inject.ts with the labels kept
// apart; the lexical claim gate catches the fabricated claims and changed numbers, the format gate the format
// breaks, the reward gate (refusal rule − models/judge's P(unsafe)) the unsafe additions, and the metrics count
// them against the labels. Progress and cancel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CausalLM } from '../lm/causalLm';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { chunkDocuments } from './chunk';
import { causalTextLm, sentenceSpans, type Generator } from './generate';
import { defaultRewardRegistry } from '../experiments/rewards/registry';
import { dedupGate } from './gates/dedup';
import { formatGate } from './gates/format';
import { lexicalClaimGate } from './gates/lexicalClaims';
import { curationRewardGate } from './gates/reward';
import { ingestText } from './ingest';
import { injectFailures } from './inject';
import { rejectedSet, runMetrics } from './metrics';
import { runPipeline, type PipelineConfig, type PipelineProgress } from './pipeline';
import type { Chunk, CuratedSample } from './types';

const ROOT = join(__dirname, '..', '..', '..');
let lm: CausalLM;
let judge: CausalLM;
let gen: Generator;
let chunks: Chunk[];
let faithful: CuratedSample[];

beforeAll(async () => {
  lm = await loadCausalLMFolder(join(ROOT, 'models', 'target'));
  judge = await loadCausalLMFolder(join(ROOT, 'models', 'judge'));
  gen = { lm: causalTextLm(lm), maxNewTokens: 16 };
  const docs = ingestText('clinic-handbook.md', readFileSync(join(ROOT, 'public', 'samples', 'curation', 'clinic-handbook.md'), 'utf8'));
  chunks = chunkDocuments(docs, { maxChars: 240 }).chunks.filter((c) => /\d/.test(c.text)).slice(2, 12);
  // one faithful pair per chunk: its first sentence as the answer to a question about its section
  faithful = chunks.map((c) => {
    const first = sentenceSpans(c.text).find((sp) => !c.text.slice(sp.start, sp.end).startsWith('#'))!;
    const topic = c.heading.split(' > ').pop()!.toLowerCase();
    return { id: `${c.id}:handmade:0`, instruction: `What does the handbook say about ${topic}?`, response: c.text.slice(first.start, first.end),
      provenance: { chunkId: c.id, span: first }, generator: 'handmade', attempt: 0, calls: 0 };
  });
});
afterAll(async () => { await lm?.dispose(); await judge?.dispose(); });

const config = (): PipelineConfig => ({
  generators: [gen], gates: [formatGate(), lexicalClaimGate(), curationRewardGate(defaultRewardRegistry(), { judge })], recovery: 'none',
  injectionRate: 0.8, injector: injectFailures, seed: 5,
});

describe('curation pipeline end to end', () => {
  it('injected failures are caught by the lexical and format gates and counted against the separate labels', async () => {
    const progress: PipelineProgress[] = [];
    const run = await runPipeline(chunks, config(), { extra: faithful, onProgress: (p) => progress.push(p) });
    const m = runMetrics(run);
    // the generator's junk: one counted failure per chunk, raw text kept
    const generated = run.traces.filter((t) => t.generator === 'target');
    expect(generated).toHaveLength(chunks.length);
    expect(generated.every((t) => t.status === 'generation-failed' && t.attempts[0].generationFailure!.raw.length > 0)).toBe(true);
    // the labels name imported samples only (the junk has no sample to corrupt) and never sit on the samples
    expect(run.labels.length).toBe(Math.round(0.8 * faithful.length));
    expect(new Set(run.labels.map((l) => l.mode))).toEqual(new Set(['unsupported-claim', 'contradicted-number', 'unsafe', 'format']));
    expect(run.labels.every((l) => faithful.some((s) => s.id === l.sampleId))).toBe(true);
    const lexical = rejectedSet(run.traces, 'lexical-cited-chunk');
    const format = rejectedSet(run.traces, 'format');
    const unsafe = new Set(run.traces.filter((t) => t.attempts[0].verdicts.some((v) => v.gate === 'reward' && v.mode === 'unsafe')).map((t) => t.id));
    for (const l of run.labels) {
      if (l.mode === 'unsupported-claim' || l.mode === 'contradicted-number') expect(lexical.has(l.sampleId), `${l.mode}: ${l.detail}`).toBe(true);
      if (l.mode === 'format') expect(format.has(l.sampleId) || lexical.has(l.sampleId), l.detail).toBe(true);
      if (l.mode === 'unsafe') expect(unsafe.has(l.sampleId), l.detail).toBe(true);
    }
    // faithful samples left alone pass every gate: nothing is rejected that was not injected
    const injected = new Set(run.labels.map((l) => l.sampleId));
    for (const t of run.traces.filter((x) => x.generator === 'handmade' && !injected.has(x.id))) expect(t.status, JSON.stringify(t.attempts[0].verdicts)).toBe('accepted');
    const lex = m.gates.find((g) => g.gate === 'lexical-cited-chunk')!;
    expect(lex.injectionPrecision).toBe(1);
    expect(lex.recallByMode['contradicted-number']).toBe(1);
    expect(lex.recallByMode['unsupported-claim']).toBe(1);
    expect(m.gates.find((g) => g.gate === 'reward')!.recallByMode.unsafe).toBe(1);
    // the judge costs one call per judged sample; the rule gates none
    expect(m.cost.firstPass).toBe(chunks.length + faithful.length);
    expect(m.statuses['generation-failed']).toBe(chunks.length);
    expect(m.injected).toBe(run.labels.length);
    // progress: generation then gating, each ending at its total
    expect(progress[0]).toEqual({ phase: 'generate', done: chunks.length, total: chunks.length });
    expect(progress[progress.length - 1]).toEqual({ phase: 'gate', done: run.traces.length, total: run.traces.length });
  });

  it('with the forge generator (curation-gen-s): pairs parse, cite their chunk and an in-chunk span, injections on them are caught', async () => {
    const genS = await loadCausalLMFolder(join(ROOT, 'models', 'curation-gen-s'));
    try {
      const run = await runPipeline(chunks.slice(0, 6), { ...config(), generators: [{ lm: causalTextLm(genS), maxNewTokens: 40 }], gates: [formatGate(), lexicalClaimGate()], injectionRate: 0.5 });
      const samples = run.traces.flatMap((t) => (t.attempts[0].sample ? [t.attempts[0].sample] : []));
      expect(samples.length).toBeGreaterThanOrEqual(4);
      for (const s of samples) {
        const c = chunks.find((x) => x.id === s.provenance.chunkId)!;
        expect(s.id.startsWith(`${c.id}:curation-gen-s:`)).toBe(true);
        expect(0 <= s.provenance.span.start && s.provenance.span.start < s.provenance.span.end && s.provenance.span.end <= c.text.length).toBe(true);
        expect(s.calls).toBe(1);
      }
      const lexical = rejectedSet(run.traces, 'lexical-cited-chunk');
      const caught = run.labels.filter((l) => l.mode === 'unsupported-claim' || l.mode === 'contradicted-number');
      expect(caught.length).toBeGreaterThan(0);
      for (const l of caught) expect(lexical.has(l.sampleId), l.detail).toBe(true);
    } finally {
      await genS.dispose();
    }
  });

  it('an AbortSignal stops the run: it says cancelled and keeps what was done', async () => {
    const ac = new AbortController();
    const run = await runPipeline(chunks, { ...config(), recovery: 'naive' }, { extra: faithful, signal: ac.signal, onProgress: (p) => { if (p.phase === 'generate') ac.abort(); } });
    expect(run.cancelled).toBe(true);
    expect(run.traces.filter((t) => t.status === 'cancelled')).toHaveLength(run.traces.length);
    expect(run.calls).toBe(chunks.length);
  });

  it('bad configuration is a named error', async () => {
    await expect(runPipeline(chunks, { ...config(), injector: undefined })).rejects.toThrow(/needs an injector/);
    await expect(runPipeline(chunks, { ...config(), injectionRate: 2 })).rejects.toThrow(/not in \[0, 1\]/);
    await expect(runPipeline(chunks, { ...config(), gates: [formatGate(), formatGate()] })).rejects.toThrow(/share a name/);
  });
});

describe('recovered samples against accepted ones', () => {
  it('a recovery that repeats a sample accepted in the first pass is rejected by dedup, naming it', async () => {
    const [a] = faithful;
    // the same pair with a format break: the format gate rejects it first, adaptive recovery fixes the format (0 calls),
    // and the fixed sample is the accepted one again
    const broken: CuratedSample = { ...a, id: `${a.provenance.chunkId}:broken:0`, instruction: a.instruction.replace(/\?$/, '') };
    const run = await runPipeline(chunks, { generators: [], gates: [formatGate(), dedupGate()], recovery: 'adaptive', seed: 1 }, { extra: [a, broken] });
    const [first, second] = run.traces;
    expect(first.status).toBe('accepted');
    // round 2 has nothing left to fix and no generator: the sample is dropped, not accepted as a duplicate
    expect(second.attempts.map((t) => t.action)).toEqual(['generate', 'fix-format', 'drop']);
    expect(second.attempts[1].rejectedBy).toBe('dedup');
    expect(second.attempts[1].verdicts.find((v) => v.gate === 'dedup')!.reason).toMatch(new RegExp(`^exact duplicate of ${a.id}, accepted earlier in the run`));
    expect(second.status).toBe('dropped');
  });
});
