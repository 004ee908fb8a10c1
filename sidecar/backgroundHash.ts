// sha256 on a helper thread (hashWorker.mjs), so hashing a multi-GB input overlaps the edit maths instead of
// adding to it (in line, hashing both inputs was about 40 % of a sparse survival pass's CPU). Chunks in
// shared memory (HashingFileSource reads into SharedArrayBuffers) reach the thread without a copy; others are
// copied (new Uint8Array: a Buffer's slice() would be a view), which costs as much as hashing them in line,
// page faults of the fresh copy included, so only small ones should come that way. Small files (a header
// read, a JSON report) never start a thread: the first few MB are kept and hashed in line if that is all
// there is. At most MAX_BACKLOG bytes wait for the thread before update() makes the caller wait; callers
// must not modify shared chunks they have queued.

import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

const START_BYTES = 4 << 20;
const MAX_BACKLOG = 32 << 20;
const WORKER_URL = new URL('./hashWorker.mjs', import.meta.url);

type FromHasher = { acked: number } | { digest: string };

export class BackgroundSha256 {
  private worker: Worker | null = null;
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private backlog = 0;
  private failure: Error | null = null;
  private readonly backlogWaiters: (() => void)[] = [];
  private readonly digestWaiters: { resolve: (hex: string) => void; reject: (e: Error) => void }[] = [];

  /** Queues the next bytes of the stream. */
  async update(bytes: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.worker) {
      this.held.push(bytes.buffer instanceof SharedArrayBuffer ? bytes : new Uint8Array(bytes));
      this.heldBytes += bytes.byteLength;
      if (this.heldBytes < START_BYTES) return;
      this.start();
      for (const b of this.held) this.send(b);
      this.held = [];
    } else {
      this.send(bytes);
    }
    while (this.backlog > MAX_BACKLOG && !this.failure) await new Promise<void>((r) => this.backlogWaiters.push(r));
    if (this.failure) throw this.failure;
  }

  /** Hex digest of everything queued so far (more may be queued afterwards). */
  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.worker) {
      const h = createHash('sha256');
      for (const b of this.held) h.update(b);
      return Promise.resolve(h.digest('hex'));
    }
    return new Promise((resolve, reject) => {
      this.digestWaiters.push({ resolve, reject });
      this.worker!.postMessage('digest');
    });
  }

  /** Stops the thread (pending digests fail). */
  close(): void {
    void this.worker?.terminate();
    this.worker = null;
    this.held = [];
    this.fail(new Error('sha256 stopped before its digest was read'));
  }

  private start(): void {
    // No execArgv: the thread runs plain JavaScript, so it need not load the TypeScript loader.
    const w = new Worker(WORKER_URL, { execArgv: [] });
    w.on('message', (m: FromHasher) => {
      if ('acked' in m) {
        this.backlog -= m.acked;
        if (this.backlog <= MAX_BACKLOG) for (const r of this.backlogWaiters.splice(0)) r();
      } else {
        this.digestWaiters.shift()?.resolve(m.digest);
      }
    });
    w.on('error', (e) => this.fail(e));
    this.worker = w;
  }

  private send(b: Uint8Array): void {
    this.backlog += b.byteLength;
    if (b.buffer instanceof SharedArrayBuffer) {
      this.worker!.postMessage(b);
    } else {
      const copy = new Uint8Array(b);
      this.worker!.postMessage(copy, [copy.buffer]);
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const r of this.backlogWaiters.splice(0)) r();
    for (const d of this.digestWaiters.splice(0)) d.reject(e);
  }
}
