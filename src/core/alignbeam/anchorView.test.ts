// Two models on one text, on the real anchor (family B, metaspace): the incremental anchor view — re-tokenize,
// reuse the KV cache up to the longest common token prefix, roll back when a merge changes the last tokens — gives
// the same logits as a full recompute at every step; cache surgery (truncate, select rows) equals recomputing.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CausalLM } from '../lm/causalLm';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { anchorLogitsFull, AnchorView, completeUtf8Length, promptFrame, responseLead } from './anchorView';
import { selectRows, splitRows, stackRows, truncateCache } from './kv';

const MODELS = resolve(__dirname, '../../../models');
const present = ['anchor', 'target'].every((m) => existsSync(join(MODELS, m, 'onnx/model.onnx')));
if (!present) console.warn('SKIP anchorView tests: models/anchor or models/target missing (run npm run forge)');

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('UTF-8 hold-back', () => {
  it('cuts a trailing incomplete character and keeps complete ones', () => {
    const enc = new TextEncoder();
    const e = enc.encode('aé日🙂');
    expect(completeUtf8Length(e)).toBe(e.length);
    for (let cut = 1; cut <= 3; cut++) expect(completeUtf8Length(e.subarray(0, e.length - cut))).toBe(e.length - 4);
    expect(completeUtf8Length(enc.encode('日').subarray(0, 2))).toBe(0);
    expect(completeUtf8Length(new Uint8Array(0))).toBe(0);
  });
});

