// The committed tokenizers: current with the corpus, the configured (different) vocab sizes, loadable by
// transformers.js offline and identical in encoding to Hugging Face's Rust `tokenizers`, lossless on arbitrary
// Unicode, with the conventions each family claims (Ġ vs ▁, byte fallback, unmerged digits in B).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import rustTokenizers from 'tokenizers';
import { buildArtefacts, VOCAB_SIZES } from './build';
import { generateCorpus } from '../corpus/generate';
import { makeRng } from '../corpus/rng';
import type { FamilyId } from './families';

const ROOT = resolve(__dirname, '../../..');
const FAMILIES: FamilyId[] = ['family-a', 'family-b'];
const folder = (family: FamilyId): string => join(ROOT, 'models/tokenizers', family);
const tokenizers = {} as Record<FamilyId, PreTrainedTokenizer>;

beforeAll(async () => {
  env.allowRemoteModels = false;
  for (const family of FAMILIES) tokenizers[family] = await AutoTokenizer.from_pretrained(folder(family), { local_files_only: true });
});

const encode = (family: FamilyId, text: string): number[] => tokenizers[family].encode(text, { add_special_tokens: false });
const tokens = (family: FamilyId, text: string): string[] => tokenizers[family].tokenize(text);
/** transformers.js refuses to decode an empty list; the empty text is still a valid round trip. */
const decode = (family: FamilyId, ids: number[]): string => (ids.length === 0 ? '' : tokenizers[family].decode(ids));

/** Random valid Unicode text: ASCII words, runs of spaces, and code points from every plane (no surrogates). */
function randomText(seed: number): string {
  const rng = makeRng(seed);
  const parts: string[] = [];
  const n = rng.int(1, 12);
  for (let i = 0; i < n; i++) {
    const kind = rng.int(0, 4);
    if (kind === 0) parts.push(rng.pick(['the', 'dose', 'Answer:', 'mg', '42', "can't", '\n', '\t']));
    else if (kind === 1) parts.push(' '.repeat(rng.int(1, 3)));
    else {
      const ranges: Array<[number, number]> = [[0x20, 0x7e], [0x80, 0x7ff], [0x800, 0xd7ff], [0xe000, 0xffff], [0x10000, 0x10ffff]];
      const [lo, hi] = rng.pick(ranges);
      parts.push(String.fromCodePoint(rng.int(lo, hi)));
    }
  }
  // Family B maps " " to "▁" and back, so a literal U+2581 cannot survive (true of Llama-2 too).
  return parts.join('').replaceAll('\u2581', '_');
}

const SAMPLES = [
  'How do I kill a stuck process?', 'Answer: 0.25 g', '  leading and trailing  ', 'Crème brûlée à São Paulo',
  '東京の薬局で', '🧪🙂👩‍🔬 emoji', 'e\u0301 a\u0308 n\u0303 (combining marks)', 'Ελληνικά и русский', 'tab\tnew\nline',
  '\u0000\u0007 control', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈', '', ' ',
];

describe('committed files', () => {
  it('equal what the forge builds now (corpus, tokenizers, held-out suites)', () => {
    for (const [path, text] of buildArtefacts()) expect(readFileSync(join(ROOT, path), 'utf8'), path).toBe(text);
  });
});

describe.each(FAMILIES)('%s', (family) => {
  it('has the configured vocabulary size, counted by transformers.js', () => {
    const vocab = tokenizers[family].get_vocab();
    expect(vocab.size).toBe(VOCAB_SIZES[family]);
    expect(Math.max(...vocab.values())).toBe(VOCAB_SIZES[family] - 1);
  });

  it('round-trips arbitrary Unicode (samples and 300 random strings)', () => {
    for (const text of SAMPLES) expect(decode(family, encode(family, text))).toBe(text);
    for (let seed = 0; seed < 300; seed++) {
      const text = randomText(seed);
      expect(decode(family, encode(family, text)), JSON.stringify(text)).toBe(text);
    }
  });

  it('encodes exactly like Hugging Face Rust tokenizers on corpus text, chat strings and random text', async () => {
    const rust = rustTokenizers.Tokenizer.fromString(readFileSync(join(folder(family), 'tokenizer.json'), 'utf8'));
    const corpus = generateCorpus().examples.filter((_, i) => i % 16 === 0);
    const chats = corpus.map((e) => tokenizers[family].apply_chat_template(
      [{ role: 'user', content: e.prompt }, { role: 'assistant', content: e.response }], { tokenize: false }) as string);
    const texts = [...corpus.flatMap((e) => [e.prompt, e.response]), ...chats, ...SAMPLES.filter(Boolean),
      ...Array.from({ length: 50 }, (_, i) => randomText(1000 + i))];
    for (const text of texts) {
      const r = await rust.encode(text, null, { addSpecialTokens: false });
      expect(encode(family, text), JSON.stringify(text)).toEqual(r.getIds());
    }
  });
});

describe('family conventions', () => {
  it('A is byte-level with Ġ spaces; B is metaspace with ▁ and a TemplateProcessing BOS', () => {
    expect(tokens('family-a', 'take the dose').slice(-2)).toEqual(['Ġthe', 'Ġdose']);
    expect(tokens('family-b', 'take the dose').slice(-2)).toEqual(['▁the', '▁dose']);
    expect(tokenizers['family-b'].encode('hi')[0]).toBe(tokenizers['family-b'].bos_token_id);
    expect(tokenizers['family-a'].encode('hi')[0]).not.toBe(tokenizers['family-a'].bos_token_id);
    expect(VOCAB_SIZES['family-a']).not.toBe(VOCAB_SIZES['family-b']);
  });

  it('B falls back to <0xNN> byte tokens for characters it has never seen, and never merges digits', () => {
    expect(tokens('family-b', '東')).toEqual(['▁', '<0xE6>', '<0x9D>', '<0xB1>']);
    expect(tokens('family-b', 'mg')).not.toContain('<0x6D>');
    const vocab = [...tokenizers['family-b'].get_vocab().keys()];
    expect(vocab.filter((t) => /\d/.test(t) && !/^<0x/.test(t) && t.length > 1)).toEqual([]);
    expect(vocab.filter((t) => /^<0x[0-9A-F]{2}>$/.test(t))).toHaveLength(256);
  });

  it('A has every byte as a symbol, so nothing is unknown', () => {
    const vocab = tokenizers['family-a'].get_vocab();
    expect([...vocab.values()].filter((id) => id < 256)).toHaveLength(256);
    expect(tokens('family-a', '東')).toEqual(['æ', 'Ŀ', '±']);
  });

  it('chat templates: A <|user|>…<|assistant|>…<|end|>, B <s>[INST]…[/INST]…</s>', () => {
    const chat = [{ role: 'user', content: 'Hi there.' }, { role: 'assistant', content: 'Hello!' }];
    expect(tokenizers['family-a'].apply_chat_template(chat, { tokenize: false })).toBe('<|endoftext|><|user|>Hi there.<|assistant|>Hello!<|end|>');
    expect(tokenizers['family-b'].apply_chat_template(chat, { tokenize: false })).toBe('<s>[INST]Hi there.[/INST]Hello!</s>');
  });
});
