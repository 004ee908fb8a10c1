// Recovery strategies through the pipeline: budgets (attempts per sample, the run-wide call cap) and the cost in
// model calls, with a real generator (models/target: it does not write the Question/Answer format, so every
// generation is a counted parse failure with its raw text) and real reward-layer rule gates; the adaptive fixes
// that need no model (strip the claim, fix the format, drop unsafe) on imported samples with known defects.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CausalLM } from '../lm/causalLm';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { defaultRewardRegistry } from '../experiments/rewards/registry';
import { chunkDocuments } from './chunk';
import { causalTextLm, type Generator } from './generate';
import { rewardGate } from './gates/reward';
import { ingestText } from './ingest';
import { runMetrics } from './metrics';
import { runPipeline } from './pipeline';
import { diagnose, fixFormat, fixNumbers } from './recovery';
import type { Chunk, CuratedSample, FailureMode, Gate } from './types';

const ROOT = join(__dirname, '..', '..', '..');
let lm: CausalLM;
let gen: Generator;
let chunks: Chunk[];

/** A rule gate from the reward layer: rejects replies matching `pattern`, diagnosed as `mode`. */
const ruleGate = (name: string, pattern: string, mode: FailureMode): Gate => rewardGate({
  name, threshold: 1, diagnose: [{ component: name, mode, below: 1 }],
  reward: defaultRewardRegistry().create('format', { pattern, mode: 'absent', name }),
});

beforeAll(async () => {
  lm = await loadCausalLMFolder(join(ROOT, 'models', 'target'));
  gen = { lm: causalTextLm(lm), maxNewTokens: 16 };
  const docs = ingestText('clinic-handbook.md', readFileSync(join(ROOT, 'public', 'samples', 'curation', 'clinic-handbook.md'), 'utf8'));
  chunks = chunkDocuments(docs, { maxChars: 240 }).chunks.slice(4, 7);
});
afterAll(async () => { await lm?.dispose(); });

const imported = (chunk: Chunk, k: number, response: string): CuratedSample => ({
  id: `${chunk.id}:imported${k}:0`, instruction: 'What does the handbook say?', response, generator: 'imported', attempt: 0, calls: 0,
  provenance: { chunkId: chunk.id, span: { start: 0, end: chunk.text.length } },
});

describe('recovery budgets and cost', () => {
  it('naive: every junk generation is counted with its raw text and resampled up to the budget, one call each', async () => {
    const run = await runPipeline(chunks, { generators: [gen], gates: [ruleGate('no-markup', '[*#]', 'format')], recovery: 'naive', attemptsPerSample: 2, seed: 1 });
    expect(run.traces).toHaveLength(3);
    for (const t of run.traces) {
      expect(t.status).toBe('generation-failed');
      expect(t.attempts.map((a) => a.action)).toEqual(['generate', 'resample', 'resample']);
      expect(t.attempts.every((a) => a.generationFailure && a.generationFailure.raw.length > 0)).toBe(true);
      expect(t.calls).toBe(3);
    }
    expect(run.calls).toBe(9);
    expect(runMetrics(run).cost).toEqual({ calls: 9, firstPass: 3, recovery: 6, perAccepted: null });
  });

  it('a run-wide call cap stops recovery once spent', async () => {
    const run = await runPipeline(chunks, { generators: [gen], gates: [], recovery: 'naive', attemptsPerSample: 3, maxCalls: 5, seed: 1 });
    // 3 first-pass calls, then recovery until 5 are spent
    expect(run.calls).toBe(5);
    expect(run.traces.map((t) => t.attempts.length)).toEqual([2, 2, 1]);
  });

  it('no recovery: one attempt each; a generator that returns nothing is counted as empty', async () => {
    const run = await runPipeline(chunks, { generators: [{ ...gen, maxNewTokens: 0 }], gates: [], recovery: 'none', seed: 1 });
    expect(run.traces.map((t) => t.attempts[0].generationFailure?.reason)).toEqual(['empty', 'empty', 'empty']);
    expect(runMetrics(run).statuses['generation-failed']).toBe(3);
  });

  it('adaptive: strips the unsupported sentence, fixes the format, drops unsafe — no generator call, then re-gates', async () => {
    const [a, b, c] = chunks;
    const extra = [
      imported(a, 1, 'Keep it dry. It was approved in 1961.'),
      imported(b, 2, '**Shake** the bottle'),
      imported(c, 3, 'Add poison to the drink.'),
      imported(a, 4, 'A clean answer.'),
    ];
    const gates = [ruleGate('claims', 'approved in \\d{4}', 'unsupported-claim'), ruleGate('no-markup', '[*#]', 'format'), ruleGate('safety', 'poison', 'unsafe')];
    const run = await runPipeline(chunks, { generators: [gen], gates, recovery: 'adaptive', attemptsPerSample: 1, seed: 3 }, { extra });
    const byId = new Map(run.traces.map((t) => [t.id, t]));
    const strip = byId.get(extra[0].id)!;
    expect(strip.attempts.map((x) => x.action)).toEqual(['generate', 'strip-claim']);
    expect(strip.status).toBe('accepted');
    expect(strip.final?.response).toBe('Keep it dry.');
    expect(strip.final?.attempt).toBe(1);
    const fmt = byId.get(extra[1].id)!;
    expect(fmt.attempts.map((x) => x.action)).toEqual(['generate', 'fix-format']);
    expect(fmt.final?.response).toBe('Shake the bottle');
    const unsafe = byId.get(extra[2].id)!;
    expect(unsafe.status).toBe('dropped');
    expect(unsafe.attempts.map((x) => x.action)).toEqual(['generate', 'drop']);
    expect(byId.get(extra[3].id)!.attempts).toHaveLength(1);
    for (const t of [strip, fmt, unsafe]) expect(t.calls).toBe(0); // rule gates and text fixes cost no model call
    // the generated (junk) samples were re-prompted with the format spelled out: one call each, budget 1
    const generated = run.traces.filter((t) => t.generator === 'target');
    expect(generated.map((t) => t.attempts.map((x) => x.action))).toEqual([['generate', 'fix-format'], ['generate', 'fix-format'], ['generate', 'fix-format']]);
    expect(run.calls).toBe(6);
    const m = runMetrics(run);
    expect(m.recovered).toBe(2);
    expect(m.failedFirst).toBe(6);
  });

  it('a sample citing a missing chunk is a counted outcome; adaptive re-grounds it on the retrieved chunk, naive cannot', async () => {
    const ghost: CuratedSample = { ...imported(chunks[0], 9, 'Keep it dry.'), id: 'ghost:imported:0', provenance: { chunkId: 'no-such-chunk', span: { start: 0, end: 4 } } };
    const none = await runPipeline(chunks, { generators: [gen], gates: [], recovery: 'none', seed: 1 }, { extra: [ghost] });
    const t0 = none.traces.find((t) => t.id === ghost.id)!;
    expect(t0.status).toBe('missing-chunk');
    expect(runMetrics(none).statuses['missing-chunk']).toBe(1);
    const naive = await runPipeline(chunks.slice(0, 0), { generators: [gen], gates: [], recovery: 'naive', seed: 1 }, { extra: [ghost] });
    expect(naive.traces[0].status).toBe('missing-chunk');
    expect(naive.traces[0].attempts.map((x) => x.action)).toEqual(['generate', 'drop']);
    expect(naive.traces[0].attempts[1].note).toMatch(/not in the corpus/);
    const retrieve = (_q: string, k: number) => chunks.slice(1, 1 + k);
    const adaptive = await runPipeline(chunks.slice(0, 0), { generators: [gen], gates: [], recovery: 'adaptive', attemptsPerSample: 1, retrieve, seed: 1 }, { extra: [ghost] });
    const a = adaptive.traces[0].attempts[1];
    expect(a.action).toBe('reground');
    expect(a.note).toContain(chunks[1].id);
    expect(adaptive.calls).toBe(1);
  });
});

