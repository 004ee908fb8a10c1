// A checkpoint on disk as the edit pipeline sees it: a single .safetensors file, a Hugging Face folder with
// model.safetensors, or a sharded folder with model.safetensors.index.json. Opening validates every header
// (and the index against the shards) before any job starts, so a bad input fails fast with its reason.
// The writer mirrors the primary input's layout (same shard names, same tensor order) into a temp folder.

import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DTYPE_BYTES } from '../src/core/edits/dtypes';
import { NotAFileError, OutputVerificationError, SafetensorsFormatError } from '../src/core/edits/errors';
import { encodeHeader, nameMap, numel, readHeader, type SafetensorsHeader, type TensorEntry, type TensorSpec } from '../src/core/edits/safetensors';
import { checkShardsAgainstIndex, INDEX_FILE, parseShardIndex, SINGLE_FILE } from '../src/core/edits/sharded';
import { describeFileType, HashingFileSource, HashingFileWriter, readRegularFile } from './fileio';

export interface CheckpointFile {
  name: string;
  source: HashingFileSource;
  header: SafetensorsHeader;
}

export interface TensorRef extends TensorEntry {
  file: number;
}

export interface Checkpoint {
  kind: 'file' | 'folder' | 'sharded';
  path: string;
  files: CheckpointFile[];
  /** File order: shard by shard, offset order inside each. */
  tensors: TensorRef[];
  byName: Map<string, TensorRef>;
  /** Raw index.json text for sharded checkpoints. */
  indexText?: string;
  /** config.json when the folder has one (used for n_heads). */
  config?: Record<string, unknown>;
}

/** Files copied next to the weights so an output folder is a drop-in model (config, tokenizer...). */
const SIDE_FILE_MAX_BYTES = 64 << 20;
/** An index of MAX_TENSORS_PER_CHECKPOINT entries with long names stays well below this. */
const INDEX_MAX_BYTES = 128 << 20;

export async function openCheckpoint(absPath: string, label: string): Promise<Checkpoint> {
  const st = await stat(absPath);
  let kind: Checkpoint['kind'];
  let names: string[];
  let dir: string;
  let indexText: string | undefined;
  if (!st.isFile() && !st.isDirectory()) throw new NotAFileError(label, describeFileType(st));
  if (st.isFile()) {
    if (!absPath.endsWith('.safetensors')) throw new SafetensorsFormatError(label, 'expected a *.safetensors file or a model folder');
    kind = 'file';
    dir = join(absPath, '..');
    names = [basename(absPath)];
  } else {
    dir = absPath;
    const entries = await readdir(absPath);
    if (entries.includes(INDEX_FILE)) {
      kind = 'sharded';
      indexText = (await readRegularFile(join(absPath, INDEX_FILE), `${label}/${INDEX_FILE}`, INDEX_MAX_BYTES)).toString('utf8');
      names = parseShardIndex(indexText, `${label}/${INDEX_FILE}`).shards;
    } else if (entries.includes(SINGLE_FILE)) {
      kind = 'folder';
      names = [SINGLE_FILE];
    } else {
      throw new SafetensorsFormatError(label, `folder has neither ${SINGLE_FILE} nor ${INDEX_FILE}`);
    }
  }
  const files: CheckpointFile[] = [];
  try {
    for (const name of names) {
      const p = join(dir, name);
      const ls = await lstat(p).catch(() => null);
      if (!ls?.isFile()) throw new SafetensorsFormatError(`${label}/${name}`, 'shard is missing or not a regular file');
      const fileLabel = kind === 'file' ? label : `${label}/${name}`;
      const source = await HashingFileSource.open(p, fileLabel);
      files.push({ name, source, header: await readHeader(source, fileLabel) });
    }
  } catch (e) {
    await Promise.all(files.map((f) => f.source.close()));
    throw e;
  }
  if (kind === 'sharded') {
    checkShardsAgainstIndex(parseShardIndex(indexText!), new Map(files.map((f) => [f.name, f.header.tensors])));
  }
  const tensors = files.flatMap((f, file) => f.header.tensors.map((t) => ({ ...t, file })));
  const ck: Checkpoint = { kind, path: absPath, files, tensors, byName: new Map(tensors.map((t) => [t.name, t])) };
  if (indexText !== undefined) ck.indexText = indexText;
  if (kind !== 'file') {
    // Optional: a missing, unreadable or non-JSON config only means n_heads must come from elsewhere.
    const cfg = await readRegularFile(join(dir, 'config.json'), `${label}/config.json`, SIDE_FILE_MAX_BYTES).then((t) => JSON.parse(t.toString('utf8')) as unknown).catch(() => undefined);
    if (typeof cfg === 'object' && cfg !== null) ck.config = cfg as Record<string, unknown>;
  }
  return ck;
}

export function readTensor(ck: Checkpoint, t: TensorRef, elemStart: number, n: number, into?: Uint8Array): Promise<Uint8Array> {
  const w = DTYPE_BYTES[t.dtype];
  return ck.files[t.file].source.read(t.begin + elemStart * w, n * w, into);
}

export function tensorBytes(ck: Checkpoint): number {
  return ck.tensors.reduce((s, t) => s + t.end - t.begin, 0);
}

export async function closeCheckpoint(ck: Checkpoint): Promise<void> {
  await Promise.all(ck.files.map((f) => f.source.close()));
}

export interface FileDigest {
  name: string;
  bytes: number;
  sha256: string;
}

