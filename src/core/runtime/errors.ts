// Named runtime errors (CONVENTIONS #6): every failure the user can meet while loading or running a model has a
// class with a stable `code` (for tests, e2e and the UI) and a `remedy` saying what to do next. They cross the
// worker boundary through `serializeRuntimeError` / `reviveRuntimeError` because structured clone drops fields.

export type RuntimeErrorCode =
  | 'WEBGPU_UNAVAILABLE' | 'DEVICE_LOST' | 'OUT_OF_MEMORY' | 'MODEL_NOT_FOUND' | 'FETCH_FAILED' | 'CORRUPT_MODEL'
  | 'UNSUPPORTED_MODEL' | 'INPUT_MISMATCH' | 'CHECKSUM_MISMATCH' | 'CANCELLED' | 'ENGINE_BUSY' | 'REMOTE_DISABLED' | 'RUN_FAILED'
  | 'GRAPH_CONFIG_MISMATCH' | 'DTYPE_VARIANT_MISSING' | 'CHAT_TEMPLATE' | 'VOCAB_MISMATCH' | 'MODEL_TOO_LARGE'
  | 'EXTERNAL_DATA_MISSING'
  // config.json errors, classes in lm/families.ts (next to the family table they name)
  | 'UNSUPPORTED_FAMILY' | 'UNSUPPORTED_FEATURE' | 'MALFORMED_CONFIG';

export abstract class RuntimeError extends Error {
  abstract readonly code: RuntimeErrorCode;
  readonly remedy: string;

  constructor(message: string, remedy: string, options?: { cause?: unknown }) {
    super(message, options);
    this.remedy = remedy;
  }
}

export class WebGpuUnavailableError extends RuntimeError {
  // Explicit, because bundlers minify class names.
  override readonly name = 'WebGpuUnavailableError';
  readonly code = 'WEBGPU_UNAVAILABLE';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`WebGPU is unavailable: ${reason}`,
      'The WASM backend is used instead. For WebGPU use a recent Chrome/Edge on a secure origin (headless: --enable-unsafe-webgpu).', options);
  }
}

export class DeviceLostError extends RuntimeError {
  override readonly name = 'DeviceLostError';
  readonly code = 'DEVICE_LOST';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`The GPU device was lost: ${detail}`,
      'The run was repeated on WASM. Close other GPU-heavy tabs or reload the page to get WebGPU back.', options);
  }
}

export class OutOfMemoryError extends RuntimeError {
  override readonly name = 'OutOfMemoryError';
  readonly code = 'OUT_OF_MEMORY';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`Out of memory: ${detail}`,
      'Use a smaller model, batch or context length, or unload other models; WASM has a 4 GiB address space.', options);
  }
}

export class ModelNotFoundError extends RuntimeError {
  override readonly name = 'ModelNotFoundError';
  readonly code = 'MODEL_NOT_FOUND';
  readonly url: string;
  constructor(url: string, detail: string, options?: { cause?: unknown }) {
    super(`Model file not found: ${url} (${detail})`,
      'Check the model id and models/manifest.json; run `npm run forge` to regenerate embedded models.', options);
    this.url = url;
  }
}

export class ModelFetchError extends RuntimeError {
  override readonly name = 'ModelFetchError';
  readonly code = 'FETCH_FAILED';
  constructor(url: string, detail: string, options?: { cause?: unknown }) {
    super(`Could not fetch ${url}: ${detail}`, 'Check that the dev server is running and retry.', options);
  }
}

export class CorruptModelError extends RuntimeError {
  override readonly name = 'CorruptModelError';
  readonly code = 'CORRUPT_MODEL';
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(`Corrupt model file ${file}: ${detail}`,
      'Re-download or re-export the file; delete it from the model cache if it came from there.', options);
  }
}

export class UnsupportedModelError extends RuntimeError {
  override readonly name = 'UnsupportedModelError';
  readonly code = 'UNSUPPORTED_MODEL';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`Unsupported model: ${detail}`,
      'Export with a standard opset (≤ 21) and the ai.onnx / ai.onnx.ml domains, without ZipMap outputs.', options);
  }
}

