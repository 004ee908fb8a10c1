// Minimal ONNX model writer for the student exporters (onnx-proto encodes the protobuf). Local to the students
// because the shared graph builder in src/core/runtime/onnx did not exist when they were written; it covers only
// what the exporters need: float/int/string attributes, float32 initialisers, float32 graph inputs/outputs.

import onnxProto from 'onnx-proto';
import type { onnx as P } from 'onnx-proto';

const { onnx } = onnxProto;
type AttrValue = number | string | number[] | string[] | Float32Array;

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  /** ai.onnx.ml for the tree ensemble, default ai.onnx */
  domain?: string;
  /** `ints:` prefix on the key forces an integer list (e.g. { 'ints:nodes_treeids': [...] }) */
  attrs?: Record<string, AttrValue>;
}

const INT_KEY = 'ints:';
const INT_SCALAR_KEY = 'int:';

function attribute(key: string, v: AttrValue): P.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (key.startsWith(INT_KEY)) return { name: key.slice(INT_KEY.length), type: T.INTS, ints: Array.from(v as number[]) };
  if (key.startsWith(INT_SCALAR_KEY)) return { name: key.slice(INT_SCALAR_KEY.length), type: T.INT, i: v as number };
  if (typeof v === 'string') return { name: key, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return { name: key, type: T.FLOAT, f: v };
  if (v.length > 0 && typeof v[0] === 'string') return { name: key, type: T.STRINGS, strings: (v as string[]).map((s) => new TextEncoder().encode(s)) };
  return { name: key, type: T.FLOATS, floats: Array.from(v as ArrayLike<number>) };
}

export function node(spec: NodeSpec): P.INodeProto {
  return {
    opType: spec.op, input: spec.inputs, output: spec.outputs, domain: spec.domain ?? '',
    attribute: Object.entries(spec.attrs ?? {}).map(([k, v]) => attribute(k, v)),
  };
}

/** A float32 initialiser of the given shape (values rounded to float32 by the Float32Array). */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): P.ITensorProto {
  const data = Float32Array.from(values);
  if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new RangeError(`tensor ${name}: ${data.length} values for dims ${dims}`);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) };
}

/** A float32 tensor value of shape dims; a string dim is symbolic (e.g. 'N' for the batch). */
export function floatValue(name: string, dims: (number | string)[]): P.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

export interface ModelSpec {
  name: string;
  nodes: P.INodeProto[];
  inputs: P.IValueInfoProto[];
  outputs: P.IValueInfoProto[];
  initializers?: P.ITensorProto[];
  /** opset per domain, e.g. { '': 17, 'ai.onnx.ml': 3 } */
  opsets: Record<string, number>;
  docString?: string;
}

/** Serialises a model (IR version 8, readable by onnxruntime 1.x). */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const model: P.IModelProto = {
    irVersion: 8,
    producerName: 'workbench-distill',
    producerVersion: '0.1.0',
    docString: spec.docString ?? '',
    opsetImport: Object.entries(spec.opsets).map(([domain, version]) => ({ domain, version })),
    graph: { name: spec.name, node: spec.nodes, input: spec.inputs, output: spec.outputs, initializer: spec.initializers ?? [] },
  };
  return onnx.ModelProto.encode(model).finish();
}
