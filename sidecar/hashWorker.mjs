// Hashes (sha256) one open input file on a thread of its own while the job thread computes on the same
// bytes (see HashingFileSource.hashAside in fileio.ts). It reads by file descriptor, so it hashes the file
// the job opened even if its path is swapped meanwhile; blocking reads are fine on this thread and keep
// libuv's four file threads free. In follow mode it hashes an output as it lands (HashingFileWriter),
// told by the writer how far the written prefix reaches. Plain JavaScript: it starts in milliseconds, without the TypeScript loader.
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { fd, size, follow } = workerData;
const hash = createHash('sha256');
const buf = Buffer.allocUnsafe(8 << 20);
let pos = 0;

function hashUpTo(end) {
  while (pos < end) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (n === 0) throw new Error(`file shrank while hashing (offset ${pos})`);
    hash.update(buf.subarray(0, n));
    pos += n;
  }
}

if (follow) {
  // An output being written (HashingFileWriter): hash what has landed, as the writer reports it.
  parentPort.on('message', ({ upTo, end }) => {
    hashUpTo(upTo);
    if (end) parentPort.postMessage(hash.digest('hex'));
  });
} else {
  hashUpTo(size);
  parentPort.postMessage(hash.digest('hex'));
}