export class InputMismatchError extends RuntimeError {
  override readonly name = 'InputMismatchError';
  readonly code = 'INPUT_MISMATCH';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Inputs do not match the model: ${problems.join('; ')}`,
      'Feed every model input with the dtype and shape shown in the model inputs panel.');
    this.problems = problems;
  }
}

export class ChecksumMismatchError extends RuntimeError {
  override readonly name = 'ChecksumMismatchError';
  readonly code = 'CHECKSUM_MISMATCH';
  constructor(file: string, expected: string, actual: string) {
    super(`Checksum mismatch for ${file}: expected sha256 ${expected}, got ${actual}`,
      'The file changed since the manifest was written: re-run the forge, or clear the cache and reload.');
  }
}

export class CancelledError extends RuntimeError {
  override readonly name = 'CancelledError';
  readonly code = 'CANCELLED';
  constructor(what = 'The operation') {
    super(`${what} was cancelled`, 'Start it again when ready.');
  }
}

export class EngineBusyError extends RuntimeError {
  override readonly name = 'EngineBusyError';
  readonly code = 'ENGINE_BUSY';
  constructor(running: string) {
    super(`The engine is busy with "${running}"`, 'Wait for it to finish or cancel it first.');
  }
}

/** The checkbox that allows hub downloads (Models page, ALIGNBEAM pair card); the offline error names it and where it is. */
export const ALLOW_REMOTE_LABEL = 'allow remote downloads';

export class RemoteDisabledError extends RuntimeError {
  override readonly name = 'RemoteDisabledError';
  readonly code = 'REMOTE_DISABLED';
  constructor(modelId: string) {
    super(`Offline: hub model ${modelId} cannot be fetched because remote models are disabled`,
      `Use an embedded model, load a local file, or tick "${ALLOW_REMOTE_LABEL}" where you load it: the Models page (Other models) or the ALIGNBEAM pair card.`);
  }
}

/** A causal-LM graph whose inputs/outputs disagree with its config.json (layers, KV heads, head size, names). */
export class GraphConfigMismatchError extends RuntimeError {
  override readonly name = 'GraphConfigMismatchError';
  readonly code = 'GRAPH_CONFIG_MISMATCH';
  readonly problems: readonly string[];
  constructor(model: string, problems: readonly string[]) {
    super(`${model}: the ONNX graph does not match config.json: ${problems.join('; ')}`,
      'Use the config.json that was exported with this ONNX file (same model and revision), or re-export the model with optimum / the onnx-community recipe.');
    this.problems = problems;
  }
}

/**
 * An .onnx file whose initializers live in side files (ONNX external data: `model.onnx_data`, `…_data_1`) was
 * given without one of them: a missing download or file, not an unsupported model.
 */
export class ExternalDataMissingError extends RuntimeError {
  override readonly name = 'ExternalDataMissingError';
  readonly code = 'EXTERNAL_DATA_MISSING';
  readonly files: readonly string[];
  constructor(model: string, files: readonly string[], detail = 'not supplied', options?: { cause?: unknown }) {
    super(`${model}: its weights are in external data ${files.length > 1 ? 'files' : 'file'} ${files.join(', ')} (${detail})`,
      `Put ${files.join(', ')} next to the .onnx file (same folder, the names the graph gives), or re-export the model with its weights inside the .onnx.`, options);
    this.files = files;
  }
}

/** The requested dtype's ONNX file (transformers.js names: model.onnx, model_fp16.onnx, model_q4.onnx…) is absent. */
export class DtypeVariantMissingError extends RuntimeError {
  override readonly name = 'DtypeVariantMissingError';
  readonly code = 'DTYPE_VARIANT_MISSING';
  readonly available: readonly string[];
  constructor(model: string, dtype: string, file: string, available: readonly string[]) {
    super(`${model}: no ${dtype} variant (${file} is missing); available: ${available.length > 0 ? available.join(', ') : 'none'}`,
      available.length > 0 ? `Pick one of the available dtypes (${available.join(', ')}).` : 'The folder has no onnx/model*.onnx file: export the model to ONNX first.');
    this.available = available;
  }
}

/** A chat prompt was requested but the tokenizer has no chat template, or it does not parse/render. */
export class ChatTemplateError extends RuntimeError {
  override readonly name = 'ChatTemplateError';
  readonly code = 'CHAT_TEMPLATE';
  constructor(model: string, detail: string, options?: { cause?: unknown }) {
    super(`${model}: ${detail}`,
      'Add the model\'s chat template ("chat_template" in tokenizer_config.json or a chat_template.jinja file, as in the original repo), or use a plain-text prompt.', options);
  }
}

/** The tokenizer can produce ids the model's embedding/head has no row for. */
export class VocabularyMismatchError extends RuntimeError {
  override readonly name = 'VocabularyMismatchError';
  readonly code = 'VOCAB_MISMATCH';
  constructor(model: string, tokenizerSize: number, headSize: number) {
    super(`${model}: the tokenizer has ${tokenizerSize} tokens but the model's head has ${headSize} rows (text tokens past the head)`,
      'Use the tokenizer files from the same model repo and revision as the ONNX export (a head may be wider than the tokenizer, never narrower).');
  }
}