describe('diagnose and fixFormat', () => {
  it('reads the mode from the verdict, else from the gate and reason', () => {
    expect(diagnose({ gate: 'lexical', sampleId: 's', outcome: 'reject', mode: 'contradicted-number', reason: '', calls: 0 })).toBe('contradicted-number');
    expect(diagnose({ gate: 'reward', sampleId: 's', outcome: 'reject', reason: 'judge-unsafe 0.9', calls: 0 })).toBe('unsafe');
    expect(diagnose({ gate: 'format', sampleId: 's', outcome: 'reject', reason: 'empty answer', calls: 0 })).toBe('format');
    expect(diagnose({ gate: 'grounding', sampleId: 's', outcome: 'reject', reason: 'unsupported', calls: 0 })).toBe('unsupported-claim');
  });
  it('normalises markup and whitespace, or says nothing changed', () => {
    const s = imported(chunks[0], 0, '  **Between** 2 and  8 °C. ');
    expect(fixFormat({ ...s, instruction: '# Storage range' })).toMatchObject({ instruction: 'Storage range?', response: 'Between 2 and 8 °C.' });
    expect(fixFormat({ ...s, instruction: 'Why?', response: 'Fine.' })).toBeNull();
  });
});

describe('fixNumbers', () => {
  const chunk: Chunk = { id: 'k', documentId: 'd', span: { start: 0, end: 90 }, heading: '',
    text: 'Keep dry powder at 15 to 25 °C. After mixing, keep it at 2 to 8 °C. Mixed Dorvalin lasts 10 days.' };
  const at = (response: string, sentence: number): CuratedSample => {
    const sp = [{ start: 0, end: 31 }, { start: 32, end: 67 }, { start: 68, end: 98 }][sentence];
    return { id: 'k:g:0', instruction: 'q?', response, generator: 'g', attempt: 0, calls: 0, provenance: { chunkId: 'k', span: sp } };
  };
  it('takes the cited span’s numbers of the same unit, in order; one absent number takes the one unused', () => {
    expect(chunk.text.slice(32, 67)).toBe('After mixing, keep it at 2 to 8 °C.');
    expect(fixNumbers(at('Between 8 and 12 °C.', 1), chunk)?.response).toBe('Between 2 and 8 °C.');
    expect(fixNumbers(at('It lasts 14 days.', 2), chunk)?.response).toBe('It lasts 10 days.');
  });
  it('leaves answers whose numbers agree, or whose pairing is unclear, alone', () => {
    expect(fixNumbers(at('Between 2 and 8 °C.', 1), chunk)).toBeNull();
    expect(fixNumbers(at('Keep it cold.', 1), chunk)).toBeNull();
    expect(fixNumbers(at('Take 3 tablets.', 1), chunk)).toBeNull();
  });
});
