// F32 safetensors for the forge's small checkpoints, on top of the edits module's header encoder/parser
// (one implementation of the format in the project): whole-file write and read, names kept as given.
import { parseHeader, parseHeaderLength, serialize } from '../../src/core/edits/safetensors';
import type { HostTensors } from './train/trainModel';

/** Tensors in sorted name order (stable bytes for the same weights), little-endian F32. */
export function writeSafetensors(tensors: HostTensors, metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const names = [...tensors.keys()].sort();
  return serialize(names.map((name) => {
    const t = tensors.get(name)!;
    const data = new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
    return { name, dtype: 'F32' as const, shape: t.shape, data };
  }), metadata);
}

export function readSafetensors(bytes: Uint8Array, label = 'model.safetensors'): HostTensors {
  const n = parseHeaderLength(bytes.byteLength, bytes.subarray(0, 8), label);
  const header = parseHeader(bytes.byteLength, n, bytes.subarray(8, 8 + n), label);
  const out: HostTensors = new Map();
  for (const t of header.tensors) {
    if (t.dtype !== 'F32') throw new Error(`${label}: tensor ${t.name} is ${t.dtype}; the forge reads F32 only`);
    // copy: the file buffer's offsets need not be 4-byte aligned
    const data = new Float32Array(bytes.slice(t.begin, t.end).buffer);
    out.set(t.name, { data, shape: t.shape });
  }
  return out;
}
