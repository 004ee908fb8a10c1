// A small fluent ONNX graph builder over onnx-proto, used by the forge (GPT-2 with KV cache) and the tabular
// student exporters. Nodes must be added in topological order: each input has to exist already, which is the
// "every node input is defined" check, and shapes are inferred per node (shapes.ts) so mistakes fail here.
//
//   const g = new GraphBuilder({ opset: 17 })
//     .input('x', 'float32', ['batch', 4])
//     .initializer('w', new Float32Array(12), [4, 3])
//     .node('MatMul', ['x', 'w'], ['y'], {}, { name: 'fc' })
//     .output('y');
//   const bytes = g.toBytes();
import onnxProto from 'onnx-proto';
import type { TensorDType } from '../tensor';
import { onnxDataType } from './dtypes';
import { inferNode, formatDims, smallValue, UNKNOWN_DIM, type AttrValue, type ConstTensor, type Dim, type ValueInfo } from './shapes';

const { onnx } = onnxProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;

export type { AttrValue, ConstTensor, Dim, ValueInfo };
export type InitData = ConstTensor['data'];

export interface GraphBuilderOptions {
  name?: string;
  /** Default ONNX opset (17: LayerNormalization is a plain op; ReduceMean still takes `axes` as an attribute). */
  opset?: number;
  producer?: string;
  docString?: string;
}

/** Attributes that are floats even when the value is integral (1.0 must not become INT 1). */
const FLOAT_ATTRS = new Set(['epsilon', 'alpha', 'beta', 'gamma', 'nodes_values', 'nodes_hitrates', 'class_weights',
  'base_values', 'coefficients', 'intercepts', 'target_weights', 'value_float', 'value_floats', 'ratio', 'scale', 'offset']);

/** Default versions for domains used without an explicit `opset()` call. */
const DEFAULT_DOMAIN_VERSIONS: Record<string, number> = { 'ai.onnx.ml': 3, 'com.microsoft': 1 };

const AttrType = onnx.AttributeProto.AttributeType;
const utf8 = new TextEncoder();

/** int64 initializer data from plain numbers (shape tensors, axes, indices). */
export function int64(values: readonly number[]): BigInt64Array {
  return BigInt64Array.from(values, (v) => BigInt(v));
}

function dtypeOfArray(data: InitData): TensorDType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

function tensorProto(name: string, t: ConstTensor): onnxProto.onnx.ITensorProto {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) throw new Error(`tensor '${name}': ${t.data.length} values for dims ${formatDims([...t.dims])}`);
  const rawData = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name, dataType: onnxDataType(t.dtype), dims: [...t.dims], rawData };
}

function attribute(name: string, v: AttrValue): AttributeProto {
  const asFloat = FLOAT_ATTRS.has(name);
  if (typeof v === 'number') {
    return asFloat || !Number.isInteger(v) ? { name, type: AttrType.FLOAT, f: v } : { name, type: AttrType.INT, i: v };
  }
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: utf8.encode(v) };
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'string') return { name, type: AttrType.STRINGS, strings: (v as string[]).map((s) => utf8.encode(s)) };
    if (v.length > 0 && typeof v[0] === 'bigint') return { name, type: AttrType.INTS, ints: (v as bigint[]).map(Number) };
    const nums = v as number[];
    return asFloat || !nums.every(Number.isInteger) ? { name, type: AttrType.FLOATS, floats: nums } : { name, type: AttrType.INTS, ints: nums };
  }
  if ('float' in v) return { name, type: AttrType.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: AttrType.FLOATS, floats: v.floats };
  return { name, type: AttrType.TENSOR, t: tensorProto(name, v.tensor as ConstTensor) };
}

function valueInfoProto(name: string, info: ValueInfo): onnxProto.onnx.IValueInfoProto {
  if (!info.dtype) throw new Error(`value '${name}': dtype unknown; pass it to output()`);
  const dim = info.dims?.map((d) => (typeof d === 'number' ? { dimValue: d } : d === UNKNOWN_DIM ? {} : { dimParam: d }));
  return { name, type: { tensorType: { elemType: onnxDataType(info.dtype), ...(dim ? { shape: { dim } } : {}) } } };
}

function irVersionFor(opset: number): number {
  if (opset >= 21) return 10;
  if (opset >= 19) return 9;
  return 8;
}

export class GraphBuilder {
  private readonly values = new Map<string, ValueInfo>();
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inputs: string[] = [];
  private readonly outputs: string[] = [];
  private readonly inits: onnxProto.onnx.ITensorProto[] = [];
  private readonly opsets = new Map<string, number>();
  private readonly nodeNames = new Set<string>();