/** sha256 of every file of a checkpoint, the shard index included. */
export async function hashCheckpoint(ck: Checkpoint, onBytes?: (n: number) => void): Promise<FileDigest[]> {
  const out: FileDigest[] = [];
  for (const f of ck.files) out.push({ name: f.name, bytes: f.source.size, sha256: await f.source.sha256(onBytes) });
  if (ck.indexText !== undefined) {
    const bytes = Buffer.from(ck.indexText, 'utf8');
    out.push({ name: INDEX_FILE, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return out;
}

/** Writes a checkpoint with the primary's layout into `dir` (a fresh temp folder), file by file, in order. */
export class CheckpointWriter {
  private current: HashingFileWriter | null = null;
  private fileIdx = -1;
  private metadataOut: Record<string, string> = nameMap();
  readonly digests: FileDigest[] = [];

  constructor(private readonly primary: Checkpoint, private readonly dir: string, private readonly metadata: Record<string, string>) {}

  static async create(primary: Checkpoint, dir: string, metadata: Record<string, string>): Promise<CheckpointWriter> {
    await mkdir(dir);
    return new CheckpointWriter(primary, dir, metadata);
  }

  /** Called before the first chunk of each tensor; opens the next shard when the primary moves to it. */
  async beginTensor(t: TensorRef): Promise<void> {
    while (this.fileIdx < t.file) await this.nextFile();
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.current!.write(bytes);
  }

  private async nextFile(): Promise<void> {
    if (this.current) await this.closeCurrent();
    this.fileIdx++;
    const f = this.primary.files[this.fileIdx];
    const w = await HashingFileWriter.create(join(this.dir, outputFileName(this.primary, this.fileIdx)));
    this.metadataOut = Object.assign(nameMap<string>(), f.header.metadata, this.metadata);
    await w.write(encodeHeader(f.header.tensors, this.metadataOut).bytes);
    this.current = w;
  }

  private async closeCurrent(): Promise<void> {
    const w = this.current!;
    const r = await w.finish();
    const name = outputFileName(this.primary, this.fileIdx);
    await verifyWrittenFile(join(this.dir, name), name, this.primary.files[this.fileIdx].header.tensors, this.metadataOut);
    this.digests.push({ name, ...r });
    this.current = null;
  }

  /** Finishes all shards (empty trailing shards included), the index and the side files. */
  async finish(): Promise<FileDigest[]> {
    while (this.fileIdx < this.primary.files.length - 1) await this.nextFile();
    if (this.current) await this.closeCurrent();
    if (this.primary.kind === 'file') return this.digests;
    if (this.primary.indexText !== undefined) {
      const w = await HashingFileWriter.create(join(this.dir, INDEX_FILE));
      await w.write(new TextEncoder().encode(this.primary.indexText));
      this.digests.push({ name: INDEX_FILE, ...(await w.finish()) });
    }
    for (const name of await readdir(this.primary.path)) {
      if (name.startsWith('.') || name.endsWith('.safetensors') || name === INDEX_FILE) continue;
      const src = join(this.primary.path, name);
      const ls = await lstat(src);
      if (!ls.isFile() || ls.size > SIDE_FILE_MAX_BYTES) continue;
      // Not copyFile: it opens the source blocking (a FIFO swapped in after the lstat would hang) and skips fsync.
      const w = await HashingFileWriter.create(join(this.dir, name));
      await w.write(await readRegularFile(src, name, SIDE_FILE_MAX_BYTES));
      // Hashed into the manifest too: config.json decides how the weights (and the exported ONNX) are read.
      this.digests.push({ name, ...(await w.finish()) });
    }
    return this.digests;
  }

  async abort(): Promise<void> {
    await this.current?.abort();
  }
}

/** The output file name for a single-file primary: output folders always hold model.safetensors. */
export function outputFileName(primary: Checkpoint, i: number): string {
  return primary.kind === 'file' ? SINGLE_FILE : primary.files[i].name;
}

/**
 * Reads back a written safetensors file with the same validator as inputs and checks that it lists exactly
 * the tensors written (name, dtype, shape, offsets in the data section) and the metadata, so a writer bug
 * (a header that drops an entry, a short write) fails the job instead of being published with a manifest.
 */
export async function verifyWrittenFile(path: string, label: string, written: readonly TensorSpec[], metadata: Record<string, string>): Promise<void> {
  const want = new Map<string, TensorSpec & { from: number; to: number }>();
  let off = 0;
  for (const t of written) {
    const len = numel(t.shape) * DTYPE_BYTES[t.dtype];
    want.set(t.name, { ...t, from: off, to: off + len });
    off += len;
  }
  const src = await HashingFileSource.open(path, label);
  try {
    const h = await readHeader(src, label).catch((e: unknown) => {
      throw new OutputVerificationError(label, (e as Error).message);
    });
    if (h.tensors.length !== written.length) throw new OutputVerificationError(label, `its header lists ${h.tensors.length} tensors, ${written.length} were written`);
    for (const t of h.tensors) {
      const w = want.get(t.name);
      const at = [t.begin - h.dataStart, t.end - h.dataStart];
      if (!w) throw new OutputVerificationError(label, `its header lists tensor "${t.name}", which was not written`);
      if (t.dtype !== w.dtype || t.shape.join() !== w.shape.join() || t.shape.length !== w.shape.length || at[0] !== w.from || at[1] !== w.to) {
        throw new OutputVerificationError(label, `tensor "${t.name}" reads back as ${t.dtype} [${t.shape}] at [${at}], written as ${w.dtype} [${w.shape}] at [${w.from},${w.to}]`);
      }
    }
    const entries = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (entries(h.metadata) !== entries(metadata)) throw new OutputVerificationError(label, `its metadata reads back as ${entries(h.metadata)}, written as ${entries(metadata)}`);
  } finally {
    await src.close();
  }
}
