// Backend-neutral tensors: what crosses the engine API (and comlink, by transfer) instead of ORT Tensor objects,
// so callers never import onnxruntime and the same feeds work on onnxruntime-node and -web.

export type TensorDType =
  | 'float32' | 'float16' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'bool' | 'string';

export type TensorArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | string[];

export interface TensorData {
  type: TensorDType;
  dims: number[];
  /** float16 is stored as raw Uint16Array bits; bool as Uint8Array of 0/1 (ORT conventions). */
  data: TensorArray;
}

export type Feeds = Record<string, TensorData>;

export function tensor(type: TensorDType, data: TensorArray, dims: readonly number[]): TensorData {
  return { type, data, dims: [...dims] };
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Typed-array buffers of the outputs, for `Comlink.transfer` (zero-copy back to the caller). */
export function transferables(tensors: Record<string, TensorData>): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const t of Object.values(tensors)) {
    if (!Array.isArray(t.data) && t.data.buffer instanceof ArrayBuffer && !out.includes(t.data.buffer)) out.push(t.data.buffer);
  }
  return out;
}