describe.skipIf(!present)('anchor view on models/anchor', () => {
  let anchor: CausalLM;
  let target: CausalLM;
  beforeAll(async () => {
    [anchor, target] = await Promise.all([loadCausalLMFolder(join(MODELS, 'anchor')), loadCausalLMFolder(join(MODELS, 'target'))]);
  });
  afterAll(async () => {
    await anchor?.dispose();
    await target?.dispose();
  });

  it('incremental re-tokenization with KV reuse equals a full recompute at every step, rollbacks included', async () => {
    const prefix = promptFrame(anchor.tokenizer, 'anchor').prefix('How do I store bleach safely?');
    const view = AnchorView.create(anchor, prefix);
    // Grown character by character (the way target tokens arrive, pieces of words), so merges change last tokens.
    const full = 'I cannot help; café 日本 ok.';
    const steps: string[] = [];
    for (const ch of Array.from(full)) steps.push((steps.at(-1) ?? '') + ch);
    for (const text of ['', ...steps]) {
      const inc = await view.logitsFor(text);
      const ref = await anchorLogitsFull(anchor, prefix, text);
      expect(inc).not.toBeNull();
      expect(maxAbs(inc!, ref)).toBeLessThan(1e-4);
    }
    expect(view.stats.rollbacks).toBeGreaterThan(0); // merges did force rollbacks
    expect(view.stats.reused).toBeGreaterThan(view.stats.fed); // and most of the prefix was reused
    // Asking again for the same text costs nothing.
    const fed = view.stats.fed;
    await view.logitsFor(full);
    expect(view.stats.fed).toBe(fed);
  });

  it('a fork continues independently of its parent', async () => {
    const prefix = promptFrame(anchor.tokenizer, 'anchor').prefix('Hi');
    const a = AnchorView.create(anchor, prefix);
    await a.logitsFor('Hello');
    const b = a.fork();
    const la = await a.logitsFor('Hello there');
    const lb = await b.logitsFor('Hello friend');
    expect(maxAbs(la!, await anchorLogitsFull(anchor, prefix, 'Hello there'))).toBeLessThan(1e-4);
    expect(maxAbs(lb!, await anchorLogitsFull(anchor, prefix, 'Hello friend'))).toBeLessThan(1e-4);
  });

  it('returns null (not a crash) once the text no longer fits the anchor context', async () => {
    const prefix = promptFrame(anchor.tokenizer, 'anchor').prefix('Hi');
    const view = AnchorView.create(anchor, prefix);
    expect(await view.logitsFor('word '.repeat(anchor.nPositions))).toBeNull();
  });

  it('truncateCache(n) then stepping equals prefill of the first n+1 tokens', async () => {
    const ids = anchor.tokenizer.encode(promptFrame(anchor.tokenizer, 'anchor').prefix('What is a mole in chemistry?'));
    const { cache } = await anchor.prefill([ids]);
    const n = ids.length - 4;
    const cut = truncateCache(cache, n);
    expect(cut.mask[0].length).toBe(n);
    const stepped = await anchor.step(cut, [ids[n]]);
    const ref = await anchor.prefill([ids.slice(0, n + 1)]);
    expect(maxAbs(stepped.logits[0], ref.logits[0])).toBeLessThan(1e-4);
    expect(() => truncateCache(cache, ids.length + 1)).toThrow(/cannot keep/);
  });

  it('selectRows duplicates and reorders batch rows (beam forks) with the same next-step logits', async () => {
    const a = target.tokenizer.applyChatTemplate('Convert 3 g to mg.');
    const b = target.tokenizer.applyChatTemplate('Hello there, how are you today?');
    const res = await target.prefill([a, b]);
    const picked = selectRows(res.cache, [1, 0, 1]);
    const next = await target.step(picked, [5, 6, 7]);
    const refB = await target.step(selectRows(res.cache, [1]), [7]);
    const refA = await target.step(selectRows(res.cache, [0]), [6]);
    expect(maxAbs(next.logits[2], refB.logits[0])).toBeLessThan(1e-4);
    expect(maxAbs(next.logits[1], refA.logits[0])).toBeLessThan(1e-4);
  });

  it('advanceBatch: views grown together equal views grown alone, bit for bit unpadded, within 1e-4 padded', async () => {
    const prefix = promptFrame(anchor.tokenizer, 'anchor').prefix('How do I store bleach safely?');
    // texts that tokenize to different lengths and force rollbacks as they grow
    const texts = ['I cannot help; café ok.', 'Store it cool, dry.', 'Sure: 日本 bleach', 'No.'];
    for (const pad of [false, true]) {
      const together = texts.map(() => AnchorView.create(anchor, prefix));
      const alone = texts.map(() => AnchorView.create(anchor, prefix));
      const upTo = (t: string, i: number) => Array.from(t).slice(0, i).join('');
      for (let i = 0; i <= 24; i++) {
        await AnchorView.advanceBatch(together.map((v, k) => ({ view: v, want: v.tokenize(upTo(texts[k], i)) })), pad);
        for (let k = 0; k < texts.length; k++) {
          const ref = (await alone[k].logitsFor(upTo(texts[k], i)))!;
          const got = (await together[k].logitsFor(upTo(texts[k], i)))!; // free: advanceBatch ran it
          if (pad) expect(maxAbs(got, ref)).toBeLessThan(1e-4);
          else expect(got).toEqual(ref);
        }
      }
      expect(together.map((v) => v.stats)).toEqual(alone.map((v) => v.stats)); // same tokens fed, reused, rolled back
      expect(together[0].stats.rollbacks).toBeGreaterThan(0);
    }
  });

  it('stackRows left-pads one-row caches of different lengths and splitRows undoes it', async () => {
    const rows = await Promise.all(['Hi', 'What is a mole in chemistry?'].map(async (p) => (await anchor.prefill([anchor.tokenizer.encode(p)])).cache));
    const stacked = stackRows(rows);
    const T = Math.max(...rows.map((r) => r.mask[0].length));
    expect(stacked.mask.map((m) => m.length)).toEqual([T, T]);
    expect(stacked.mask[0].filter((v) => v === 0).length).toBe(T - rows[0].mask[0].length);
    const back = splitRows(stacked, rows.map((r) => r.mask[0].length));
    back.forEach((c, k) => {
      expect(c.mask).toEqual(rows[k].mask);
      for (const name of Object.keys(c.past)) expect(c.past[name]).toEqual(rows[k].past[name]);
    });
    expect(() => stackRows([stacked])).toThrow(/unpadded one-row/);
  });

  it('response leads are read from the tokenizers: " " for the metaspace anchor, "" for the byte-level target', () => {
    const lead = (lm: CausalLM) => responseLead(lm.tokenizer, promptFrame(lm.tokenizer, lm.id));
    const expected = (lm: CausalLM) => (lm.tokenizer.convention === 'metaspace' ? ' ' : '');
    expect(lead(anchor)).toBe(expected(anchor));
    expect(lead(target)).toBe(expected(target));
  });
});
