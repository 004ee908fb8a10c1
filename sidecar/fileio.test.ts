// HashingFileSource's hash on a thread of its own: the digest of the file the job opened, the same as the
// inline hash of its reads; a file that changes meanwhile fails the digest; closing stops the thread.
// HashingFileWriter: the same digest whether a file is hashed inline (small) or read back on a thread of its
// own (past 32 MB), with writes issued before earlier ones land.
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputChangedError } from '../src/core/edits/errors';
import { HashingFileSource, HashingFileWriter } from './fileio';
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

describe('HashingFileWriter', () => {
  for (const [label, chunks] of [['small, hashed inline', 3], ['past 32 MB, hashed on a thread of its own', 14]] as const)
    it(`${label}: the sha256 and size of the bytes in the file`, async () => {
      const path = join(root, `out-${chunks}.bin`);
      const w = await HashingFileWriter.create(path);
      const h = createHash('sha256');
      const writes: Promise<void>[] = [];
      for (let k = 0; k < chunks; k++) {
        // 3 MB chunks, each with its own bytes; two in flight at a time, as the streaming loop does.
        const chunk = Buffer.from(bytes);
        chunk.writeUInt32LE(k, 0);
        h.update(chunk);
        writes.push(w.write(chunk));
        if (writes.length >= 2) await writes.shift();
      }
      await Promise.all(writes);
      const r = await w.finish();
      expect(r.bytes).toBe(chunks * bytes.byteLength);
      expect(r.sha256).toBe(h.digest('hex'));
      expect(createHash('sha256').update(await readFile(path)).digest('hex')).toBe(r.sha256);
    });

  it('stops its hashing thread on abort', async () => {
    const w = await HashingFileWriter.create(join(root, 'aborted.bin'));
    for (let k = 0; k < 12; k++) await w.write(bytes);
    await w.abort();
    await expect(w.finish()).rejects.toThrow();
  });
});
