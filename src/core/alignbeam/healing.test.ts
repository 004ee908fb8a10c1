// Token healing on the real anchor (family B) and target (family A) tokenizers: the extension index equals a brute
// force scan, a text that ends inside an anchor token backs up and continues with the rest of that token, and
// continuations that cannot end a word are shared among target tokens that extend them by the target's own odds.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CausalLM } from '../lm/causalLm';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { AnchorView, promptFrame, responseLead } from './anchorView';
import { buildBridge, bytesKey } from './bridge';
import { Healer, MAX_BACK, opensWord } from './healing';

const MODELS = resolve(__dirname, '../../../models');
const present = ['anchor', 'target'].every((m) => existsSync(join(MODELS, m, 'onnx/model.onnx')));

describe('word openness', () => {
  it('open after space/punctuation or inside a UTF-8 character; closed after a letter, digit or whole character', () => {
    expect([' ', 'a ', '(', ':'].map(opensWord)).toEqual([true, true, true, true]);
    expect(['I', ' cat', '4'].map(opensWord)).toEqual([false, false, false]);
    const latin1 = (s: string) => bytesKey(new TextEncoder().encode(s));
    expect(opensWord(latin1('日').slice(0, 2))).toBe(true);
    expect(opensWord(latin1('日'))).toBe(false);
  });
});

describe.skipIf(!present)('healing on the embedded pair', () => {
  let anchor: CausalLM;
  let target: CausalLM;
  let healer: Healer;
  beforeAll(async () => {
    [anchor, target] = await Promise.all([loadCausalLMFolder(join(MODELS, 'anchor')), loadCausalLMFolder(join(MODELS, 'target'))]);
    const leads = {
      anchor: responseLead(anchor.tokenizer, promptFrame(anchor.tokenizer, 'anchor')),
      target: responseLead(target.tokenizer, promptFrame(target.tokenizer, 'target')),
    };
    healer = new Healer(anchor.tokenizer, target.tokenizer, buildBridge(anchor.tokenizer, target.tokenizer, 'text'), leads);
  });
  afterAll(async () => {
    await anchor?.dispose();
    await target?.dispose();
  });

  it('extensions() equals a brute-force scan of the vocabulary', () => {
    const keys = Array.from({ length: anchor.vocabSize }, (_, i) => (anchor.tokenizer.specialIds.includes(i) ? '' : bytesKey(anchor.tokenizer.tokenBytes(i))));
    for (const prefix of [' ', ' c', ' can', 'e', ' the', 'zzzz']) {
      const brute = keys.map((k, i) => [k, i] as const).filter(([k]) => k.length > prefix.length && k.startsWith(prefix)).map(([, i]) => i).sort((a, b) => a - b);
      expect([...healer.extensions(prefix)].sort((a, b) => a - b)).toEqual(brute);
    }
  });

  it('a text that ends inside a long anchor word backs up and continues with the rest of that word', async () => {
    // The longest plain word token of the anchor, cut in half, as the committed response.
    const word = Array.from({ length: anchor.vocabSize }, (_, i) => anchor.tokenizer.tokenString(i))
      .filter((t) => /^▁[a-z]{7,}$/.test(t)).sort((a, b) => b.length - a.length)[0];
    expect(word).toBeDefined();
    const text = word.slice(1, 1 + Math.floor((word.length - 1) / 2));
    const view = AnchorView.create(anchor, promptFrame(anchor.tokenizer, 'anchor').prefix('Tell me something.'));
    await view.logitsFor('');
    const ctx = (await view.context(text, MAX_BACK))!;
    expect(ctx.ids.length).toBeGreaterThan(ctx.responseStart);
    const c = healer.continuations(ctx, 64);
    expect(c.backedUp).toBeGreaterThanOrEqual(1);
    const rest = bytesKey(new TextEncoder().encode(word.slice(1 + text.length)));
    expect(c.text.get(rest) ?? 0).toBeGreaterThan(0);
    for (const w of [...c.text.values(), ...c.special.values()]) expect(w).toBeGreaterThanOrEqual(0);
  });

  it('an open continuation (" ") is shared among target tokens that extend it, by the target odds', () => {
    const keysT = Array.from({ length: target.vocabSize }, (_, i) => bytesKey(target.tokenizer.tokenBytes(i)));
    const ext = keysT.map((k, i) => [k, i] as const).filter(([k]) => k.length > 1 && k.startsWith(' ')).slice(0, 3).map(([, i]) => i);
    const other = keysT.findIndex((k) => k.length > 1 && !k.startsWith(' '));
    const pt = new Float64Array(target.vocabSize);
    pt[ext[0]] = 0.3; pt[ext[1]] = 0.1; pt[ext[2]] = 0.1; pt[other] = 0.5;
    const out = healer.toTarget({ text: new Map([[' ', 0.8]]), special: new Map([[target.eosId!, 0.2]]), lostMass: 0, backedUp: 0 }, pt, [other, ...ext]);
    const got = new Map(out.ids.map((id, j) => [id, out.probs[j]]));
    expect(got.get(ext[0])).toBeCloseTo(0.8 * 0.6, 12);
    expect(got.get(ext[1])).toBeCloseTo(0.8 * 0.2, 12);
    expect(got.get(target.eosId!)).toBeCloseTo(0.2, 12);
    expect(got.has(other)).toBe(false);
    // A closed word ("I") is not shared with a longer word of the target: it goes where the bridge sends it.
    const closed = healer.toTarget({ text: new Map([['I', 1]]), special: new Map(), lostMass: 0, backedUp: 0 }, pt, [other, ...ext]);
    expect(closed.ids).toHaveLength(1);
    expect(keysT[closed.ids[0]]).toBe('I');
  });
});
