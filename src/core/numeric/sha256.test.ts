import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random';
import { sha256HexSync } from './sha256';

const node = (x: string | Uint8Array) => createHash('sha256').update(x).digest('hex');

describe('sha256HexSync', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256HexSync('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256HexSync('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches node:crypto on every length around the padding boundaries, on UTF-8 text and on 1 MB', () => {
    const rand = mulberry32(7);
    for (let n = 0; n < 200; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
      expect(sha256HexSync(bytes)).toBe(node(bytes));
    }
    expect(sha256HexSync('Ünïcode ☃ 🙂 prompt')).toBe(node('Ünïcode ☃ 🙂 prompt'));
    const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31 + (i >> 7)) & 0xff);
    expect(sha256HexSync(big)).toBe(node(big));
  });
});
