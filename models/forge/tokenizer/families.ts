// The two tokenizer families of the forge, written as Hugging Face tokenizer.json + tokenizer_config.json:
//   A: byte-level BPE with "Ġ" spaces (GPT-2 style): ByteLevel pre-tokenizer and decoder, 256 byte symbols.
//   B: metaspace "▁" BPE with byte fallback (Llama-2 / SentencePiece style): normalizer Prepend("▁") +
//      Replace(" " → "▁"), <0x00>…<0xFF> tokens, decoder Replace + ByteFallback + Fuse + Strip, digits never
//      merged (SentencePiece split_digits), BOS added by a TemplateProcessing post-processor.
// Each family has its own special tokens and chat template, so cross-vocabulary work meets real conventions.
import { BYTE_ORDER, BYTE_TO_CHAR } from '../../../src/core/lm/tokenizerBytes';
import { byteLevelWords } from './byteLevel';
import { countWords, learnMerges, type Merge } from './trainBpe';

export type FamilyId = 'family-a' | 'family-b';

export interface TokenizerFiles {
  tokenizer: Record<string, unknown>;
  config: Record<string, unknown>;
}

/** Specials of A, appended after the merges like GPT-2's <|endoftext|>. */
export const FAMILY_A_SPECIALS = ['<|endoftext|>', '<|user|>', '<|assistant|>', '<|end|>'] as const;
/** Specials of B, first in the vocabulary like Llama's <unk> <s> </s> and Mistral's [INST] [/INST]. */
export const FAMILY_B_SPECIALS = ['<unk>', '<s>', '</s>', '[INST]', '[/INST]'] as const;

export const CHAT_TEMPLATE_A =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '<|user|>' + message['content'] }}" +
  "{% elif message['role'] == 'assistant' %}{{ '<|assistant|>' + message['content'] + eos_token }}{% endif %}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";
/** Mistral-like: the assistant turn starts right after [/INST], so no generation prompt is needed. */
export const CHAT_TEMPLATE_B =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST]' + message['content'] + '[/INST]' }}" +
  "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}";

function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

function addedTokensDecoder(tokens: ReadonlyArray<{ id: number; content: string }>): Record<string, unknown> {
  return Object.fromEntries(tokens.map(({ id, content }) => [String(id),
    { content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }]));
}

function bpeModel(vocab: Record<string, number>, merges: readonly Merge[], byteFallback: boolean): Record<string, unknown> {
  return {
    type: 'BPE', dropout: null, unk_token: byteFallback ? '<unk>' : null, continuing_subword_prefix: null,
    end_of_word_suffix: null, fuse_unk: byteFallback, byte_fallback: byteFallback, ignore_merges: false,
    vocab, merges: merges.map(([a, b]) => [a, b]),
  };
}

/** Family A: vocab = 256 byte symbols + merges + specials = vocabSize exactly. */
export function trainFamilyA(texts: readonly string[], vocabSize: number): TokenizerFiles {
  const numMerges = vocabSize - 256 - FAMILY_A_SPECIALS.length;
  const merges = learnMerges({ wordCounts: countWords(texts, byteLevelWords), toSymbols: (w) => Array.from(w), numMerges });
  const vocab: Record<string, number> = {};
  BYTE_ORDER.forEach((b, i) => { vocab[BYTE_TO_CHAR[b]] = i; });
  merges.forEach(([a, b], i) => { vocab[a + b] = 256 + i; });
  const specials = FAMILY_A_SPECIALS.map((content, i) => ({ id: 256 + merges.length + i, content }));
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    tokenizer: {
      version: '1.0', truncation: null, padding: null,
      added_tokens: specials.map(({ id, content }) => addedToken(id, content)),
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
      post_processor: { type: 'ByteLevel', ...byteLevel, trim_offsets: false },
      decoder: { type: 'ByteLevel', ...byteLevel },
      model: bpeModel(vocab, merges, false),
    },
    config: {
      tokenizer_class: 'GPT2Tokenizer', bos_token: '<|endoftext|>', eos_token: '<|end|>', pad_token: '<|endoftext|>',
      unk_token: null, add_bos_token: false, add_eos_token: false, add_prefix_space: false,
      clean_up_tokenization_spaces: false, model_max_length: 128, chat_template: CHAT_TEMPLATE_A,
      added_tokens_decoder: addedTokensDecoder(specials),
    },
  };
}

const DIGIT = /\p{N}/u;
/** Stand-in symbol for characters outside B's alphabet during training (a Unicode noncharacter). */
const OUTSIDE = '\uffff';

/** Llama's normalisation: one "▁" in front, every space becomes "▁". */
export function metaspaceNormalise(text: string): string {
  return '▁' + text.replaceAll(' ', '▁');
}

/** Training words of B: a run of "▁" then non-"▁" characters, so no merge can cross a word boundary. */
export function metaspaceWords(text: string): string[] {
  return metaspaceNormalise(text).match(/▁*[^▁]+|▁+/gu) ?? [];
}

/**
 * Family B: vocab = 5 specials + 256 byte tokens + characters seen at least `minCharCount` times + merges.
 * Rarer characters are left to byte fallback, as SentencePiece's character coverage does.
 */
export function trainFamilyB(texts: readonly string[], vocabSize: number, minCharCount = 2): TokenizerFiles {
  const wordCounts = countWords(texts, metaspaceWords);
  const charCounts = new Map<string, number>();
  for (const [word, count] of wordCounts) {
    for (const ch of word) charCounts.set(ch, (charCounts.get(ch) ?? 0) + count);
  }
  const alphabet = [...charCounts].filter(([, n]) => n >= minCharCount)
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([ch]) => ch);
  const known = new Set(alphabet);
  const base = FAMILY_B_SPECIALS.length + 256 + alphabet.length;
  const merges = learnMerges({
    wordCounts, numMerges: vocabSize - base,
    // Characters outside the alphabet become bytes at encode time, so they take part in no merge.
    toSymbols: (w) => Array.from(w, (ch) => (known.has(ch) ? ch : OUTSIDE)),
    canMerge: (a, b) => !a.includes(OUTSIDE) && !b.includes(OUTSIDE) && !DIGIT.test(a) && !DIGIT.test(b),
  });
  const vocab: Record<string, number> = {};
  FAMILY_B_SPECIALS.forEach((t, i) => { vocab[t] = i; });
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = FAMILY_B_SPECIALS.length + b;
  alphabet.forEach((ch, i) => { vocab[ch] = FAMILY_B_SPECIALS.length + 256 + i; });
  merges.forEach(([a, b], i) => { vocab[a + b] = base + i; });
  const specials = FAMILY_B_SPECIALS.map((content, id) => ({ id, content }));
  return {
    tokenizer: {
      version: '1.0', truncation: null, padding: null,
      added_tokens: specials.map(({ id, content }) => addedToken(id, content)),
      normalizer: { type: 'Sequence', normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ] },
      pre_tokenizer: null,
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
      },
      decoder: { type: 'Sequence', decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ] },
      model: bpeModel(vocab, merges, true),
    },
    config: {
      tokenizer_class: 'LlamaTokenizer', bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', pad_token: null,
      add_bos_token: true, add_eos_token: false, legacy: true, clean_up_tokenization_spaces: false,
      model_max_length: 128, chat_template: CHAT_TEMPLATE_B, added_tokens_decoder: addedTokensDecoder(specials),
    },
  };
}
