// safetensors header parsing, validation and encoding, and chunked tensor reads through a `ByteSource`.
// I/O goes through that interface (Node file handle in the sidecar, File/Blob in a browser) so the maths
// here never holds a whole checkpoint: callers read one bounded chunk of one tensor at a time.
// Format: u64 little-endian header length N, N bytes of UTF-8 JSON, then the data section; tensor
// `data_offsets` are relative to the data section. Validation is as strict as the reference (Rust) reader:
// tensors must tile the data section exactly, with no overlap and no hole.

import { DTYPE_BYTES, DTYPES, isDtype, type Dtype } from './dtypes';
import { SafetensorsFormatError } from './errors';

/** Random-access bytes: `read` returns exactly `length` bytes or throws. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface TensorSpec {
  name: string;
  dtype: Dtype;
  shape: number[];
}

/** A tensor with absolute byte offsets in its file: [begin, end). */
export interface TensorEntry extends TensorSpec {
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Bytes of the JSON header (after the 8-byte length prefix). */
  headerLength: number;
  /** Absolute offset of the data section (8 + headerLength). */
  dataStart: number;
  metadata: Record<string, string>;
  /** Sorted by `begin`, i.e. file order. */
  tensors: TensorEntry[];
}

/** Same bound as the reference implementation: a header above 100 MB is treated as hostile. */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Tensors one file may list. A 100 MB header fits ~1.4 M tiny entries, which cost seconds of JSON parsing and
 * gigabytes of objects before any check could fail; real checkpoints list a few thousand per file (the
 * largest MoE models ~100 k in all, spread over shards).
 */
export const MAX_TENSORS_PER_FILE = 100_000;

/**
 * Objects keyed by names from the file. A plain `{}` would treat "__proto__" as its prototype (the entry
 * vanishes from the JSON we write) and inherit "constructor" & co. on reads.
 */
export function nameMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * Lower bound on the tensor entries of a header text, counted without parsing it: every entry carries a
 * `"data_offsets"` key (an escaped spelling slips past this, and is caught by the exact count after parsing).
 */
function countOffsetKeys(text: string, stopAbove: number): number {
  let count = 0;
  for (let at = text.indexOf('"data_offsets"'); at >= 0 && count <= stopAbove; at = text.indexOf('"data_offsets"', at + 14)) count++;
  return count;
}

