// ONNX TensorProto.DataType codes ↔ the runtime's dtype names (the strings onnxruntime uses).
import type { TensorDType } from '../tensor';

const codes: Record<TensorDType, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9, float16: 10,
  float64: 11, uint32: 12, uint64: 13,
};

const names = new Map<number, TensorDType>(Object.entries(codes).map(([k, v]) => [v, k as TensorDType]));

export function onnxDataType(dtype: TensorDType): number {
  return codes[dtype];
}

export function dtypeFromOnnx(code: number): TensorDType | undefined {
  return names.get(code);
}

export const FLOAT_TYPES: ReadonlySet<TensorDType> = new Set(['float32', 'float16', 'float64']);
export const INDEX_TYPES: ReadonlySet<TensorDType> = new Set(['int32', 'int64']);
