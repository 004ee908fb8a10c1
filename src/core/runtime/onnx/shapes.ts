// Shape and dtype inference for the ops our exporters emit, run as each node is added so a wrong export fails
// at build time with the node's name and the offending dims ("MatMul 'h0.attn.q': inner dims 64 vs 32") instead
// of an opaque ORT error at session creation. Symbolic dims (strings) are trusted; numeric ones are checked.
// Small constant int tensors are tracked (`value`) because Reshape/Slice/Unsqueeze/Split read their shapes.
import type { TensorDType } from '../tensor';
import { dtypeFromOnnx, FLOAT_TYPES, INDEX_TYPES } from './dtypes';

export type Dim = number | string;
export const UNKNOWN_DIM = '?';

export interface ValueInfo { dtype?: TensorDType; dims?: Dim[]; value?: number[] }

export type AttrValue = number | string | number[] | string[] | bigint[] | { float: number } | { floats: number[] } | { tensor: unknown };

export interface NodeView {
  opType: string;
  name: string;
  domain: string;
  attrs: Readonly<Record<string, AttrValue>>;
  outputCount: number;
}

/** The tensor payload of an initializer or Constant, as the builder holds it. */
export interface ConstTensor { dtype: TensorDType; dims: readonly number[]; data: Float32Array | BigInt64Array | Int32Array | Uint8Array | Float64Array }

/** Values of small constants (shapes, axes, split sizes) are tracked; big weights are not. */
export function smallValue(data: ConstTensor['data']): number[] | undefined {
  return data.length <= 64 ? Array.from(data as ArrayLike<number | bigint>, Number) : undefined;
}

type Rule = (n: NodeView, ins: (ValueInfo | undefined)[], fail: (msg: string) => never) => ValueInfo[];

const isNum = (d: Dim | undefined): d is number => typeof d === 'number';
const fmt = (dims: Dim[] | undefined) => (dims ? `[${dims.join(',')}]` : '[?]');

function intAttr(n: NodeView, key: string, dflt: number): number {
  const v = n.attrs[key];
  return typeof v === 'number' ? v : dflt;
}

function intsAttr(n: NodeView, key: string): number[] | undefined {
  const v = n.attrs[key];
  return Array.isArray(v) ? v.map(Number) : undefined;
}

function normAxis(axis: number, rank: number, fail: (m: string) => never): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

function broadcast(shapes: (Dim[] | undefined)[], fail: (m: string) => never): Dim[] | undefined {
  if (shapes.some((s) => !s)) return undefined;
  const all = shapes as Dim[][];
  const rank = Math.max(...all.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const ds = all.map((s) => s[s.length - rank + i]).filter((d): d is Dim => d !== undefined && d !== 1);
    const nums = [...new Set(ds.filter(isNum))];
    if (nums.length > 1) fail(`cannot broadcast ${all.map(fmt).join(' with ')}`);
    out.push(nums.length === 1 ? nums[0] : ds.length > 0 ? ds[0] : 1);
  }
  return out;
}

function sameDtype(ins: (ValueInfo | undefined)[], fail: (m: string) => never): TensorDType | undefined {
  const ts = [...new Set(ins.map((v) => v?.dtype).filter((t): t is TensorDType => t !== undefined))];
  if (ts.length > 1) fail(`input dtypes differ: ${ts.join(' vs ')}`);
  return ts[0];
}

const elementwise: Rule = (_n, ins, fail) => [{ dtype: sameDtype(ins, fail), dims: broadcast(ins.map((v) => v?.dims), fail) }];
const compare: Rule = (_n, ins, fail) => [{ dtype: (sameDtype(ins, fail), 'bool'), dims: broadcast(ins.map((v) => v?.dims), fail) }];
const unary: Rule = (_n, [x]) => [{ dtype: x?.dtype, dims: x?.dims }];
const floatUnary: Rule = (n, [x], fail) => {
  if (x?.dtype && !FLOAT_TYPES.has(x.dtype)) fail(`needs a float input, got ${x.dtype}`);
  return unary(n, [x], fail);
};

