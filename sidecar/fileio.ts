// Node file I/O for the edits pipeline: a ByteSource over a file handle that hashes (sha256) the file as it
// is read in order or on a thread of its own (hashAside), a sequential hashing file writer with fsync, and atomic publication of a finished
// output (temp path in the same folder, fsync, rename, fsync of the folder), so a crash or a cancel never
// leaves a half-written checkpoint under the requested name.

import { createHash, type Hash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FileTooLargeError, InputChangedError, NotAFileError } from '../src/core/edits/errors';
import type { ByteSource } from '../src/core/edits/safetensors';

const HASH_WORKER = new URL('./hashWorker.mjs', import.meta.url);
/** Reads at least this big may reuse a released buffer (see HashingFileSource.release). */
const REUSE_MIN_BYTES = 64 << 10;
const MAX_SPARE_BUFFERS = 4;

/** Marker in temp names; the sidecar sweeps leftovers of killed runs at start-up. */
export const PARTIAL_MARK = '.partial-';
/** Length of a job id (hex), which temp names carry. */
export const JOB_ID_CHARS = 16;

export function partialPath(finalPath: string, jobId: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}${PARTIAL_MARK}${jobId}`);
}

export function describeFileType(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return st.isSymbolicLink() ? 'a symbolic link' : 'a regular file';
}

/**
 * Opens a regular file for reading. The type is checked before opening (a device is never opened) and
 * again on the open handle (the path may have been swapped meanwhile); the open is non-blocking, because
 * opening a FIFO for reading otherwise waits for a writer and holds one of libuv's four file threads.
 */
export async function openRegularFile(path: string, label: string): Promise<FileHandle> {
  const before = await stat(path);
  if (!before.isFile()) throw new NotAFileError(label, describeFileType(before));
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw new NotAFileError(label, describeFileType(st));
  }
  return fh;
}

/** Reads a whole regular file of at most `maxBytes` (see openRegularFile). */
export async function readRegularFile(path: string, label: string, maxBytes: number): Promise<Buffer> {
  const fh = await openRegularFile(path, label);
  try {
    const { size } = await fh.stat();
    if (size > maxBytes) throw new FileTooLargeError(label, size, maxBytes);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/**
 * A read-only file as a ByteSource. Reads that continue where the previous one stopped feed the hash;
 * when the caller reads out of order, `sha256()` falls back to one extra sequential pass. A caller done with
 * a chunk may `release` it: the next read of the same length reuses it, which spares the page faults of
 * fresh memory (a fresh 2 MB buffer per read cost ~1 CPU s per GB read, several times the read itself).
 */
export class HashingFileSource implements ByteSource {
  private hash: Hash = createHash('sha256');
  private readonly spare: Buffer[] = [];
  private hashed = 0;
  private inOrder = true;
  /** The hash computed on a thread of its own (hashAside), with the file's size and mtime when it began. */
  private aside: { worker: Worker; digest: Promise<string>; mtimeMs: number } | null = null;

  /** `label` (workspace-relative) names the file in errors; `path` is absolute. */
  private constructor(readonly path: string, readonly label: string, private readonly fh: FileHandle, readonly size: number) {}

  static async open(path: string, label: string): Promise<HashingFileSource> {
    const fh = await openRegularFile(path, label);
    const st = await fh.stat();
    return new HashingFileSource(path, label, fh, st.size);
  }

  /** `into` (exactly `length` bytes): read there instead of into a buffer of this source's (e.g. kernel memory). */
  async read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    if (offset < 0 || offset + length > this.size) throw new RangeError(`${this.label}: read [${offset}, ${offset + length}) outside the ${this.size}-byte file`);
    if (into && into.byteLength !== length) throw new RangeError(`${this.label}: a ${into.byteLength}-byte buffer for a ${length}-byte read`);
    const k = !into && length >= REUSE_MIN_BYTES ? this.spare.findIndex((b) => b.byteLength === length) : -1;
    const buf = into ?? (k >= 0 ? this.spare.splice(k, 1)[0] : Buffer.allocUnsafe(length));
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.fh.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) throw new Error(`${this.label}: file shrank while reading (offset ${offset + got})`);
      got += bytesRead;
    }
    if (this.inOrder && !this.aside) {
      if (offset === this.hashed) {
        this.hash.update(buf);
        this.hashed += length;
      } else if (offset + length > this.hashed) {
        this.inOrder = false;
      }
    }
    return buf;
  }

  /**
   * Hashes the whole file on a worker thread (hashWorker.mjs, reading by descriptor) while the caller
   * reads it for its computation: sha256() then waits for that thread instead of having hashed each read
   * on the caller's. Costs one more read of the file (from the page cache, as a rule) and saves the
   * hashing time on the computing thread. A change of size or mtime in between fails sha256().
   */
  async hashAside(): Promise<void> {
    if (this.aside) return;
    const { mtimeMs } = await this.fh.stat();
    // No execArgv: the TypeScript loader a tsx-run sidecar passes on would cost this plain-JS thread ~0.3 s of CPU.
    const worker = new Worker(HASH_WORKER, { workerData: { fd: this.fh.fd, size: this.size }, execArgv: [] });
    const digest = new Promise<string>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`${this.label}: the hashing thread exited (code ${code}) without a digest`)));
    });
    // Awaited by sha256(); a job that fails first never asks, and that rejection is not an error of its own.
    digest.catch(() => undefined);
    this.aside = { worker, digest, mtimeMs };
  }

  /** sha256 of the whole file; an extra pass only if reads skipped or went back. */
  async sha256(onBytes?: (n: number) => void): Promise<string> {
    if (this.aside) {
      const digest = await this.aside.digest;
      const st = await this.fh.stat();
      if (st.size !== this.size || st.mtimeMs !== this.aside.mtimeMs) throw new InputChangedError(this.label);
      return digest;
    }
    if (!this.inOrder || this.hashed < this.size) {
      if (!this.inOrder) {
        this.hash = createHash('sha256');
        this.hashed = 0;
      }
      const chunk = Buffer.allocUnsafe(8 << 20);
      while (this.hashed < this.size) {
        const { bytesRead } = await this.fh.read(chunk, 0, Math.min(chunk.length, this.size - this.hashed), this.hashed);
        if (bytesRead === 0) throw new Error(`${this.label}: file shrank while hashing`);
        this.hash.update(chunk.subarray(0, bytesRead));
        this.hashed += bytesRead;
        onBytes?.(bytesRead);
      }
      this.inOrder = true;
    }
    return this.hash.copy().digest('hex');
  }

  /**
   * Hands back a chunk this source returned, once nothing reads it any more (nor will: it is overwritten
   * by a later read). Only the streaming loop calls this, for chunks its plans consumed synchronously.
   */
  release(bytes: Uint8Array): void {
    if (Buffer.isBuffer(bytes) && bytes.byteLength >= REUSE_MIN_BYTES && bytes.byteOffset === 0 && this.spare.length < MAX_SPARE_BUFFERS) this.spare.push(bytes);
  }

  async close(): Promise<void> {
    this.spare.length = 0;
    // The hashing thread reads by descriptor number: it must stop before the number can be reused.
    if (this.aside) await this.aside.worker.terminate();
    await this.fh.close();
  }
}

/** Outputs that grow past this are hashed on a thread of their own, by reading back what has landed. */
const WRITE_HASH_ASIDE_MIN_BYTES = 32 << 20;
/** How far the landed prefix grows before that thread is told to hash on. */
const WRITE_HASH_ASIDE_STEP = 8 << 20;

/**
 * Appends bytes to a new file, hashing them; `finish` fsyncs and closes. A file that grows past 32 MB (a
 * checkpoint shard) is hashed by a thread of its own (hashWorker.mjs in follow mode) that reads the landed
 * bytes back by descriptor, from the page cache, while the job thread computes the next chunk: the digest
 * is of what is in the file, and the job thread keeps only the write calls. Smaller files are hashed inline.
 */
export class HashingFileWriter {
  private hash: Hash | null = createHash('sha256');
  private aside: { worker: Worker; digest: Promise<string> } | null = null;
  /** Reserved byte ranges by their end, in order, until they have landed (writes may complete out of order). */
  private readonly pending: { end: number; landed: boolean }[] = [];
  private landed = 0;
  private told = 0;
  written = 0;

  private constructor(readonly path: string, private readonly fh: FileHandle) {}

  static async create(path: string): Promise<HashingFileWriter> {
    // Read-write: the hashing thread reads back through this descriptor.
    return new HashingFileWriter(path, await open(path, 'wx+'));
  }

  /**
   * Reserves the next `bytes.byteLength` bytes, so a caller may start the next write before this one lands
   * (positional writes, order fixed at call time); hashes them at once while the file is small.
   */
  async write(bytes: Uint8Array): Promise<void> {
    const pos = this.written;
    this.written += bytes.byteLength;
    if (!this.aside && this.written >= WRITE_HASH_ASIDE_MIN_BYTES) this.startAside();
    // Once the thread runs it hashes from offset 0, so it also covers these bytes.
    if (!this.aside) this.hash!.update(bytes);
    const range = { end: this.written, landed: false };
    this.pending.push(range);
    let off = 0;
    while (off < bytes.byteLength) {
      const { bytesWritten } = await this.fh.write(bytes, off, bytes.byteLength - off, pos + off);
      off += bytesWritten;
    }
    range.landed = true;
    while (this.pending.length && this.pending[0].landed) this.landed = this.pending.shift()!.end;
    if (this.aside && this.landed - this.told >= WRITE_HASH_ASIDE_STEP) {
      this.told = this.landed;
      this.aside.worker.postMessage({ upTo: this.landed });
    }
  }

  private startAside(): void {
    this.hash = null;
    const worker = new Worker(HASH_WORKER, { workerData: { fd: this.fh.fd, follow: true }, execArgv: [] });
    const digest = new Promise<string>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`${this.path}: the output hashing thread exited (code ${code}) without a digest`)));
    });
    digest.catch(() => undefined);
    this.aside = { worker, digest };
  }

  async finish(): Promise<{ bytes: number; sha256: string }> {
    if (this.landed !== this.written) throw new Error(`${this.path}: finish() with writes still in flight (${this.landed} of ${this.written} bytes landed)`);
    let sha256: string;
    if (this.aside) {
      this.aside.worker.postMessage({ upTo: this.written, end: true });
      // The thread hashes the tail while the file is fsynced.
      [sha256] = await Promise.all([this.aside.digest, this.fh.sync()]);
      await this.aside.worker.terminate();
    } else {
      await this.fh.sync();
      sha256 = this.hash!.digest('hex');
    }
    await this.fh.close();
    return { bytes: this.written, sha256 };
  }

  async abort(): Promise<void> {
    // The hashing thread reads by descriptor number: it must stop before the number can be reused.
    if (this.aside) await this.aside.worker.terminate();
    await this.fh.close().catch(() => undefined);
  }
}

export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Renames a finished temp path onto its final name and makes the rename durable. The final name was free
 * when the job started; if something appeared there meanwhile, refuse rather than replace it.
 */
export async function publish(tempPath: string, finalPath: string): Promise<void> {
  if (await lstat(finalPath).then(() => true, () => false)) throw new Error(`${finalPath} appeared while the job ran; the result is not published over it`);
  await rename(tempPath, finalPath);
  await fsyncPath(dirname(finalPath));
}

export async function writeFileAtomic(finalPath: string, jobId: string, text: string): Promise<{ bytes: number; sha256: string }> {
  const tmp = partialPath(finalPath, jobId);
  const w = await HashingFileWriter.create(tmp);
  try {
    await w.write(new TextEncoder().encode(text));
    const r = await w.finish();
    await publish(tmp, finalPath);
    return r;
  } catch (e) {
    await w.abort();
    await rm(tmp, { force: true });
    throw e;
  }
}