  constructor(private readonly opts: GraphBuilderOptions = {}) {
    this.opsets.set('', opts.opset ?? 17);
  }

  /** Declares a graph input; string dims are symbolic (e.g. 'batch_size'). */
  input(name: string, dtype: TensorDType, dims: readonly Dim[]): this {
    this.define(name, { dtype, dims: [...dims] });
    this.inputs.push(name);
    return this;
  }

  /** A weight stored in the model; dtype follows the array type (pass it for bool/uint8). */
  initializer(name: string, data: InitData, dims: readonly number[], dtype: TensorDType = dtypeOfArray(data)): this {
    const t: ConstTensor = { dtype, dims, data };
    this.inits.push(tensorProto(name, t));
    this.define(name, { dtype, dims: [...dims], value: smallValue(data) });
    return this;
  }

  /** Adds a node. `attrs` numbers become INT unless integral-looking floats are known (see FLOAT_ATTRS) or wrapped in `{ float }`. */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, AttrValue> = {},
    opts: { name?: string; domain?: string } = {}): this {
    const name = opts.name ?? `${opType}_${this.nodes.length}`;
    const domain = opts.domain ?? '';
    if (this.nodeNames.has(name)) throw new Error(`duplicate node name '${name}'`);
    const ins = inputs.map((i) => {
      if (i === '') return undefined;
      const v = this.values.get(i);
      if (!v) throw new Error(`${opType} '${name}': input '${i}' is not defined (add inputs, initializers and producing nodes first)`);
      return v;
    });
    const inferred = inferNode({ opType, name, domain, attrs, outputCount: outputs.length }, ins);
    outputs.forEach((o, k) => this.define(o, inferred[k] ?? {}));
    if (domain && !this.opsets.has(domain)) this.opsets.set(domain, DEFAULT_DOMAIN_VERSIONS[domain] ?? 1);
    this.nodeNames.add(name);
    this.nodes.push({ opType, name, domain, input: [...inputs], output: [...outputs],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return this;
  }

  /** Declares a graph output; dtype/dims default to the inferred ones, and given ones must agree with them. */
  output(name: string, dtype?: TensorDType, dims?: readonly Dim[]): this {
    const v = this.values.get(name);
    if (!v) throw new Error(`output '${name}' is not produced by any node`);
    if (dtype && v.dtype && dtype !== v.dtype) throw new Error(`output '${name}': declared ${dtype}, inferred ${v.dtype}`);
    if (dims && v.dims) {
      const clash = dims.length !== v.dims.length || dims.some((d, i) => typeof d === 'number' && typeof v.dims![i] === 'number' && d !== v.dims![i]);
      if (clash) throw new Error(`output '${name}': declared ${formatDims([...dims])}, inferred ${formatDims(v.dims)}`);
    }
    this.values.set(name, { ...v, dtype: dtype ?? v.dtype, dims: dims ? [...dims] : v.dims });
    this.outputs.push(name);
    return this;
  }

  /** Sets the version of an opset domain ('' = ai.onnx, 'ai.onnx.ml', 'com.microsoft'). */
  opset(domain: string, version: number): this {
    this.opsets.set(domain, version);
    return this;
  }

  /** Inferred dtype/dims of a value, for exporters that size later tensors from earlier ones. */
  info(name: string): ValueInfo | undefined {
    return this.values.get(name);
  }

  build(): onnxProto.onnx.ModelProto {
    if (this.outputs.length === 0) throw new Error('graph has no outputs');
    const opset = this.opsets.get('') ?? 17;
    return onnx.ModelProto.create({
      irVersion: irVersionFor(opset),
      producerName: this.opts.producer ?? 'workbench-graph-builder',
      docString: this.opts.docString ?? '',
      opsetImport: [...this.opsets].map(([domain, version]) => ({ domain, version })),
      graph: {
        name: this.opts.name ?? 'main',
        node: this.nodes,
        initializer: this.inits,
        input: this.inputs.map((n) => valueInfoProto(n, this.values.get(n)!)),
        output: this.outputs.map((n) => valueInfoProto(n, this.values.get(n)!)),
      },
    });
  }

  toBytes(): Uint8Array {
    return onnx.ModelProto.encode(this.build()).finish();
  }

  private define(name: string, info: ValueInfo): void {
    if (!name) throw new Error('empty value name');
    if (this.values.has(name)) throw new Error(`value '${name}' is defined twice (ONNX graphs are single-assignment)`);
    this.values.set(name, info);
  }
}
