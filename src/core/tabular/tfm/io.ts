// TFM weights ↔ safetensors bytes (F32, names from config.ts) and the Hugging Face-style config.json, so the
// forge, the ONNX exporter, the parity tests and a browser loader read one format.
import { parseHeader, parseHeaderLength, serialize } from '../../edits/safetensors';
import { DEFAULT_TFM_CONFIG, tfmParamSpecs, type HostParams, type TfmConfig } from './config';

export function encodeTfmWeights(c: TfmConfig, params: HostParams): Uint8Array {
  const tensors = tfmParamSpecs(c).map((s) => {
    const t = params.get(s.name);
    if (!t) throw new Error(`TFM parameter ${s.name} is missing`);
    const data = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    return { name: s.name, dtype: 'F32' as const, shape: s.shape, data };
  });
  return serialize(tensors, { format: 'pt', model_type: 'workbench-tfm' });
}

export function decodeTfmWeights(bytes: Uint8Array, label = 'tfm/model.safetensors'): HostParams {
  const n = parseHeaderLength(bytes.byteLength, bytes.subarray(0, 8), label);
  const header = parseHeader(bytes.byteLength, n, bytes.subarray(8, 8 + n), label);
  const out: HostParams = new Map();
  for (const t of header.tensors) {
    if (t.dtype !== 'F32') throw new Error(`${label}: tensor ${t.name} is ${t.dtype}; the TFM stores F32`);
    const copy = bytes.slice(t.begin, t.end); // aligned copy: Float32Array needs a 4-byte offset
    out.set(t.name, { data: new Float32Array(copy.buffer, 0, copy.byteLength / 4), shape: t.shape });
  }
  return out;
}

/** The TfmConfig fields stored in config.json (with model_type and the ONNX contract beside them). */
export function configFromJson(json: unknown): TfmConfig {
  const o = (json ?? {}) as Record<string, unknown>;
  const out = { ...DEFAULT_TFM_CONFIG };
  for (const key of Object.keys(DEFAULT_TFM_CONFIG) as (keyof TfmConfig)[]) {
    const v = o[key];
    if (v !== undefined) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`tfm config.json: ${key} must be a number`);
      out[key] = v;
    }
  }
  return out;
}
