// Which ONNX file of a model folder to load: the dtype variants by file name exactly as transformers.js names
// them (utils/dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING: model.onnx, model_fp16.onnx, model_quantized.onnx,
// model_q4.onnx, model_q4f16.onnx…), the default per backend (transformers.js selectDtype: q8 on wasm, fp32
// elsewhere), and the external-data side files (`<file>_data`, `<file>_data_1`…) the graph names.
import { DtypeVariantMissingError } from '../runtime/errors';

/** transformers.js DATA_TYPES that name a file (auto resolves to one of these). */
export const ONNX_DTYPE_SUFFIX = {
  fp32: '', fp16: '_fp16', int8: '_int8', uint8: '_uint8', q8: '_quantized', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4',
} as const;

export type OnnxDtype = keyof typeof ONNX_DTYPE_SUFFIX;
export type OnnxDtypeChoice = OnnxDtype | 'auto';

export const ONNX_DTYPES = Object.keys(ONNX_DTYPE_SUFFIX) as OnnxDtype[];

/** `onnx/model_q4.onnx` for ('q4'); the decoder file of a decoder-only export is `model`. */
export function onnxFileFor(dtype: OnnxDtype, base = 'model'): string {
  return `onnx/${base}${ONNX_DTYPE_SUFFIX[dtype]}.onnx`;
}

/** The dtypes whose file is in `files` (paths relative to the model folder), in ONNX_DTYPES order. */
export function availableDtypes(files: Iterable<string>, base = 'model'): OnnxDtype[] {
  const have = new Set(files);
  return ONNX_DTYPES.filter((d) => have.has(onnxFileFor(d, base)));
}

/**
 * transformers.js's default when no dtype is given: q8 on wasm, fp32 on every other device. When the default's
 * file is absent but others exist, this runtime falls back in a fixed order (documented, not silent: the
 * caller reports the dtype it loaded) — transformers.js would fail instead; an explicit dtype never falls back.
 */
export function defaultDtype(provider: 'wasm' | 'webgpu' | 'cpu'): OnnxDtype {
  return provider === 'wasm' ? 'q8' : 'fp32';
}

const AUTO_FALLBACK: readonly OnnxDtype[] = ['fp32', 'q8', 'q4', 'fp16', 'q4f16', 'int8', 'uint8', 'bnb4'];

/** The dtypes to try, in order, for a source that cannot be listed (a hub, a folder URL): a choice, or auto's order. */
export function dtypeCandidates(choice: OnnxDtypeChoice, provider: 'wasm' | 'webgpu' | 'cpu'): OnnxDtype[] {
  if (choice !== 'auto') return [choice];
  const first = defaultDtype(provider);
  return [first, ...AUTO_FALLBACK.filter((d) => d !== first)];
}

/** Resolves a dtype choice against the files present; throws DtypeVariantMissingError listing what is there. */
export function resolveDtype(model: string, choice: OnnxDtypeChoice, provider: 'wasm' | 'webgpu' | 'cpu', files: Iterable<string>): { dtype: OnnxDtype; file: string } {
  const available = availableDtypes(files);
  const wanted = choice === 'auto' ? defaultDtype(provider) : choice;
  if (available.includes(wanted)) return { dtype: wanted, file: onnxFileFor(wanted) };
  if (choice === 'auto') {
    const fallback = AUTO_FALLBACK.find((d) => available.includes(d));
    if (fallback) return { dtype: fallback, file: onnxFileFor(fallback) };
  }
  throw new DtypeVariantMissingError(model, wanted, onnxFileFor(wanted), available);
}

/**
 * External-data file names transformers.js would fetch for `n` chunks (`model_q4.onnx_data`, `…_data_1`), for
 * sources that cannot list a folder (a hub repo) and must guess before parsing; the graph's own `location`
 * entries (parseOnnxModel().externalDataFiles) are the authority once the .onnx is read.
 */
export function externalDataChunkNames(onnxFile: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${onnxFile}_data${i === 0 ? '' : `_${i}`}`);
}