function product(dims: Dim[]): number | undefined {
  return dims.every(isNum) ? dims.reduce((a, b) => a * b, 1) : undefined;
}

const rules: Record<string, Rule> = {
  Add: elementwise, Sub: elementwise, Mul: elementwise, Div: elementwise, Pow: elementwise, Max: elementwise, Min: elementwise,
  Equal: compare, Less: compare, LessOrEqual: compare, Greater: compare, GreaterOrEqual: compare,
  And: (n, ins, fail) => {
    if (ins.some((v) => v?.dtype && v.dtype !== 'bool')) fail(`needs bool inputs, got ${ins.map((v) => v?.dtype).join(', ')}`);
    return compare(n, ins, fail);
  },
  Not: (_n, [x]) => [{ dtype: 'bool', dims: x?.dims }],
  Relu: floatUnary, Tanh: floatUnary, Sigmoid: floatUnary, Exp: floatUnary, Log: floatUnary, Sqrt: floatUnary, Erf: floatUnary,
  Neg: unary, Identity: (_n, [x]) => [{ ...x }],
  Where: (_n, [c, x, y], fail) => {
    if (c?.dtype && c.dtype !== 'bool') fail(`condition must be bool, got ${c.dtype}`);
    return [{ dtype: sameDtype([x, y], fail), dims: broadcast([c?.dims, x?.dims, y?.dims], fail) }];
  },
  MatMul: (_n, [a, b], fail) => {
    const dtype = sameDtype([a, b], fail);
    if (!a?.dims || !b?.dims) return [{ dtype }];
    if (a.dims.length === 0 || b.dims.length === 0) fail('scalar inputs are not allowed');
    const ad = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
    const bd = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
    const k1 = ad[ad.length - 1];
    const k2 = bd[bd.length - 2];
    if (isNum(k1) && isNum(k2) && k1 !== k2) fail(`inner dims ${k1} vs ${k2} (${fmt(a.dims)} × ${fmt(b.dims)})`);
    const batch = broadcast([ad.slice(0, -2), bd.slice(0, -2)], fail) ?? [];
    const dims = [...batch, ...(a.dims.length === 1 ? [] : [ad[ad.length - 2]]), ...(b.dims.length === 1 ? [] : [bd[bd.length - 1]])];
    return [{ dtype, dims }];
  },
  Gemm: (n, [a, b, c], fail) => {
    const dtype = sameDtype([a, b, c], fail);
    if (!a?.dims || !b?.dims) return [{ dtype }];
    if (a.dims.length !== 2 || b.dims.length !== 2) fail(`A and B must be 2-D, got ${fmt(a.dims)} and ${fmt(b.dims)}`);
    const [m, k1] = intAttr(n, 'transA', 0) ? [a.dims[1], a.dims[0]] : a.dims;
    const [k2, nn] = intAttr(n, 'transB', 0) ? [b.dims[1], b.dims[0]] : b.dims;
    if (isNum(k1) && isNum(k2) && k1 !== k2) fail(`inner dims ${k1} vs ${k2}`);
    if (c?.dims) broadcast([[m, nn], c.dims], fail);
    return [{ dtype, dims: [m, nn] }];
  },
  Softmax: (n, [x], fail) => {
    if (x?.dims) normAxis(intAttr(n, 'axis', -1), x.dims.length, fail);
    return floatUnary(n, [x], fail);
  },
  LayerNormalization: (n, [x, scale, bias], fail) => {
    const dtype = sameDtype([x, scale, bias], fail);
    if (x?.dims) {
      const axis = normAxis(intAttr(n, 'axis', -1), x.dims.length, fail);
      const norm = x.dims.slice(axis);
      for (const [what, p] of [['scale', scale], ['bias', bias]] as const) {
        if (p?.dims && norm.every(isNum) && p.dims.every(isNum) && fmt(p.dims) !== fmt(norm)) {
          fail(`${what} shape ${fmt(p.dims)} does not match normalised dims ${fmt(norm)}`);
        }
      }
    }
    return [{ dtype, dims: x?.dims }];
  },
  Cast: (n, [x]) => [{ dtype: dtypeFromOnnx(intAttr(n, 'to', 1)), dims: x?.dims, value: x?.value }],
  Shape: (n, [x]) => {
    if (!x?.dims) return [{ dtype: 'int64', dims: [UNKNOWN_DIM] }];
    const r = x.dims.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const dims = x.dims.slice(clamp(intAttr(n, 'start', 0)), clamp(intAttr(n, 'end', r)));
    return [{ dtype: 'int64', dims: [dims.length], value: dims.every(isNum) ? dims : undefined }];
  },
  Constant: (n) => {
    const t = (n.attrs.value as { tensor: ConstTensor } | undefined)?.tensor;
    return [{ dtype: t?.dtype, dims: t ? [...t.dims] : undefined, value: t ? smallValue(t.data) : undefined }];
  },
  Reshape: (n, [x, shape], fail) => {
    if (shape?.dtype && shape.dtype !== 'int64') fail(`shape must be int64, got ${shape.dtype}`);
    if (!shape?.value) return [{ dtype: x?.dtype, dims: shape?.dims && isNum(shape.dims[0]) ? Array<Dim>(shape.dims[0]).fill(UNKNOWN_DIM) : undefined }];
    const dims: Dim[] = shape.value.map((v, i) => (v === 0 && !intAttr(n, 'allowzero', 0) ? x?.dims?.[i] ?? UNKNOWN_DIM : v));
    const total = x?.dims ? product(x.dims) : undefined;
    const inferred = dims.indexOf(-1);
    if (inferred >= 0) {
      const rest = product(dims.filter((_, i) => i !== inferred));
      dims[inferred] = total !== undefined && rest !== undefined ? total / rest : UNKNOWN_DIM;
      if (isNum(dims[inferred]) && !Number.isInteger(dims[inferred])) fail(`cannot reshape ${fmt(x?.dims)} to ${fmt(shape.value)}`);
    } else if (total !== undefined && product(dims) !== undefined && product(dims) !== total) {
      fail(`cannot reshape ${fmt(x?.dims)} (${total} elements) to ${fmt(dims)}`);
    }
    return [{ dtype: x?.dtype, dims }];
  },
  Transpose: (n, [x], fail) => {
    if (!x?.dims) return [{ dtype: x?.dtype }];
    const r = x.dims.length;
    const perm = intsAttr(n, 'perm') ?? [...Array(r).keys()].reverse();
    if (perm.length !== r || [...perm].sort().some((p, i) => p !== i)) fail(`perm ${fmt(perm)} is not a permutation of rank ${r}`);
    return [{ dtype: x.dtype, dims: perm.map((p) => x.dims![p]) }];
  },
  Concat: (n, ins, fail) => {
    const dtype = sameDtype(ins, fail);
    if (ins.some((v) => !v?.dims)) return [{ dtype }];
    const shapes = ins.map((v) => v!.dims!);
    const r = shapes[0].length;
    if (shapes.some((s) => s.length !== r)) fail(`ranks differ: ${shapes.map(fmt).join(', ')}`);
    const axis = normAxis(intAttr(n, 'axis', 0), r, fail);
    const dims = shapes[0].map((d, i) => {
      if (i === axis) { const along = shapes.map((s) => s[i]); return along.every(isNum) ? along.reduce((a, b) => a + b, 0) : UNKNOWN_DIM; }
      const nums = new Set(shapes.map((s) => s[i]).filter(isNum));
      if (nums.size > 1) fail(`dim ${i} differs: ${shapes.map(fmt).join(', ')}`);
      return d;
    });
    const value = ins.every((v) => v?.value) && r === 1 ? ins.flatMap((v) => v!.value!) : undefined;
    return [{ dtype, dims, value }];
  },
  Gather: (n, [data, idx], fail) => {
    if (idx?.dtype && !INDEX_TYPES.has(idx.dtype)) fail(`indices must be int32/int64, got ${idx.dtype}`);
    if (!data?.dims || !idx?.dims) return [{ dtype: data?.dtype }];
    const axis = normAxis(intAttr(n, 'axis', 0), data.dims.length, fail);
    const dims = [...data.dims.slice(0, axis), ...idx.dims, ...data.dims.slice(axis + 1)];
    const value = data.value && idx.value && data.dims.length === 1 ? idx.value.map((i) => data.value![i < 0 ? i + data.value!.length : i]) : undefined;
    return [{ dtype: data.dtype, dims, value }];
  },
  Unsqueeze: (n, [x, axesIn], fail) => {
    const axes = axesIn?.value ?? intsAttr(n, 'axes');
    if (!axes || !x?.dims) return [{ dtype: x?.dtype }];
    const r = x.dims.length + axes.length;
    const norm = axes.map((a) => normAxis(a, r, fail));
    const rest = [...x.dims];
    const dims = [...Array(r).keys()].map((i) => (norm.includes(i) ? 1 : rest.shift()!));
    return [{ dtype: x.dtype, dims, value: x.value }];
  },
  Squeeze: (n, [x, axesIn], fail) => {
    const axes = axesIn?.value ?? intsAttr(n, 'axes');
    if (!axes || !x?.dims) return [{ dtype: x?.dtype }];
    const norm = axes.map((a) => normAxis(a, x.dims!.length, fail));
    for (const a of norm) if (isNum(x.dims[a]) && x.dims[a] !== 1) fail(`cannot squeeze axis ${a} of ${fmt(x.dims)}`);
    return [{ dtype: x.dtype, dims: x.dims.filter((_, i) => !norm.includes(i)), value: x.value }];
  },
  Split: (n, [x, splitIn], fail) => {
    if (!x?.dims) return Array.from({ length: n.outputCount }, () => ({ dtype: x?.dtype }));
    const axis = normAxis(intAttr(n, 'axis', 0), x.dims.length, fail);
    const d = x.dims[axis];
    let sizes = splitIn?.value ?? intsAttr(n, 'split');
    if (!sizes && isNum(d)) {
      if (d % n.outputCount !== 0) fail(`dim ${d} does not split into ${n.outputCount} equal parts`);
      sizes = Array<number>(n.outputCount).fill(d / n.outputCount);
    }
    if (sizes && sizes.length !== n.outputCount) fail(`${sizes.length} split sizes for ${n.outputCount} outputs`);
    if (sizes && isNum(d) && sizes.reduce((a, b) => a + b, 0) !== d) fail(`split sizes ${fmt(sizes)} do not sum to dim ${d}`);
    return Array.from({ length: n.outputCount }, (_, i) => ({ dtype: x.dtype, dims: x.dims!.map((v, j) => (j === axis ? sizes?.[i] ?? UNKNOWN_DIM : v)) }));
  },
  Slice: (_n, [x, starts, ends, axesIn, steps], fail) => {
    if (!x?.dims) return [{ dtype: x?.dtype }];
    const r = x.dims.length;
    const dims = [...x.dims];
    if (!starts?.value || !ends?.value || (axesIn && !axesIn.value) || (steps && !steps.value)) {
      const axes = axesIn?.value ?? [...Array(r).keys()];
      for (const a of axes) dims[normAxis(a, r, fail)] = UNKNOWN_DIM;
      return [{ dtype: x.dtype, dims }];
    }
    const axes = axesIn?.value ?? starts.value.map((_, i) => i);
    axes.forEach((a0, i) => {
      const a = normAxis(a0, r, fail);
      const d = x.dims![a];
      const step = steps?.value?.[i] ?? 1;
      if (step === 0) fail('step 0');
      if (!isNum(d)) { dims[a] = UNKNOWN_DIM; return; }
      const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
      const s = step > 0 ? clamp(starts.value![i], 0, d) : clamp(starts.value![i], -1, d - 1);
      const e = step > 0 ? clamp(ends.value![i], 0, d) : clamp(ends.value![i], -1, d - 1);
      dims[a] = Math.max(0, Math.ceil((e - s) / step));
    });
    return [{ dtype: x.dtype, dims }];
  },
  Range: (_n, [start, limit, delta], fail) => {
    const dtype = sameDtype([start, limit, delta], fail);
    for (const v of [start, limit, delta]) if (v?.dims && v.dims.length !== 0) fail(`inputs must be scalars, got ${fmt(v.dims)}`);
    const [s, l, d] = [start?.value?.[0], limit?.value?.[0], delta?.value?.[0]];
    const len = s !== undefined && l !== undefined && d !== undefined ? Math.max(Math.ceil((l - s) / d), 0) : UNKNOWN_DIM;
    return [{ dtype, dims: [len] }];
  },
  ReduceMean: reduce, ReduceSum: reduce, ReduceMax: reduce,
  'ai.onnx.ml:TreeEnsembleClassifier': (n, [x], fail) => {
    if (x?.dims && x.dims.length !== 2) fail(`X must be 2-D [N, features], got ${fmt(x.dims)}`);
    const labels = n.attrs.classlabels_int64s ?? n.attrs.classlabels_strings;
    const k = Array.isArray(labels) ? labels.length : UNKNOWN_DIM;
    const labelType: TensorDType = n.attrs.classlabels_strings ? 'string' : 'int64';
    return [{ dtype: labelType, dims: [x?.dims?.[0] ?? UNKNOWN_DIM] }, { dtype: 'float32', dims: [x?.dims?.[0] ?? UNKNOWN_DIM, k] }];
  },
  'ai.onnx.ml:LinearClassifier': (n, [x]) => {
    const labels = n.attrs.classlabels_ints ?? n.attrs.classlabels_strings;
    const k = Array.isArray(labels) ? labels.length : UNKNOWN_DIM;
    return [{ dtype: n.attrs.classlabels_strings ? 'string' : 'int64', dims: [x?.dims?.[0] ?? UNKNOWN_DIM] }, { dtype: 'float32', dims: [x?.dims?.[0] ?? UNKNOWN_DIM, k] }];
  },
};