/** 1.50 GiB / 4.7 MiB / 512 B: sizes in messages. */
export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(2)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  return b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`;
}

/** A model whose weights plus a minimal KV cache exceed what this runtime allows in one tab/process. */
export class ModelTooLargeError extends RuntimeError {
  override readonly name = 'ModelTooLargeError';
  readonly code = 'MODEL_TOO_LARGE';
  constructor(model: string, needBytes: number, limitBytes: number, detail: string) {
    super(`${model}: needs about ${formatBytes(needBytes)} (${detail}), over the ${formatBytes(limitBytes)} this runtime allows`,
      'Pick a smaller dtype variant (q4 or q4f16), a smaller model of the same family, or run it in the Node sidecar.');
  }
}

/** An ORT failure that matches no known pattern: the original message is kept verbatim. */
export class RunFailedError extends RuntimeError {
  override readonly name = 'RunFailedError';
  readonly code = 'RUN_FAILED';
  constructor(provider: string, detail: string, options?: { cause?: unknown }) {
    super(`onnxruntime failed on ${provider}: ${detail}`,
      'Check the inputs against the model; if the model is your own export, validate it with the model inspector.', options);
  }
}

export function isRuntimeError(e: unknown): e is RuntimeError {
  return e instanceof RuntimeError;
}

/** Plain-object form for postMessage; `reviveRuntimeError` turns it back into the right class. */
export interface SerializedRuntimeError { name: string; code: RuntimeErrorCode; message: string; remedy: string; problems?: string[] }

export function serializeRuntimeError(e: RuntimeError): SerializedRuntimeError {
  return { name: e.name, code: e.code, message: e.message, remedy: e.remedy,
    ...(e instanceof InputMismatchError ? { problems: [...e.problems] } : {}) };
}

/** Rebuilds an error on the receiving side with the same class name, code, message and remedy. */
export function reviveRuntimeError(s: SerializedRuntimeError): RuntimeError {
  class Revived extends RuntimeError {
    readonly code = s.code;
  }
  const e = new Revived(s.message, s.remedy);
  e.name = s.name;
  if (s.problems) Object.assign(e, { problems: s.problems });
  return e;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Maps an onnxruntime failure to a named error. ORT reports everything as plain Errors, so this matches the
 * message texts seen from onnxruntime-node and -web (protobuf parse, missing kernel, allocation, device loss).
 */
export function classifyOrtError(e: unknown, context: { provider: string; file?: string }): RuntimeError {
  if (e instanceof RuntimeError) return e;
  const msg = messageOf(e);
  const file = context.file ?? 'model.onnx';
  if (/device (was )?lost|GPUDevice.*(destroyed|lost)|DXGI_ERROR_DEVICE|context lost/i.test(msg)) {
    return new DeviceLostError(msg, { cause: e });
  }
  if (/out of memory|\bOOM\b|bad_alloc|Failed to allocate|allocation failed|Cannot enlarge memory|memory access out of bounds/i.test(msg)) {
    return new OutOfMemoryError(`${context.provider}: ${msg}`, { cause: e });
  }
  if (/Protobuf parsing failed|INVALID_PROTOBUF|failed to load model|Load model .* failed|This is an invalid model|INVALID_GRAPH/i.test(msg)
    && !/No Op registered for/.test(msg)) {
    return new CorruptModelError(file, msg, { cause: e });
  }
  if (/No Op registered for|NOT_IMPLEMENTED|Could not find an implementation|opset .*not supported|Unsupported (model IR|opset)|is not a registered function\/op/i.test(msg)) {
    return new UnsupportedModelError(msg, { cause: e });
  }
  if (context.provider === 'webgpu' && /webgpu|GPU/i.test(msg)) return new WebGpuUnavailableError(msg, { cause: e });
  return new RunFailedError(context.provider, msg, { cause: e });
}
