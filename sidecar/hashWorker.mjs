// Hashes (sha256) one open input file on a thread of its own while the job thread computes on the same
// bytes (see HashingFileSource.hashAside in fileio.ts). It reads by file descriptor, so it hashes the file
// the job opened even if its path is swapped meanwhile; blocking reads are fine on this thread and keep
// libuv's four file threads free. Plain JavaScript: it starts in milliseconds, without the TypeScript loader.
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { fd, size } = workerData;
const hash = createHash('sha256');
const buf = Buffer.allocUnsafe(8 << 20);
let pos = 0;
while (pos < size) {
  const n = readSync(fd, buf, 0, Math.min(buf.length, size - pos), pos);
  if (n === 0) throw new Error(`file shrank while hashing (offset ${pos})`);
  hash.update(buf.subarray(0, n));
  pos += n;
}
parentPort.postMessage(hash.digest('hex'));