function reduce(n: NodeView, [x, axesIn]: (ValueInfo | undefined)[], fail: (m: string) => never): ValueInfo[] {
  if (!x?.dims) return [{ dtype: x?.dtype }];
  const r = x.dims.length;
  const given = axesIn?.value ?? intsAttr(n, 'axes');
  if (axesIn && !axesIn.value) return [{ dtype: x.dtype }];
  const axes = (given && given.length > 0 ? given : intAttr(n, 'noop_with_empty_axes', 0) ? [] : [...Array(r).keys()]).map((a) => normAxis(a, r, fail));
  const keep = intAttr(n, 'keepdims', 1) === 1;
  const dims = x.dims.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]));
  return [{ dtype: x.dtype, dims }];
}

/** Infers the outputs of one node; ops without a rule get unknown outputs (checked by ORT later). */
export function inferNode(n: NodeView, ins: (ValueInfo | undefined)[]): ValueInfo[] {
  const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}:${n.opType}` : n.opType;
  const rule = rules[key];
  if (!rule) return Array.from({ length: n.outputCount }, () => ({}));
  const fail = (msg: string): never => { throw new Error(`${n.opType} '${n.name}': ${msg}`); };
  return rule(n, ins, fail);
}

export function formatDims(dims: Dim[] | undefined): string {
  return fmt(dims);
}
