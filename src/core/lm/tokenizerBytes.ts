// Exact bytes of a vocabulary entry, for both space conventions: GPT-2 byte-level ("Ġ" = byte 0x20, every
// byte mapped to a visible character) and SentencePiece metaspace ("▁" = space, "<0xNN>" = one raw byte).
// Cross-vocabulary work (ALIGNBEAM's bridge) compares tokens by these bytes, not by decoded strings, because
// a byte-level token may hold half a UTF-8 character and a metaspace decoder strips the leading space.

/** Bytes in GPT-2 vocabulary order: printable ranges first, then the rest shifted to U+0100 upwards. */
export const BYTE_ORDER: readonly number[] = (() => {
  const bytes: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bytes.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bytes.push(b);
  for (let b = 0xae; b <= 0xff; b++) bytes.push(b);
  for (let b = 0; b < 256; b++) if (!bytes.includes(b)) bytes.push(b);
  return bytes;
})();

/** byte → its byte-level character (the first 188 in BYTE_ORDER map to themselves, the rest to U+0100 + n). */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const table = new Array<string>(256);
  BYTE_ORDER.forEach((b, i) => { table[b] = String.fromCharCode(i < 188 ? b : 256 + (i - 188)); });
  return table;
})();

export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

export type SpaceConvention = 'byte-level' | 'metaspace';

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;
const encoder = new TextEncoder();

/**
 * Bytes a (non-special) vocabulary entry stands for inside running text. A byte-level entry with a character
 * outside the byte map (impossible in a valid vocabulary) falls back to its UTF-8 bytes.
 */
export function tokenStringBytes(token: string, convention: SpaceConvention): Uint8Array {
  if (convention === 'byte-level') {
    const chars = Array.from(token);
    if (chars.every((c) => CHAR_TO_BYTE.has(c))) return Uint8Array.from(chars, (c) => CHAR_TO_BYTE.get(c) as number);
    return encoder.encode(token);
  }
  const byte = BYTE_TOKEN.exec(token);
  if (byte) return Uint8Array.of(parseInt(byte[1], 16));
  return encoder.encode(token.replaceAll('▁', ' '));
}
