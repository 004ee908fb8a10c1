// HashingFileSource's hash on a thread of its own: the digest of the file the job opened, the same as the
// inline hash of its reads; a file that changes meanwhile fails the digest; closing stops the thread.
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputChangedError } from '../src/core/edits/errors';
import { HashingFileSource } from './fileio';
import { tmpWorkspace } from './testkit';

let root: string;
const bytes = randomBytes(3 << 20);

beforeAll(async () => {
  root = await tmpWorkspace('edits-fileio-');
  await writeFile(join(root, 'a.bin'), bytes);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('HashingFileSource.hashAside', () => {
  it('gives the sha256 of the file, as the inline hash of its reads does', async () => {
    const want = createHash('sha256').update(bytes).digest('hex');
    const inline = await HashingFileSource.open(join(root, 'a.bin'), 'a.bin');
    const aside = await HashingFileSource.open(join(root, 'a.bin'), 'a.bin');
    await aside.hashAside();
    for (const src of [inline, aside]) {
      for (let off = 0; off < src.size; off += 1 << 20) await src.read(off, Math.min(1 << 20, src.size - off));
      expect(await src.sha256()).toBe(want);
      await src.close();
    }
  });

  it('refuses a digest when the file changed while it was read', async () => {
    await writeFile(join(root, 'b.bin'), bytes);
    const src = await HashingFileSource.open(join(root, 'b.bin'), 'b.bin');
    await src.hashAside();
    await appendFile(join(root, 'b.bin'), 'more');
    await expect(src.sha256()).rejects.toThrow(InputChangedError);
    await src.close();
  });

  it('stops its thread on close, before the digest is asked for', async () => {
    const src = await HashingFileSource.open(join(root, 'a.bin'), 'a.bin');
    await src.hashAside();
    await src.close();
    await expect(src.sha256()).rejects.toThrow();
  });
});
