// Bytes → text for the table loaders, chunk by chunk. UTF-8 is decoded strictly: the browser's default decoder
// replaces a bad byte with U+FFFD, which would silently turn "Zürich" written in Latin-1 into "Z�rich" and split
// one category into two. A file whose first bad byte comes before any non-ASCII byte is a legacy single-byte file
// (Latin-1 / Windows-1252 spreadsheet exports): it is read as Windows-1252 with a warning. A bad byte after valid
// multi-byte UTF-8 means mixed encodings, which no choice decodes right: an error naming the byte offset.

import { TabularDataError } from './errors';

export type TextEncoding = 'auto' | 'utf-8' | 'latin1';

export class InvalidUtf8Error extends TabularDataError {
  override name = 'InvalidUtf8Error';
  constructor(readonly offset: number, byte: number, why: string) {
    super(`The file is not valid UTF-8: byte 0x${hex(byte)} at byte offset ${offset} ${why}. Re-save it as UTF-8 (or choose Latin-1 if that is what it is).`);
  }
}

const hex = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');

/** Index of the first byte that starts an invalid or truncated UTF-8 sequence, or -1 if all of `b` is valid. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0 || i + need >= b.length) return i;
    // the second byte's range also excludes overlong forms, surrogates and code points past U+10FFFF
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k <= need; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

/** Length of the prefix of `b` that ends on a whole UTF-8 sequence (a sequence cut by the chunk waits for the next). */
function wholeSequencesEnd(b: Uint8Array): number {
  for (let i = b.length - 1; i >= Math.max(0, b.length - 4); i--) {
    const c = b[i];
    if (c < 0x80) return b.length;
    if (c >= 0xc0) {
      const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return i + len > b.length ? i : b.length;
    }
  }
  return b.length;
}

function hasNonAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return true;
  return false;
}

/** Decodes a byte stream chunk by chunk; `warning` says when it fell back to Latin-1. */
export class ByteDecoder {
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private latin1: TextDecoder | null;
  private pending = new Uint8Array(0);
  /** bytes decoded before `pending` */
  private offset = 0;
  private sawMultiByte = false;
  warning: string | null = null;

  constructor(private readonly encoding: TextEncoding = 'auto') {
    this.latin1 = encoding === 'latin1' ? new TextDecoder('windows-1252') : null;
  }

  /** Text of `chunk` (plus any sequence held back from the previous one); `last` flushes. */
  decode(chunk: Uint8Array, last = false): string {
    const atStart = this.offset === 0 && this.pending.length === 0;
    let text: string;
    if (this.latin1) {
      text = this.latin1.decode(chunk);
      this.offset += chunk.length;
    } else {
      const bytes = this.pending.length ? concat(this.pending, chunk) : chunk;
      const end = last ? bytes.length : wholeSequencesEnd(bytes);
      const head = bytes.subarray(0, end);
      try {
        text = this.utf8.decode(head);
      } catch {
        return this.invalid(bytes, head, atStart);
      }
      this.sawMultiByte ||= hasNonAscii(head);
      this.pending = bytes.slice(end);
      this.offset += end;
    }
    return atStart && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  private invalid(bytes: Uint8Array, head: Uint8Array, atStart: boolean): string {
    const bad = Math.max(0, firstInvalidUtf8(head));
    const at = this.offset + bad;
    if (this.encoding === 'utf-8' || this.sawMultiByte || hasNonAscii(head.subarray(0, bad))) {
      throw new InvalidUtf8Error(at, head[bad], this.encoding === 'utf-8' ? '(UTF-8 was required)' : 'follows valid multi-byte UTF-8, so the file mixes encodings');
    }
    this.warning = `The file is not UTF-8 (byte 0x${hex(head[bad])} at byte offset ${at}); it was read as Latin-1 (Windows-1252). Check accented names and categories.`;
    this.latin1 = new TextDecoder('windows-1252');
    this.pending = new Uint8Array(0);
    const text = this.latin1.decode(bytes);
    this.offset += bytes.length;
    return atStart && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
