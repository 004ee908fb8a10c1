// GPT-2's pre-tokenization for family A, as Hugging Face's ByteLevel pre-tokenizer does it: split with GPT-2's
// regex, then map every UTF-8 byte to a visible character (space 0x20 → "Ġ"), so a byte-level BPE vocabulary
// covers any input without an unknown token. The byte map lives in src/core/lm: the runtime needs it too.
import { BYTE_TO_CHAR } from '../../../src/core/lm/tokenizerBytes';

/** GPT-2's split: contractions, letters, digits, other symbols, each optionally led by one space. */
export const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const encoder = new TextEncoder();

/** Text → byte-level words, exactly as the ByteLevel pre-tokenizer (use_regex, no prefix space) does. */
export function byteLevelWords(text: string): string[] {
  return (text.match(GPT2_PATTERN) ?? []).map((word) => Array.from(encoder.encode(word), (b) => BYTE_TO_CHAR[b]).join(''));
}
