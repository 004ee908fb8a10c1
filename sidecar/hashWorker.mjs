// Helper thread of backgroundHash.ts: sha256 of the chunks it is sent, in order. Plain JavaScript (node:crypto
// only), so it starts without the TypeScript loader. Each chunk is acknowledged with its length, a digest
// request answered with the digest of everything so far (the hash can continue afterwards).
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const hash = createHash('sha256');
parentPort.on('message', (m) => {
  if (m instanceof Uint8Array) {
    hash.update(m);
    parentPort.postMessage({ acked: m.byteLength });
  } else {
    parentPort.postMessage({ digest: hash.copy().digest('hex') });
  }
});
