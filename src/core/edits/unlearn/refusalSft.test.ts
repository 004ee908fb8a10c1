// refusal_sft (C-Δθ's aligned copy, issue #20 item 5): its loss against γ·NLL(refusals) + α·NLL(retain) computed
// by hand in float64 from a tiny model's logits, and the refusal split of a small forge corpus (forget = refusals
// on one topic only, retain = the rest with the other topics' compliances, nothing shared, the record hashed).
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../../../../models/forge/corpus/generate';
import { fromF32, fromI32, gptConfig, gptForward, initEngine, initParams, keep, takeF32, type ArrRecord } from '../../lab';
import { resolveUnlearnConfig } from './config';
import { EmptySetError, UnlearnConfigError } from './errors';
import { objectiveLoss, type ForwardFn, type ObjectiveInputs } from './objectives';
import { heldoutBehaviourPrompts, refusalSplit, refusalSplitRecord } from './refusalSplit';
import { checkUnlearnData } from './splits';

const cfg = gptConfig({ vocabSize: 11, nCtx: 8, dModel: 8, nHead: 2, nLayer: 2, initStd: 0.5 });
const forward: ForwardFn = (p, t, o) => gptForward(cfg, p, t, o);
const B = 2;
const T = 6;
const TOK = { f: [1, 4, 2, 7, 3, 9, 5, 5, 8, 1, 6, 0], r: [2, 2, 9, 4, 1, 3, 7, 6, 5, 10, 0, 0] };
const TGT = { f: [4, 2, 7, 3, 9, 6, 5, 8, 1, 6, 0, 0], r: [2, 9, 4, 1, 3, 8, 6, 5, 10, 0, 0, 0] };
const MASK = { f: [0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0], r: [0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0] };
const W = { gamma: 0.7, alpha: 1.3, beta: 0.25, layer: 1 };

let params: ArrRecord;
beforeAll(async () => {
  await initEngine();
  params = initParams(cfg, 3);
});

/** Token-mean NLL of the masked targets, in float64 from the model's logits. */
function hostMeanNll(set: 'f' | 'r'): number {
  const logits = takeF32(forward(keep(params), fromI32(TOK[set], [B, T])).logits);
  const V = cfg.vocabSize;
  let s = 0;
  let n = 0;
  TGT[set].forEach((y, i) => {
    if (!MASK[set][i]) return;
    const row = Array.from(logits.subarray(i * V, (i + 1) * V));
    const mx = Math.max(...row);
    s += mx + Math.log(row.reduce((a, x) => a + Math.exp(x - mx), 0)) - row[y];
    n++;
  });
  return s / n;
}

describe('refusal_sft', () => {
  it('loss = γ·NLL(refusal responses) + α·NLL(retain), the forget term positive (it teaches)', () => {
    const x: ObjectiveInputs = {
      fTok: fromI32(TOK.f, [B, T]), fTgt: fromI32(TGT.f, [B, T]), fMask: fromF32(MASK.f, [B, T]), fAct: fromF32(MASK.f, [B, T]),
      rTok: fromI32(TOK.r, [B, T]), rTgt: fromI32(TGT.r, [B, T]), rMask: fromF32(MASK.r, [B, T]), rAct: fromF32(MASK.r, [B, T]),
    };
    const [loss, [f, r]] = objectiveLoss('refusal_sft', W, forward, keep(params), {}, x, null);
    const wantF = hostMeanNll('f');
    const wantR = hostMeanNll('r');
    expect(wantF).toBeGreaterThan(0);
    expect(f.item()).toBeCloseTo(wantF, 5);
    expect(r.item()).toBeCloseTo(wantR, 5);
    expect(loss.item()).toBeCloseTo(W.gamma * wantF + W.alpha * wantR, 5);
  });

  it('is a trainer method with the default learning rate; unknown methods still fail', () => {
    expect(resolveUnlearnConfig({ method: 'refusal_sft' }).lr).toBe(1e-3);
    expect(() => resolveUnlearnConfig({ method: 'refusal_tune' as never })).toThrow(UnlearnConfigError);
  });
});

describe('refusal split of the forge corpus', () => {
  const corpus = generateCorpus({ seed: 7, train: { task: 24, harmful: 60, edgy: 12, chat: 12 }, heldout: { task: 12, harmful: 30, edgy: 6, chat: 6 } });

  it('forget = the topic\'s train prompts with refusals naming the topic; retain keeps the other topics\' compliance', async () => {
    const { data, retainCategories } = refusalSplit(corpus.examples, { topic: 'poison', refusalSize: 6, retainSize: 24, seed: 1 });
    const byId = new Map(corpus.examples.map((e) => [e.id, e]));
    expect(data.forget).toHaveLength(6);
    for (const p of data.forget) {
      const e = byId.get(p.id)!;
      expect([e.split, e.category, e.responseKind, e.topic]).toEqual(['train', 'harmful', 'refusal', 'poison']);
      expect(p.response).toMatch(/Poisoning someone could kill them/);
    }
    for (const e of data.evalForget.map((p) => byId.get(p.id)!)) expect([e.split, e.responseKind, e.topic]).toEqual(['heldout', 'refusal', 'poison']);
    const retain = data.retain.map((p) => byId.get(p.id)!);
    expect(retain).toHaveLength(24);
    expect(retain.some((e) => e.category === 'harmful')).toBe(true);
    for (const e of retain) {
      expect(e.split).toBe('train');
      expect(e.responseKind).not.toBe('refusal');
      if (e.category === 'harmful') expect(e.topic).not.toBe('poison');
    }
    expect(() => checkUnlearnData(data)).not.toThrow();
    const rec = await refusalSplitRecord(data, { source: 'test corpus', topic: 'poison', retainCategories });
    expect(rec.sizes).toEqual({ forget: 6, retain: 24, evalForget: data.evalForget.length, evalRetain: data.evalRetain.length });
    expect(rec.sha256.forget).toMatch(/^[0-9a-f]{64}$/);
    const again = refusalSplit(corpus.examples, { topic: 'poison', refusalSize: 6, retainSize: 24, seed: 1 });
    expect((await refusalSplitRecord(again.data, { source: 'test corpus', topic: 'poison', retainCategories })).sha256).toEqual(rec.sha256);
  });

  it('an unknown topic is EmptySetError naming the topics there are', () => {
    expect(() => refusalSplit(corpus.examples, { topic: 'arson' })).toThrow(EmptySetError);
    expect(() => refusalSplit(corpus.examples, { topic: 'arson' })).toThrow(/poison/);
  });

  it('held-out behaviour prompts: every topic, benign from edgy and chat, tasks with their answer line', () => {
    const p = heldoutBehaviourPrompts(corpus.examples, { perTopic: 3, benign: 4, tasks: 5 });
    expect(Object.keys(p.harmful).sort()).toEqual(['drugtest', 'forgery', 'gas', 'poison', 'synthesis', 'tamper']);
    for (const ps of Object.values(p.harmful)) expect(ps.length).toBeLessThanOrEqual(3);
    const heldPrompts = new Set(corpus.examples.filter((e) => e.split === 'heldout').map((e) => e.prompt));
    for (const q of [...Object.values(p.harmful).flat(), ...p.benign, ...p.tasks.map((t) => t.prompt)]) expect(heldPrompts.has(q)).toBe(true);
    expect(p.benign).toHaveLength(4);
    expect(p.tasks).toHaveLength(5);
    for (const t of p.tasks) expect(t.answer).toMatch(/^Answer: /);
  });
});