function tooManyTensors(label: string): SafetensorsFormatError {
  return new SafetensorsFormatError(label, `header lists more than ${MAX_TENSORS_PER_FILE} tensors (the per-file limit). Split the model into shards of fewer tensors (save_pretrained with max_shard_size, or safetensors save_file per shard with a model.safetensors.index.json)`);
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function isSafeCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Validates the 8-byte prefix against the file size and returns the header length. */
export function parseHeaderLength(fileSize: number, prefix: Uint8Array, label: string): number {
  if (fileSize < 8 || prefix.byteLength < 8) {
    throw new SafetensorsFormatError(label, `file is ${fileSize} bytes, shorter than the 8-byte header length prefix`);
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n === 0n) throw new SafetensorsFormatError(label, 'header length is 0');
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsFormatError(label, `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (n > BigInt(fileSize - 8)) {
    throw new SafetensorsFormatError(label, `header length ${n} runs past the end of the ${fileSize}-byte file (truncated?)`);
  }
  return Number(n);
}

/** Parses and validates the JSON header; `fileSize` bounds every tensor. */
export function parseHeader(fileSize: number, headerLength: number, json: Uint8Array, label: string): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new SafetensorsFormatError(label, 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw new SafetensorsFormatError(label, 'header does not start with "{"');
  if (countOffsetKeys(text, MAX_TENSORS_PER_FILE) > MAX_TENSORS_PER_FILE) throw tooManyTensors(label);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsFormatError(label, `header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SafetensorsFormatError(label, 'header JSON is not an object');
  }
  const dataStart = 8 + headerLength;
  const dataLength = fileSize - dataStart;
  const metadata = nameMap<string>();
  const tensors: TensorEntry[] = [];
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length > MAX_TENSORS_PER_FILE + 1) throw tooManyTensors(label);
  for (const [name, raw] of entries) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw new SafetensorsFormatError(label, '__metadata__ must be an object of string values');
      }
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new SafetensorsFormatError(label, `__metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    tensors.push(parseEntry(name, raw, dataStart, dataLength, label));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = dataStart;
  for (const [i, t] of tensors.entries()) {
    if (t.begin < cursor) {
      const prev = tensors[i - 1];
      throw new SafetensorsFormatError(label, `tensor "${t.name}" overlaps tensor "${prev.name}"`);
    }
    if (t.begin > cursor) {
      throw new SafetensorsFormatError(label, `hole of ${t.begin - cursor} bytes before tensor "${t.name}" (data section must be tiled exactly)`);
    }
    cursor = t.end;
  }
  if (cursor !== fileSize) {
    throw new SafetensorsFormatError(label, `${fileSize - cursor} trailing bytes after the last tensor (data section must be tiled exactly)`);
  }
  return { headerLength, dataStart, metadata, tensors };
}

function parseEntry(name: string, raw: unknown, dataStart: number, dataLength: number, label: string): TensorEntry {
  if (name.length === 0) throw new SafetensorsFormatError(label, 'empty tensor name');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SafetensorsFormatError(label, `entry "${name}" is not an object`);
  }
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (!isDtype(dtype)) {
    throw new SafetensorsFormatError(label, `tensor "${name}" has dtype ${JSON.stringify(dtype)}; supported: ${DTYPES.join(', ')}`);
  }
  if (!Array.isArray(shape) || !shape.every(isSafeCount)) {
    throw new SafetensorsFormatError(label, `tensor "${name}" has an invalid shape ${JSON.stringify(shape)} (want non-negative integers)`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSafeCount)) {
    throw new SafetensorsFormatError(label, `tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)} (want [begin, end])`);
  }
  const [b, e] = offsets as number[];
  if (b > e) throw new SafetensorsFormatError(label, `tensor "${name}" has data_offsets begin ${b} > end ${e}`);
  if (e > dataLength) {
    throw new SafetensorsFormatError(label, `tensor "${name}" ends at ${e}, past the ${dataLength}-byte data section (truncated file?)`);
  }
  const want = numel(shape as number[]) * DTYPE_BYTES[dtype];
  if (e - b !== want) {
    throw new SafetensorsFormatError(label, `tensor "${name}" spans ${e - b} bytes but shape ${JSON.stringify(shape)} x ${dtype} needs ${want}`);
  }
  return { name, dtype, shape: shape as number[], begin: dataStart + b, end: dataStart + e };
}

/** Reads and validates the header of a safetensors source. */
export async function readHeader(src: ByteSource, label: string): Promise<SafetensorsHeader> {
  const prefix = src.size >= 8 ? await src.read(0, 8) : new Uint8Array(0);
  const n = parseHeaderLength(src.size, prefix, label);
  return parseHeader(src.size, n, await src.read(8, n), label);
}

/**
 * Builds a header for tensors written in the given order. The JSON is padded with spaces to a multiple of 8
 * bytes (as the reference writer does) so the data section stays aligned for zero-copy readers.
 */
export function encodeHeader(specs: readonly TensorSpec[], metadata?: Record<string, string>): { bytes: Uint8Array; layout: TensorEntry[] } {
  const obj = nameMap<unknown>();
  if (metadata && Object.keys(metadata).length > 0) obj.__metadata__ = Object.assign(nameMap<string>(), metadata);
  const rel: [number, number][] = [];
  let off = 0;
  for (const s of specs) {
    const len = numel(s.shape) * DTYPE_BYTES[s.dtype];
    rel.push([off, off + len]);
    obj[s.name] = { dtype: s.dtype, shape: s.shape, data_offsets: [off, off + len] };
    off += len;
  }
  const json = new TextEncoder().encode(JSON.stringify(obj));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const bytes = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(padded), true);
  bytes.set(json, 8);
  const dataStart = 8 + padded;
  const layout = specs.map((s, i) => ({ ...s, begin: dataStart + rel[i][0], end: dataStart + rel[i][1] }));
  return { bytes, layout };
}

/** Element-aligned chunks of one tensor, `chunkElems` at a time (the last one may be shorter). */
export async function* readTensorChunks(src: ByteSource, t: TensorEntry, chunkElems: number): AsyncGenerator<{ elemStart: number; bytes: Uint8Array }> {
  const w = DTYPE_BYTES[t.dtype];
  const total = (t.end - t.begin) / w;
  for (let e = 0; e < total; e += chunkElems) {
    const n = Math.min(chunkElems, total - e);
    yield { elemStart: e, bytes: await src.read(t.begin + e * w, n * w) };
  }
}

/** An in-memory ByteSource, for tests and small browser files already loaded. */
export function bytesSource(data: Uint8Array): ByteSource {
  return {
    size: data.byteLength,
    read: async (offset, length) => {
      if (offset < 0 || offset + length > data.byteLength) throw new RangeError(`read [${offset}, ${offset + length}) outside ${data.byteLength} bytes`);
      return data.subarray(offset, offset + length);
    },
  };
}

/** Whole-file serialisation for small checkpoints (tests, browser exports); big ones stream through a writer. */
export function serialize(tensors: readonly (TensorSpec & { data: Uint8Array })[], metadata?: Record<string, string>): Uint8Array {
  const { bytes, layout } = encodeHeader(tensors, metadata);
  const total = layout.length ? layout[layout.length - 1].end : bytes.byteLength;
  const out = new Uint8Array(total);
  out.set(bytes);
  tensors.forEach((t, i) => {
    if (t.data.byteLength !== layout[i].end - layout[i].begin) throw new RangeError(`tensor "${t.name}": ${t.data.byteLength} bytes given, shape needs ${layout[i].end - layout[i].begin}`);
    out.set(t.data, layout[i].begin);
  });
  return out;
}
