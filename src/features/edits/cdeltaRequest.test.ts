// The C-Δθ-with-behaviour request built from the edits spec: every field reaches the engine, the circuit cut
// follows the chosen mode, files are named after the run, and the strengths field parses or refuses.
import { describe, expect, it } from 'vitest';
import { checkCDeltaRequest } from '../../core/edits/unlearn/cdeltaBehaviour';
import { UnlearnConfigError } from '../../core/edits/unlearn/errors';
import { editsSpec, type EditsSpec } from '../../state/specs/edits';
import { cdeltaBaseName, cdeltaRequest, parseStrengths } from './cdeltaRequest';

const defaults = (): EditsSpec => editsSpec.clamp(editsSpec.schema.parse({}));

describe('cdeltaRequest', () => {
  it('every field the user sets reaches the request; the run is seeded by the spec seed', () => {
    const spec: EditsSpec = {
      ...defaults(), seed: 11, mode: 'browser', browserRun: 'cdelta',
      cdelta: { ...defaults().cdelta, model: 'anchor', topic: 'gas', steps: 3, batchSize: 2, lr: 5e-3, retainSize: 16, freeze: 'unowned', pairs: 4, cut: 'topn', topN: 20, budgetPercent: 2,
        strengths: [0.5, 2], perTopic: 1, benign: 2, tasks: 3, maxNewTokens: 6, nf4: false },
    };
    const r = cdeltaRequest(spec);
    expect(r).toEqual({
      modelId: 'anchor', topic: 'gas', steps: 3, batchSize: 2, lr: 5e-3, retainSize: 16, seed: 11, freeze: 'unowned', pairs: 4, cut: { mode: 'topn', edges: 20 },
      strengths: [0.5, 2], prompts: { perTopic: 1, benign: 2, tasks: 3 }, maxNewTokens: 6, nf4: false,
    });
    expect(cdeltaBaseName(r)).toBe('anchor-cdelta-gas-top20-s11-3steps-frozen');
    expect(cdeltaBaseName({ ...r, freeze: 'none' })).toBe('anchor-cdelta-gas-top20-s11-3steps');
    const b = cdeltaRequest({ ...spec, cdelta: { ...spec.cdelta, cut: 'budget' } });
    expect(b.cut).toEqual({ mode: 'budget', percent: 2 });
    expect(cdeltaBaseName(b, 2)).toBe('anchor-cdelta-gas-budget2pct-s11-3steps-frozen-x2');
    expect(() => checkCDeltaRequest(b)).not.toThrow();
  });

  it('the defaults are a valid request (small prompt counts, a 5 % budget, s = 1 and 4, NF4 on)', () => {
    const r = cdeltaRequest(defaults());
    expect(r).toMatchObject({ modelId: 'target', topic: 'poison', freeze: 'none', cut: { mode: 'budget', percent: 5 }, strengths: [1, 4], prompts: { perTopic: 2, benign: 4, tasks: 4 }, nf4: true });
    expect(() => checkCDeltaRequest(r)).not.toThrow();
  });

  it('refuses a request the spec could not produce, with the field named', () => {
    const r = cdeltaRequest(defaults());
    expect(() => checkCDeltaRequest({ ...r, strengths: [] })).toThrow(UnlearnConfigError);
    expect(() => checkCDeltaRequest({ ...r, strengths: [Number.NaN] })).toThrow(/strengths/);
    expect(() => checkCDeltaRequest({ ...r, cut: { mode: 'topn', edges: 0 } })).toThrow(/edge count/);
    expect(() => checkCDeltaRequest({ ...r, cut: { mode: 'budget', percent: 0 } })).toThrow(/budget/);
    expect(() => checkCDeltaRequest({ ...r, steps: 0 })).toThrow(/steps/);
    expect(() => checkCDeltaRequest({ ...r, freeze: 'embeddings' as 'none' })).toThrow(/freeze/);
  });

  it('parses the strengths field', () => {
    expect(parseStrengths('1, 2,4')).toEqual([1, 2, 4]);
    expect(parseStrengths(' -0.5 8 ')).toEqual([-0.5, 8]);
    expect(parseStrengths('1, x')).toBeNull();
    expect(parseStrengths('  ')).toBeNull();
  });
});
