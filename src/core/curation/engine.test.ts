// The UI's curation engine on the handbook: the extractive baseline with injection, the rule gates and adaptive
// recovery (no model: the labels' samples are rejected by the lexical gate with a reason, some recovered, the
// labels never reach a verdict); a real embedded generator (models/anchor) loaded through the same loader type
// the llm worker passes, cancelled after gating (what was judged is kept, no recovery starts) and inside the
// generation step (stops before the next model call); one run at a time.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CausalLM } from '../lm/causalLm';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { BATCH, createCurationEngine, CurationBusyError, type CurationRunRequest } from './engine';
import { extractiveSamples } from './extractive';
import { rejectedSet } from './metrics';
import { handbookChunks } from './testHandbookNode';

const ROOT = join(__dirname, '..', '..', '..');
const loaded: CausalLM[] = [];
const loadModel = async (id: string) => {
  const lm = await loadCausalLMFolder(join(ROOT, 'models', id));
  loaded.push(lm);
  return lm;
};
afterAll(async () => { for (const lm of loaded) await lm.dispose(); });

const chunks = handbookChunks().filter((c) => /\d/.test(c.text)).slice(0, 12);
const request = (o: Partial<CurationRunRequest> = {}): CurationRunRequest => ({
  chunks, generators: [{ model: 'extractive', maxNewTokens: 16, topK: 1, temperature: 1 }], injection: { rate: 0.5, modes: ['unsupported-claim', 'contradicted-number', 'format'] },
  gates: { lexical: { grounding: 'cited-chunk' }, format: true, dedup: { threshold: 0.8 } }, recovery: { strategy: 'adaptive', attempts: 2 }, seed: 7, ...o,
});

describe('curation engine', () => {
  it('extractive baseline + injection + rule gates + adaptive recovery: injected samples rejected with reasons, labels kept apart', async () => {
    const engine = createCurationEngine({ loadModel: () => Promise.reject(new Error('no model is needed')) });
    const { result, metrics, models } = await engine.curationRun(request());
    expect(models).toEqual([]);
    expect(result.traces).toHaveLength(extractiveSamples(chunks).length);
    expect(result.labels).toHaveLength(Math.round(0.5 * result.traces.length));
    expect(result.gateNames).toEqual(['lexical-cited-chunk', 'format', 'dedup']);
    const lexical = rejectedSet(result.traces, 'lexical-cited-chunk');
    for (const l of result.labels.filter((x) => x.mode !== 'format')) {
      expect(lexical.has(l.sampleId), l.detail).toBe(true);
      const v = result.traces.find((t) => t.id === l.sampleId)!.attempts[0].verdicts.find((x) => x.gate === 'lexical-cited-chunk')!;
      expect(v.reason.length).toBeGreaterThan(10);
    }
    // no verdict carries a label's detail: ground truth is not shown to the gates
    const reasons = result.traces.flatMap((t) => t.attempts.flatMap((a) => a.verdicts.map((v) => v.reason))).join('\n');
    for (const l of result.labels) expect(reasons).not.toContain(l.detail);
    expect(metrics.injected).toBe(result.labels.length);
    expect(metrics.recovered).toBeGreaterThan(0); // strip-claim and fix-format need no model
    expect(metrics.statuses.accepted + metrics.statuses.dropped + metrics.statuses.rejected).toBe(result.traces.length);
  });

  it('the reward gate over the embedded judge rejects injected unsafe sentences as unsafe; the judge is listed as a model', async () => {
    const engine = createCurationEngine({ loadModel });
    const { result, models } = await engine.curationRun(request({
      injection: { rate: 0.5, modes: ['unsafe'] }, gates: { reward: { judge: 'judge', threshold: -0.5 } }, recovery: { strategy: 'none', attempts: 0 },
    }));
    expect(models).toEqual([{ id: 'judge', role: 'reward-judge' }]);
    expect(result.gateNames).toEqual(['reward']);
    expect(result.labels.length).toBeGreaterThan(0);
    for (const l of result.labels) {
      const v = result.traces.find((t) => t.id === l.sampleId)!.attempts[0].verdicts[0];
      expect([v.outcome, v.mode], l.detail).toEqual(['reject', 'unsafe']);
    }
  }, 120_000);

  it('a real generator: cancelled after gating keeps what was judged; one run at a time', async () => {
    const engine = createCurationEngine({ loadModel });
    const req = request({ chunks: chunks.slice(0, 3), generators: [{ model: 'anchor', maxNewTokens: 8, topK: 1, temperature: 1 }] });
    const phases: string[] = [];
    const run = engine.curationRun(req, (p) => {
      phases.push(p.phase);
      if (p.phase === 'gate') void engine.curationCancel();
    });
    await expect(engine.curationRun(req)).rejects.toBeInstanceOf(CurationBusyError);
    const { result, metrics, models } = await run;
    expect(models).toEqual([{ id: 'anchor', role: 'generator' }]);
    expect(phases.slice(0, 2)).toEqual(['load', 'load']);
    expect(result.cancelled).toBe(true);
    expect(result.traces).toHaveLength(3);
    // judged, then no recovery round started (the anchor writes no Question/Answer pair: each is a counted failure)
    expect(result.traces.every((t) => t.attempts.length === 1)).toBe(true);
    expect(metrics.statuses['generation-failed']).toBe(3);
    // the engine is free again, and the model is loaded once
    const again = await engine.curationRun(req);
    expect(again.result.cancelled).toBe(false);
    expect(again.result.traces.every((t) => t.status !== 'cancelled')).toBe(true);
    expect(loaded.filter((lm) => lm.id === 'anchor')).toHaveLength(1);
    // a cancel inside the generation step stops before the next model call: nothing of that step is kept
    const many = request({ chunks, generators: [{ model: 'anchor', maxNewTokens: 8, topK: 1, temperature: 1 }] });
    const seen: number[] = [];
    const stopped = await engine.curationRun(many, (p) => {
      if (p.phase === 'generate') { seen.push(p.done); void engine.curationCancel(); }
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeLessThanOrEqual(BATCH);
    expect(seen[0]).toBeLessThan(chunks.length);
    expect(stopped.result).toMatchObject({ cancelled: true, traces: [] });
  }, 120_000);
});
