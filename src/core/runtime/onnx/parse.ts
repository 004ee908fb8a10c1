// Reads an .onnx file's interface (inputs, outputs, opsets) and rejects bad files with named errors before ORT
// sees them: ORT's own messages for an HTML page, a Git LFS pointer or a truncated download are cryptic.
import onnxProto from 'onnx-proto';
import { CorruptModelError, ModelNotFoundError, UnsupportedModelError } from '../errors';
import type { TensorDType } from '../tensor';
import { dtypeFromOnnx } from './dtypes';

const { onnx } = onnxProto;

export interface OnnxValueSummary { name: string; dtype: TensorDType | 'unknown'; dims: (number | string)[] | undefined }

export interface OnnxModelSummary {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  inputs: OnnxValueSummary[];
  outputs: OnnxValueSummary[];
  nodeCount: number;
  opTypes: string[];
  initializerCount: number;
  /** Initializers stored in a side file (`model.onnx_data`): loadable in Node, not from bytes alone. */
  usesExternalData: boolean;
  /** The side files the initializers name (`location` entries, e.g. model.onnx_data, model.onnx_data_1), in order. */
  externalDataFiles: string[];
}

/** What this build of onnxruntime (1.30) reads; newer files are rejected with a clear message. */
export const SUPPORTED = { maxIrVersion: 11, maxOpset: 23, domains: ['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft'] } as const;

// ModelProto field numbers with their wire types: a valid file starts with one of these tags (normally 0x08).
const MODEL_TAGS = new Set([1 << 3 | 0, 2 << 3 | 2, 3 << 3 | 2, 4 << 3 | 2, 5 << 3 | 0, 6 << 3 | 2, 7 << 3 | 2, 8 << 3 | 2, 14 << 3 | 2, 20 << 3 | 2, 25 << 3 | 2]);

const text = (bytes: Uint8Array, n: number) => new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, n));

/** Cheap check of the first bytes; throws the named error for an HTML page, LFS pointer, JSON or garbage. */
export function sniffOnnx(bytes: Uint8Array, file = 'model.onnx'): void {
  if (bytes.length === 0) throw new CorruptModelError(file, 'the file is empty (0 bytes)');
  const head = text(bytes, 64).trimStart().toLowerCase();
  if (head.startsWith('<!doctype') || head.startsWith('<html')) {
    throw new ModelNotFoundError(file, 'the server answered with an HTML page instead of the model (an SPA fallback for a missing file)');
  }
  if (head.startsWith('version https://git-lfs')) throw new CorruptModelError(file, 'this is a Git LFS pointer, not the model: run `git lfs pull`');
  if (head.startsWith('{')) throw new CorruptModelError(file, 'this is a JSON file, not an ONNX model');
  if (!MODEL_TAGS.has(bytes[0])) {
    throw new CorruptModelError(file, `wrong magic: first byte 0x${bytes[0].toString(16).padStart(2, '0')} is not an ONNX ModelProto field`);
  }
}

function dimsOf(v: onnxProto.onnx.IValueInfoProto): (number | string)[] | undefined {
  const shape = v.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? Number(d.dimValue) : '?'));
}

function summarise(v: onnxProto.onnx.IValueInfoProto): OnnxValueSummary {
  const code = v.type?.tensorType?.elemType;
  return { name: v.name ?? '', dtype: (code != null && dtypeFromOnnx(code)) || 'unknown', dims: dimsOf(v) };
}

/** Parses and validates a model; throws CorruptModelError / ModelNotFoundError / UnsupportedModelError. */
export function parseOnnxModel(bytes: Uint8Array, file = 'model.onnx'): OnnxModelSummary {
  sniffOnnx(bytes, file);
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new CorruptModelError(file, `protobuf decode failed (${e instanceof Error ? e.message : String(e)}); the file is truncated or not ONNX`, { cause: e });
  }
  const g = model.graph;
  if (!g || (g.output ?? []).length === 0) throw new CorruptModelError(file, 'no graph or no outputs (truncated download?)');
  const irVersion = Number(model.irVersion ?? 0);
  const opsets = (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: Number(o.version ?? 0) }));
  if (irVersion === 0 || opsets.length === 0) throw new CorruptModelError(file, 'missing ir_version or opset_import');
  if (irVersion > SUPPORTED.maxIrVersion) throw new UnsupportedModelError(`IR version ${irVersion} is newer than ${SUPPORTED.maxIrVersion}`);
  for (const o of opsets) {
    if (!(SUPPORTED.domains as readonly string[]).includes(o.domain)) throw new UnsupportedModelError(`custom op domain '${o.domain}'`);
    if ((o.domain === '' || o.domain === 'ai.onnx') && o.version > SUPPORTED.maxOpset) {
      throw new UnsupportedModelError(`opset ${o.version} is newer than ${SUPPORTED.maxOpset}`);
    }
  }
  const nodes = g.node ?? [];
  const initNames = new Set((g.initializer ?? []).map((t) => t.name));
  const external = (g.initializer ?? []).filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL);
  const usesExternalData = external.length > 0;
  const externalDataFiles = [...new Set(external.flatMap((t) => (t.externalData ?? []).filter((e) => e.key === 'location').map((e) => e.value ?? '')))];
  return {
    irVersion,
    producer: model.producerName ?? '',
    opsets,
    // Old exporters list initializers among the inputs; they are not feeds.
    inputs: (g.input ?? []).filter((v) => !initNames.has(v.name)).map(summarise),
    outputs: (g.output ?? []).map(summarise),
    nodeCount: nodes.length,
    opTypes: [...new Set(nodes.map((n) => (n.domain ? `${n.domain}:${n.opType}` : n.opType ?? '')))].sort(),
    initializerCount: initNames.size,
    usesExternalData,
    externalDataFiles,
  };
}
