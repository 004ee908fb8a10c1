import { strToU8, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { HARM_TOPICS } from '../../../models/forge/corpus/harmful';
import { HARM_TOPICS_V4 } from '../../../models/forge/corpus/v4/harmful';
import { UNLEARN_METHODS } from '../../core/edits/unlearn/objectives';
import { base64UrlEncode, decodeLink, encodeLink } from '../linkCodec';
import { linkSafeSpec } from '../persistence';
import fixtures from '../fixtures/links.json';
import { linkRefusal, rawLink } from './linkTestKit';
import { UNLEARN_JOB_METHODS } from '../../core/edits/unlearn/api';
import { CDELTA_LIMITS, DEFAULT_CDELTA_SPEC, editsSpec, FORGE_HARM_TOPICS, FORGE_HARM_TOPICS_ANY, forgeHarmTopicsFor, UNLEARN_MODELS, UNLEARN_BASELINES, UNLEARN_LIMITS, UNLEARN_SPEC_METHODS, type EditsSpec } from './edits';

const defaults = (): EditsSpec => editsSpec.clamp(editsSpec.schema.parse({}));
/** A hand-made link of spec version `sv` (rawLink writes version 1). */
const rawAt = (sv: number, s: unknown) => `#/edits?s=${base64UrlEncode(zlibSync(strToU8(JSON.stringify({ v: 1, m: 'edits', sv, s }))))}`;
const spec = (hash: string) => decodeLink(hash)!.spec as EditsSpec;

describe('edits spec v3', () => {
  it('defaults: sidecar jobs, an NPO run on target forgetting "poison", every MANSU step on; clamping changes nothing', () => {
    const d = defaults();
    expect(d.mode).toBe('sidecar');
    expect(d.unlearn).toMatchObject({ model: 'target', method: 'npo', forgetTopic: 'poison', lr: null, mansu: { circuit: true, fisher: true, nullSpace: true, floor: true, retainGuard: false } });
    expect(editsSpec.clamp(d)).toEqual(d);
    expect('floorMargin' in d).toBe(false);
  });

  it('migrates v1 links: the sidecar job they were shared for, floorMargin dropped, unlearning defaults filled', () => {
    const v1 = spec(rawLink('edits', { job: 'mansu', base: 'models/base', target: 'out/u', quant: 'fp4', floorMargin: 0.3, seed: 9 }));
    expect(v1).toMatchObject({ job: 'mansu', base: 'models/base', target: 'out/u', quant: 'fp4', seed: 9, mode: 'sidecar' });
    expect('floorMargin' in v1).toBe(false);
    expect(v1.unlearn).toEqual(defaults().unlearn);
    // a v1 link never carried `mode`: whatever a hand edit put there, it opens the sidecar job
    expect(spec(rawLink('edits', { mode: 'browser' })).mode).toBe('sidecar');
    expect(spec(rawAt(2, { mode: 'browser' })).mode).toBe('browser');
  });

  it('round-trips an in-browser MANSU run with its switches', () => {
    const s: EditsSpec = { ...defaults(), mode: 'browser', unlearn: { ...defaults().unlearn, method: 'mansu', cadPairs: 4, mansu: { objective: 'rmu', circuit: true, fisher: false, nullSpace: true, floor: false, retainGuard: false } } };
    expect(decodeLink(encodeLink('edits', s))!.spec).toEqual(s);
  });

  it('round-trips an in-browser run with its seed and a digest', () => {
    const s: EditsSpec = {
      ...defaults(), seed: 42, mode: 'browser',
      unlearn: { ...defaults().unlearn, model: 'anchor', method: 'grad_diff', forgetTopic: 'forgery', forgetSize: 5, retainSize: 7, steps: 3, batchSize: 2, lr: 2e-3, evalSize: 4, behaviourPrompts: 0, maxNewTokens: 4,
        cadPairs: 0, mansu: { objective: 'npo', circuit: false, fisher: true, nullSpace: false, floor: true, retainGuard: false } },
    };
    const back = decodeLink(encodeLink('edits', s, 'b'.repeat(64)))!;
    expect(back.spec).toEqual(s);
    expect(back.digest).toBe('b'.repeat(64));
  });

  it('clamps hand-edited sizes into range instead of refusing them', () => {
    const u = spec(rawAt(2, { unlearn: { steps: 100_000, forgetSize: 0, retainSize: 1e9, batchSize: -4, evalSize: 999, behaviourPrompts: -1, maxNewTokens: 500, lr: 50, cadPairs: 99 } })).unlearn;
    const L = UNLEARN_LIMITS;
    expect(u).toMatchObject({ steps: L.steps.max, forgetSize: L.forgetSize.min, retainSize: L.retainSize.max, batchSize: L.batchSize.min, evalSize: L.evalSize.max,
      behaviourPrompts: 0, maxNewTokens: L.maxNewTokens.max, lr: L.lr.max, cadPairs: L.cadPairs.max });
    expect(spec(rawAt(2, { unlearn: { lr: 0 } })).unlearn.lr).toBe(L.lr.min);
  });

  it('refuses invalid values with the field named, and specs from a newer workbench', () => {
    expect(linkRefusal(rawAt(2, { unlearn: { method: 'gradient_ascent' } })).message).toMatch(/unlearn\.method/);
    expect(linkRefusal(rawAt(2, { unlearn: { model: 'judge' } })).message).toMatch(/unlearn\.model/);
    expect(linkRefusal(rawAt(2, { unlearn: { forgetTopic: 'knitting' } })).message).toMatch(/unlearn\.forgetTopic/);
    expect(linkRefusal(rawAt(2, { unlearn: { steps: 2.5 } })).kind).toBe('invalid-spec');
    expect(linkRefusal(rawAt(2, { unlearn: { mansu: { floor: 'yes' } } })).message).toMatch(/unlearn\.mansu\.floor/);
    expect(linkRefusal(rawAt(2, { unlearn: { mansu: { objective: 'mansu' } } })).message).toMatch(/unlearn\.mansu\.objective/);
    expect(linkRefusal(rawAt(2, { mode: 'cloud' })).message).toMatch(/mode/);
    expect(linkRefusal(rawAt(4, {})).kind).toBe('future-version');
  });

  it('v3: a C-Δθ-with-behaviour run round-trips; v2 links open on the unlearning run with the C-Δθ defaults', () => {
    const s: EditsSpec = { ...defaults(), seed: 3, mode: 'browser', browserRun: 'cdelta',
      cdelta: { ...DEFAULT_CDELTA_SPEC, model: 'anchor-same', topic: 'forgery', steps: 2, cut: 'topn', topN: 12, strengths: [0.5, 1, 8], perTopic: 1, benign: 1, tasks: 1, nf4: false } };
    expect(decodeLink(encodeLink('edits', s, 'c'.repeat(64)))).toMatchObject({ spec: s, digest: 'c'.repeat(64) });
    const v2 = spec(rawAt(2, { mode: 'browser', browserRun: 'cdelta', cdelta: { steps: 7 }, unlearn: { method: 'rmu' } }));
    expect(v2).toMatchObject({ mode: 'browser', browserRun: 'unlearn', unlearn: { method: 'rmu' } });
    expect(v2.cdelta).toEqual(DEFAULT_CDELTA_SPEC);
    expect(defaults().browserRun).toBe('unlearn');
  });

  it('v3: clamps a hand-edited C-Δθ run into range (strengths deduplicated, capped in count and value)', () => {
    const L = CDELTA_LIMITS;
    const c = spec(rawAt(3, { cdelta: { steps: 1e6, pairs: 0, topN: -3, budgetPercent: 400, strengths: [1, 1, 99, -99, 2, 3, 4, 5, 6], perTopic: 0, benign: 1e5, maxNewTokens: 0, lr: 9 } })).cdelta;
    expect(c).toMatchObject({ steps: L.steps.max, pairs: L.pairs.min, topN: L.topN.min, budgetPercent: L.budgetPercent.max, perTopic: L.perTopic.min, benign: L.benign.max, maxNewTokens: L.maxNewTokens.min, lr: L.lr.max });
    expect(c.strengths).toEqual([1, 8, -8, 2, 3, 4]);
    expect(spec(rawAt(3, { cdelta: { strengths: [] } })).cdelta.strengths).toEqual(DEFAULT_CDELTA_SPEC.strengths);
    expect(linkRefusal(rawAt(3, { cdelta: { cut: 'random' } })).message).toMatch(/cdelta\.cut/);
    expect(linkRefusal(rawAt(3, { browserRun: 'sidecar' })).message).toMatch(/browserRun/);
    expect(linkRefusal(rawAt(3, { cdelta: { strengths: ['one'] } })).message).toMatch(/cdelta\.strengths/);
  });

  it('v3: the copy\'s freeze round-trips; a v3 link from before the option decodes to no freeze (every tensor trained)', () => {
    const s: EditsSpec = { ...defaults(), mode: 'browser', browserRun: 'cdelta', cdelta: { ...DEFAULT_CDELTA_SPEC, freeze: 'unowned' } };
    expect(decodeLink(encodeLink('edits', s, 'd'.repeat(64)))).toMatchObject({ spec: { cdelta: { freeze: 'unowned' } } });
    expect(spec(rawAt(3, { mode: 'browser', browserRun: 'cdelta', cdelta: { steps: 7 } })).cdelta).toMatchObject({ steps: 7, freeze: 'none' });
    expect(DEFAULT_CDELTA_SPEC.freeze).toBe('none');
    expect(linkRefusal(rawAt(3, { cdelta: { freeze: 'embeddings' } })).message).toMatch(/cdelta\.freeze/);
  });

  it('MANSU\'s retain guard (ours, off by default) round-trips; links from before the switch decode to the guard off', () => {
    const on: EditsSpec = { ...defaults(), mode: 'browser', unlearn: { ...defaults().unlearn, method: 'mansu', mansu: { ...defaults().unlearn.mansu, fisher: false, retainGuard: true } } };
    expect(decodeLink(encodeLink('edits', on, 'e'.repeat(64)))).toMatchObject({ spec: on, digest: 'e'.repeat(64) });
    expect((decodeLink(encodeLink('edits', on))!.spec as EditsSpec).unlearn.mansu.retainGuard).toBe(true);
    expect(defaults().unlearn.mansu.retainGuard).toBe(false);
    // a v3 link written before the switch (its mansu block without the key), and a v2 link: no guard
    expect(spec(rawAt(3, { mode: 'browser', unlearn: { method: 'mansu', mansu: { objective: 'npo', circuit: true, fisher: false, nullSpace: true, floor: true } } })).unlearn.mansu)
      .toEqual({ objective: 'npo', circuit: true, fisher: false, nullSpace: true, floor: true, retainGuard: false });
    expect(spec(rawAt(2, { mode: 'browser', unlearn: { method: 'mansu' } })).unlearn.mansu.retainGuard).toBe(false);
    expect(linkRefusal(rawAt(3, { unlearn: { mansu: { retainGuard: 'on' } } })).message).toMatch(/unlearn\.mansu\.retainGuard/);
  });

  it('target-v4 (corpus v4) offers all eight topics; a GPT-2 model keeps the six of corpus v3', () => {
    expect(UNLEARN_MODELS).toContain('target-v4');
    expect(forgeHarmTopicsFor('target-v4')).toEqual([...HARM_TOPICS_V4]);
    for (const m of UNLEARN_MODELS.filter((x) => x !== 'target-v4')) expect(forgeHarmTopicsFor(m), m).toEqual([...HARM_TOPICS]);
    // a target-v4 run on a v4-only topic round-trips, for unlearning and for C-Δθ
    const s: EditsSpec = { ...defaults(), mode: 'browser', unlearn: { ...defaults().unlearn, model: 'target-v4', forgetTopic: 'diversion' }, cdelta: { ...defaults().cdelta, model: 'target-v4', topic: 'drugging' } };
    expect(decodeLink(encodeLink('edits', s))!.spec).toEqual(s);
    // a hand-edited link asking a GPT-2 model for a topic its corpus lacks gets the default topic, not a failing run
    const gpt2 = spec(rawAt(3, { mode: 'browser', unlearn: { model: 'target', forgetTopic: 'drugging' }, cdelta: { model: 'anchor-llama', topic: 'diversion' } }));
    expect(gpt2.unlearn.forgetTopic).toBe('poison');
    expect(gpt2.cdelta.topic).toBe('poison');
    // older links (every v1–v3 link before target-v4) keep their model and topic
    const old = spec(rawAt(3, { mode: 'browser', unlearn: { model: 'anchor-llama', forgetTopic: 'tamper' } }));
    expect(old.unlearn).toMatchObject({ model: 'anchor-llama', forgetTopic: 'tamper' });
    expect(spec(rawAt(2, { mode: 'browser', unlearn: { forgetTopic: 'gas' } })).unlearn.forgetTopic).toBe('gas');
    expect(linkRefusal(rawAt(3, { unlearn: { forgetTopic: 'arson' } })).message).toMatch(/unlearn\.forgetTopic/);
  });

  it('golden edits links (v1, v2 and v3) keep decoding to the same specs', () => {
    const golden = fixtures.fixtures.filter((f) => f.hash.startsWith('#/edits'));
    expect(golden.length).toBeGreaterThanOrEqual(3);
    for (const f of golden) expect(decodeLink(f.hash)!.spec).toEqual(f.expected);
  });

  it('names the forge topics and the baselines exactly as the corpus and the trainer do', () => {
    expect([...FORGE_HARM_TOPICS]).toEqual([...HARM_TOPICS]);
    expect([...FORGE_HARM_TOPICS_ANY]).toEqual([...HARM_TOPICS_V4]);
    expect([...UNLEARN_BASELINES]).toEqual([...UNLEARN_METHODS]);
    expect([...UNLEARN_SPEC_METHODS]).toEqual([...UNLEARN_JOB_METHODS]);
  });

  it('keeps every spec key in links (paths are workspace-relative; the sidecar token is not in the spec)', () => {
    const d = defaults();
    expect(Object.keys(linkSafeSpec('edits', d)).sort()).toEqual(Object.keys(d).sort());
  });
});
